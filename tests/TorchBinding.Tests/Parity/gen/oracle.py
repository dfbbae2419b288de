"""Parity oracle: python3 oracle.py CASE in.safetensors out.safetensors

Loads the C# test's inputs, runs CASE.run(inputs) (CASE is a module beside this file) with
PyTorch from /usr/bin/python3, and writes the outputs for the C# side to compare.
Runs single-threaded so that results do not depend on thread scheduling."""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

import st  # noqa: E402

torch.set_num_threads(1)
case, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
inputs = st.load(src)
outputs = importlib.import_module(case).run(inputs)
st.save({k: v for k, v in outputs.items()}, dst)
