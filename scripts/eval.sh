#!/usr/bin/env bash
# Score `vigil extract --json` on every corpus file that has gold, as the before-stop hook does.
# Usage: scripts/eval.sh [-v]   (needs ../shared; says so and exits 0 without it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared="${VIGIL_SHARED:-$here/../shared}"
if [ ! -d "$shared/corpus/gold" ]; then
  echo "eval: no ../shared/corpus/gold beside this checkout; nothing to score"
  exit 0
fi
vigil="$here/.venv/bin/vigil"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for g in "$shared"/corpus/gold/*.json; do
  f=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$g")
  pub=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("published") or "")' "$g")
  args=(); [ -n "$pub" ] && args=(--published "$pub")
  "$vigil" extract "$shared/corpus/$f" "${args[@]}" --json >"$out/$(basename "$g")" || echo "eval: extraction failed on $f" >&2
done
python3 "$shared/tools/score.py" "$shared/corpus/gold" "$out" "$@"
