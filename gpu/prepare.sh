#!/usr/bin/env bash
# Publishes the `lab` command line self-contained for a machine without the .NET SDK (the GPU machine): trimmed so that
# it travels (about 45 MB; the working tree that travels may hold 64 MiB), invariant globalization (no ICU needed
# there), reflection-based JSON kept (the run store and the reports use it). The native shim inside is rebuilt there
# against that machine's PyTorch by gpu/check.sh. Output: .gpu/lab/ (ignored by git; name `.gpu` in the run's carry).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
rm -rf .gpu/lab lib/Cli/obj/Release/net10.0/linux-x64
dotnet publish lib/Cli/Cli.csproj -c Release -r linux-x64 --self-contained -nologo -v:quiet -o .gpu/lab \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:InvariantGlobalization=true -p:DebugType=none \
  -p:JsonSerializerIsReflectionEnabledByDefault=true \
  -p:TreatWarningsAsErrors=false -p:SuppressTrimAnalysisWarnings=true -p:EnableTrimAnalyzer=false >&2
size_mb=$(du -sm .gpu | cut -f1)
echo "[gpu] published .gpu/lab ($size_mb MB)" >&2
[ "$size_mb" -lt 60 ] || { echo "[gpu] .gpu is $size_mb MB: too large to travel (64 MiB with the working tree)" >&2; exit 1; }
