#!/usr/bin/env bash
# The pre-commit hook as a user gets it: `pre-commit try-repo` builds lint500 from this
# repository with `cargo install --path .` and runs it in a scratch git repository, where it
# must fail on a file with a finding (and show the finding) and pass on a clean file.
#
# On a checkout with uncommitted changes, try-repo takes a snapshot of the tracked files only:
# commit new files before running this by hand. Needs pre-commit (`pip install pre-commit`;
# .ci/run does it) and cargo.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# try-repo installs the hook afresh on every call, each time into a new clone: one target
# folder for both calls lets the second reuse the dependencies the first compiled. And the
# hook's wiring is under test, not the release profile: without cross-crate LTO the build takes
# half as long.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$scratch/target}"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

mkdir "$scratch/project"
cd "$scratch/project"
git init --quiet
cat > bad.py <<'PY'
def load(path):
    try:
        return open(path).read()
    except Exception:
        pass
PY
cat > good.ts <<'TS'
export async function load(path: string): Promise<string> {
  try {
    return await read(path);
  } catch (err) {
    console.error(`cannot read ${path}`, err);
    throw err;
  }
}
TS
git add bad.py good.ts

if python3 -m pre_commit try-repo "$repo" lint500 --files bad.py > "$scratch/bad.log" 2>&1; then
  cat "$scratch/bad.log"
  echo "pre-commit: FAIL: the hook passed on a file with a finding" >&2
  exit 1
fi
if ! grep -q 'swallowed-catch' "$scratch/bad.log" || ! grep -q 'bad.py' "$scratch/bad.log"; then
  cat "$scratch/bad.log"
  echo "pre-commit: FAIL: the hook failed without reporting the finding" >&2
  exit 1
fi
if ! python3 -m pre_commit try-repo "$repo" lint500 --files good.ts > "$scratch/good.log" 2>&1; then
  cat "$scratch/good.log"
  echo "pre-commit: FAIL: the hook failed on a clean file" >&2
  exit 1
fi
echo "pre-commit: the lint500 hook fails on a finding and passes on a clean file"
echo "pre-commit: 2 passed, 0 failed"
