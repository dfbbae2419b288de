#!/usr/bin/env bash
# Packs what gpu/check.sh needs on a machine without the .NET SDK (the GPU machine) into .gpu/ (ignored by git; name
# `.gpu` in the run's carry), compressed so that it travels (the working tree that travels may hold 64 MiB):
#   lab.tar.xz     the `lab` command line, self-contained and trimmed, invariant globalization (no ICU needed there),
#                  reflection-based JSON kept (the run store and the reports use it)
#   dotnet.tar.xz  the .NET runtime (muxer, hostfxr, Microsoft.NETCore.App) the test runner runs on
#   tests.tar.xz   the binding's test assembly and xunit's console runner
# The native shim in both is rebuilt there, against that machine's PyTorch, by gpu/check.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
rm -rf .gpu lib/Cli/obj/Release/net10.0/linux-x64
mkdir -p .gpu/stage
log() { printf '[gpu] %s\n' "$*" >&2; }

log "publishing lab (self-contained, trimmed)"
dotnet publish lib/Cli/Cli.csproj -c Release -r linux-x64 --self-contained -nologo -v:quiet -o .gpu/stage/lab \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:InvariantGlobalization=true -p:DebugType=none \
  -p:JsonSerializerIsReflectionEnabledByDefault=true \
  -p:TreatWarningsAsErrors=false -p:SuppressTrimAnalysisWarnings=true -p:EnableTrimAnalyzer=false >&2

log "the .NET runtime for the test runner"
DOTNET_HOME="$(dirname "$(readlink -f "$(command -v dotnet)")")"
RUNTIME="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')"
mkdir -p .gpu/stage/dotnet/host/fxr .gpu/stage/dotnet/shared/Microsoft.NETCore.App
cp "$DOTNET_HOME/dotnet" .gpu/stage/dotnet/
cp -r "$DOTNET_HOME/host/fxr/$(ls "$DOTNET_HOME/host/fxr" | sort -V | tail -1)" .gpu/stage/dotnet/host/fxr/
cp -r "$DOTNET_HOME/shared/Microsoft.NETCore.App/$RUNTIME" .gpu/stage/dotnet/shared/Microsoft.NETCore.App/

log "the binding's tests and xunit's console runner"
dotnet build tests/TorchBinding.Tests -c Release -nologo -v:quiet >&2
dotnet restore gpu/runner -v:quiet >&2
mkdir -p .gpu/stage/tests
cp -r tests/TorchBinding.Tests/bin/Release/net10.0/. .gpu/stage/tests/
cp -r "$HOME/.nuget/packages/xunit.runner.console/2.4.1/tools/netcoreapp2.0" .gpu/stage/tests/xunit

for part in lab dotnet tests; do
  tar -C .gpu/stage -cJf ".gpu/$part.tar.xz" "$part"
done
rm -rf .gpu/stage
size_mb=$(du -sm .gpu | cut -f1)
log "packed .gpu ($size_mb MB): $(ls .gpu | tr '\n' ' ')"
[ "$size_mb" -lt 60 ] || { log ".gpu is $size_mb MB: too large to travel (64 MiB with the working tree)"; exit 1; }
