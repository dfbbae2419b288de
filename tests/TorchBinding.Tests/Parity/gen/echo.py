"""For SafetensorsTests: reads our file with an independent reader and writes one back."""


def run(i):
    return {"a_twice": i["a"] * 2, "b": i["b"]}
