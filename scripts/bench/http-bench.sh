#!/usr/bin/env bash
# HTTP load on loopback with wrk: FeedProxy (published Release build) against nginx serving
# the same bytes as static files; warm cached feeds and the 304 path; FeedProxy's RSS is
# sampled during its runs. Then the cold path: PostgreSQL store, empty cache, one uncached
# request at a time (cold_client.py).
#
# Usage: http-bench.sh <publish-dir> <data-dir> <out-dir>
# Env: WRK_ARGS (default "-t2 -c64 -d15s"), COLD_REQUESTS (default 40).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
publish=$(cd "$1" && pwd); data=$(cd "$2" && pwd); out=$(mkdir -p "$3" && cd "$3" && pwd)
WRK_ARGS=${WRK_ARGS:-"-t2 -c64 -d15s"}
COLD_REQUESTS=${COLD_REQUESTS:-40}
repo=$(cd "$here/../.." && pwd)

tmp=$(mktemp -d /tmp/feedproxy-http-bench.XXXXXX)
chmod 755 "$tmp"   # nginx workers run as an unprivileged user
SAMPLER_PID=
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  stop_nginx; stop_feedproxy; stop_postgres
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- FeedProxy, embedded file store: the demo event and the 1,000-session event ---------------
mkdir -p "$tmp/events"
cp "$repo/config/events/demo.json" "$tmp/events/demo.json"
cp "$data/schedule-1000.json" "$tmp/events/bench-1000.json"
fp_port=$(free_port)
start_feedproxy "$publish" "$tmp/fp" "$fp_port" FeedProxy__EventsPath="$tmp/events" FeedProxy__StatePath="$tmp/state"
fp="http://127.0.0.1:$fp_port"

# --- nginx with the very bytes FeedProxy serves (identity coding, as wrk asks) -----------------
mirror_feeds "$fp" "$tmp/capture" "$tmp/nginx/root" events/demo events/bench-1000
start_nginx "$tmp/nginx/root" "$tmp/nginx"
ng="http://127.0.0.1:$NGINX_PORT"
for feed in demo bench-1000; do same_bytes "$ng" "$tmp/capture" "events/$feed"; done

etag() { header_value "$1" etag; }

: >"$out/wrk-summary.tsv"
run_wrk() { # name url [header]
  local name=$1 url=$2; shift 2
  local args=()
  [ $# -gt 0 ] && args=(-H "$1")
  echo "== $name: wrk $WRK_ARGS --latency ${args[*]:+-H '${args[1]}'} $url" >&2
  # shellcheck disable=SC2086
  wrk $WRK_ARGS --latency "${args[@]}" "$url" >"$out/wrk-$name.txt"
  python3 "$here/parse_wrk.py" "$name" "$out/wrk-$name.txt" >>"$out/wrk-summary.tsv"
  tail -1 "$out/wrk-summary.tsv" >&2
}

rss_sampler "$FP_PID" "$out/rss-feedproxy.txt" &
SAMPLER_PID=$!
for feed in demo bench-1000; do
  curl -fsS -o /dev/null "$fp/events/$feed.ics"   # rendered and cached before the run
  run_wrk "feedproxy-warm-$feed" "$fp/events/$feed.ics"
  run_wrk "nginx-warm-$feed" "$ng/events/$feed.ics"
  fp_etag=$(etag "$fp/events/$feed.ics"); ng_etag=$(etag "$ng/events/$feed.ics")
  expect_304 "$fp/events/$feed.ics" "If-None-Match: $fp_etag"
  expect_304 "$ng/events/$feed.ics" "If-None-Match: $ng_etag"
  run_wrk "feedproxy-304-$feed" "$fp/events/$feed.ics" "If-None-Match: $fp_etag"
  run_wrk "nginx-304-$feed" "$ng/events/$feed.ics" "If-None-Match: $ng_etag"
done
kill "$SAMPLER_PID"; SAMPLER_PID=
echo "feedproxy max RSS during wrk runs: $(max_rss_mb "$out/rss-feedproxy.txt") MB" >&2
stop_nginx
stop_feedproxy

# --- Cold path: PostgreSQL store, empty in-process cache, fresh event per request -------------
start_postgres "$tmp/pg"
fp_port=$(free_port)
start_feedproxy "$publish" "$tmp/fp-pg" "$fp_port" ConnectionStrings__Postgres="$PG_URL" FeedProxy__AdminToken=bench-token FeedProxy__StatePath="$tmp/state-pg"
rss_sampler "$FP_PID" "$out/rss-feedproxy-cold.txt" &
SAMPLER_PID=$!
python3 "$here/cold_client.py" "http://127.0.0.1:$fp_port" "$data/schedule-1000.json" "$COLD_REQUESTS" "$out/cold.json"
kill "$SAMPLER_PID"; SAMPLER_PID=
grep -E 'Rendered|rror' "$tmp/fp-pg/feedproxy.log" | tail -5 >&2 || true
