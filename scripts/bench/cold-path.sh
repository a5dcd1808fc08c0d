#!/usr/bin/env bash
# The cold path: FeedProxy on a private PostgreSQL, in-process cache only, every request for a
# 1,000-session event nobody asked for yet (so each one loads the event and renders it), one
# at a time on one keep-alive connection; client-measured latency percentiles, once without
# Accept-Encoding (identity) and once asking for "gzip, br".
#
# Before the measured requests, COLD_WARMUP other events (distinct ones, also never asked for
# before) are requested the same way: a production server is long-running, so JIT tiering and
# the first garbage collections belong outside the measurement, while every measured request
# is still for an event this process never loaded or rendered. Besides latency it reports the
# server's CPU time per measured request (/proc/<pid>/stat, less disturbed by other load on the
# machine than latency) and its garbage collections and pause time over them.
#
# Two phases per coding, in the same process (cold_client.py): back-to-back (each request
# as soon as the last was answered, so it shares the cores with the last one's work off the
# request path) and isolated (COLD_GAP_MS of quiet before each: one cold miss on its own).
#
# A third instance measures the first request after an edit (cold_client.py, mode "edit"): each
# event asked for once, then one session changed through the admin API and the first gzip (then,
# after another edit, br) GET measured, back to back and isolated; then the cached gzip body of
# one event is compared with `gzip -9` of the same identity bytes. The final table says which
# targets are met (after an edit: p50 <= 20 ms, p99 <= 60 ms; gzip body <= gzip -9 + 3 %).
#
# Usage: scripts/bench/cold-path.sh [out-dir]      (default artifacts/bench/cold-path)
# Env:   COLD_REQUESTS (100 per phase), COLD_GAP_MS (100), COLD_SECOND_PASS=1 (the isolated
#        events again from rows already read once), COLD_WARMUP (40), COLD_WARMUP_SECONDS (30: after the warm-up events,
#        keep making them cold again and asking for them, until the tiered JIT has settled),
#        QUICK=1 (10 requests), COLD_NO_CHECKPOINT=1 (no CHECKPOINT after the seeding),
#        COLD_SERVER_ENV: extra VAR=value words for the measured instances (runtime knobs to
#        compare, e.g. COLD_SERVER_ENV="DOTNET_GCgen0size=0x2000000"),
#        COLD_PHASES (identity gzipbr edit): which instances to run
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
out=$(mkdir -p "${1:-$repo/artifacts/bench/cold-path}" && cd "${1:-$repo/artifacts/bench/cold-path}" && pwd)
[ -n "${QUICK:-}" ] && COLD_REQUESTS=${COLD_REQUESTS:-10}
COLD_REQUESTS=${COLD_REQUESTS:-100}
export COLD_WARMUP=${COLD_WARMUP:-40}
export COLD_WARMUP_SECONDS=${COLD_WARMUP_SECONDS:-30}
[ -n "${QUICK:-}" ] && COLD_WARMUP_SECONDS=${COLD_WARMUP_SECONDS_QUICK:-5} && COLD_WARMUP=${COLD_WARMUP_QUICK:-10}
COLD_PHASES=${COLD_PHASES:-identity gzipbr edit}
ensure_tools curl python3
[ -x "$PG_BIN/initdb" ] || ensure_tools "$PG_BIN/initdb:postgresql-15"

tmp=$(mktemp -d /tmp/feedproxy-cold-path.XXXXXX)
chmod 755 "$tmp"
cleanup() { stop_feedproxy; stop_postgres; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "warmup_events: $COLD_WARMUP, warmup_seconds: $COLD_WARMUP_SECONDS, measured_events: $COLD_REQUESTS, server_env: ${COLD_SERVER_ENV:-none}"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

echo "== build (Release)" >&2
dotnet publish "$repo/src/FeedProxy" -c Release -o "$tmp/publish" -nologo -v q >"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }
dotnet run --project "$repo/benchmarks/FeedProxy.Benchmarks" -c Release -- export "$tmp/data" 1000 >>"$out/publish.log" 2>&1 || { tail -30 "$out/publish.log"; exit 1; }

# PostgreSQL's default synchronous_commit=on, as on a server (fsync stays off: the flush a
# commit waits for costs nothing here). With it off, no reader can set the hint bits of rows
# whose commit is not flushed yet, so reads right after the seeding would cost more.
export PG_SYNCHRONOUS_COMMIT=on
start_postgres "$tmp/pg"
# Seeded through an instance of its own: the instance measured has only read nothing yet, so
# every event comes from PostgreSQL, not from a store cache warmed by the writes.
port=$(free_port)
start_feedproxy "$tmp/publish" "$tmp/fp-seed" "$port" ConnectionStrings__Postgres="$PG_URL" FeedProxy__AdminToken=bench-token FeedProxy__StatePath="$tmp/state-seed"
python3 "$here/cold_client.py" "http://127.0.0.1:$port" "$tmp/data/schedule-1000.json" "$COLD_REQUESTS" /dev/null "" seed
stop_feedproxy
# The seeding wrote ~200 MB just now, so PostgreSQL's buffer pool (128 MB by default) is
# full of dirty pages, and every buffer a measured load needs would first write one out.
# On a server those writes were checkpointed long before most cold misses; so here too.
if [ -z "${COLD_NO_CHECKPOINT:-}" ]; then
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc CHECKPOINT
fi
for coding in identity "gzip, br" edit; do
  label=${coding//[ ,]/}
  case " $COLD_PHASES " in *" $label "*) ;; *) continue ;; esac
  port=$(free_port)
  # shellcheck disable=SC2086 # COLD_SERVER_ENV is a list of words on purpose
  start_feedproxy "$tmp/publish" "$tmp/fp-$label" "$port" ConnectionStrings__Postgres="$PG_URL" \
    FeedProxy__AdminToken=bench-token FeedProxy__StatePath="$tmp/state-$label" ${COLD_SERVER_ENV:-}
  # A fresh process each run: its in-process cache is empty, so every id is a miss again.
  if [ "$label" = edit ]; then
    COLD_SERVER_PID=$FP_PID python3 "$here/cold_client.py" "http://127.0.0.1:$port" "$tmp/data/schedule-1000.json" "$COLD_REQUESTS" "$out/cold-edit.json" \
      "" edit 2>&1 | tee "$out/cold-edit.txt" >&2
    # The cached codings of one edited event (its background coding work finished by now)
    # against gzip -9 and brotli of the same identity bytes.
    feed="http://127.0.0.1:$port/events/cold-1.ics"
    curl -sf -o "$tmp/body.ics" "$feed"
    sleep 1
    curl -sf -H 'Accept-Encoding: gzip' -o "$tmp/body.ics.gz" "$feed"
    curl -sf -H 'Accept-Encoding: br' -o "$tmp/body.ics.br" "$feed"
    cmp -s <(gzip -dc "$tmp/body.ics.gz") "$tmp/body.ics" || { echo "gzip body does not decode to the identity body" >&2; exit 1; }
    {
      echo "identity $(stat -c %s "$tmp/body.ics")"
      echo "gzip $(stat -c %s "$tmp/body.ics.gz")"
      echo "gzip9 $(gzip -9 -c "$tmp/body.ics" | wc -c)"
      echo "br $(stat -c %s "$tmp/body.ics.br")"
    } >"$out/sizes.txt"
  else
    COLD_SERVER_PID=$FP_PID python3 "$here/cold_client.py" "http://127.0.0.1:$port" "$tmp/data/schedule-1000.json" "$COLD_REQUESTS" "$out/cold-$label.json" \
      "$([ "$coding" = identity ] || echo "$coding")" measure 2>&1 | tee "$out/cold-$label.txt" >&2
  fi
  stop_feedproxy
done
echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
python3 - "$out" <<'PY' | tee "$out/results.md"
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
print("| Request | phase | p50 ms | p90 ms | p99 ms | min | max | requests | body bytes | server CPU ms/request | GC pause ms/request | allocated MB/request |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for label, name in (("identity", "no Accept-Encoding (identity)"), ("gzipbr", "Accept-Encoding: gzip, br (brotli)")):
    if not (out / f"cold-{label}.json").exists():
        continue
    result = json.loads((out / f"cold-{label}.json").read_text())
    for phase in ("back_to_back", "isolated", "second_pass"):
        r = result.get(phase)
        if not r:
            continue
        cpu = r.get("server_cpu_ms_per_request")
        gc = r.get("server_gc") or {}
        pause, allocated = gc.get("pause_ms_per_request"), gc.get("allocated_mb_per_request")
        title = phase.replace("_", " ") + (f" ({r['gap_ms']:.0f} ms apart)" if r["gap_ms"] else "")
        print(f"| {name} | {title} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} | {r['requests']} | {r['bytes']:,} | "
              f"{'' if cpu is None else f'{cpu:.1f}'} | {'' if pause is None else f'{pause:.1f}'} | {'' if allocated is None else f'{allocated:.1f}'} |")
        if gc.get("collections"):
            print(f"|   server: GC collections | | {', '.join(f'{k} {v:.0f}' for k, v in sorted(gc['collections'].items()))} | | | | | | | | | |")
        for key, value in r["server_breakdown"].items():
            print(f"|   server: {key} | | mean {value['mean_ms']:.1f} | | | | | {value['count']:.0f} | | | | |")
edit = out / "cold-edit.json"
if edit.exists():
    result = json.loads(edit.read_text())
    print()
    print("| After an edit of one session | phase | p50 ms | p90 ms | p99 ms | max ms | requests | body bytes | server CPU ms/GET (edit included) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for phase in ("edit_back_to_back", "edit_isolated"):
        r = result[phase]
        for coding in ("gzip", "br"):
            c = r[coding]
            cpu = r.get("server_cpu_ms_per_request")
            print(f"| first {coding} GET | {phase[5:].replace('_', ' ')} | {c['p50_ms']:.1f} | {c['p90_ms']:.1f} | {c['p99_ms']:.1f} | {c['max_ms']:.1f} | {c['requests']} | {c['bytes']:,} | {'' if cpu is None else f'{cpu:.1f}'} |")
        for key, value in r["server_breakdown"].items():
            print(f"|   server: {key} | {phase[5:].replace('_', ' ')} | mean {value['mean_ms']:.1f} | | | | {value['count']:.0f} | | |")
    print()
    print("| Target | figure | met |")
    print("|---|---|---|")
    for phase in ("edit_isolated", "edit_back_to_back"):
        for coding in ("gzip", "br"):
            c = result[phase][coding]
            met = c["p50_ms"] <= 20 and c["p99_ms"] <= 60
            print(f"| first {coding} GET after an edit, {phase[5:].replace('_', ' ')}: p50 <= 20 ms, p99 <= 60 ms | p50 {c['p50_ms']:.1f}, p99 {c['p99_ms']:.1f} | {'met' if met else 'MISSED'} |")
    sizes_file = out / "sizes.txt"
    if sizes_file.exists():
        sizes = dict(line.split() for line in sizes_file.read_text().splitlines())
        gz, gz9 = int(sizes["gzip"]), int(sizes["gzip9"])
        print(f"| cached gzip body <= gzip -9 + 3 % | {gz:,} against {gz9:,} ({(gz / gz9 - 1) * 100:+.1f} %; br {int(sizes['br']):,}, identity {int(sizes['identity']):,}) | {'met' if gz <= gz9 * 1.03 else 'MISSED'} |")
PY
