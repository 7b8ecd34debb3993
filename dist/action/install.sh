#!/usr/bin/env bash
# Installs lint500 for the GitHub Action (action.yml): the released binary for the runner's OS
# and architecture, checked against the release's SHA256SUMS; or, only where no release has a
# binary for it (HTTP 404), a build from source with cargo.
#
#   install.sh resolve   writes `version`, `target` and `dir` to $GITHUB_OUTPUT: the cache key
#                        and the folder that actions/cache restores and saves
#   install.sh install   makes sure `dir` holds the binary (downloading it unless the cache
#                        restored it) and writes its path as `bin` to $GITHUB_OUTPUT
#
# Environment:
#   LINT500_VERSION      the version to install, `0.2.0` or `v0.2.0`; empty: the action's own
#                        version (its Cargo.toml), so that `uses: lint500/lint500@v0.2.0` gets
#                        lint500 0.2.0
#   LINT500_RELEASE_URL  where the releases are: <url>/v<version>/lint500-<target>.tar.gz and
#                        <url>/v<version>/SHA256SUMS (default: the GitHub releases of
#                        lint500/lint500)
#   LINT500_TARGET       a Rust target to use instead of the runner's (one of
#                        dist/platforms.json), e.g. x86_64-unknown-linux-musl
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, RUNNER_TEMP, GITHUB_ACTION_PATH, GITHUB_OUTPUT
#                        as GitHub Actions sets them
#
# A checksum that does not match, a release without SHA256SUMS or a server that does not answer
# fails the step: none of them falls back to building, which would hide them.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
release_url="${LINT500_RELEASE_URL:-https://github.com/lint500/lint500/releases/download}"
release_url="${release_url%/}"

error() {
  # A workflow command, so that GitHub shows the message on the run's summary.
  echo "::error title=lint500::$*" >&2
  exit 1
}

output() {
  echo "$1=$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# The action's own version: [workspace.package] version in its Cargo.toml.
own_version() {
  sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml"
}

# The Rust target of the runner, among those that lint500 releases; empty when none fits.
runner_target() {
  if [[ -n "${LINT500_TARGET:-}" ]]; then
    echo "$LINT500_TARGET"
    return
  fi
  local arch
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) return ;;
  esac
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux)
      # A container without glibc (Alpine) gets the static musl build.
      if ldd --version 2>&1 | grep -qi musl || { ! command -v ldd > /dev/null && compgen -G '/lib/ld-musl-*' > /dev/null; }; then
        echo "$arch-unknown-linux-musl"
      else
        echo "$arch-unknown-linux-gnu"
      fi
      ;;
    macOS | Darwin) echo "$arch-apple-darwin" ;;
    # Windows on Arm runs the x64 build.
    Windows | MINGW* | MSYS*) echo "x86_64-pc-windows-msvc" ;;
  esac
}

exe_of() {
  [[ "$1" == *-windows-* ]] && echo lint500.exe || echo lint500
}

resolve() {
  local version target dir
  version="${LINT500_VERSION:-$(own_version)}"
  version="${version#v}"
  [[ -n "$version" ]] || error "cannot tell which lint500 version to install: set the \`version\` input"
  target="$(runner_target)"
  dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/lint500/$version/${target:-none}"
  output version "$version"
  output target "$target"
  output dir "$dir"
  echo "lint500 $version for ${target:-this runner (no release fits: it will be built from source)}"
}

sha256() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Downloads $1 to $2; prints the HTTP status. Fails when the server does not answer.
fetch() {
  local status
  if ! status="$(curl --silent --show-error --location --retry 3 --connect-timeout 20 \
    --output "$2" --write-out '%{http_code}' "$1")"; then
    error "cannot download $1"
  fi
  echo "$status"
}

# Builds lint500 from source when no release fits: the action's own source when that is the
# version asked for, else the tagged version from its repository.
build_from_source() {
  local version="$1" root="${RUNNER_TEMP:-/tmp}/lint500-source" cargo=(cargo)
  echo "No lint500 $version release for ${target:-this runner} at $release_url: building it with cargo"
  if command -v rustup > /dev/null; then
    rustup toolchain install stable --profile minimal --no-self-update
    cargo=(cargo +stable)
  elif ! command -v cargo > /dev/null; then
    error "no lint500 $version release for ${target:-this runner} at $release_url, and no cargo or rustup to build it with"
  fi
  if [[ "$version" == "$(own_version)" ]]; then
    "${cargo[@]}" install --locked --path "$action_path" --root "$root"
  else
    "${cargo[@]}" install --locked --git https://github.com/lint500/lint500 --tag "v$version" \
      --root "$root" lint500
  fi
  bin="$root/bin/lint500"
  [[ -x "$bin" ]] || bin="$bin.exe"
}

install() {
  local version="${LINT500_VERSION:-$(own_version)}" target dir exe bin
  version="${version#v}"
  target="$(runner_target)"
  dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/lint500/$version/${target:-none}"
  exe="$(exe_of "$target")"
  bin="$dir/$exe"

  if [[ -z "$target" ]]; then
    build_from_source "$version"
  elif [[ -x "$bin" ]]; then
    echo "lint500 $version for $target: restored from the cache"
  else
    local asset scratch status expected actual
    asset="lint500-$target.tar.gz"
    [[ "$target" == *-windows-* ]] && asset="lint500-$target.zip"
    scratch="$(mktemp -d)"
    status="$(fetch "$release_url/v$version/$asset" "$scratch/$asset")"
    if [[ "$status" == 404 ]]; then
      build_from_source "$version"
    elif [[ "$status" != 200 ]]; then
      error "cannot download $release_url/v$version/$asset: HTTP $status"
    else
      status="$(fetch "$release_url/v$version/SHA256SUMS" "$scratch/SHA256SUMS")"
      [[ "$status" == 200 ]] ||
        error "cannot download $release_url/v$version/SHA256SUMS (HTTP $status): lint500 is not installed unchecked"
      expected="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$scratch/SHA256SUMS")"
      [[ -n "$expected" ]] || error "SHA256SUMS of lint500 $version has no line for $asset"
      actual="$(sha256 "$scratch/$asset")"
      if [[ "$actual" != "$expected" ]]; then
        error "checksum mismatch for $asset from $release_url/v$version: SHA256SUMS says $expected, the download is $actual; lint500 is not installed"
      fi
      echo "Downloaded $asset (sha256 $actual, as SHA256SUMS says)"
      mkdir -p "$scratch/unpacked" "$dir"
      if [[ "$asset" == *.zip ]]; then
        if command -v unzip > /dev/null; then
          unzip -q "$scratch/$asset" -d "$scratch/unpacked"
        else
          7z x -y -bd "-o$scratch/unpacked" "$scratch/$asset" > /dev/null
        fi
      else
        tar -xzf "$scratch/$asset" -C "$scratch/unpacked"
      fi
      mv "$scratch/unpacked/lint500-$target/$exe" "$bin"
      chmod +x "$bin"
      rm -rf "$scratch"
    fi
  fi
  "$bin" --version
  output bin "$bin"
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  *)
    echo "usage: install.sh resolve|install" >&2
    exit 2
    ;;
esac
