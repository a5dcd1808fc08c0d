#!/usr/bin/env bash
# Reproduces every benchmark of docs/benchmarks.md and writes artifacts/bench/results.md
# (plus raw outputs next to it). Bounded: every step stops by itself (about 15-25 minutes
# on a 2-core machine). Loopback only.
#
#   scripts/bench/run-all.sh            everything
#   QUICK=1 scripts/bench/run-all.sh    short runs to check the pipeline (numbers meaningless)
#
# Needs: .NET 10 SDK, node + npm, /usr/bin/python3 with python3-icalendar, wrk, nginx-light,
# PostgreSQL 15 (/usr/lib/postgresql/15/bin), curl. As root, PostgreSQL runs as "postgres".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="${BENCH_OUT:-$repo/artifacts/bench}"   # BENCH_OUT: another folder, e.g. for a smoke run
mkdir -p "$out"
cd "$repo"

if [ -n "${QUICK:-}" ]; then
  export WRK_ARGS="-t2 -c64 -d3s" COLD_REQUESTS=5 QUICK; bdn_flags=--quick; sizes=100,1000
else
  export WRK_ARGS="${WRK_ARGS:--t2 -c64 -d15s}" COLD_REQUESTS="${COLD_REQUESTS:-40}"; bdn_flags=; sizes=100,1000,10000
fi

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "dotnet: $(dotnet --version)"
  echo "node: $(node --version)"
  echo "python: $(/usr/bin/python3 --version 2>&1), icalendar $(/usr/bin/python3 -c 'import icalendar; print(icalendar.__version__)')"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "nginx: $(nginx -v 2>&1)"
  echo "kernel: $(uname -r)"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"

echo "== build (Release)"
dotnet build benchmarks/FeedProxy.Benchmarks -c Release -v q -nologo >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
dotnet publish src/FeedProxy -c Release -o "$out/publish" -nologo >"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
[ -x "$out/publish/FeedProxy" ] || { echo "publish produced no $out/publish/FeedProxy" >&2; tail -30 "$out/publish.log"; exit 1; }
bench="benchmarks/FeedProxy.Benchmarks/bin/Release/net10.0/FeedProxy.Benchmarks"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

echo "== 3a: schedules, then the same sessions through FeedProxy, ical-generator and python3-icalendar"
"$bench" export "$out/data" "$sizes" >/dev/null
mkdir -p "$out/outputs"
for n in ${sizes//,/ }; do "$bench" render "$out/outputs" "$n" ics >/dev/null; done
node "$here/render-ical-generator.mjs" "$out/data" "$sizes" "$out/ical-generator.json" "$out/outputs"
/usr/bin/python3 "$here/render_python_icalendar.py" "$out/data" "$sizes" "$out/python-icalendar.json" "$out/outputs"
"$bench" bdn "$out/render-feedproxy.json" $bdn_flags >"$out/bdn.log" 2>&1 || { tail -40 "$out/bdn.log"; exit 1; }
grep -A25 '^| Method' "$out/bdn.log" | head -20 || true

echo "== 3b: HTTP (wrk vs nginx, 304, cold path, RSS)"
"$here/http-bench.sh" "$out/publish" "$out/data" "$out/http"

echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
python3 "$here/report.py" "$out" >"$out/results.md"
cat "$out/results.md"
