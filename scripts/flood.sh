#!/usr/bin/env bash
# The flood of issue 9, item 1: 60 s of requests for URLs and Host headers the server has
# not seen (long random filter values, real filter combinations, forged agenda codes and
# private tokens, unknown ids, random Host headers), rate limiting off, against the published
# Release build. Prints peak RSS of the server and, in production mode, Redis's used memory
# against its configured maxmemory, and the answers by status class. Fails (exit 1) on any
# 5xx or when peak RSS exceeds MAX_RSS_MB (default: the bound of docs/security.md, "Memory",
# at the default settings: 261-265 MB measured embedded on a quiet machine with the 64 MB
# default cache and one completion thread (353-358 MB before them); 457-499 MB with
# PostgreSQL + Redis before them; with some margin).
#
#   scripts/flood.sh                         embedded mode (file store, in-process cache)
#   MODE=production scripts/flood.sh         PostgreSQL + Redis (maxmemory REDIS_MAXMEMORY)
#   DURATION=60 CONNECTIONS=64 THREADS=2 MAX_RSS_MB=450|540 REDIS_MAXMEMORY=64mb REBUILD=1
#   EXTRA_ENV="FeedProxy__Caching__MemoryLimitMegabytes=256 ..." settings for the server
#   REQUESTS=<n> stop after n requests (DURATION then only caps the time): equal work per run,
#                so runs on a loaded machine can be compared
#   DIAG=<dir>   also record System.Runtime counters (dotnet-counters, CSV, 1 s) and take a
#                GC heap dump (dotnet-gcdump) at the end of the flood, both into <dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/bench/lib.sh"
MODE=${MODE:-embedded}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
if [ "$MODE" = production ]; then MAX_RSS_MB=${MAX_RSS_MB:-540}; else MAX_RSS_MB=${MAX_RSS_MB:-450}; fi
REDIS_MAXMEMORY=${REDIS_MAXMEMORY:-64mb}
publish="$repo/artifacts/flood/publish"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }

if [ ! -x "$publish/FeedProxy" ] || [ -n "${REBUILD:-}" ]; then
  dotnet publish "$repo/src/FeedProxy" -c Release -o "$publish" -v q -nologo >/dev/null
fi

tmp=$(mktemp -d /tmp/feedproxy-flood.XXXXXX)
chmod 755 "$tmp"
SAMPLER_PID=; REDIS_SAMPLER_PID=; COUNTERS_PID=
cleanup() {
  [ -n "$COUNTERS_PID" ] && kill "$COUNTERS_PID" 2>/dev/null || true
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$REDIS_SAMPLER_PID" ] && kill "$REDIS_SAMPLER_PID" 2>/dev/null || true
  stop_feedproxy
  if [ "$MODE" = production ]; then kill_redis; stop_postgres; fi
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(free_port)
base="http://127.0.0.1:$port"
mkdir -p "$tmp/events"
cp "$repo/config/events/demo.json" "$tmp/events/"
if [ "$MODE" = production ]; then
  start_postgres "$tmp/pg"
  start_redis "$tmp/redis"
  redis-cli -p "$REDIS_PORT" config set maxmemory "$REDIS_MAXMEMORY" >/dev/null
  redis-cli -p "$REDIS_PORT" config set maxmemory-policy volatile-lru >/dev/null
  start_feedproxy "$publish" "$tmp/fp" "$port" \
    ConnectionStrings__Postgres="$PG_URL" ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT" \
    FeedProxy__AdminToken=flood-token FeedProxy__StatePath="$tmp/state" \
    Logging__LogLevel__FeedProxy.Caching.ManagedHeapLimit=Information ${EXTRA_ENV:-}
  curl -fsS -o /dev/null -X PUT -H 'Authorization: Bearer flood-token' -H 'Content-Type: application/json' \
    --data-binary @"$repo/config/events/demo.json" "$base/admin/events/demo"
else
  start_feedproxy "$publish" "$tmp/fp" "$port" FeedProxy__EventsPath="$tmp/events" FeedProxy__StatePath="$tmp/state" \
    Logging__LogLevel__FeedProxy.Caching.ManagedHeapLimit=Information ${EXTRA_ENV:-}
fi
curl -fsS -o /dev/null "$base/events/demo.ics"
start_rss=$(awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/$FP_PID/status")
grep -h -A1 'ManagedHeapLimit' "$tmp/fp/feedproxy.log" | grep -v 'ManagedHeapLimit\|^--' | sed 's/^ *//' >&2 || echo "no managed heap limit set" >&2

rss_sampler "$FP_PID" "$tmp/rss.log" &
SAMPLER_PID=$!
if [ "$MODE" = production ]; then
  ( while true; do redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r' >>"$tmp/redis.log"; sleep 0.5; done ) &
  REDIS_SAMPLER_PID=$!
fi

if [ -n "${DIAG:-}" ]; then
  mkdir -p "$DIAG"
  PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-counters >/dev/null && command -v dotnet-gcdump >/dev/null \
    || { echo "DIAG needs dotnet-counters and dotnet-gcdump (dotnet tool install -g ...)" >&2; exit 2; }
  dotnet-counters collect -p "$FP_PID" --counters System.Runtime --refresh-interval 1 --format csv -o "$DIAG/counters.csv" >"$DIAG/counters.log" 2>&1 &
  COUNTERS_PID=$!
fi
echo "flood: $MODE mode, $DURATION s, $CONNECTIONS connections, server pid $FP_PID, RSS at start $start_rss MB" >&2
cpu_ticks() { awk '{print $14 + $15}' "/proc/$FP_PID/stat"; }
cpu_start=$(cpu_ticks)
REQUESTS=${REQUESTS:-} THREADS=$THREADS wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s -s "$here/flood.lua" "$base" | tee "$tmp/wrk.txt"

cpu_used=$(( $(cpu_ticks) - cpu_start ))
if [ -n "${DIAG:-}" ]; then
  awk '/^VmRSS:/ {printf "RSS before the heap dump: %.1f MB\n", $2/1024}' "/proc/$FP_PID/status" | tee "$DIAG/dump-rss.txt"
  cp "/proc/$FP_PID/smaps_rollup" "$DIAG/smaps_rollup.txt" 2>/dev/null || true
  cp "/proc/$FP_PID/smaps" "$DIAG/smaps.txt" 2>/dev/null || true
  dotnet-gcdump collect -p "$FP_PID" -o "$DIAG/end.gcdump" >"$DIAG/gcdump.log" 2>&1 || echo "gcdump failed: see $DIAG/gcdump.log" >&2
  dotnet-gcdump report "$DIAG/end.gcdump" >"$DIAG/end.txt" 2>&1 || true
  # SIGINT is ignored by background jobs of a script; dotnet-counters flushes its CSV on TERM too.
  kill "$COUNTERS_PID" 2>/dev/null || true; wait "$COUNTERS_PID" 2>/dev/null || true; COUNTERS_PID=
fi

# Still serving after the flood.
after=$(curl -s -o /dev/null -w '%{http_code}' "$base/events/demo.ics")
peak=$(max_rss_mb "$tmp/rss.log")
end_rss=$(awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/$FP_PID/status")
total=$(sed -n 's/^TOTAL requests=\([0-9]*\).*/\1/p' "$tmp/wrk.txt")
awk -v c="$cpu_used" -v hz="$(getconf CLK_TCK)" -v n="${total:-0}" \
  'BEGIN{printf "server CPU: %.1f s, %.3f ms per request (less sensitive to other load than req/s)\n", c/hz, n ? 1000*c/hz/n : 0}'
echo "peak RSS: $peak MB (start $start_rss MB, end $end_rss MB, limit $MAX_RSS_MB MB); /events/demo.ics after the flood: $after"
if [ "$MODE" = production ]; then
  redis_peak=$(sort -n "$tmp/redis.log" | tail -1)
  redis_max=$(redis-cli -p "$REDIS_PORT" config get maxmemory | tail -1)
  echo "Redis used_memory peak: $(( redis_peak / 1024 / 1024 )) MB (maxmemory $(( redis_max / 1024 / 1024 )) MB)"
fi

fives=$(sed -n 's/.*5xx=\([0-9]*\).*/\1/p' "$tmp/wrk.txt")
status=0
[ "${fives:-1}" = 0 ] || { echo "FAIL: $fives responses were 5xx" >&2; status=1; }
awk -v p="$peak" -v m="$MAX_RSS_MB" 'BEGIN{exit !(p<=m)}' || { echo "FAIL: peak RSS $peak MB over $MAX_RSS_MB MB" >&2; status=1; }
[ "$after" = 200 ] || { echo "FAIL: the demo feed answers $after after the flood" >&2; status=1; }
exit $status
