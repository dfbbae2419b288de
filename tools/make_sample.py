"""Writes data/sample/{train,dev,test}.txt: the project's own small clinical-looking NER sample.

Sentences are composed from templates and term lists written for this project (no corpus text),
tagged char-per-line BIO with the five CCKS2017 types: BODY SIGNS CHECK DISEASE TREATMENT.
Deterministic: `python3 tools/make_sample.py` always writes the same files."""
import os
import random

TERMS = {
    "BODY": ["头部", "胸部", "腹部", "双肺", "心脏", "肝脏", "左下肢", "右上肢", "腰椎", "颈部", "双下肢", "右膝关节", "左肾", "胃", "咽部", "上腹部"],
    "SIGNS": ["疼痛", "压痛", "咳嗽", "发热", "水肿", "乏力", "恶心", "呕吐", "头晕", "胸闷", "气促", "红肿", "麻木", "反跳痛"],
    "CHECK": ["血常规", "心电图", "胸部CT", "腹部B超", "尿常规", "肝功能", "血压", "体温", "核磁共振", "血糖", "肾功能"],
    "DISEASE": ["高血压", "糖尿病", "肺炎", "冠心病", "胃炎", "骨折", "脑梗死", "慢性支气管炎", "肾结石", "贫血", "胆囊炎"],
    "TREATMENT": ["抗感染", "手术", "输液", "降压治疗", "理疗", "胰岛素", "阿司匹林", "静脉滴注", "针灸", "吸氧", "头孢他啶"],
}
TEMPLATES = [
    "患者{n}天前无明显诱因出现{BODY}{SIGNS}，伴{SIGNS}。",
    "查体：{BODY}{SIGNS}，{BODY}无{SIGNS}。",
    "{CHECK}示{DISEASE}，予{TREATMENT}治疗。",
    "既往有{DISEASE}病史{n}年，长期口服{TREATMENT}。",
    "入院后完善{CHECK}、{CHECK}，诊断为{DISEASE}。",
    "行{TREATMENT}后{BODY}{SIGNS}明显缓解。",
    "{CHECK}：{n}mmol/L，{BODY}未见异常。",
    "今日患者诉{BODY}{SIGNS}{n}次，继续{TREATMENT}。",
    "否认{DISEASE}、{DISEASE}病史。",
]


HELD_OUT = 3  # the last terms of each list appear only in dev/test, so the sample tests generalisation


def sentence(rng, training):
    template = rng.choice(TEMPLATES)
    chars, tags = [], []
    i = 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            slot = template[i + 1:j]
            if slot == "n":
                text, kind = str(rng.randint(1, 30)), None
            else:
                terms = TERMS[slot][:-HELD_OUT] if training else TERMS[slot]
                text, kind = rng.choice(terms), slot
            for k, ch in enumerate(text):
                chars.append(ch)
                tags.append("O" if kind is None else ("B-" if k == 0 else "I-") + kind)
            i = j + 1
        else:
            chars.append(template[i])
            tags.append("O")
            i += 1
    return chars, tags


def main():
    rng = random.Random(20261122)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sample")
    os.makedirs(out, exist_ok=True)
    for split, count in (("train", 400), ("dev", 80), ("test", 80)):
        with open(os.path.join(out, split + ".txt"), "w", encoding="utf-8", newline="\n") as f:
            for _ in range(count):
                chars, tags = sentence(rng, training=split == "train")
                f.writelines(f"{c} {t}\n" for c, t in zip(chars, tags))
                f.write("\n")


if __name__ == "__main__":
    main()
