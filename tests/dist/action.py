#!/usr/bin/env python3
"""The GitHub Action's download path, run as the runner would run action.yml's steps, against
release artifacts served from 127.0.0.1.

    python3 tests/dist/action.py TARGET_DIST

TARGET_DIST is dist/build.sh's output folder. Its archive and SHA256SUMS are served as the
release v<version>; the `run:` steps of action.yml run in order with bash, as GitHub runs a
composite action (`bash --noprofile --norc -eo pipefail`), with the inputs, step outputs and
runner variables they read. The actions/cache step is played by the tool cache folder itself:
it persists between the runs that share it, as a restored cache would. Prints one line per
case and `action: N passed, 0 failed`; exits 1 on the first failure.
"""

import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Server:
    """Serves a folder on 127.0.0.1 and records the paths asked for."""

    def __init__(self, folder):
        requests = self.requests = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def log_message(self, *args):
                pass

            def do_GET(self):
                requests.append(self.path)
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run_action(inputs, workdir, tool_cache, temp):
    """Runs the action's steps; returns (steps run as [(name, returncode, stdout+stderr)],
    outputs of every step by id). Stops at the first step that fails, as GitHub does."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    outputs = {}

    def evaluate(text):
        def one(match):
            expr = match.group(1)
            if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
                return values[m.group(1)]
            if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
                return outputs.get(m.group(1), {}).get(m.group(2), "")
            raise SystemExit(f"action: FAIL: the test does not evaluate ${{{{ {expr} }}}}")

        return EXPRESSION.sub(one, str(text))

    steps = []
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            if not step["uses"].startswith("actions/cache@"):
                raise SystemExit(f"action: FAIL: the test does not play {step['uses']}")
            # The cache: its path must be the tool cache folder that the next runs find again.
            path = evaluate(step["with"]["path"])
            assert path.startswith(str(tool_cache)), path
            continue
        assert step.get("shell") == "bash", step
        out_file = Path(temp) / "github_output"
        out_file.write_text("")
        env = dict(os.environ)
        env.update(
            GITHUB_ACTION_PATH=str(ROOT),
            GITHUB_OUTPUT=str(out_file),
            GITHUB_WORKSPACE=str(workdir),
            RUNNER_OS="Linux",
            RUNNER_ARCH={"x86_64": "X64", "aarch64": "ARM64"}[os.uname().machine],
            RUNNER_TOOL_CACHE=str(tool_cache),
            RUNNER_TEMP=str(temp),
        )
        env.update({k: evaluate(v) for k, v in step.get("env", {}).items()})
        script = Path(temp) / "step.sh"
        script.write_text(evaluate(step["run"]))
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        steps.append((step.get("name", step.get("id")), proc.returncode, proc.stdout))
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line
            )
        if proc.returncode != 0:
            break
    return steps, outputs


def fail(case, message, steps):
    for name, code, log in steps:
        print(f"--- step {name!r} exited {code}:\n{log}", file=sys.stderr)
    print(f"action: FAIL: {case}: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    dist = Path(sys.argv[1]).resolve()
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(
            ["bash", str(ROOT / "dist/action/install.sh"), "resolve"],
            env={**os.environ, "GITHUB_OUTPUT": out.name},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        version = dict(line.split("=", 1) for line in out.read().splitlines())["version"]
    archives = sorted(dist.glob("lint500-*.tar.gz"))
    assert len(archives) == 1, archives
    archive = archives[0]
    target = archive.name[len("lint500-") : -len(".tar.gz")]
    passed = 0

    scratch = Path(tempfile.mkdtemp())
    try:
        release = scratch / "releases" / f"v{version}"
        release.mkdir(parents=True)
        shutil.copy(archive, release)
        shutil.copy(dist / "SHA256SUMS", release)
        server = Server(scratch / "releases")
        workdir = scratch / "work"
        shutil.copytree(ROOT / "demo", workdir / "demo")
        tool_cache = scratch / "toolcache"
        temp = scratch / "temp"
        temp.mkdir()
        inputs = {"release-url": server.url, "paths": "demo", "sarif-file": "lint500.sarif"}

        # 1. Downloads the release of the action's own version, checks it and runs it.
        case = "download"
        steps, outputs = run_action(inputs, workdir, tool_cache, temp)
        codes = [code for _, code, _ in steps]
        if codes != [0, 0, 1]:
            fail(case, f"expected the steps to exit 0, 0, 1 (findings), got {codes}", steps)
        bin_path = Path(outputs["lint500-install"]["bin"])
        if not bin_path.is_relative_to(tool_cache / "lint500" / version / target):
            fail(case, f"installed to {bin_path}, not the cached folder", steps)
        if server.requests != [f"/v{version}/{archive.name}", f"/v{version}/SHA256SUMS"]:
            fail(case, f"asked the server for {server.requests}", steps)
        if "as SHA256SUMS says" not in steps[1][2] or f"lint500 {version}" not in steps[1][2]:
            fail(case, "the install step did not report the checked download", steps)
        sarif = json.loads((workdir / "lint500.sarif").read_text())
        if not sarif["runs"][0]["results"]:
            fail(case, "the SARIF report has no results for the demo", steps)
        print(f"action: downloads lint500 {version} for {target}, checks SHA256SUMS, writes SARIF")
        passed += 1

        # 2. A second run finds the binary where the cache restores it: no download.
        case = "cache"
        server.requests.clear()
        steps, outputs = run_action({**inputs, "version": f"v{version}"}, workdir, tool_cache, temp)
        codes = [code for _, code, _ in steps]
        if codes != [0, 0, 1] or server.requests or "restored from the cache" not in steps[1][2]:
            fail(case, f"exit codes {codes}, requests {server.requests}", steps)
        print("action: a cached binary is used without a download")
        passed += 1

        # 3. A checksum mismatch fails the install step, installs nothing, builds nothing.
        case = "checksum mismatch"
        sums = (release / "SHA256SUMS").read_text()
        bad = hashlib.sha256(b"not lint500").hexdigest()
        (release / "SHA256SUMS").write_text(re.sub(r"^[0-9a-f]{64}", bad, sums, flags=re.M))
        fresh_cache = scratch / "toolcache-2"
        steps, outputs = run_action(inputs, workdir, fresh_cache, temp)
        codes = [code for _, code, _ in steps]
        log = steps[-1][2]
        if codes != [0, 1]:
            fail(case, f"expected the install step to fail, got exit codes {codes}", steps)
        if f"checksum mismatch for {archive.name}" not in log or bad not in log or "::error" not in log:
            fail(case, "the error does not say which checksum did not match", steps)
        if "cargo" in log or any((fresh_cache / "lint500").rglob("lint500*")):
            fail(case, "a binary was installed or built all the same", steps)
        print("action: a checksum mismatch fails the step with a clear error and installs nothing")
        passed += 1

        # 4. A version without a release (404) falls back to cargo; without cargo, says so.
        case = "no release"
        (release / "SHA256SUMS").write_text(sums)
        server.requests.clear()
        steps, outputs = run_action({**inputs, "version": "99.0.0"}, workdir, fresh_cache, temp)
        codes = [code for _, code, _ in steps]
        log = steps[-1][2]
        if codes != [0, 1] or "no lint500 99.0.0 release" not in log or "no cargo or rustup" not in log:
            fail(case, f"expected the fallback to cargo to fail for want of cargo, got {codes}", steps)
        if server.requests != [f"/v99.0.0/{archive.name}"]:
            fail(case, f"asked the server for {server.requests}", steps)
        print("action: a version without a release falls back to cargo (absent here: a clear error)")
        passed += 1

        server.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"action: {passed} passed, 0 failed")


if __name__ == "__main__":
    main()
