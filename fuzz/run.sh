#!/usr/bin/env bash
# Fuzzes lint500 (cargo-fuzz, nightly): seeds each target's corpus from the repository's
# fixtures and demo, then runs every target for SECONDS (default 60) each.
#
#   bash fuzz/run.sh            # the smoke run CI does
#   bash fuzz/run.sh 3600       # an hour per target
#
# Crashes are written to fuzz/artifacts/<target>/ and fail the script.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
root=..

# The lint target reads a selector byte (0 JavaScript, 1 TypeScript, 2 TSX, 3 Python), then the file.
mkdir -p corpus/lint corpus/lsp_messages
while IFS= read -r -d '' file; do
  case "$file" in
    *.tsx) selector='\x02' ;;
    *.ts) selector='\x01' ;;
    *.py) selector='\x03' ;;
    *) selector='\x00' ;;
  esac
  { printf "$selector"; cat "$file"; } > "corpus/lint/$(sha1sum "$file" | cut -c1-16)"
done < <(find "$root/crates/lint500_rules/tests/fixtures" "$root/tests/fixtures" "$root/demo" \
  -type f \( -name '*.js' -o -name '*.ts' -o -name '*.tsx' -o -name '*.py' \) -print0)

frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}' > corpus/lsp_messages/initialize
{
  frame '{"jsonrpc":"2.0","method":"initialized","params":{}}'
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.js","languageId":"javascript","version":1,"text":"try { f(); } catch (e) {}\n"}}}'
  frame '{"jsonrpc":"2.0","id":"x","method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > corpus/lsp_messages/session

for target in lint lsp_messages; do
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
done
