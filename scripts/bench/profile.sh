#!/usr/bin/env bash
# Follow-ups for the targets docs/benchmarks.md reports as missed (not part of run-all.sh):
#   profile.sh gc     peak RSS under wrk with Server GC (default) vs Workstation GC vs DATAS off
#   profile.sh perf   perf profile of FeedProxy answering 304s (needs perf; writes perf-304.txt)
# Uses the publish and data folders run-all.sh leaves in artifacts/bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
out="$repo/artifacts/bench/profile"; mkdir -p "$out"
publish="$repo/artifacts/bench/publish"; data="$repo/artifacts/bench/data"
tmp=$(mktemp -d /tmp/feedproxy-profile.XXXXXX)
SAMPLER_PID=
cleanup() { [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null; stop_feedproxy; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/events"
cp "$repo/config/events/demo.json" "$tmp/events/"; cp "$data/schedule-1000.json" "$tmp/events/bench-1000.json"

serve() { # label env...
  local label=$1; shift
  port=$(free_port)
  start_feedproxy "$publish" "$tmp/$label" "$port" FeedProxy__EventsPath="$tmp/events" FeedProxy__StatePath="$tmp/state-$label" "$@"
  base="http://127.0.0.1:$port"
}

case "${1:-gc}" in
  gc)
    for variant in "server-gc" "workstation-gc:DOTNET_gcServer=0" "server-gc-conserve:DOTNET_GCConserveMemory=7"; do
      label=${variant%%:*}; env_args=(); [ "$variant" != "$label" ] && env_args=("${variant#*:}")
      serve "$label" "${env_args[@]}"
      : >"$out/rss-$label.txt"
      rss_sampler "$FP_PID" "$out/rss-$label.txt" & SAMPLER_PID=$!
      for feed in demo bench-1000; do
        curl -fsS -o /dev/null "$base/events/$feed.ics"
        wrk -t2 -c64 -d10s "$base/events/$feed.ics" | awk -v l="$label" -v f="$feed" '/Requests\/sec/ {print l, f, $2, "req/s"}'
      done
      kill "$SAMPLER_PID"; SAMPLER_PID=
      echo "$label: peak RSS $(max_rss_mb "$out/rss-$label.txt") MB"
      stop_feedproxy
    done | tee "$out/gc.txt"
    ;;
  perf)
    serve perf DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0   # W^X hides JIT code from perf maps
    etag=$(curl -fsS -o /dev/null -D - "$base/events/demo.ics" | awk -F': ' 'tolower($1)=="etag" {gsub("\r",""); print $2}')
    wrk -t1 -c32 -d14s -H "If-None-Match: $etag" "$base/events/demo.ics" >"$out/wrk-perf.txt" &
    wrk_pid=$!
    sleep 3
    perf record -F 499 -g -p "$FP_PID" -o "$tmp/perf.data" -- sleep 8 2>"$out/perf-record.log" || true
    wait "$wrk_pid" || true
    perf report -i "$tmp/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -45 >"$out/perf-304.txt" || true
    perf report -i "$tmp/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -12 >"$out/perf-304-dso.txt" || true
    cat "$out/perf-304-dso.txt" "$out/perf-304.txt"
    ;;
esac
