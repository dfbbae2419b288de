#!/usr/bin/env bash
# The GPU check in one go (issue: train on a GPU). Runs where there is no .NET SDK and no network: it takes the
# self-contained `lab`, the .NET runtime and the binding's tests that gpu/prepare.sh packed into .gpu/, builds the native
# shim against the python3 PyTorch found here (CPU or CUDA, without the CUDA toolkit), and checks, on DEVICE (default:
# cuda when PyTorch sees a GPU, else cpu, so that the same script runs on a developer's machine):
#   0. the binding's parity tests (ops, layers and losses, LSTM/GRU, masked attention, forward and backward) computed
#      on DEVICE against PyTorch on the CPU (TS_TEST_DEVICE); its torch.distributed tests (gloo, a Python rank beside ours);
#   1. lab info: libtorch, CUDA runtime, cuDNN, the GPUs;
#   2. a BiLSTM-CRF and a BERT tagger trained a few hundred steps on the bundled sample on DEVICE and on the CPU, with the
#      same seeds: their test F1 side by side (kernels differ between devices, so the F1s agree within a tolerance, not
#      to the digit); and the BiLSTM-CRF with 2 data-parallel ranks on the CPU (lab train --nproc 2);
#   3. lab bench bert on DEVICE against PyTorch on the same device: BERT-base, batch 32 x 128, fp32 and bf16 (on a CPU
#      run, BERT-small and fp32 only, to stay short).
# Everything goes to $OUT/gpu-check.json (one object per step) and $OUT/gpu-check.log.
#   on the GPU machine:  bash gpu/check.sh            (carry .gpu)
#   here, CPU only:      gpu/prepare.sh && OUT=/tmp/gpu-out bash gpu/check.sh
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/gpu-out}"
mkdir -p "$OUT"
REPORT="$OUT/gpu-check.json"
LOG="$OUT/gpu-check.log"
: > "$LOG"
echo "[" > "$REPORT"
first=1
say() { printf '[gpu-check] %s\n' "$*" | tee -a "$LOG" >&2; }
# record STEP JSON: one element of the report array.
record() {
  [ $first -eq 1 ] || echo "," >> "$REPORT"
  first=0
  printf '{"step": "%s", "result": %s}\n' "$1" "$2" >> "$REPORT"
}
finish() { echo "]" >> "$REPORT"; say "report: $REPORT"; }
trap finish EXIT

WORK="${TMPDIR:-/tmp}/gpu-check"
rm -rf "$WORK" && mkdir -p "$WORK"
for part in lab dotnet tests; do
  [ -f "$ROOT/.gpu/$part.tar.xz" ] || { say "no .gpu/$part.tar.xz: run gpu/prepare.sh on a machine with the .NET SDK first, and carry .gpu"; record bundle '"missing"'; exit 1; }
  tar -C "$WORK" -xJf "$ROOT/.gpu/$part.tar.xz"
done
BUNDLE="$WORK/lab"
PYTHON="${PYTHON:-python3}"
export LAB_PYTHON="$(command -v "$PYTHON")"

# 0. The PyTorch here, and the shim built against it.
read -r TORCH_ROOT ABI TORCH_VERSION TORCH_CUDA HAS_GPU < <("$PYTHON" - <<'PY'
import os, torch
print(os.path.dirname(torch.__file__), int(torch._C._GLIBCXX_USE_CXX11_ABI), torch.__version__, torch.version.cuda or "none", int(torch.cuda.is_available()))
PY
) || { say "$PYTHON cannot import torch"; record python '"no torch"'; exit 1; }
DEVICE="${DEVICE:-$([ "$HAS_GPU" = 1 ] && echo cuda || echo cpu)}"
say "PyTorch $TORCH_VERSION (CUDA $TORCH_CUDA) in $TORCH_ROOT; checking on $DEVICE"
record python "{\"torch\": \"$TORCH_VERSION\", \"cuda\": \"$TORCH_CUDA\", \"gpu\": $HAS_GPU, \"device\": \"$DEVICE\"}"

BUILD="${TMPDIR:-/tmp}/ts-native-gpu-check"
start=$(date +%s)
if cmake -S lib/TorchBinding/native -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTS_TORCH_ROOT="$TORCH_ROOT" -DTS_CXX11_ABI="$ABI" >> "$LOG" 2>&1 \
   && cmake --build "$BUILD" -j "$(nproc)" >> "$LOG" 2>&1; then
  cp "$BUILD/libts_native.so" "$BUNDLE/libts_native.so"
  cp "$BUILD/libts_native.so" "$WORK/tests/libts_native.so"
  record shim "{\"seconds\": $(( $(date +%s) - start )), \"against\": \"$TORCH_ROOT\"}"
else
  say "building the shim failed (see $LOG)"; record shim '"failed"'; exit 1
fi
LAB="$BUNDLE/lab"

# 0. The binding's parity tests on DEVICE (xunit's console runner on the carried runtime; PyTorch on the CPU is the oracle).
xml="$OUT/parity.xml"
DOTNET_ROOT="$WORK/dotnet" DOTNET_ROLL_FORWARD=Major TS_TEST_DEVICE="$DEVICE" \
  "$WORK/dotnet/dotnet" "$WORK/tests/xunit/xunit.console.dll" "$WORK/tests/TorchBinding.Tests.dll" -nocolor -noshadow \
  -class TorchBinding.Tests.OpsParityTests -class TorchBinding.Tests.ModulesParityTests \
  -class TorchBinding.Tests.RecurrentParityTests -class TorchBinding.Tests.AttentionParityTests -xml "$xml" >> "$LOG" 2>&1
summary="$(grep -o 'Total: [0-9]*, Errors: [0-9]*, Failed: [0-9]*, Skipped: [0-9]*' "$LOG" | tail -1)"
record parity "{\"device\": \"$DEVICE\", \"summary\": \"${summary:-no result}\"}"
say "parity on $DEVICE: ${summary:-no result (see $LOG)}"

# 0b. torch.distributed (c10d, gloo) on this PyTorch: groups of ours, and one of our ranks beside a Python rank of the
# PyTorch here (a 2.x one on the GPU machines: the interop this machine's 1.13 cannot test); a shim built without the
# c10d/gloo headers fails these with a message saying so.
xml="$OUT/distributed.xml"
DOTNET_ROOT="$WORK/dotnet" DOTNET_ROLL_FORWARD=Major \
  "$WORK/dotnet/dotnet" "$WORK/tests/xunit/xunit.console.dll" "$WORK/tests/TorchBinding.Tests.dll" -nocolor -noshadow \
  -class TorchBinding.Tests.DistributedTests -xml "$xml" >> "$LOG" 2>&1
summary="$(grep -o 'Total: [0-9]*, Errors: [0-9]*, Failed: [0-9]*, Skipped: [0-9]*' "$LOG" | tail -1)"
record distributed "{\"summary\": \"${summary:-no result}\"}"
say "torch.distributed: ${summary:-no result (see $LOG)}"

# 1. What the engine sees.
info="$("$LAB" info 2>>"$LOG")" && record info "$info" || { say "lab info failed"; record info '"failed"'; exit 1; }
say "$info"

# 2. The same training on DEVICE and on the CPU.
SAMPLE="$ROOT/data/sample"
VOCAB="$OUT/sample-vocab.txt"
"$PYTHON" - "$SAMPLE/train.txt" "$VOCAB" <<'PY'
import sys
chars = sorted({line.split()[0] for line in open(sys.argv[1], encoding="utf-8") if line.strip()})
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars) + "\n")
PY
train_on() {   # NAME DEVICE ARGS... -> one JSON object with the test F1 and the wall time
  local name="$1" device="$2"; shift 2
  local dir="$OUT/train-$name-$device" t0 t1 f1
  rm -rf "$dir"
  t0=$(date +%s.%N)
  if "$LAB" train --data "$SAMPLE" --out "$dir" --device "$device" --seed 1 "$@" > "$dir.log" 2>&1; then
    t1=$(date +%s.%N)
    f1="$(awk '$1 == "micro" { print $4; exit }' "$dir.log")"
    printf '{"model": "%s", "device": "%s", "test_f1": %s, "seconds": %.1f}' "$name" "$device" "${f1:-null}" "$(echo "$t1 - $t0" | bc)"
  else
    printf '{"model": "%s", "device": "%s", "failed": true}' "$name" "$device"
    tail -5 "$dir.log" >> "$LOG"
  fi
}
for spec in "bilstm-crf|--model bilstm-crf --epochs 30 --max-steps 300 --batch-size 16 --lr 5e-3 --emb 64 --hidden 64" \
            "bert-crf|--model bert-crf --bert-size tiny --vocab $VOCAB --epochs 30 --max-steps 300 --batch-size 16 --lr 1e-3 --head-lr 5e-3 --warmup 0.1 --decay"; do
  name="${spec%%|*}"; args="${spec#*|}"
  # shellcheck disable=SC2086
  on_device="$(train_on "$name" "$DEVICE" $args)"
  if [ "$DEVICE" != cpu ]; then
    # shellcheck disable=SC2086
    on_cpu="$(train_on "$name" cpu $args)"
  else on_cpu='null'; fi
  record "train-$name" "{\"device\": $on_device, \"cpu\": $on_cpu}"
  say "train $name: $on_device vs $on_cpu"
done

# 2b. Data-parallel training with 2 ranks (gloo, on the CPU) through this PyTorch: one finished run.
ddp_dir="$OUT/train-ddp"
rm -rf "$ddp_dir"
if "$LAB" train --data "$SAMPLE" --out "$ddp_dir" --device cpu --epochs 1 --nproc 2 > "$ddp_dir.log" 2>&1; then
  record train-ddp "{\"ranks\": 2, \"test_f1\": $(awk '$1 == "micro" { print $4; exit }' "$ddp_dir.log" | grep . || echo null)}"
  say "train with 2 ranks: done"
else
  record train-ddp '{"ranks": 2, "failed": true}'; say "train with 2 ranks failed (see $ddp_dir.log)"; tail -5 "$ddp_dir.log" >> "$LOG"
fi

# 3. BERT training speed against PyTorch on the same device.
# Best-of rounds only (--pairs 0): the paired rounds would add ~50 s a line to a check that must fit the device's time.
if [ "$DEVICE" = cpu ]; then benches=("--size small --batch 16 --device cpu --pairs 0")
else benches=("--size base --batch 32 --device $DEVICE --pairs 0" "--size base --batch 32 --device $DEVICE --bf16 --pairs 0"); fi
for b in "${benches[@]}"; do
  # shellcheck disable=SC2086
  if result="$("$LAB" bench bert $b 2>>"$LOG")"; then record "bench-bert" "$result"; say "$result"
  else record "bench-bert" "{\"args\": \"$b\", \"failed\": true}"; say "bench bert $b failed"; fi
done
