#!/usr/bin/env bash
# CalDAV benchmark (docs/caldav.md, "Performance"): against the Release server on loopback,
# embedded store, one 1,000-session event plus 100 small events:
#   - sync-collection delta after one session changed: response size, p50/p90 (warm);
#   - a full sync (sync-collection with calendar-data) of the 1,000-session event against
#     rendering its .ics, both on a cache miss (after an edit), p50;
#   - PROPFIND Depth 1 of the home with 100+ calendars (warm), p50;
#   - bytes a client transfers to follow 10 single-session edits: CalDAV (sync + the changed
#     object) against re-fetching the gzip .ics each time.
# Besides the client's wall times (loopback, HTTP included) every case reports the server's CPU
# time and allocated bytes per request, which a busy machine disturbs far less; the full sync's
# ratio to the .ics render is computed in the same run, the two alternated. Prints a JSON report
# and then a summary table (target, figure, met/missed) for docs/benchmarks.md. Bounded: the
# measuring client is stopped after 9 minutes (QUICK=1: a smoke run of a minute or two).
#
# Usage: [QUICK=1] [FEEDPROXY_DLL=path/to/FeedProxy.dll] scripts/bench/caldav.sh [--quick]
#   FEEDPROXY_DLL runs another build of the server (an older commit, to compare).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

quick=""
{ [ "${1:-}" = "--quick" ] || [ "${QUICK:-0}" = 1 ]; } && quick="--quick"
dll="${FEEDPROXY_DLL:-$root/src/FeedProxy/bin/Release/net10.0/FeedProxy.dll}"

work="$(mktemp -d -t feedproxy-caldav-bench-XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true   # it may still be writing to the state folder
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[ -n "${FEEDPROXY_DLL:-}" ] || dotnet build "$root/src/FeedProxy" -c Release -v q >/dev/null
dotnet run --project "$root/benchmarks/FeedProxy.Benchmarks" -c Release -- export "$work/export" 100,1000 >/dev/null
mkdir -p "$work/events"
python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
big = json.load(open(f"{work}/export/schedule-1000.json"))
big["id"] = "big"
json.dump(big, open(f"{work}/events/big.json", "w"))
small = json.load(open(f"{work}/export/schedule-100.json"))
small["sessions"] = small["sessions"][:20]
for i in range(100):
    small["id"] = f"small{i:03d}"
    json.dump(small, open(f"{work}/events/small{i:03d}.json", "w"))
PY

port="$(free_port)"
(
  cd "$work"
  ASPNETCORE_URLS="http://127.0.0.1:$port" \
  FeedProxy__EventsPath="$work/events" FeedProxy__CollectionsPath="$work/collections" \
  FeedProxy__StatePath="$work/state" FeedProxy__RateLimit__PermitsPerMinute=0 \
  Logging__LogLevel__Default=Warning \
  exec dotnet "$dll"
) >"$work/server.log" 2>&1 &
server_pid=$!
wait_http "http://127.0.0.1:$port/events/big.ics" 120

timeout 540 python3 "$here/caldav_bench.py" "http://127.0.0.1:$port" "$work/events/big.json" "$server_pid" $quick
