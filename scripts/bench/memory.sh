#!/usr/bin/env bash
# Peak memory of the README's run (`dotnet run --project src/FeedProxy -c Release`: the Release
# build, file store, the demo event) with a 32 MB cache under 45 s of requests for 2,320
# distinct valid representations (formats, dialects and profiles x identity/gzip/br x filters,
# exclusions, search, tz and reminders; scripts/bench/memory_urls.py), cycled by wrk so that
# the cache churns throughout. Rate limiting is off (every miss renders). Samples VmRSS every
# 0.5 s and reads VmHWM (the kernel's peak) from /proc at the end; prints one summary table.
# Fails on any non-2xx answer.
#
#   scripts/bench/memory.sh                        one run, the shipped settings
#   VARIANTS="default;DOTNET_GCgen0size=0x2000000" ROUNDS=2 scripts/bench/memory.sh
#                  runs each variant (";"-separated, each a space-separated env list, "default"
#                  for none) ROUNDS times, alternated, and prints one row per run
#                  ("APP=<path of a FeedProxy app host>" in a variant runs that build instead)
#   QUICK=1        smoke run: 200 representations for 5 s
#   DURATION=45 CONNECTIONS=32 THREADS=2 COUNT=2320 CACHE_MB=32 NOBUILD=1 MAX_RSS_MB=200
#   DIAG=<dir>     also keep smaps_rollup and System.Runtime counters (dotnet-counters, if installed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
if [ -n "${QUICK:-}" ]; then DURATION=${DURATION:-5}; COUNT=${COUNT:-200}; fi
DURATION=${DURATION:-45}
COUNT=${COUNT:-2320}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
CACHE_MB=${CACHE_MB:-32}
ROUNDS=${ROUNDS:-1}
MAX_RSS_MB=${MAX_RSS_MB:-200}
VARIANTS=${VARIANTS:-default}
ensure_tools wrk:wrk python3:python3 || exit 2

# The README's build: `dotnet run -c Release` builds this and runs the app host from the
# repository root with FeedProxy.runtimeconfig.json beside it.
if [ -z "${NOBUILD:-}" ]; then
  timeout 600 dotnet build "$repo/src/FeedProxy" -c Release -v q -nologo >/dev/null
fi
app=$(ls -d "$repo"/src/FeedProxy/bin/Release/net*/FeedProxy | head -1)

tmp=$(mktemp -d /tmp/feedproxy-memory.XXXXXX)
SAMPLER_PID=; FP_PID=; COUNTERS_PID=
cleanup() {
  [ -n "$COUNTERS_PID" ] && kill "$COUNTERS_PID" 2>/dev/null || true
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$FP_PID" ] && kill "$FP_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
python3 "$here/memory_urls.py" "$COUNT" >"$tmp/urls.txt"

kb() { awk -v k="$1" '$1==k":" {print $2}' "$2"; }
mb() { awk -v v="$1" 'BEGIN{printf "%.0f", v/1024}'; }

# run <label> <env...> : one run; appends a row to $tmp/rows.
run() {
  local label=$1; shift
  local env_args=() v exe=$app
  for v in "$@"; do
    case "$v" in default) ;; APP=*) exe=${v#APP=} ;; *) env_args+=("$v") ;; esac
  done
  local port; port=$(free_port)
  local work="$tmp/run"; rm -rf "$work"; mkdir -p "$work"
  local t0; t0=$(date +%s%N)
  ( cd "$repo" && exec env Urls="http://127.0.0.1:$port" FeedProxy__StatePath="$work/state" \
      FeedProxy__Caching__MemoryLimitMegabytes="$CACHE_MB" FeedProxy__RateLimit__PermitsPerMinute=0 \
      Logging__LogLevel__Default=Warning "${env_args[@]}" "$exe" >"$work/server.log" 2>&1 ) &
  FP_PID=$!
  wait_http "http://127.0.0.1:$port/healthz" 120
  local start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  curl -fsS -o /dev/null "http://127.0.0.1:$port/events/demo.ics"
  local rss_start; rss_start=$(kb VmRSS "/proc/$FP_PID/status")
  rss_sampler "$FP_PID" "$work/rss.log" & SAMPLER_PID=$!
  if [ -n "${DIAG:-}" ] && command -v dotnet-counters >/dev/null; then
    mkdir -p "$DIAG"
    dotnet-counters collect -p "$FP_PID" --counters System.Runtime --refresh-interval 1 --format csv \
      -o "$DIAG/${label//[ =/]/_}.counters.csv" >/dev/null 2>&1 & COUNTERS_PID=$!
  fi
  local cpu0; cpu0=$(awk '{print $14 + $15}' "/proc/$FP_PID/stat")
  URLS="$tmp/urls.txt" THREADS=$THREADS timeout $(( DURATION + 30 )) \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s -s "$here/memory.lua" \
    "http://127.0.0.1:$port" >"$work/wrk.txt"
  local cpu=$(( $(awk '{print $14 + $15}' "/proc/$FP_PID/stat") - cpu0 ))
  cp "/proc/$FP_PID/status" "$work/status"; cp "/proc/$FP_PID/smaps_rollup" "$work/smaps_rollup"
  [ -n "${DIAG:-}" ] && cp "$work/smaps_rollup" "$DIAG/${label//[ =/]/_}.smaps_rollup" && cp "/proc/$FP_PID/smaps" "$DIAG/${label//[ =/]/_}.smaps"
  if [ -n "$COUNTERS_PID" ]; then kill "$COUNTERS_PID" 2>/dev/null || true; wait "$COUNTERS_PID" 2>/dev/null || true; COUNTERS_PID=; fi
  kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=
  kill "$FP_PID"; wait "$FP_PID" 2>/dev/null || true; FP_PID=
  local total bad
  total=$(sed -n 's/^TOTAL requests=\([0-9]*\).*/\1/p' "$work/wrk.txt")
  bad=$(awk '/^STATUS/ {split($3,a,"="); split($4,b,"="); split($5,c,"="); print a[2]+b[2]+c[2]}' "$work/wrk.txt")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
    "$(mb "$(kb VmHWM "$work/status")")" "$(max_rss_mb "$work/rss.log")" "$(mb "$rss_start")" \
    "$(mb "$(kb VmRSS "$work/status")")" "$(mb "$(kb Anonymous "$work/smaps_rollup")")" \
    "$(mb "$(( $(kb Rss "$work/smaps_rollup") - $(kb Anonymous "$work/smaps_rollup") ))")" "$(kb Threads "$work/status")" "$total" \
    "$(awk -v c="$cpu" -v hz="$(getconf CLK_TCK)" -v n="$total" 'BEGIN{printf "%.3f", n ? 1000*c/hz/n : 0}')" \
    "$start_ms" >>"$tmp/rows"
  [ "${bad:-1}" = 0 ] || { echo "FAIL ($label): $bad answers were not 2xx/304: $(grep STATUS "$work/wrk.txt")" >&2; echo "$label" >>"$tmp/failed"; }
  echo "done: $(tail -1 "$tmp/rows")" >&2
}

IFS=';' read -r -a variants <<<"$VARIANTS"
echo "memory: $COUNT representations, $DURATION s, $CONNECTIONS connections, cache $CACHE_MB MB, $ROUNDS round(s) of ${#variants[@]} variant(s); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$ROUNDS"); do
  for v in "${variants[@]}"; do
    v=$(echo "$v" | sed 's/^ *//; s/ *$//')
    # shellcheck disable=SC2086
    run "$v" $v
  done
done

echo
echo "| variant | peak RSS (VmHWM) MB | max sampled VmRSS MB | RSS after 1st request MB | RSS at end MB | anon at end MB | file-backed at end MB | threads | requests | server CPU ms/request | start ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
cat "$tmp/rows"
status=0
[ ! -s "$tmp/failed" ] || status=1
if [ "$VARIANTS" = default ]; then
  peak=$(awk -F'|' '{gsub(/ /,"",$3); if ($3>m) m=$3} END{print m+0}' "$tmp/rows")
  [ "$peak" -le "$MAX_RSS_MB" ] || { echo "FAIL: peak RSS $peak MB over $MAX_RSS_MB MB" >&2; status=1; }
fi
exit $status
