#!/usr/bin/env bash
# Time of the all-languages build against the source-only build, warm store.
#
#   scripts/bench-languages.sh BOOK [RUNS]
#
# Works on a copy of BOOK. A book without [preprocessor.translate] gets one
# with the identity backend and languages zh and es. Prints the median of
# RUNS (default 9) after one warm-up build, for:
#   - `mdbook-translate build` (every language) and `--language en` (the source);
#   - `mdbook build` with and without `[output.translate]`, when mdBook 0.5.4
#     is on the PATH.
set -euo pipefail

book=${1:?usage: scripts/bench-languages.sh BOOK [RUNS]}
runs=${2:-9}
here="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$here/target}"
(cd "$here" && cargo build --release --quiet)
bin="$target/release"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for item in "$book"/*; do
    case "$(basename "$item")" in book | .translate-cache) ;; *) cp -r "$item" "$work/" ;; esac
done
if ! grep -q '^\[preprocessor.translate\]' "$work/book.toml"; then
    printf '\n[preprocessor.translate]\nafter = ["links"]\nlanguages = ["zh", "es"]\nbackend = "identity"\n' >> "$work/book.toml"
fi
if ! grep -q '^\[output.translate\]' "$work/book.toml"; then
    printf '\n[output.translate]\n' >> "$work/book.toml"
fi

# Median wall time in milliseconds of running "$@" $runs times after a warm-up.
median_ms() {
    "$@" >/dev/null 2>&1
    local start end times=()
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

all=$(median_ms "$bin/mdbook-translate" build "$work")
source_only=$(median_ms "$bin/mdbook-translate" build "$work" --language en)
echo "mdbook-translate build: every language ${all} ms, source only ${source_only} ms, ratio $(ratio "$all" "$source_only")"

if command -v mdbook >/dev/null && [ "$(mdbook --version)" = "mdbook v0.5.4" ]; then
    all=$(cd "$work" && PATH="$bin:$PATH" median_ms mdbook build)
    sed -i '/^\[output.translate\]$/d' "$work/book.toml"
    source_only=$(cd "$work" && PATH="$bin:$PATH" median_ms mdbook build)
    echo "mdbook build: every language ${all} ms, source only ${source_only} ms, ratio $(ratio "$all" "$source_only")"
else
    echo "mdbook build: skipped (mdBook 0.5.4 is not on the PATH)"
fi
