#!/usr/bin/env bash
# Peak memory of the largest accepted import: a generated 30,000-session schedule as frab/c3voc
# schedule JSON (~60 MB, under the 64 MB body limit) imported through the admin API into a
# server on the file store and into one on a private PostgreSQL, then its .ics asked for with
# gzip and without (the ~55 MB render and its compressed coding). The server's peak RSS is the
# kernel's high-water mark (VmHWM in /proc/<pid>/status), read after the import and after the
# renders; the `import` command-line verb is measured too (GNU time's maximum resident size).
#
# Usage: scripts/bench/import-memory.sh [out-dir]     (default artifacts/bench/import-memory)
# Env:   IMPORT_SESSIONS (30000), QUICK=1 (3,000 sessions: a smoke run), IMPORT_TARGET_MB (512),
#        IMPORT_SERVER_ENV: extra VAR=value words for the servers (runtime knobs to compare)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
out=$(mkdir -p "${1:-$repo/artifacts/bench/import-memory}" && cd "${1:-$repo/artifacts/bench/import-memory}" && pwd)
[ -n "${QUICK:-}" ] && IMPORT_SESSIONS=${IMPORT_SESSIONS:-3000}
sessions=${IMPORT_SESSIONS:-30000}
target=${IMPORT_TARGET_MB:-512}
ensure_tools curl python3 /usr/bin/time:time
[ -x "$PG_BIN/initdb" ] || ensure_tools "$PG_BIN/initdb:postgresql-15"

tmp=$(mktemp -d /tmp/feedproxy-import-memory.XXXXXX)
chmod 755 "$tmp"
cleanup() { stop_feedproxy; stop_postgres; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
# A whole run stops by itself: every request and command has its own bound.
exec 3>&2

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "sessions: $sessions, server_env: ${IMPORT_SERVER_ENV:-none}"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc), memory: $(awk '/MemTotal/ {printf "%d MB", $2/1024}' /proc/meminfo)"
} >"$out/machine.txt"

echo "== build (Release)" >&2
timeout 600 dotnet publish "$repo/src/FeedProxy" -c Release -o "$tmp/publish" -nologo -v q >"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
timeout 600 dotnet run --project "$repo/benchmarks/FeedProxy.Benchmarks" -c Release -- export "$tmp/data" "$sessions" >>"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
python3 "$here/to_schedule_json.py" "$tmp/data/schedule-$sessions.json" "$tmp/schedule.json"
rm -f "$tmp/data/schedule-$sessions.json"
input_mb=$(awk -v b="$(stat -c %s "$tmp/schedule.json")" 'BEGIN {printf "%.1f", b/1048576}')
echo "input: $input_mb MB of schedule JSON, $sessions sessions" | tee -a "$out/machine.txt" >&2

hwm_mb() { awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
auth=(-H "Authorization: Bearer bench-token")
results="$out/results.tsv"
printf 'store\tpath\tpeak_rss_after_import_mb\tpeak_rss_after_renders_mb\timport_s\tics_mb\tics_gzip_mb\tstatus\n' >"$results"

# measure <store> <server env...> : one server, one import, the renders, its high-water marks.
measure() {
  local store=$1 port status started elapsed after_import after_render ics gz; shift
  port=$(free_port)
  # shellcheck disable=SC2086 # IMPORT_SERVER_ENV is a list of words on purpose
  start_feedproxy "$tmp/publish" "$tmp/fp-$store" "$port" FeedProxy__AdminToken=bench-token \
    FeedProxy__EventsPath="$tmp/events-$store" FeedProxy__StatePath="$tmp/state-$store" "$@" ${IMPORT_SERVER_ENV:-}
  echo "== $store: import (server pid $FP_PID, $(hwm_mb "$FP_PID") MB at start)" >&2
  started=$(date +%s.%N)
  status=$(curl -sS --max-time 300 -o "$out/import-$store.json" -w '%{http_code}' "${auth[@]}" \
    -H 'Content-Type: application/json' --data-binary @"$tmp/schedule.json" \
    "http://127.0.0.1:$port/admin/events/bench/import")
  elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e-s}')
  after_import=$(hwm_mb "$FP_PID")
  echo "   import: HTTP $status in $elapsed s, peak RSS $after_import MB" >&2
  ics=$(curl -sS --max-time 300 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/events/bench.ics")
  gz=$(curl -sS --max-time 300 -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/events/bench.ics")
  # Once more each: the compressed coding may have been made off the request path.
  curl -sS --max-time 300 -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/events/bench.ics"
  curl -sS --max-time 300 -o /dev/null "http://127.0.0.1:$port/events/bench.ics"
  after_render=$(hwm_mb "$FP_PID")
  echo "   renders: .ics $ics bytes, gzip $gz bytes, peak RSS $after_render MB" >&2
  stop_feedproxy
  [ "$status" = 200 ] || [ "$status" = 201 ] || status="failed:$status"
  printf '%s\tadmin HTTP\t%s\t%s\t%s\t%s\t%s\t%s\n' "$store" "$after_import" "$after_render" "$elapsed" \
    "$(awk -v b="$ics" 'BEGIN {printf "%.1f", b/1048576}')" "$(awk -v b="$gz" 'BEGIN {printf "%.1f", b/1048576}')" "$status" >>"$results"
}

# cli <store> <env...> : the `import` verb, its maximum resident size from GNU time.
cli() {
  local store=$1 started elapsed rc=0; shift
  echo "== $store: command-line import" >&2
  started=$(date +%s.%N)
  ( cd "$tmp" && env FeedProxy__EventsPath="$tmp/cli-events-$store" "$@" timeout 300 /usr/bin/time -f '%M' -o "$out/cli-$store.time" \
      "$tmp/publish/FeedProxy" import "$tmp/schedule.json" --event bench >"$out/cli-$store.log" 2>&1 ) || rc=$?
  elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e-s}')
  local peak; peak=$(awk '/^[0-9]+$/ {printf "%.0f", $1/1024}' "$out/cli-$store.time")
  echo "   exit $rc in $elapsed s, peak RSS $peak MB" >&2
  printf '%s\tcommand line\t%s\t-\t%s\t-\t-\t%s\n' "$store" "$peak" "$elapsed" "$([ "$rc" = 0 ] && echo ok || echo "failed:$rc")" >>"$results"
}

measure file
cli file
start_postgres "$tmp/pg"
measure postgres ConnectionStrings__Postgres="$PG_URL"
# The same event again on PostgreSQL: the server above created the schema.
cli postgres ConnectionStrings__Postgres="$PG_URL"

echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
python3 - "$results" "$target" "$input_mb" "$sessions" <<'PY' | tee "$out/summary.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
target = int(sys.argv[2])
print(f"Import of {sys.argv[4]} sessions ({sys.argv[3]} MB schedule JSON), peak RSS target <= {target} MB")
print()
print("| store | path | peak RSS after import | peak RSS after .ics renders | import time | .ics / gzip | target |")
print("|---|---|---:|---:|---:|---:|---|")
failed = False
for r in rows:
    peaks = [int(v) for v in (r["peak_rss_after_import_mb"], r["peak_rss_after_renders_mb"]) if v.isdigit()]
    ok = r["status"] in ("200", "201", "ok") and peaks and max(peaks) <= target
    failed |= not ok
    verdict = "met" if ok else ("missed" if r["status"] in ("200", "201", "ok") else r["status"])
    sizes = "-" if r["ics_mb"] == "-" else f"{r['ics_mb']} / {r['ics_gzip_mb']} MB"
    render = "-" if r["peak_rss_after_renders_mb"] == "-" else f"{r['peak_rss_after_renders_mb']} MB"
    print(f"| {r['store']} | {r['path']} | {r['peak_rss_after_import_mb']} MB | {render} | {r['import_s']} s | {sizes} | {verdict} |")
PY
