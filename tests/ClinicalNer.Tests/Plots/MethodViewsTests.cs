using ClinicalNer.Display;
using ClinicalNer.Models.Bert;

namespace ClinicalNer.Tests;

/// <summary>The tables that show a paper's mechanism on one example say what the model reads.</summary>
public class MethodViewsTests
{
    private static readonly WordPieceTokenizer Tokenizer = new(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "肺", "炎", "疾", "病", "咳", "嗽"]);

    [Fact]
    public void A_pretraining_instance_shows_its_segments_and_what_each_masked_token_must_be()
    {
        var data = PretrainingData.FromTexts(["肺炎咳嗽。咳嗽肺炎。", "疾病肺炎。咳嗽。"], Tokenizer, new PretrainingOptions(MaxLength: 16, MaxPredictions: 3));
        var instance = data.InstancesOf(0, new Random(3)).First();
        var table = instance.InstanceTable(Tokenizer);
        Assert.Equal(instance.Tokens.Length, table.Rows.Count);
        for (int k = 0; k < instance.Tokens.Length; k++)
        {
            Assert.Equal(Tokenizer[instance.Tokens[k]], table["Reads"][k]);
            Assert.Equal(instance.Segments[k] == 0 ? "A" : "B", table["Segment"][k]);
            int at = Array.IndexOf(instance.MaskedPositions, k);
            Assert.Equal(at >= 0 ? Tokenizer[instance.MaskedLabels[at]] : "", table["Predicts"][k]);
        }
        Assert.NotEmpty(instance.MaskedPositions);
    }

    [Fact]
    public void A_sentence_tree_shows_soft_positions_and_which_tokens_a_branch_injected()
    {
        // [CLS] 肺 炎 (疾 病) 咳 嗽 [SEP]: the branch continues from 炎's position, the sentence goes on as if it were absent.
        int[] ids = [2, 5, 6, 7, 8, 9, 10, 3];
        var sequence = new InjectedSequence(ids, [0, 1, 2, 3, 4, 3, 4, 5], null, [0, 1, 2, 5, 6, 7], [new Branch("肺炎", "疾病", 0, 1, 3, 2, 0, 2)]);
        var table = sequence.TokenTable(Tokenizer);
        Assert.Equal(["[CLS]", "肺", "炎", "疾", "病", "咳", "嗽", "[SEP]"], table["Token"].Cast<string>());
        Assert.Equal([0, 1, 2, 3, 4, 3, 4, 5], table["SoftPosition"].Cast<object>().Select(Convert.ToInt32));
        Assert.Equal(["sentence", "sentence", "sentence", "branch of 肺炎: 疾病", "branch of 肺炎: 疾病", "sentence", "sentence", "sentence"],
            table["Part"].Cast<string>());
    }
}
