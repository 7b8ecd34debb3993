#!/usr/bin/env python3
"""Lays out lint500's release artifacts around one built binary (dist/build.sh calls this).

    python3 dist/stage.py --version 0.1.0 --target x86_64-unknown-linux-gnu \
        --binary target/release/lint500 --out target/dist

writes into --out:
    lint500-<target>.tar.gz (.zip on Windows)   the binary with README.md and LICENSE, in a
                                                folder of the same name, as the release has it
    SHA256SUMS                                  `sha256sum` lines for the archives in --out
    npm/lint500-<version>.tgz                   the npm package with the launcher
    npm/lint500-cli-<platform>-<version>.tgz    the npm package with this platform's binary
    pre-commit/                                 the files of the pre-commit mirror repository

from the templates in dist/npm/ and dist/pre-commit/ and the platform table
dist/platforms.json. Needs Python 3.8+ and npm.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

DIST = Path(__file__).resolve().parent
ROOT = DIST.parent
# Archive members get a fixed time, so that the same binary gives the same archive.
EPOCH = 315532800  # 1980-01-01, the earliest time a zip file can hold


def platforms():
    return json.loads((DIST / "platforms.json").read_text(encoding="utf-8"))["platforms"]


def platform_of(target):
    for p in platforms():
        if p["target"] == target:
            return p
    known = ", ".join(p["target"] for p in platforms())
    sys.exit(f"stage: {target} is not in dist/platforms.json ({known})")


def npm_package(p):
    return f"@lint500/cli-{p['npm']}"


def binary_name(p):
    return "lint500.exe" if p["os"] == "win32" else "lint500"


def write_archive(p, binary, out):
    """The release archive: lint500-<target>/{lint500, README.md, LICENSE}."""
    folder = f"lint500-{p['target']}"
    members = [
        (binary_name(p), binary.read_bytes(), 0o755),
        ("README.md", (ROOT / "README.md").read_bytes(), 0o644),
        ("LICENSE", (ROOT / "LICENSE").read_bytes(), 0o644),
    ]
    if p["archive"] == "zip":
        path = out / f"{folder}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data, mode in members:
                info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
    else:
        path = out / f"{folder}.tar.gz"
        with open(path, "wb") as raw:
            # gzip without a file name or time in its header, for the same reason.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
                    for name, data, mode in members:
                        info = tarfile.TarInfo(f"{folder}/{name}")
                        info.size, info.mode, info.mtime = len(data), mode, EPOCH
                        info.uname = info.gname = ""
                        tf.addfile(info, io.BytesIO(data))
    return path


def write_checksums(out):
    """SHA256SUMS for every archive in `out`, in `sha256sum --check` format."""
    lines = []
    for path in sorted(out.iterdir()):
        if path.name.startswith("lint500-") and path.name.endswith((".tar.gz", ".zip")):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.name}\n")
    (out / "SHA256SUMS").write_text("".join(lines), encoding="utf-8", newline="\n")


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8", newline="\n")


def npm_pack(folder, out):
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("stage: npm is not on PATH (the npm packages are packed with it)")
    subprocess.run(
        [npm, "pack", "--silent", "--pack-destination", str(out.resolve())],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def stage_npm(p, version, binary, out, scratch):
    """The main package (every platform package as an optional dependency) and this
    platform's package, packed into out/npm."""
    npm_out = out / "npm"
    npm_out.mkdir(parents=True, exist_ok=True)

    main = scratch / "lint500"
    shutil.copytree(DIST / "npm" / "lint500", main)
    manifest = json.loads((main / "package.json").read_text(encoding="utf-8"))
    manifest["version"] = version
    manifest["optionalDependencies"] = {npm_package(q): version for q in platforms()}
    write_json(main / "package.json", manifest)
    # The launcher's table: which package carries the binary for which os, cpu and libc.
    table = [
        {
            "os": q["os"],
            "cpu": q["cpu"],
            "libc": q["libc"],
            "package": npm_package(q),
            "binary": binary_name(q),
        }
        for q in platforms()
    ]
    write_json(main / "platforms.json", {"platforms": table})
    shutil.copy(ROOT / "LICENSE", main / "LICENSE")
    os.chmod(main / "bin" / "lint500.js", 0o755)
    npm_pack(main, npm_out)

    cli = scratch / f"cli-{p['npm']}"
    cli.mkdir()
    manifest = json.loads((DIST / "npm" / "cli" / "package.json").read_text(encoding="utf-8"))
    manifest["name"] = npm_package(p)
    manifest["version"] = version
    manifest["description"] = f"The lint500 binary for {p['npm']}; install the lint500 package, which depends on it"
    manifest["os"] = [p["os"]]
    manifest["cpu"] = [p["cpu"]]
    if p["libc"]:
        manifest["libc"] = [p["libc"]]
    else:
        del manifest["libc"]
    manifest["files"] = [binary_name(p)]
    write_json(cli / "package.json", manifest)
    readme = (DIST / "npm" / "cli" / "README.md").read_text(encoding="utf-8")
    for key, value in {
        "@TITLE@": npm_package(p),
        "@PLATFORM@": p["npm"],
        "@TARGET@": p["target"],
    }.items():
        readme = readme.replace(key, value)
    (cli / "README.md").write_text(readme, encoding="utf-8", newline="\n")
    shutil.copy(ROOT / "LICENSE", cli / "LICENSE")
    shutil.copy(binary, cli / binary_name(p))
    os.chmod(cli / binary_name(p), 0o755)
    npm_pack(cli, npm_out)


def stage_pre_commit(version, out):
    mirror = out / "pre-commit"
    mirror.mkdir()
    for template in sorted((DIST / "pre-commit").iterdir()):
        text = template.read_text(encoding="utf-8").replace("@VERSION@", version)
        (mirror / template.name).write_text(text, encoding="utf-8", newline="\n")
    shutil.copy(ROOT / "LICENSE", mirror / "LICENSE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True, help="lint500's version (Cargo's)")
    parser.add_argument("--target", required=True, help="the Rust target the binary is for")
    parser.add_argument("--binary", required=True, type=Path, help="the built binary")
    parser.add_argument("--out", required=True, type=Path, help="where the artifacts go")
    parser.add_argument("--scratch", required=True, type=Path, help="an empty folder to stage in")
    args = parser.parse_args()

    p = platform_of(args.target)
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(args.scratch, ignore_errors=True)
    args.scratch.mkdir(parents=True)
    shutil.rmtree(args.out / "npm", ignore_errors=True)
    shutil.rmtree(args.out / "pre-commit", ignore_errors=True)

    write_archive(p, args.binary, args.out)
    write_checksums(args.out)
    stage_npm(p, args.version, args.binary, args.out, args.scratch)
    stage_pre_commit(args.version, args.out)


if __name__ == "__main__":
    main()
