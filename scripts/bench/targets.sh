#!/usr/bin/env bash
# The performance targets of docs/benchmarks.md ("Targets, measured three times"), one round:
# the cold path after an edit (gzip, br), warm gzip 200 and 304 against nginx gzip_static,
# peak memory of the README's run with a 32 MB cache and of scripts/flood.sh at the defaults,
# the 30,000-session import, and the CalDAV targets. Each benchmark runs alone, one after the
# other (run it on a quiet machine); every one is bounded and stops by itself.
#
#   scripts/bench/targets.sh [out-dir]          one round (default artifacts/bench/targets/<time>)
#   RUNS=3 scripts/bench/targets.sh             three rounds, one folder each
#   QUICK=1 scripts/bench/targets.sh            smoke run: short versions (figures meaningless)
#   ONLY="cold warm memory flood import caldav" a subset
#
# Prints every table each benchmark printed (with its verdicts: met / missed, FAIL) and
# writes them to <out>/summary.md. COLD_PHASES (edit) and WARM_CASES (gzip-demo 304-inm)
# choose the phases and cases of the first two.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${RUNS:-1}
only=${ONLY:-cold warm memory flood import caldav}
base=${1:-$repo/artifacts/bench/targets/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$base"

machine() {
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc: $(nproc), cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), dotnet $(dotnet --version)"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# name, command (run from the repository), time bound in seconds
step() {
  local name=$1 bound=$2; shift 2
  case " $only " in *" $name "*) ;; *) return 0 ;; esac
  echo "== $name ($(date -u +%T))" >&2
  local started=$SECONDS status=0
  (cd "$repo" && timeout --kill-after=30 "$bound" "$@") >"$dir/$name.log" 2>&1 || status=$?
  {
    echo "### $name"
    echo
    echo "\`$*\` (exit $status, $((SECONDS - started)) s)"
    echo
    # Every table the benchmark printed, and its verdict lines (peak RSS, FAIL).
    grep -E '^\||^peak RSS|^FAIL' "$dir/$name.log"
    echo
  } >>"$dir/summary.md"
}

for run in $(seq 1 "$runs"); do
  dir=$base/run-$run
  mkdir -p "$dir"
  machine >"$dir/summary.md"
  sed -i '1i # Performance targets, run '"$run"' of '"$runs"'\n' "$dir/summary.md"
  echo >>"$dir/summary.md"
  if [ -n "${QUICK:-}" ]; then export QUICK; fi
  step cold 900 env COLD_PHASES="${COLD_PHASES:-edit}" scripts/bench/cold-path.sh "$dir/cold-path"
  step warm 900 env CASES="${WARM_CASES:-gzip-demo 304-inm}" scripts/bench/hot-path.sh "$dir/hot-path"
  step memory 600 scripts/bench/memory.sh
  step flood 600 env MAX_RSS_MB="${FLOOD_MAX_RSS_MB:-300}" scripts/flood.sh
  step import 900 scripts/bench/import-memory.sh "$dir/import-memory"
  step caldav 900 scripts/bench/caldav.sh
  echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$dir/summary.md"
  cat "$dir/summary.md"
done
