#!/usr/bin/env bash
# Reruns every golden generator into a temporary directory and checks that it reproduces the committed files
# byte for byte: the numpy references (calm-core, calm-autoencoder, calm-energy-head: src/test/resources/golden/
# *_reference.py) and, when Debian's PyTorch is installed, the fixtures in the reference implementation's layout
# (calm-core/src/test/python/make_official_fixtures.py, into calm-core/src/test/resources/official).
#   scripts/check-goldens.sh
# Needs /usr/bin/python3 with numpy (apt-get install -y python3-numpy; python3-torch libopenblas0-pthread for the
# official fixtures). Neither the build nor CI runs it: the tests read the committed files.
# Prints one line per generator and each file that differs; exits 1 when any file differs or is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import numpy' 2>/dev/null; then
  echo "check-goldens: $python cannot import numpy (apt-get install -y python3-numpy)" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

# compare COMMITTED_DIR FRESH_DIR NAME: every file the generator wrote against the committed one
compare() {
  local committed="$1" fresh="$2" name="$3" files=0 differ=0
  while IFS= read -r -d '' file; do
    local rel="${file#"$fresh"/}"
    files=$((files + 1))
    if [[ ! -f "$committed/$rel" ]]; then
      echo "  $rel: written by $name but not committed"
      differ=$((differ + 1))
    elif ! cmp -s "$file" "$committed/$rel"; then
      echo "  $rel: differs from the committed file"
      differ=$((differ + 1))
    fi
  done < <(find "$fresh" -type f ! -name '*.py' -print0 | sort -z)
  if ((differ == 0)); then
    echo "$name: $files files reproduced byte for byte"
  else
    echo "$name: $differ of $files files differ"
    failed=1
  fi
}

for script in "$root"/calm-*/src/test/resources/golden/*_reference.py; do
  name="${script#"$root"/}"
  fresh="$work/$(basename "$script" .py)"
  mkdir -p "$fresh"
  cp "$script" "$fresh/"
  (cd "$fresh" && "$python" "$(basename "$script")" >"$work/$(basename "$script" .py).log" 2>&1) \
    || { echo "$name: failed (log below)"; cat "$work/$(basename "$script" .py).log"; failed=1; continue; }
  compare "$(dirname "$script")" "$fresh" "$name"
done

official="$root/calm-core/src/test/python/make_official_fixtures.py"
if "$python" -c 'import torch' 2>/dev/null; then
  mkdir -p "$work/official/python"
  cp "$official" "$work/official/python/"
  "$python" "$work/official/python/make_official_fixtures.py" >"$work/official.log" 2>&1 \
    || { echo "${official#"$root"/}: failed (log below)"; cat "$work/official.log"; failed=1; }
  [[ -d "$work/official/resources/official" ]] \
    && compare "$root/calm-core/src/test/resources/official" "$work/official/resources/official" "${official#"$root"/}"
else
  echo "${official#"$root"/}: skipped, $python has no torch (apt-get install -y python3-torch libopenblas0-pthread)"
fi
exit "$failed"
