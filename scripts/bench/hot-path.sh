#!/usr/bin/env bash
# The hot path against its two references, in one invocation and alternating: nginx serving
# the same bytes statically, a bare-Kestrel ceiling serving them from memory
# (benchmarks/FeedProxy.Ceiling) and FeedProxy itself with its production pipeline: rate
# limiter on (a budget wrk cannot exhaust, so every request still passes the limiter),
# metrics collected, default logging with its per-request scope.
#
# Cases: warm 200 of the demo feed and of the 1,000-session feed, 304 via If-None-Match,
# 304 via If-Modified-Since, gzip 200, and 304 via If-None-Match of a collection of the demo
# event (FeedProxy checks the collection's and its member's versions). Each round runs every case on every server with the
# server order rotated, so load from other tenants hits all three alike; the table gives
# the median over rounds and each ratio's median over rounds.
#
# Usage: scripts/bench/hot-path.sh [out-dir]        (default artifacts/bench/hot-path)
# Env:   ROUNDS (3), DURATION (10s), WRK_THREADS (2), WRK_CONNECTIONS (64), QUICK=1 (1 round of 3 s),
#        CASES (all: "warm-demo warm-1000 304-inm 304-ims gzip-demo 304-coll"), WARMUP (5s: each case on
#        each .NET server before the rounds; 2s with QUICK=1),
#        BASELINE=<git ref>: also run FeedProxy built from that commit, as a fourth server in the
#        same rounds (an A/B of a change under the same load)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
out=$(mkdir -p "${1:-$repo/artifacts/bench/hot-path}" && cd "${1:-$repo/artifacts/bench/hot-path}" && pwd)
if [ -n "${QUICK:-}" ]; then ROUNDS=${ROUNDS:-1}; DURATION=${DURATION:-3s}; WARMUP=${WARMUP:-2s}; fi
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10s}; WARMUP=${WARMUP:-5s}
WRK_THREADS=${WRK_THREADS:-2}; WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}

ensure_tools wrk nginx:nginx-light curl python3

machine() {
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "dotnet: sdk $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')"
  echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); nginx: $(nginx -v 2>&1 | cut -d/ -f2)"
  echo "wrk_args: -t$WRK_THREADS -c$WRK_CONNECTIONS -d$DURATION, rounds $ROUNDS"
}
machine >"$out/machine.txt"
echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
cat "$out/machine.txt"

tmp=$(mktemp -d /tmp/feedproxy-hot-path.XXXXXX)
chmod 755 "$tmp"   # nginx workers run as an unprivileged user
CEILING_PID=
cleanup() {
  stop_nginx
  [ -n "$CEILING_PID" ] && kill "$CEILING_PID" 2>/dev/null || true
  [ -n "${BASE_PID:-}" ] && kill "$BASE_PID" 2>/dev/null || true
  stop_feedproxy
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== build (Release)" >&2
dotnet publish "$repo/src/FeedProxy" -c Release -o "$tmp/publish" -nologo -v q >"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
dotnet publish "$repo/benchmarks/FeedProxy.Ceiling" -c Release -o "$tmp/ceiling" -nologo -v q >>"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
if [ -n "${BASELINE:-}" ]; then
  mkdir -p "$tmp/baseline-src"
  git -C "$repo" archive "$BASELINE" | tar -x -C "$tmp/baseline-src"
  dotnet publish "$tmp/baseline-src/src/FeedProxy" -c Release -o "$tmp/baseline" -nologo -v q >>"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
  echo "baseline: $(git -C "$repo" rev-parse --short "$BASELINE")" >>"$out/machine.txt"
fi
dotnet run --project "$repo/benchmarks/FeedProxy.Benchmarks" -c Release -- export "$tmp/data" 1000 >>"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }

# --- FeedProxy: embedded file store, production pipeline ---------------------------------------
# Both schedules are dated 2027, and a Last-Modified in the future is sent as the server's
# clock (RFC 9110 8.8.2.1), which moves every second; If-Modified-Since needs a fixed one,
# so the copies served here were last modified in the past.
mkdir -p "$tmp/events" "$tmp/collections"
echo '{ "name": "Demo collection", "members": [ { "event": "demo" } ] }' >"$tmp/collections/demo-all.json"
touch -d "2026-01-15T12:00:00Z" "$tmp/collections/demo-all.json"
past_modified() { sed -E 's/"lastModified": *"[^"]*"/"lastModified": "2026-01-15T12:00:00Z"/g' "$1" >"$2"; }
past_modified "$repo/config/events/demo.json" "$tmp/events/demo.json"
past_modified "$tmp/data/schedule-1000.json" "$tmp/events/bench-1000.json"
fp_port=$(free_port)
# The production defaults of appsettings.json for logging (later assignments win over lib.sh's).
start_feedproxy "$tmp/publish" "$tmp/fp" "$fp_port" \
  FeedProxy__EventsPath="$tmp/events" FeedProxy__CollectionsPath="$tmp/collections" FeedProxy__StatePath="$tmp/state" \
  Logging__LogLevel__Default=Information Logging__LogLevel__Microsoft.AspNetCore=Warning \
  FeedProxy__RateLimit__PermitsPerMinute=600000000 FeedProxy__RateLimit__Burst=100000000
fp="http://127.0.0.1:$fp_port"
BASE_PID=
if [ -n "${BASELINE:-}" ]; then
  bl_port=$(free_port)
  main_pid=$FP_PID
  start_feedproxy "$tmp/baseline" "$tmp/fp-baseline" "$bl_port" \
    FeedProxy__EventsPath="$tmp/events" FeedProxy__CollectionsPath="$tmp/collections" FeedProxy__StatePath="$tmp/state-baseline" \
    Logging__LogLevel__Default=Information Logging__LogLevel__Microsoft.AspNetCore=Warning \
    FeedProxy__RateLimit__PermitsPerMinute=600000000 FeedProxy__RateLimit__Burst=100000000
  BASE_PID=$FP_PID; FP_PID=$main_pid
fi

# --- capture FeedProxy's bytes and headers; nginx and the ceiling serve exactly those ----------
mirror_feeds "$fp" "$tmp/capture" "$tmp/nginx/root" events/demo events/bench-1000 collections/demo-all
captured() { awk -F': ' -v n="$1" 'tolower($1)==n {gsub("\r",""); print $2}' "$tmp/capture/events/demo.ics.gz.headers"; }
cache_control=$(captured cache-control)
# nginx sends what FeedProxy's 200s carry: Cache-Control, nosniff, the charset, Vary, the
# Link header (the demo feed's value, on every path), Last-Modified (the files' mtime) and
# a strong ETag of its own (it answers If-None-Match only from that one); sendfile,
# keep-alive without a practical limit (lib.sh), and for gzip the `gzip -9` copy that
# gzip_static serves.
nginx_headers=("gzip_static on" "gzip_vary on" "add_header Cache-Control \"$cache_control\"" "add_header X-Content-Type-Options nosniff")
link=$(captured link)
[ -n "$link" ] && nginx_headers+=("add_header Link '$link'")
start_nginx "$tmp/nginx/root" "$tmp/nginx" "${nginx_headers[@]}"
echo "gzip bodies (demo): FeedProxy $(wc -c <"$tmp/capture/events/demo.ics.gz") bytes, nginx (gzip -9) $(wc -c <"$tmp/nginx/root/events/demo.ics.gz") bytes; identity $(wc -c <"$tmp/capture/events/demo.ics") bytes" >>"$out/machine.txt"
ng_port=$NGINX_PORT
ceiling_port=$(free_port)
"$tmp/ceiling/FeedProxy.Ceiling" "$tmp/capture" "http://127.0.0.1:$ceiling_port" >"$tmp/ceiling.log" 2>&1 &
CEILING_PID=$!
wait_http "http://127.0.0.1:$ceiling_port/events/demo.ics" 30

declare -A base=([nginx]="http://127.0.0.1:$ng_port" [ceiling]="http://127.0.0.1:$ceiling_port" [feedproxy]="$fp")
servers=(nginx ceiling feedproxy)
if [ -n "${BASELINE:-}" ]; then base[baseline]="http://127.0.0.1:$bl_port"; servers+=(baseline); fi

header() { header_value "$@"; }

# Same bytes everywhere, and every server answers each conditional case with 304.
declare -A inm inm_coll
last_modified=$(header "$fp/events/demo.ics" last-modified)
for s in "${servers[@]}"; do
  for path in events/demo events/bench-1000 collections/demo-all; do
    [ "$s" = baseline ] && continue   # its self links carry its own port: other bytes, same size
    if [ "$s" = nginx ]; then same_bytes "${base[$s]}" "$tmp/capture" "$path" gzip-decoded
    else same_bytes "${base[$s]}" "$tmp/capture" "$path" gzip; fi
  done
  inm[$s]=$(header "${base[$s]}/events/demo.ics" etag)
  expect_304 "${base[$s]}/events/demo.ics" "If-None-Match: ${inm[$s]}"
  expect_304 "${base[$s]}/events/demo.ics" "If-Modified-Since: $last_modified"
  inm_coll[$s]=$(header "${base[$s]}/collections/demo-all.ics" etag)
  expect_304 "${base[$s]}/collections/demo-all.ics" "If-None-Match: ${inm_coll[$s]}"
done
echo "same bytes (identity; gzip decoding to them) and 304s from all three servers" >&2

# CPU time the server's processes used (utime + stime, clock ticks): divided by the requests
# of a run it gives CPU per request, which other tenants on the machine disturb far less
# than requests per second.
declare -A pids=([nginx]="$NGINX_PID" [ceiling]="$CEILING_PID" [feedproxy]="$FP_PID")
[ -n "${BASELINE:-}" ] && pids[baseline]="$BASE_PID"
cpu_ticks() { # server
  local p total=0
  for p in ${pids[$1]} $(pgrep -P "${pids[$1]}" 2>/dev/null); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
# Bytes FeedProxy allocated on its managed heap so far (its /metrics); empty for the others.
# Divided by a run's requests it is the allocation per request (one scrape adds a few KB).
allocated() { # server
  case $1 in feedproxy|baseline) ;; *) return 0 ;; esac
  { curl -fsS "${base[$1]}/metrics" 2>/dev/null || true; } | awk '/^dotnet_gc_allocated_bytes_total/ && !done {printf "%.0f", $2; done = 1}'
}

# CASES="304-inm 304-ims" runs a subset (more rounds of fewer cases for a closer look).
read -r -a cases <<<"${CASES:-warm-demo warm-1000 304-inm 304-ims gzip-demo 304-coll}"
run_case() { # round case server
  local round=$1 case=$2 s=$3 url="${base[$3]}/events/demo.ics" hdr=()
  case $case in
    warm-1000) url="${base[$s]}/events/bench-1000.ics" ;;
    304-inm) hdr=(-H "If-None-Match: ${inm[$s]}") ;;
    304-ims) hdr=(-H "If-Modified-Since: $last_modified") ;;
    gzip-demo) hdr=(-H "Accept-Encoding: gzip") ;;
    304-coll) url="${base[$s]}/collections/demo-all.ics"; hdr=(-H "If-None-Match: ${inm_coll[$s]}") ;;
  esac
  local report="$out/wrk-r$round-$case-$s.txt" before after alloc_before alloc_after
  alloc_before=$(allocated "$s")
  before=$(cpu_ticks "$s")
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$DURATION" --latency "${hdr[@]}" "$url" >"$report"
  after=$(cpu_ticks "$s")
  alloc_after=$(allocated "$s")
  printf '%s\t%s\t%s\t%s\t' "$round" "$s" "$(( (after - before) * 1000000 / hz ))" \
    "$([ -n "$alloc_before" ] && [ -n "$alloc_after" ] && echo $(( alloc_after - alloc_before )))" >>"$out/runs.tsv"
  python3 "$here/parse_wrk.py" "$case" "$report" | tee -a "$out/runs.tsv" >&2
}

# Warm-up, not measured: every case on every server, at the measured concurrency. The .NET
# servers compile each request path in tiers (a quick JIT, then an instrumented one, then
# the optimised code, in the background once a method has run often enough); a path first
# taken inside a measured run is paid for in that run (on a loaded machine, FeedProxy's gzip
# 200 cost 51 µs of CPU per request over 16 s measured after 6 s of warm-up, 26 µs after 25 s).
for case in "${cases[@]}"; do
  for s in "${servers[@]}"; do
    [ "$s" = nginx ] && continue
    DURATION=$WARMUP run_case 0 "$case" "$s" 2>/dev/null
  done
done
printf 'round\tserver\tcpu_us\talloc_bytes\tcase\trps\tp50_ms\tp99_ms\trequests\tnon2xx3xx\tsocket_errors\n' >"$out/runs.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for case in "${cases[@]}"; do
    # Rotate who goes first so no server always runs right after the same neighbour.
    n=${#servers[@]}
    for i in $(seq 0 $((n - 1))); do run_case "$round" "$case" "${servers[$(( (i + round) % n ))]}"; done
  done
done

echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
python3 "$here/hot_path_report.py" "$out/runs.tsv" "$out/machine.txt" | tee "$out/results.md"
