#!/usr/bin/python3
"""Runs a notebook headless through the .NET Interactive Jupyter kernel, the kernel users open in VS Code and
JupyterLab: `lab run NB.ipynb [-p name=value ...] [-o OUT.ipynb] [--timeout S] [--kernel NAME]`.

Execution is nbclient's (Debian's python3-nbclient) over the Jupyter protocol; this script adds papermill's
parameter convention, progress lines, stopping at the first failing cell with its name, a per-cell timeout, and
saving what ran on failure or Ctrl-C. Exit codes: 0 ran, 1 a cell failed or timed out, 2 bad arguments or input,
130 interrupted.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import nbformat
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

DEFAULT_KERNEL = ".net-csharp"
KERNEL_NEVER_STARTED = False
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The kernel's HTTP-API bootstrap (a script that probes the kernel's local port and loads require.js from a CDN) is
# only meaningful while that kernel runs; it is dropped from saved notebooks.
KERNEL_BOOTSTRAP = "dotnet-interactive-this-cell-"


def log(message):
    print(f"[lab run] {message}", file=sys.stderr, flush=True)


def csharp_literal(value):
    """A -p value as C#: true/false, null, integers, numbers with a '.' or exponent, otherwise a verbatim string."""
    if value in ("true", "false", "null"):
        return value
    if re.fullmatch(r"[+-]?\d+", value):
        n = int(value)
        return str(n) if -2**31 <= n < 2**31 else f"{n}L"
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)", value):
        return repr(float(value))
    return '@"' + value.replace('"', '""') + '"'


def inject_parameters(nb, parameters):
    """Papermill's convention: a cell tagged "injected-parameters" right after the one tagged "parameters"."""
    cells = nb.cells
    cells[:] = [c for c in cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    if not parameters:
        return
    at = next((i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    declared = cells[at].source if at is not None else ""
    lines = ["// Injected parameters"]
    for name, value in parameters.items():
        if not IDENTIFIER.match(name):
            raise ValueError(f"parameter name '{name}' is not a C# identifier")
        if not re.search(rf"\b{re.escape(name)}\s*=", declared):
            log(f"warning: parameter '{name}' is not assigned in the cell tagged 'parameters'")
        literal = csharp_literal(value)
        # A null cannot initialise a 'var'; the parameters cell declared the variable with its type.
        lines.append(f"{name} = null;" if literal == "null" else f"var {name} = {literal};")
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    cell.metadata["dotnet_interactive"] = {"language": "csharp"}
    cell.metadata["polyglot_notebook"] = {"kernelName": "csharp"}
    cells.insert(0 if at is None else at + 1, cell)
    nb.metadata["papermill"] = {"parameters": dict(parameters)}


def json_kind(value):
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "an object"}.get(type(value), "null")


def describe_invalid(nb, error):
    """nbformat's schema error as the cell and field it is about ("cell 3 [a1]: 'source' is a number, expected ...")."""
    path = list(getattr(error, "absolute_path", []))
    if not path and (m := re.search(r"cells\[(\d+)\]", str(getattr(error, "message", error)))):
        path = ["cells", int(m.group(1))]  # nbformat's own validator names the cell only in its message
    if len(path) >= 2 and path[0] == "cells" and isinstance(path[1], int) and path[1] < len(nb.get("cells", [])):
        cell = nb["cells"][path[1]]
        where = f"cell {path[1] + 1} [{cell.get('id', '?') if isinstance(cell, dict) else '?'}]"
        if not isinstance(cell, dict):
            return f"{where} is {json_kind(cell)}, expected an object"
        expected = {"source": "a string or a list of strings", "metadata": "an object", "outputs": "a list", "id": "a string", "cell_type": "a string"}
        for field, what in expected.items():
            value = cell.get(field)
            ok = {"source": isinstance(value, str) or (isinstance(value, list) and all(isinstance(x, str) for x in value)),
                  "metadata": isinstance(value, dict), "outputs": isinstance(value, list), "id": isinstance(value, str),
                  "cell_type": isinstance(value, str)}[field]
            if field in cell and not ok:
                return f"{where}: '{field}' is {json_kind(value)}, expected {what}"
        return f"{where}: {error.message[:200]}"
    return f"{'/'.join(map(str, path)) or 'the notebook'}: {error.message[:200]}"


def normalise_outputs(nb):
    """JSON MIME types as objects (the kernel sends its +json types as strings), no stale kernel bootstrap."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if isinstance(data, dict):
                if out.get("output_type") == "display_data" and KERNEL_BOOTSTRAP in str(data.get("text/html", "")):
                    continue
                for mime, value in list(data.items()):
                    if mime.endswith("json") and isinstance(value, str):
                        try:
                            data[mime] = json.loads(value)
                        except ValueError:
                            pass
            kept.append(out)
        cell.outputs = kept


def save(nb, path, started, status):
    normalise_outputs(nb)
    nb.metadata["lab"] = {"executed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                          "seconds": round(time.time() - started, 2), "status": status}
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, path)


class LabClient(NotebookClient):
    """nbclient with a progress line per cell (index, id, wall time) on stderr, and Ctrl-C noticed.

    nbclient answers SIGINT/SIGTERM by shutting the kernel down mid-cell (its own loop signal handler); this client
    interrupts the kernel first, records that the run was interrupted, and lets main() save what ran.
    """

    def __init__(self, nb, **kwargs):
        super().__init__(nb, **kwargs)
        self.code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
        self.done = 0
        self.current = None
        self.running = False
        self.interrupted = False

    async def _async_cleanup_kernel(self):
        if self.km is None:
            return
        if self.running and not self.interrupted:
            self.interrupted = True  # only a signal cleans up while a cell is running
            try:
                await ensure_async(self.km.interrupt_kernel())
            except Exception:  # the kernel may be gone already; shutting down follows anyway
                pass
        await super()._async_cleanup_kernel()

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self.current = (cell_index, cell)
        self.done += 1
        began = time.time()
        self.running = True
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            self.running = False
            seconds = time.time() - began
            cell.metadata.setdefault("lab", {})["seconds"] = round(seconds, 2)
            log(f"cell {cell_index + 1}/{len(self.nb.cells)} [{cell.get('id', '?')}] {seconds:.1f}s ({self.done}/{self.code_cells} code cells)")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="lab run", description="Execute a notebook headless through the .NET Interactive kernel.")
    p.add_argument("notebook", help="the .ipynb to run")
    p.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter (papermill convention: injected after the cell tagged 'parameters')")
    p.add_argument("-o", "--output", help="where the executed notebook goes (default: out/NAME.ipynb)")
    p.add_argument("--timeout", type=int, default=None, metavar="S", help="per-cell time limit in seconds (default: none)")
    p.add_argument("--kernel", default=None, help=f"kernelspec name (default: the notebook's, else {DEFAULT_KERNEL})")
    p.add_argument("--startup-timeout", type=int, default=120, metavar="S", help="seconds to wait for the kernel to start")
    p.add_argument("--verbose", action="store_true", help="show the kernel's own log")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if not os.path.isfile(args.notebook):
        log(f"{args.notebook}: no such notebook")
        return 2
    parameters = {}
    for item in args.parameter:
        name, sep, value = item.partition("=")
        if not sep or not name:
            log(f"-p '{item}': expected NAME=VALUE")
            return 2
        parameters[name.strip()] = value
    output = args.output or os.path.join("out", os.path.basename(args.notebook))
    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError) as e:
        log(f"{args.notebook}: {str(e).splitlines()[0][:200]}")
        return 2
    try:
        nbformat.validate(nb)
        inject_parameters(nb, parameters)
    except nbformat.ValidationError as e:
        log(f"{args.notebook}: not a valid notebook: {describe_invalid(nb, e)}")
        return 2
    except ValueError as e:
        log(f"{args.notebook}: {str(e).splitlines()[0][:200]}")
        return 2
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name") or DEFAULT_KERNEL
    client = LabClient(nb, kernel_name=kernel, timeout=args.timeout, startup_timeout=args.startup_timeout,
                       record_timing=True, allow_errors=False, interrupt_on_timeout=False, shutdown_kernel="immediate",
                       resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}})
    quiet = {} if args.verbose else {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = time.time()
    log(f"{args.notebook}: kernel {kernel}, {client.code_cells} code cells" + (f", timeout {args.timeout:g}s per cell" if args.timeout else ""))
    try:
        client.execute(**quiet)
    except BaseException as e:  # noqa: B036 -- a signal surfaces as whatever nbclient was doing when it came
        if not (client.interrupted or isinstance(e, KeyboardInterrupt)):
            return failed(args, client, nb, output, started, e)
        save(nb, output, started, "interrupted")
        log(f"{args.notebook}: interrupted; what ran is saved in {os.path.abspath(output)}")
        return 130
    save(nb, output, started, "ok")
    print(f"executed {args.notebook} in {time.time() - started:.1f}s -> {os.path.abspath(output)}")
    return 0


def kernel_problem(name):
    """Why a registered kernel cannot start, and the fix, when its kernelspec tells; None when it does not."""
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except Exception:  # noqa: BLE001 -- any failure to read the spec is itself the answer below
        return f"its kernelspec cannot be read; run ./lab setup to register {DEFAULT_KERNEL} again"
    argv = spec.argv
    program = next((a for a in argv[1:] if a.endswith(".dll")), None)
    if program and not os.path.isfile(program):
        return f"its program {program} does not exist (a cleared NuGet cache?); run ./lab setup, which restores and registers it ({spec.resource_dir})"
    if argv[:2] == ["dotnet", "interactive"]:
        return ("it is registered as 'dotnet interactive', which finds the kernel only inside the repository that pins it; "
                f"run ./lab setup to register it by its full path ({spec.resource_dir})")
    return None


def failed(args, client, nb, output, started, error):
    """Saves the partial notebook and names the cell that failed, timed out or lost its kernel."""
    try:
        raise error
    except CellTimeoutError:
        index, cell = client.current
        cell.outputs.append(nbformat.v4.new_output("error", ename="CellTimeoutError", evalue=f"cell exceeded --timeout {args.timeout:g} s",
                                                   traceback=[f"cell {index + 1} [{cell.get('id', '?')}] exceeded the per-cell timeout of {args.timeout:g} s"]))
        save(nb, output, started, "timeout")
        log(f"{args.notebook}: cell {index + 1} [{cell.get('id', '?')}] exceeded --timeout {args.timeout:g}s; partial notebook: {os.path.abspath(output)}")
        return 1
    except CellExecutionError as e:
        index, cell = client.current
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        what = f"{errors[-1].get('ename')}: {str(errors[-1].get('evalue', '')).splitlines()[0][:300]}" if errors else str(e).splitlines()[0]
        # The kernel reports a compilation error as "compilation error" and writes the diagnostics to stderr.
        diagnostics = [line.strip() for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"
                       for line in o.get("text", "").splitlines() if "error CS" in line]
        if diagnostics:
            what += ": " + diagnostics[0][:300]
        save(nb, output, started, "failed")
        log(f"{args.notebook}: cell {index + 1} [{cell.get('id', '?')}] failed: {what}")
        log(f"partial notebook: {os.path.abspath(output)}")
        return 1
    except DeadKernelError as e:
        save(nb, output, started, "kernel died")
        log(f"{args.notebook}: the kernel died ({e}); partial notebook: {os.path.abspath(output)}")
        return 1
    except NoSuchKernel:
        log(f"{args.notebook}: no Jupyter kernel named '{client.kernel_name}' (./lab setup registers {DEFAULT_KERNEL})")
        return 2
    except RuntimeError as e:  # the kernel did not start in time
        global KERNEL_NEVER_STARTED
        KERNEL_NEVER_STARTED = True
        log(f"{args.notebook}: the kernel '{client.kernel_name}' did not start: {kernel_problem(client.kernel_name) or str(e).splitlines()[0]}")
        return 2
    except Exception as e:  # anything else nbclient raises: one line, and what ran is kept
        save(nb, output, started, "failed")
        log(f"{args.notebook}: {type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}; partial notebook: {os.path.abspath(output)}")
        return 1


if __name__ == "__main__":
    code = main(sys.argv[1:])
    if not KERNEL_NEVER_STARTED:
        sys.exit(code)
    # A kernel that never started leaves jupyter_client's exit hooks to fail over its half-made connection with a
    # traceback; the message above says all there is, so none of them runs.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
