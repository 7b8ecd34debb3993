#!/usr/bin/env bash
# lint500's packages as a user gets them, on a machine without Rust: everything that
# dist/build.sh wrote into target/dist/ is installed and run with cargo, rustc and ~/.cargo/bin
# off PATH.
#
#   the archive      SHA256SUMS checks it; its binary is "the native binary" below, and the
#                    wheel and the npm package carry the very same file
#   the wheel        pip installs it into a fresh virtual environment: `lint500 --version`, and
#                    `lint500 demo/` reports the native binary's findings and exits 1
#   the npm packages npm installs the tarballs into a scratch project: `npx lint500 demo/`
#                    prints what the native binary prints, byte for byte in --format json, and
#                    exits as it does; the launcher passes a signal on and ends by it; without
#                    the platform package, or on a platform with none, it says which
#   the mirror       `pre-commit try-repo` on it, pip finding the wheel in target/dist
#                    (PIP_FIND_LINKS), fails on a file with a finding and passes on a clean one
#   the Action       tests/dist/action.py: action.yml's steps against a server on 127.0.0.1
#   the release      release.yml builds every platform of dist/platforms.json
#
# Needs python3 with venv, pip and pre-commit (PyYAML), node and npm. Run `bash dist/build.sh`
# first (.ci/run does).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
dist="$repo/target/dist"
if [[ ! -f "$dist/SHA256SUMS" ]]; then
  echo "dist: FAIL: no packages in $dist: run bash dist/build.sh first" >&2
  exit 1
fi
scratch="$(mktemp -d)"
launcher_pid=""
cleanup() {
  [[ -n "$launcher_pid" ]] && kill "$launcher_pid" 2> /dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
passed=0
pass() {
  echo "dist: $*"
  passed=$((passed + 1))
}
fail() {
  echo "dist: FAIL: $*" >&2
  exit 1
}

# No Rust from here on: what is tested is what a JavaScript or Python developer has.
PATH="$(tr ':' '\n' <<< "$PATH" | grep -v -e '\.cargo/bin' -e '\.rustup' | paste -sd: -)"
export PATH
unset CARGO RUSTUP_TOOLCHAIN RUSTC
if command -v cargo > /dev/null || command -v rustc > /dev/null; then
  fail "cargo or rustc is still on PATH ($(command -v cargo rustc | paste -sd' ' -))"
fi
python="$(command -v python3)"

# --- the archive ----------------------------------------------------------------------------
(cd "$dist" && sha256sum --quiet --check SHA256SUMS) || fail "SHA256SUMS does not match the archive"
archive="$(cd "$dist" && ls lint500-*.tar.gz)"
target="${archive#lint500-}"
target="${target%.tar.gz}"
mkdir "$scratch/native"
tar -xzf "$dist/$archive" -C "$scratch/native"
native="$scratch/native/lint500-$target/lint500"
version="$("$native" --version)"
version="${version#lint500 }"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "the archive's binary says its version is '$version'"
pass "the archive lint500-$target.tar.gz matches SHA256SUMS and holds lint500 $version"

# The native binary's report on the demo, which every package must reproduce.
cd "$repo"
set +e
"$native" --format json demo/ > "$scratch/native.json"
native_code=$?
"$native" --format concise --color never demo/ > "$scratch/native.txt" 2> /dev/null
set -e
[[ "$native_code" == 1 ]] || fail "the native binary exited $native_code on demo/, not 1"
findings="$("$python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$scratch/native.json")"
((findings > 0)) || fail "the native binary found nothing in demo/"

# --- the wheel ------------------------------------------------------------------------------
wheel="$(ls "$dist"/lint500-"$version"-*.whl)"
"$python" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
cmp -s "$native" "$scratch/venv/bin/lint500" || fail "the wheel's binary is not the archive's"
[[ "$("$scratch/venv/bin/lint500" --version)" == "lint500 $version" ]] ||
  fail "the wheel's lint500 --version says $("$scratch/venv/bin/lint500" --version)"
set +e
(PATH="$scratch/venv/bin:$PATH" lint500 --format concise --color never demo/ > "$scratch/wheel.txt" 2> "$scratch/wheel.err")
code=$?
set -e
[[ "$code" == 1 ]] || fail "lint500 from the wheel exited $code on demo/, not 1: $(cat "$scratch/wheel.err")"
cmp -s "$scratch/native.txt" "$scratch/wheel.txt" || fail "lint500 from the wheel reports other findings than the native binary"
pass "pip install $(basename "$wheel"): lint500 --version, and lint500 demo/ finds the $findings findings and exits 1"

# --- the npm packages -----------------------------------------------------------------------
npm_install() { # project folder, tarballs...
  local project="$1"
  shift
  mkdir -p "$project"
  echo '{"name": "scratch", "private": true}' > "$project/package.json"
  (cd "$project" && npm install --no-audit --no-fund --loglevel=error "$@" > /dev/null)
}
platform_tgz="$(ls "$dist"/npm/lint500-cli-*-"$version".tgz)"
npm_install "$scratch/npm" "$dist/npm/lint500-$version.tgz" "$platform_tgz"
platform_pkg="$(tar -xzf "$platform_tgz" -O package/package.json | "$python" -c 'import json, sys; print(json.load(sys.stdin)["name"])')"
cmp -s "$native" "$scratch/npm/node_modules/$platform_pkg/lint500" || fail "$platform_pkg's binary is not the archive's"
cd "$scratch/npm"
[[ "$(npx --no-install lint500 --version)" == "lint500 $version" ]] || fail "npx lint500 --version"
set +e
npx --no-install lint500 --format json "$repo/demo" > "$scratch/npx.json"
code=$?
"$native" --format json "$repo/demo" > "$scratch/native-abs.json"
set -e
[[ "$code" == 1 ]] || fail "npx lint500 exited $code on the demo, not 1"
cmp "$scratch/native-abs.json" "$scratch/npx.json" || fail "npx lint500 --format json differs from the native binary's report"
pass "npm install lint500 $platform_pkg: npx lint500 demo/ prints the native binary's JSON byte for byte and exits 1"

# Exit codes and standard streams pass through: 0 on a clean folder, 2 and the message for a bad
# option.
mkdir "$scratch/clean"
echo 'export const ok = 1;' > "$scratch/clean/ok.js"
npx --no-install lint500 "$scratch/clean" > /dev/null 2>&1 || fail "npx lint500 failed on a clean folder"
set +e
npx --no-install lint500 --no-such-option > /dev/null 2> "$scratch/bad-option.err"
code=$?
set -e
if [[ "$code" != 2 ]] || ! grep -q -- '--no-such-option' "$scratch/bad-option.err"; then
  fail "npx lint500 --no-such-option exited $code: $(cat "$scratch/bad-option.err")"
fi
# A signal sent to the launcher alone reaches lint500 (here the language server, waiting for
# input), and the launcher ends by it as lint500 did.
mkfifo "$scratch/lsp-in"
node_modules/.bin/lint500 lsp < "$scratch/lsp-in" > /dev/null &
launcher_pid=$!
exec 3> "$scratch/lsp-in"
for _ in $(seq 100); do
  child="$(pgrep -P "$launcher_pid" -x lint500 || true)"
  [[ -n "$child" ]] && break
  sleep 0.05
done
[[ -n "$child" ]] || fail "the launcher did not start lint500"
kill -TERM "$launcher_pid"
set +e
wait "$launcher_pid"
code=$?
set -e
launcher_pid=""
exec 3>&-
[[ "$code" == 143 ]] || fail "the launcher, sent SIGTERM, exited $code instead of ending by SIGTERM (143)"
! kill -0 "$child" 2> /dev/null || fail "lint500 (pid $child) outlived the launcher's SIGTERM"
pass "the npm launcher passes exit codes 0, 1 and 2, standard streams and SIGTERM through"

# Without its platform package (npm install --omit=optional), or on a platform without one, the
# command says so and names the platform.
npm_install "$scratch/npm-bare" --omit=optional "$dist/npm/lint500-$version.tgz"
cd "$scratch/npm-bare"
set +e
npx --no-install lint500 demo/ 2> "$scratch/missing.err"
code=$?
echo "Object.defineProperty(process, 'platform', { value: 'freebsd' });" > "$scratch/freebsd.js"
NODE_OPTIONS="--require $scratch/freebsd.js" npx --no-install lint500 demo/ 2> "$scratch/unsupported.err"
code2=$?
set -e
if [[ "$code" != 2 ]] || ! grep -q "the package $platform_pkg, which carries the binary for linux-" "$scratch/missing.err"; then
  fail "without $platform_pkg: exit $code, $(cat "$scratch/missing.err")"
fi
if [[ "$code2" != 2 ]] || ! grep -q "no prebuilt binary for freebsd-" "$scratch/unsupported.err"; then
  fail "on an unsupported platform: exit $code2, $(cat "$scratch/unsupported.err")"
fi
pass "without $platform_pkg, or on freebsd, the launcher names the missing package or the platform"

# --- the pre-commit mirror ------------------------------------------------------------------
# The mirror's hook is lint500's own hook but for its language.
"$python" - "$repo/.pre-commit-hooks.yaml" "$dist/pre-commit/.pre-commit-hooks.yaml" <<'PY' ||
import sys, yaml
own, mirror = (yaml.safe_load(open(p)) for p in sys.argv[1:])
assert [h.pop("language") for h in own] == ["rust"], own
assert [h.pop("language") for h in mirror] == ["python"], mirror
assert own == mirror, (own, mirror)
PY
  fail "the mirror's .pre-commit-hooks.yaml is not lint500's own with language: python"
cp -r "$dist/pre-commit" "$scratch/mirror"
(cd "$scratch/mirror" && git init --quiet && git add . &&
  git -c user.name=lint500 -c user.email=lint500@localhost commit --quiet -m "lint500 $version")
mkdir "$scratch/project"
cd "$scratch/project"
git init --quiet
cat > bad.py << 'PY'
def load(path):
    try:
        return open(path).read()
    except Exception:
        pass
PY
cat > good.ts << 'TS'
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
# try-repo installs the hook into a store of its own, from scratch: pip finds lint500 only in
# target/dist (PyPI has no release of this version to offer in its place before it is published).
export PIP_FIND_LINKS="$dist"
if "$python" -m pre_commit try-repo "$scratch/mirror" lint500 --files bad.py > "$scratch/bad.log" 2>&1; then
  cat "$scratch/bad.log"
  fail "the mirror's hook passed on a file with a finding"
fi
if ! grep -q 'swallowed-catch' "$scratch/bad.log" || ! grep -q 'bad.py' "$scratch/bad.log"; then
  cat "$scratch/bad.log"
  fail "the mirror's hook failed without reporting the finding"
fi
"$python" -m pre_commit try-repo "$scratch/mirror" lint500 --files good.ts > "$scratch/good.log" 2>&1 || {
  cat "$scratch/good.log"
  fail "the mirror's hook failed on a clean file"
}
pass "pre-commit try-repo on the mirror installs the wheel, fails on bad.py (swallowed-catch), passes good.ts"

# On the demo, the mirror's hook (from a .pre-commit-config.yaml, with concise output) reports
# what the native binary reports on the files pre-commit hands it.
cp -r "$repo/demo" demo
cat > .pre-commit-config.yaml << YAML
repos:
  - repo: $scratch/mirror
    rev: $(git -C "$scratch/mirror" rev-parse HEAD)
    hooks:
      - id: lint500
        args: [--format, concise, --color, never]
YAML
git add demo .pre-commit-config.yaml
set +e
PRE_COMMIT_HOME="$scratch/pre-commit-home" "$python" -m pre_commit run --all-files > "$scratch/demo.log" 2>&1
code=$?
set -e
finding='^[^ ]+:[0-9]+:[0-9]+: (error|warning)\['
grep -E "$finding" "$scratch/demo.log" | sort > "$scratch/hook-findings.txt" || true
mapfile -t hook_files < <(git ls-files -- '*.js' '*.mjs' '*.cjs' '*.jsx' '*.ts' '*.tsx' '*.py' '*.pyi')
"$native" --force-exclude --format concise --color never "${hook_files[@]}" 2> /dev/null |
  grep -E "$finding" | sort > "$scratch/native-findings.txt" || true
if [[ "$code" != 1 ]] || [[ ! -s "$scratch/hook-findings.txt" ]] ||
  ! cmp -s "$scratch/native-findings.txt" "$scratch/hook-findings.txt"; then
  cat "$scratch/demo.log"
  diff "$scratch/native-findings.txt" "$scratch/hook-findings.txt" >&2 || true
  fail "the mirror's hook (exit $code) does not report the native binary's findings on the demo"
fi
unset PIP_FIND_LINKS
pass "the mirror's hook reports the native binary's $(wc -l < "$scratch/hook-findings.txt") findings on the demo and the two test files"

# --- the Action and the release -------------------------------------------------------------
cd "$repo"
"$python" tests/dist/action.py "$dist" || fail "the Action's download path"
pass "the Action downloads, checks and caches the release from 127.0.0.1, and fails on a bad checksum"
"$python" - .github/workflows/release.yml dist/platforms.json <<'PY' ||
import json, sys, yaml
workflow, table = yaml.safe_load(open(sys.argv[1])), json.load(open(sys.argv[2]))
built = sorted(e["target"] for e in workflow["jobs"]["build"]["strategy"]["matrix"]["include"])
assert built == sorted(p["target"] for p in table["platforms"]), built
PY
  fail "release.yml does not build exactly the platforms of dist/platforms.json"
pass "release.yml builds every platform of dist/platforms.json"

echo "dist: $passed passed, 0 failed"
