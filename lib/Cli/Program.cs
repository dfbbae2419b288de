using Cli.Commands;

// `lab <command> [args]`: each command is a thin class in Commands/.
return args.Length == 0 ? Usage() : Run(args[0], args[1..]);

static int Run(string command, string[] rest)
{
    try
    {
        return command switch
        {
            "info" => InfoCommand.Run(rest),
            "bench" => BenchCommand.Run(rest),
            "demo" => DemoCommand.Run(rest),
            "data" => DataCommand.Run(rest),
            "train" => TrainCommand.Run(rest),
            "eval" => EvalCommand.Run(rest),
            "predict" => PredictCommand.Run(rest),
            "word2vec" => Word2VecCommand.Run(rest),
            "pretrain" => PretrainCommand.Run(rest),
            "run" => RunNotebookCommand.Run(rest),
            _ => Usage($"unknown command '{command}'"),
        };
    }
    catch (Exception ex) when (ex is ArgumentException or InvalidDataException or FormatException or FileNotFoundException or DirectoryNotFoundException or TorchBinding.TorchException)
    {
        Console.Error.WriteLine($"lab {command}: {ex.Message}");
        return 2;
    }
}

static int Usage(string? error = null)
{
    if (error is not null) Console.Error.WriteLine(error);
    Console.Error.WriteLine("""
        usage: ./lab <command>
          setup              install what is missing and build
          test               setup + the whole test suite
          demo               setup + the quickstart notebook (a short BiLSTM-CRF run on the bundled sample) through the kernel
          data stats PATH    statistics table of a corpus (CoNLL, K-BERT TSV, CCKS2017, JSON lines)
          train ...          train a BiLSTM-CRF-family tagger (lab train --help)
          eval ...           per-type table of a checkpoint on data
          predict ...        entities of raw text as JSON lines
          word2vec ...       character vectors from unlabeled text (word2vec text format)
          pretrain ...       MLM + NSP pretraining of a BERT on unlabeled text (Hugging Face-layout checkpoints)
          run NB.ipynb ...   execute a notebook through the .NET Interactive kernel (-p name=value, -o OUT.ipynb, --timeout S)
          info               libtorch, BLAS, threads and devices as one JSON object
          bench ops          dispatch overhead and kernels vs PyTorch (one JSON line)
          bench threads      the thread configurations measured (how the default was chosen)
          bench bilstm-crf   BiLSTM-CRF training chars/s and decoding sentences/s vs a PyTorch reference
          bench bert         BERT token-classifier training tokens/s vs a PyTorch reference, and the share of matmul peak
        """);
    return error is null ? 0 : 2;
}
