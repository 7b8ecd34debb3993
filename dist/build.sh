#!/usr/bin/env bash
# Packages lint500 for the platform it runs on: one release build of the binary (by maturin,
# which makes the wheel of it), then every artifact into target/dist/:
#
#   lint500-<version>-py3-none-<platform>.whl   the Python wheel: pip, pipx, uvx
#   lint500-<target>.tar.gz (.zip on Windows)   the archive a GitHub release carries
#   SHA256SUMS                                  the archive's checksum, as `sha256sum` writes it
#   npm/lint500-<version>.tgz                   the npm package `lint500`: the launcher
#   npm/lint500-cli-<platform>-<version>.tgz    the npm package `@lint500/cli-<platform>`
#   pre-commit/                                 the files of the pre-commit mirror repository
#
# Usage: bash dist/build.sh [--target TRIPLE] [--zig]
#
#   --target TRIPLE  build for a Rust target other than the host's (one of dist/platforms.json,
#                    installed with `rustup target add`)
#   --zig            link with zig, as the release does for Linux: wheels that run on glibc
#                    2.17 and newer (manylinux2014), and musl builds without a musl toolchain
#
# Needs cargo, Python 3.8 or newer and npm. maturin (and zig, for --zig) come from PyPI into
# target/dist-tools/ unless maturin is on PATH. Cargo's version is every package's version.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

target="" zig=false
while (($#)); do
  case "$1" in
    --target)
      target="${2:?--target needs a Rust target triple}"
      shift 2
      ;;
    --zig)
      zig=true
      shift
      ;;
    *)
      echo "usage: bash dist/build.sh [--target TRIPLE] [--zig]" >&2
      exit 2
      ;;
  esac
done

python="$(command -v python3 || command -v python)"
maturin_version=1.16.0
ziglang_version=0.15.2

# The tools, pinned, in a virtual environment of their own.
if [[ "$zig" == true ]] || ! command -v maturin > /dev/null; then
  tools="$root/target/dist-tools"
  if [[ ! -d "$tools" ]]; then
    "$python" -m venv "$tools"
  fi
  bin="$tools/bin"
  [[ -d "$bin" ]] || bin="$tools/Scripts" # Windows
  wanted=("maturin==$maturin_version")
  [[ "$zig" == true ]] && wanted+=("ziglang==$ziglang_version")
  "$bin/python" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
  # maturin finds zig as `python -m ziglang`, with the first python on PATH.
  export PATH="$bin:$PATH"
fi

# Version and target folder from Cargo, the host from rustc.
read -r version target_dir < <(cargo metadata --format-version 1 --no-deps --locked |
  "$python" -c 'import json, sys
m = json.load(sys.stdin)
print(next(p["version"] for p in m["packages"] if p["name"] == "lint500"), m["target_directory"])')
host="$(rustc -vV | sed -n 's/^host: //p')"

maturin_args=(build --release --locked --out "$root/target/dist")
if [[ -n "$target" ]]; then
  maturin_args+=(--target "$target")
  release_dir="$target_dir/$target/release"
else
  target="$host"
  release_dir="$target_dir/release"
fi
if [[ "$zig" == true ]]; then
  maturin_args+=(--zig)
  [[ "$target" == *-linux-gnu ]] && maturin_args+=(--compatibility manylinux2014)
fi
exe=lint500
[[ "$target" == *-windows-* ]] && exe=lint500.exe

echo "dist: lint500 $version for $target"
rm -rf "$root/target/dist"
# maturin reads dist/python/pyproject.toml, which points it at the Cargo package at the root.
(cd dist/python && maturin "${maturin_args[@]}")

"$python" dist/stage.py --version "$version" --target "$target" --binary "$release_dir/$exe" \
  --out "$root/target/dist" --scratch "$root/target/dist-stage"

echo "dist: wrote target/dist:"
(cd "$root/target/dist" && find . -type f | sed 's|^\./|  |' | sort)
