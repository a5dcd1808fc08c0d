#!/usr/bin/env python3
"""Cold-path latency: one uncached request at a time, each for an event no request has
touched yet, so every one loads the event from the store and renders it.

Seeds <count> + <warm-up> copies of the schedule (ids cold-w1..wW warm the process up,
cold-1..N are measured) through the admin API, then GETs /events/<id>.ics once per id on one
keep-alive connection and reports latency percentiles (client-measured: request sent to body
fully read). The warm-up events are distinct events too: they take JIT tiering and the first
garbage collections out of the measurement (a production server is long-running), while every
measured id is still one the process has never loaded or rendered.

Usage: cold_client.py <base-url> <schedule.json> <count> <results.json> [accept-encoding] [seed|measure]
(admin token: bench-token; with accept-encoding, e.g. "gzip, br", the feed is asked for in that coding)
Env:   COLD_WARMUP (40) warm-up events; COLD_WARMUP_SECONDS (30): after them, warm-up goes
       on for this long, each warm-up event unpublished and published again (a new version,
       so the next request loads and renders it again) and asked for once more: the tiered
       JIT keeps compiling for the first ~30 s of a process (docs/benchmarks.md), which a
       long-running server has behind it; COLD_SERVER_PID: when set, the server's CPU time
       (user + system, /proc/<pid>/stat) over the measured requests is reported per request,
       a figure that suffers less from other load on the machine than wall-clock latency.
"""
import http.client
import json
import os
import statistics
import sys
import time
from urllib.parse import urlparse

base, schedule_path, count, results_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
accept_encoding = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
mode = sys.argv[6] if len(sys.argv) > 6 else "both"   # seed: only write the events; measure: only read them
url = urlparse(base)
schedule = json.load(open(schedule_path, encoding="utf-8"))
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)


def request(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, data


warmup = int(os.environ.get("COLD_WARMUP", "40"))
server_pid = os.environ.get("COLD_SERVER_PID")
ids = [f"cold-w{i}" for i in range(1, warmup + 1)] + [f"cold-{i}" for i in range(1, count + 1)]
seed_started = time.monotonic()
for event_id in (ids if mode != "measure" else []):
    body = json.dumps(dict(schedule, id=event_id)).encode()
    status, data = request("PUT", f"/admin/events/{event_id}", body,
                           {"Authorization": "Bearer bench-token", "Content-Type": "application/json"})
    if status not in (200, 201, 204):
        sys.exit(f"seeding {event_id} failed: {status} {data[:300]!r}")
if mode == "seed":
    sys.exit(0)
if mode != "measure":
    print(f"seeded {len(ids)} events of {len(schedule['sessions'])} sessions in {time.monotonic() - seed_started:.1f} s", file=sys.stderr)

def metrics():
    """Sums and counts of the server's render and store histograms, by label set; and its
    garbage collection counters (collections by generation, total pause)."""
    _, text = request("GET", "/metrics")
    values, gc = {}, {}
    for line in text.decode().splitlines():
        for name in ("feedproxy_render_duration_seconds", "feedproxy_store_duration_seconds"):
            for part in ("_sum", "_count"):
                if line.startswith(name + part):
                    key, value = line.rsplit(" ", 1)
                    values[key] = float(value)
        if line.startswith(("dotnet_gc_collections_total", "dotnet_gc_pause_seconds_total")):
            key, value = line.split(" ")[0], line.split(" ")[1]
            generation = key.split('generation="')[1].split('"')[0] if 'generation="' in key else "pause_s"
            gc[generation] = float(value)
    values["gc"] = gc
    return values


def cpu_seconds():
    """User + system CPU time of the server process so far (clock ticks of /proc/<pid>/stat)."""
    if not server_pid:
        return None
    fields = open(f"/proc/{server_pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def warm_up_more():
    """Cycles through the warm-up events (new version, then a cold request) until the time is up."""
    seconds = float(os.environ.get("COLD_WARMUP_SECONDS", "30"))
    warm = [i for i in ids if i.startswith("cold-w")]
    deadline, n = time.monotonic() + seconds, 0
    auth = {"Authorization": "Bearer bench-token"}
    while warm and time.monotonic() < deadline:
        event_id = warm[n % len(warm)]
        n += 1
        for action in ("unpublish", "publish"):
            status, data = request("POST", f"/admin/events/{event_id}/{action}", b"", auth)
            if status not in (200, 204):
                sys.exit(f"{action} {event_id}: {status} {data[:300]!r}")
        time.sleep(0.01)   # the change notification drops the kept snapshot
        status, data = request("GET", f"/events/{event_id}.ics", headers={"Accept-Encoding": accept_encoding} if accept_encoding else None)
        if status != 200:
            sys.exit(f"GET {event_id}.ics after a new version: {status} {data[:300]!r}")
    print(f"warm-up: {len(warm)} events, then {n} more cold requests over {seconds:.0f} s", file=sys.stderr)


samples, sizes = [], []
before = None
cpu_before = None
for event_id in ids:
    if event_id == "cold-1":
        warm_up_more()
        before = metrics()
        time.sleep(0.5)   # let the last warm-up request's background codings finish
        cpu_before = cpu_seconds()
    started = time.perf_counter()
    status, data = request("GET", f"/events/{event_id}.ics", headers={"Accept-Encoding": accept_encoding} if accept_encoding else None)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        sys.exit(f"GET {event_id}.ics: {status} {data[:300]!r}")
    if not event_id.startswith("cold-w"):
        samples.append(elapsed)
        sizes.append(len(data))

time.sleep(0.5)   # the last request's background codings belong to the measurement
cpu_after = cpu_seconds()
after = metrics()
gc_before, gc_after = before.pop("gc"), after.pop("gc")
gc = {key: gc_after[key] - gc_before.get(key, 0) for key in gc_after}
breakdown = {}
for key, value in after.items():
    if key.endswith("_sum") or "_sum{" in key:
        count_key = key.replace("_sum", "_count", 1)
        n = after.get(count_key, 0) - before.get(count_key, 0)
        if n > 0:
            breakdown[key.replace("_sum", "", 1)] = {"count": n, "mean_ms": (value - before.get(key, 0)) / n * 1000}

ordered = sorted(samples)
result = {
    "requests": len(samples),
    "sessions": len(schedule["sessions"]),
    "bytes": sizes[0],
    "p50_ms": statistics.median(samples),
    "p90_ms": ordered[int(len(ordered) * 0.9) - 1],
    "p99_ms": ordered[max(0, -(-len(ordered) * 99 // 100) - 1)],
    "accept_encoding": accept_encoding,
    "min_ms": ordered[0],
    "max_ms": ordered[-1],
    "warmup": warmup,
    "server_cpu_ms_per_request": None if cpu_before is None else (cpu_after - cpu_before) * 1000 / len(samples),
    "server_breakdown": breakdown,
    # Over the measured requests: collections by generation and the total pause.
    "server_gc": {"collections": {k: v for k, v in gc.items() if k != "pause_s"},
                  "pause_ms_per_request": gc.get("pause_s", 0) * 1000 / len(samples)} if gc else None,
    "samples_ms": [round(s, 3) for s in samples],
}
json.dump(result, open(results_path, "w"), indent=2)
print(f"cold path ({accept_encoding or 'identity'}): p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, min {result['min_ms']:.1f}, max {result['max_ms']:.1f} ({len(samples)} requests, {result['bytes']} bytes)", file=sys.stderr)
if result["server_cpu_ms_per_request"] is not None:
    print(f"  server CPU: {result['server_cpu_ms_per_request']:.1f} ms per request (user + system)", file=sys.stderr)
if result["server_gc"]:
    collections = ", ".join(f"{k} {v:.0f}" for k, v in sorted(result["server_gc"]["collections"].items()))
    print(f"  server GC: {collections} collections; pause {result['server_gc']['pause_ms_per_request']:.1f} ms per request", file=sys.stderr)
for key, value in breakdown.items():
    print(f"  server {key}: mean {value['mean_ms']:.1f} ms over {value['count']:.0f}", file=sys.stderr)
