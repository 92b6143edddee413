#!/usr/bin/env bash
# Time and CPU of the every-language build against one plain build, warm store.
#
#   scripts/bench-languages.sh BOOK [RUNS] [JOBS]
#
# Works on copies of BOOK. A book without [preprocessor.translate] gets one
# with the identity backend and languages zh and es. After one warm-up build
# each, runs these builds RUNS times (default 9), interleaved so that the
# load of a shared machine falls on all of them alike, and prints the median
# wall time, the median CPU time (user + system, and the system part) and CPU ÷ wall of each:
#   - plain: `mdbook build` of the book without the translate tables (one
#     language, nothing of this tool), when mdBook 0.5.4 is on the PATH;
#   - `mdbook-translate build` (every language) and `--language en` (the
#     source alone, through the tool);
#   - `mdbook build` with `[output.translate]` (every language) and without
#     it (the source alone, the preprocessor still running), when mdBook
#     0.5.4 is on the PATH.
# Then the ratios of every language to one language: of the median times, the
# median of each round's ratio (the least moved by a machine whose speed
# drifts), and of the fastest runs.
# JOBS, when given, is passed to `mdbook-translate build --jobs`. With
# MDBOOK_TRANSLATE_BIN set to a folder holding a built `mdbook-translate`,
# that binary is timed instead of this checkout's release build.
set -euo pipefail

book=${1:?usage: scripts/bench-languages.sh BOOK [RUNS] [JOBS]}
runs=${2:-9}
jobs=${3:-}
here="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$here/target}"
if [ -n "${MDBOOK_TRANSLATE_BIN:-}" ]; then
    bin="$MDBOOK_TRANSLATE_BIN"
else
    (cd "$here" && cargo build --release --quiet)
    bin="$target/release"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
copy_book() {
    mkdir -p "$1"
    for item in "$book"/*; do
        case "$(basename "$item")" in book | .translate-cache) ;; *) cp -r "$item" "$1/" ;; esac
    done
}
copy_book "$work/site"
if ! grep -q '^\[preprocessor.translate\]' "$work/site/book.toml"; then
    printf '\n[preprocessor.translate]\nafter = ["links"]\nlanguages = ["zh", "es"]\nbackend = "identity"\n' >> "$work/site/book.toml"
fi
if ! grep -q '^\[output.translate\]' "$work/site/book.toml"; then
    printf '\n[output.translate]\n' >> "$work/site/book.toml"
fi
# The same book without [output.translate], for `mdbook build` of the source alone.
copy_book "$work/source"
cp -r "$work/site/book.toml" "$work/source/"
sed -i '/^\[output.translate\]$/d' "$work/source/book.toml"
ln -s "$work/site/.translate-cache" "$work/source/.translate-cache"
# The book with neither table: a plain mdBook build.
copy_book "$work/plain"
python3 - "$work/plain/book.toml" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
# Drop the [preprocessor.translate] and [output.translate] tables (and their sub-tables).
out, skipping = [], False
for line in text.splitlines():
    if line.lstrip().startswith("["):
        skipping = re.match(r"\s*\[(preprocessor|output)\.translate[\].]", line) is not None
    if not skipping:
        out.append(line)
open(path, "w").write("\n".join(out) + "\n")
EOF

has_mdbook=false
if command -v mdbook >/dev/null && [ "$(mdbook --version)" = "mdbook v0.5.4" ]; then
    has_mdbook=true
fi
jobs_args=()
[ -n "$jobs" ] && jobs_args=(--jobs "$jobs")

python3 - "$runs" "$has_mdbook" "$bin" "$work" "${jobs_args[@]}" <<'EOF'
import ctypes, os, resource, statistics, subprocess, sys, time

runs, has_mdbook, bin, work = int(sys.argv[1]), sys.argv[2] == "true", sys.argv[3], sys.argv[4]
jobs = sys.argv[5:]
env = dict(os.environ, PATH=f"{bin}:{os.environ['PATH']}")
tool = f"{bin}/mdbook-translate"
builds = {
    "translate-all": ([tool, "build", f"{work}/site", *jobs], None),
    "translate-source": ([tool, "build", f"{work}/site", "--language", "en"], None),
}
if has_mdbook:
    builds["plain"] = (["mdbook", "build"], f"{work}/plain")
    builds["mdbook-all"] = (["mdbook", "build"], f"{work}/site")
    builds["mdbook-source"] = (["mdbook", "build"], f"{work}/source")

# The languages `mdbook build` renders beside the source book run in a process
# the preprocessor starts and leaves: as the subreaper, this script inherits
# and waits for it, so that its CPU time is counted.
PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

def reap():
    while True:
        try:
            if os.waitpid(-1, 0)[0] == 0:
                return
        except ChildProcessError:
            return

def run(command, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    reap()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    cpu = (after.ru_utime - before.ru_utime) + system
    return wall * 1000, cpu * 1000, system * 1000

for command, cwd in builds.values():
    run(command, cwd)  # warm-up: fills the store, caches the files
times = {name: [] for name in builds}
for _ in range(runs):
    for name, (command, cwd) in builds.items():
        times[name].append(run(command, cwd))
median = {name: tuple(statistics.median(run[i] for run in t) for i in range(3)) for name, t in times.items()}
fastest = {name: min(run[0] for run in t) for name, t in times.items()}
for name, (wall, cpu, system) in median.items():
    print(
        f"{name:18} wall {wall:7.0f} ms (fastest {fastest[name]:5.0f})   CPU {cpu:7.0f} ms "
        f"(kernel {system:4.0f})   CPU/wall {cpu / wall:4.2f}"
    )
def ratio(a, b):
    # Builds of one round run one after the other: the median of the
    # rounds' ratios is the least moved by a machine whose speed drifts.
    per_round = statistics.median(x[0] / y[0] for x, y in zip(times[a], times[b]))
    return (
        f"{median[a][0] / median[b][0]:.2f} (median of the rounds' ratios: {per_round:.2f}; "
        f"fastest runs: {fastest[a] / fastest[b]:.2f})"
    )
print(f"mdbook-translate build: every language / source through the tool = {ratio('translate-all', 'translate-source')}")
if has_mdbook:
    print(f"mdbook-translate build: every language / plain mdbook build    = {ratio('translate-all', 'plain')}")
    print(f"mdbook build:           every language / source (preprocessor) = {ratio('mdbook-all', 'mdbook-source')}")
    print(f"mdbook build:           every language / plain mdbook build    = {ratio('mdbook-all', 'plain')}")
else:
    print("mdbook build: skipped (mdBook 0.5.4 is not on the PATH)")
EOF
