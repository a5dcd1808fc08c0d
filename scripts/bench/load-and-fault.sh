#!/usr/bin/env bash
# Mixed subscriber traffic against FeedProxy on PostgreSQL + Redis while Redis is killed
# (kill -9) and restarted and PostgreSQL is restarted (pg_ctl restart -m fast). Reports
# non-2xx/304 responses (all, and for feeds cached before the first fault) and recovery
# times. Private servers on 127.0.0.1 in a temporary folder; stops by itself.
#
#   DURATION=600 scripts/bench/load-and-fault.sh     (default 600 s; DURATION=60 for a quick check)
#   FAULT_OUT=<dir> writes the results elsewhere; REBUILD=1 publishes FeedProxy again first.
#
# Fault schedule (t as a fraction of DURATION):
#   0.25  Redis kill -9; back after OUTAGE seconds (min(15, DURATION/10))
#   0.55  PostgreSQL restart -m fast
#   0.80  Redis kill -9 again; back after OUTAGE/3 seconds
# Output: artifacts/bench/fault/ (load-and-fault.md, mixed-raw.json, faults.log, server logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
DURATION=${DURATION:-600}
WORKERS=${WORKERS:-6}
out="${FAULT_OUT:-$repo/artifacts/bench/fault}"
publish="$repo/artifacts/bench/publish"
data="$repo/artifacts/bench/data"
mkdir -p "$out"
rm -f "$out/faults.log" "$out/mixed-raw.json"

if [ ! -x "$publish/FeedProxy" ] || [ -n "${REBUILD:-}" ]; then
  dotnet publish "$repo/src/FeedProxy" -c Release -o "$publish" -v q -nologo >"$out/publish.log"
fi
if [ ! -f "$data/schedule-1000.json" ]; then
  dotnet run --project "$repo/benchmarks/FeedProxy.Benchmarks" -c Release -- export "$data" 1000 >/dev/null
fi

tmp=$(mktemp -d /tmp/feedproxy-fault.XXXXXX)
chmod 755 "$tmp"
SAMPLER_PID=; CLIENT_PID=
cleanup() {
  [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null || true
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  stop_feedproxy; kill_redis; stop_postgres
  cp "$tmp"/fp/feedproxy.log "$out/feedproxy.log" 2>/dev/null || true
  cp "$tmp"/pg/postgres.log "$out/postgres.log" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_postgres "$tmp/pg"
start_redis "$tmp/redis"
port=$(free_port)
start_feedproxy "$publish" "$tmp/fp" "$port" \
  ConnectionStrings__Postgres="$PG_URL" ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT" \
  FeedProxy__AdminToken=bench-token FeedProxy__StatePath="$tmp/state"
base="http://127.0.0.1:$port"
echo "FeedProxy $base (pid $FP_PID), PostgreSQL :$PG_PORT, Redis :$REDIS_PORT" >&2

# Events: the demo event, the 1,000-session benchmark event and a small probe event.
put_event() { # id file
  python3 - "$1" "$2" <<'PY' | curl -fsS -o /dev/null -X PUT -H 'Authorization: Bearer bench-token' -H 'Content-Type: application/json' --data-binary @- "$base/admin/events/$1"
import json, sys
doc = json.load(open(sys.argv[2], encoding="utf-8")); doc["id"] = sys.argv[1]; print(json.dumps(doc))
PY
}
put_event demo "$repo/config/events/demo.json"
put_event bench-1000 "$data/schedule-1000.json"
cat >"$tmp/probe.json" <<'JSON'
{"id": "probe", "name": "Probe", "timeZone": "Europe/Berlin", "lastModified": "2027-03-20T12:00:00Z",
 "sessions": [{"id": "p1", "title": "Probe session", "start": "2027-03-27T10:00:00+01:00", "end": "2027-03-27T10:30:00+01:00"}]}
JSON
put_event probe "$tmp/probe.json"

rss_sampler "$FP_PID" "$out/rss.txt" &
SAMPLER_PID=$!
python3 "$here/mixed_client.py" "$base" "$DURATION" "$out" "$WORKERS" &
CLIENT_PID=$!

mark() { echo "$(date +%s.%N) $1" >>"$out/faults.log"; echo "t+$(( $(date +%s) - started ))s $1" >&2; }
started=$(date +%s)
at() { local wait=$(( started + $1 - $(date +%s) )); [ "$wait" -gt 0 ] && sleep "$wait"; return 0; }
outage=$(( DURATION / 10 )); [ "$outage" -gt 15 ] && outage=15
short=$(( outage / 3 )); [ "$short" -lt 1 ] && short=1

at $(( DURATION * 25 / 100 )); mark redis_kill; kill_redis
sleep "$outage"; start_redis "$tmp/redis"; mark redis_back
at $(( DURATION * 55 / 100 )); mark pg_restart_begin; pg_ctl_restart; mark pg_back
at $(( DURATION * 80 / 100 )); mark redis_kill; kill_redis
sleep "$short"; start_redis "$tmp/redis"; mark redis_back

wait "$CLIENT_PID"; CLIENT_PID=
kill "$SAMPLER_PID"; SAMPLER_PID=
{
  echo "# Load and fault run"
  echo
  echo "DURATION=${DURATION} s, ${WORKERS} client workers, $(nproc) cores, load average at end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "FeedProxy peak RSS: $(max_rss_mb "$out/rss.txt") MB."
  echo
} >"$out/header.md"
python3 "$here/mixed_report.py" "$out" >/dev/null
cat "$out/header.md" "$out/load-and-fault.md" >"$out/report.md"
cat "$out/report.md"
