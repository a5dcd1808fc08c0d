#!/usr/bin/env python3
"""Cold-path latency: one uncached request at a time, each for an event no request has
touched yet, so every one loads the event from the store and renders it.

Seeds <warm-up> + 2 x <count> copies of the schedule (ids cold-w1..wW warm the process up,
cold-1..N and cold-i1..iN are measured) through the admin API, then GETs /events/<id>.ics once
per id on one keep-alive connection and reports latency percentiles (client-measured: request
sent to body fully read) for two phases:
- back-to-back (cold-1..N): each request sent as soon as the last one was answered, so it
  shares the machine with the previous one's work off the request path (its other codings,
  the collections its garbage starts). A saturation figure: about 35 misses a second.
- isolated (cold-i1..iN): COLD_GAP_MS (100) of quiet before each request, so each is measured
  alone: the latency one cold miss has on a server that is not already busy with others.
The warm-up events are distinct events too: they take JIT tiering and the first garbage
collections out of the measurement (a production server is long-running), while every measured
id is still one the process has never loaded or rendered.

After an edit (mode "edit"): each measured event is first asked for once (loaded, rendered,
cached: the state of a feed clients poll), then one of its sessions is changed through the admin
API (PUT /admin/events/<id>/sessions/<sid>, a new title) and the first GET that follows is
measured, asking for gzip, then (after another edit) for br. Back to back (the next edit as soon
as the GET was answered) and isolated (COLD_GAP_MS of quiet before the edit and again before the
GET). The figures are per coding.

Usage: cold_client.py <base-url> <schedule.json> <count> <results.json> [accept-encoding] [seed|measure|edit]
(admin token: bench-token; with accept-encoding, e.g. "gzip, br", the feed is asked for in that coding)
Env:   COLD_WARMUP (40) warm-up events; COLD_WARMUP_SECONDS (30): after them, warm-up goes
       on for this long, each warm-up event unpublished and published again (a new version,
       so the next request loads and renders it again) and asked for once more: the tiered
       JIT keeps compiling for the first ~30 s of a process (docs/benchmarks.md), which a
       long-running server has behind it; COLD_SERVER_PID: when set, the server's CPU time
       (user + system, /proc/<pid>/stat) over the measured requests is reported per request,
       a figure that suffers less from other load on the machine than wall-clock latency;
       COLD_SECOND_PASS=1: after both phases, the isolated events once more, each given a new
       version first (unpublish, publish: only the event's own row is written), so each is
       loaded again from rows PostgreSQL has read before (separates a first read of freshly
       written rows from the server's own cost).
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
gap_s = float(os.environ.get("COLD_GAP_MS", "100")) / 1000
warm_ids = [f"cold-w{i}" for i in range(1, warmup + 1)]
phases = {"back_to_back": [f"cold-{i}" for i in range(1, count + 1)],
          "isolated": [f"cold-i{i}" for i in range(1, count + 1)]}
ids = warm_ids + phases["back_to_back"] + phases["isolated"]
auth = {"Authorization": "Bearer bench-token"}
seed_started = time.monotonic()
for event_id in (ids if mode not in ("measure", "edit") else []):
    body = json.dumps(dict(schedule, id=event_id)).encode()
    status, data = request("PUT", f"/admin/events/{event_id}", body, dict(auth, **{"Content-Type": "application/json"}))
    if status not in (200, 201, 204):
        sys.exit(f"seeding {event_id} failed: {status} {data[:300]!r}")
if mode == "seed":
    sys.exit(0)
if mode not in ("measure", "edit"):
    print(f"seeded {len(ids)} events of {len(schedule['sessions'])} sessions in {time.monotonic() - seed_started:.1f} s", file=sys.stderr)
headers = {"Accept-Encoding": accept_encoding} if accept_encoding else None


def metrics():
    """Sums and counts of the server's render and store histograms, by label set; and its
    garbage collection counters (collections by generation, total pause, bytes allocated)."""
    _, text = request("GET", "/metrics")
    values, gc = {}, {}
    for line in text.decode().splitlines():
        for name in ("feedproxy_render_duration_seconds", "feedproxy_store_duration_seconds"):
            for part in ("_sum", "_count"):
                if line.startswith(name + part):
                    key, value = line.rsplit(" ", 1)
                    values[key] = float(value)
        if line.startswith(("dotnet_gc_collections_total", "dotnet_gc_pause_seconds_total", "dotnet_gc_allocated_bytes_total")):
            key, value = line.split(" ")[0], line.split(" ")[1]
            if 'generation="' in key:
                gc[key.split('generation="')[1].split('"')[0]] = float(value)
            else:
                gc["pause_s" if "pause" in key else "allocated_bytes"] = float(value)
    values["gc"] = gc
    return values


def cpu_seconds():
    """User + system CPU time of the server process so far (clock ticks of /proc/<pid>/stat)."""
    if not server_pid:
        return None
    fields = open(f"/proc/{server_pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_version(event_id):
    for action in ("unpublish", "publish"):
        status, data = request("POST", f"/admin/events/{event_id}/{action}", b"", auth)
        if status not in (200, 204):
            sys.exit(f"{action} {event_id}: {status} {data[:300]!r}")
    time.sleep(0.01)   # the change notification drops the kept snapshot


def get(event_id, coding_headers=None):
    started = time.perf_counter()
    status, data = request("GET", f"/events/{event_id}.ics", headers=coding_headers or headers)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        sys.exit(f"GET {event_id}.ics: {status} {data[:300]!r}")
    return elapsed, len(data)


def warm_up_more():
    """Cycles through the warm-up events (new version, then a cold request) until the time is up."""
    seconds = float(os.environ.get("COLD_WARMUP_SECONDS", "30"))
    deadline, n = time.monotonic() + seconds, 0
    while warm_ids and time.monotonic() < deadline:
        event_id = warm_ids[n % len(warm_ids)]
        n += 1
        new_version(event_id)
        get(event_id)
    print(f"warm-up: {len(warm_ids)} events, then {n} more cold requests over {seconds:.0f} s", file=sys.stderr)


def percentile(ordered, p):
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def measure(event_ids, gap, renew=False):
    """Cold requests for event_ids, with `gap` seconds of quiet before each; the summary."""
    time.sleep(0.5)   # the previous request's codings finish outside the measurement
    before, cpu_before, samples, size = metrics(), cpu_seconds(), [], 0
    for event_id in event_ids:
        if renew:
            new_version(event_id)
        if gap:
            time.sleep(gap)
        elapsed, size = get(event_id)
        samples.append(elapsed)
    time.sleep(0.5)   # the last request's background codings belong to the measurement
    cpu_after, after = cpu_seconds(), metrics()
    gc_before, gc_after = before.pop("gc"), after.pop("gc")
    gc = {key: gc_after[key] - gc_before.get(key, 0) for key in gc_after}
    breakdown = {}
    for key, value in after.items():
        if "_sum" in key:
            count_key = key.replace("_sum", "_count", 1)
            n = after.get(count_key, 0) - before.get(count_key, 0)
            if n > 0:
                label = key.replace("_sum", "", 1).replace('otel_scope_name="FeedProxy",', "")
                breakdown[label] = {"count": n, "mean_ms": (value - before.get(key, 0)) / n * 1000}
    ordered = sorted(samples)
    return {
        "requests": len(samples),
        "gap_ms": gap * 1000,
        "bytes": size,
        "p50_ms": statistics.median(samples),
        "p90_ms": ordered[int(len(ordered) * 0.9) - 1],
        "p99_ms": percentile(ordered, 99),
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
        "server_cpu_ms_per_request": None if cpu_before is None else (cpu_after - cpu_before) * 1000 / len(samples),
        "server_breakdown": breakdown,
        # Over the measured requests: collections by generation, the total pause, bytes allocated.
        "server_gc": {"collections": {k: v for k, v in gc.items() if k.startswith("gen")},
                      "pause_ms_per_request": gc.get("pause_s", 0) * 1000 / len(samples),
                      "allocated_mb_per_request": gc.get("allocated_bytes", 0) / 1e6 / len(samples)} if gc else None,
        "samples_ms": [round(s, 3) for s in samples],
    }


def report(name, r):
    print(f"cold path ({accept_encoding or 'identity'}, {name}): p50 {r['p50_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
          f"min {r['min_ms']:.1f}, max {r['max_ms']:.1f} ({r['requests']} requests, {r['bytes']} bytes)", file=sys.stderr)
    if r["server_cpu_ms_per_request"] is not None:
        print(f"  server CPU: {r['server_cpu_ms_per_request']:.1f} ms per request (user + system)", file=sys.stderr)
    if r["server_gc"]:
        collections = ", ".join(f"{k} {v:.0f}" for k, v in sorted(r["server_gc"]["collections"].items()))
        print(f"  server GC: {collections} collections; pause {r['server_gc']['pause_ms_per_request']:.1f} ms, "
              f"allocated {r['server_gc']['allocated_mb_per_request']:.1f} MB per request", file=sys.stderr)
    for key, value in r["server_breakdown"].items():
        print(f"  server {key}: mean {value['mean_ms']:.1f} ms over {value['count']:.0f}", file=sys.stderr)


edits = 0


def edit(event_id):
    """Changes the title of one session (a different one each time) through the admin API."""
    global edits
    edits += 1
    session = dict(schedule["sessions"][edits % len(schedule["sessions"])])
    session["title"] = f"{session.get('title', 'Session')} (edit {edits})"
    status, data = request("PUT", f"/admin/events/{event_id}/sessions/{session['id']}", json.dumps(session).encode(),
                           dict(auth, **{"Content-Type": "application/json"}))
    if status not in (200, 201, 204):
        sys.exit(f"edit {event_id}: {status} {data[:300]!r}")


def measure_edits(event_ids, gap):
    """Per event: edit, first gzip GET; edit, first br GET. Latency and server figures per coding."""
    codings = {"gzip": {"Accept-Encoding": "gzip"}, "br": {"Accept-Encoding": "br"}}
    for event_id in event_ids:   # each feed polled before: loaded, rendered, cached
        get(event_id, {"Accept-Encoding": "gzip, br"})
    time.sleep(0.5)
    before, cpu_before, samples, sizes = metrics(), cpu_seconds(), {c: [] for c in codings}, {}
    for event_id in event_ids:
        for coding, coding_headers in codings.items():
            if gap:
                time.sleep(gap)
            edit(event_id)
            if gap:
                time.sleep(gap)
            elapsed, sizes[coding] = get(event_id, coding_headers)
            samples[coding].append(elapsed)
    time.sleep(0.5)
    cpu_after, after = cpu_seconds(), metrics()
    before.pop("gc"), after.pop("gc")
    breakdown = {}
    for key, value in after.items():
        if "_sum" in key:
            n = after.get(key.replace("_sum", "_count", 1), 0) - before.get(key.replace("_sum", "_count", 1), 0)
            if n > 0:
                breakdown[key.replace("_sum", "", 1).replace('otel_scope_name="FeedProxy",', "")] = {"count": n, "mean_ms": (value - before.get(key, 0)) / n * 1000}
    results = {}
    for coding, values in samples.items():
        ordered = sorted(values)
        results[coding] = {"requests": len(values), "gap_ms": gap * 1000, "bytes": sizes[coding],
                           "p50_ms": statistics.median(values), "p90_ms": ordered[int(len(ordered) * 0.9) - 1],
                           "p99_ms": percentile(ordered, 99), "min_ms": ordered[0], "max_ms": ordered[-1],
                           "samples_ms": [round(v, 3) for v in values]}
    # CPU over the whole phase (edits, both GETs, the work off the request path), per edited GET.
    results["server_cpu_ms_per_request"] = None if cpu_before is None else (cpu_after - cpu_before) * 1000 / sum(len(v) for v in samples.values())
    results["server_breakdown"] = breakdown
    return results


for event_id in warm_ids:
    get(event_id)
warm_up_more()
if mode == "edit":
    result = {"sessions": len(schedule["sessions"]), "warmup": warmup,
              "edit_back_to_back": measure_edits(phases["back_to_back"], 0),
              "edit_isolated": measure_edits(phases["isolated"], gap_s)}
    json.dump(result, open(results_path, "w"), indent=2)
    for name in ("edit_back_to_back", "edit_isolated"):
        r = result[name]
        for coding in ("gzip", "br"):
            c = r[coding]
            print(f"after an edit ({coding}, {name[5:].replace('_', ' ')}): p50 {c['p50_ms']:.1f} ms, p90 {c['p90_ms']:.1f}, p99 {c['p99_ms']:.1f}, "
                  f"min {c['min_ms']:.1f}, max {c['max_ms']:.1f} ({c['requests']} requests, {c['bytes']} bytes)", file=sys.stderr)
        if r["server_cpu_ms_per_request"] is not None:
            print(f"  server CPU: {r['server_cpu_ms_per_request']:.1f} ms per edit + GET (user + system)", file=sys.stderr)
        for key, value in r["server_breakdown"].items():
            print(f"  server {key}: mean {value['mean_ms']:.1f} ms over {value['count']:.0f}", file=sys.stderr)
    sys.exit(0)
result = {"sessions": len(schedule["sessions"]), "accept_encoding": accept_encoding, "warmup": warmup}
result["back_to_back"] = measure(phases["back_to_back"], 0)
result["isolated"] = measure(phases["isolated"], gap_s)
if os.environ.get("COLD_SECOND_PASS"):
    result["second_pass"] = measure(phases["isolated"], gap_s, renew=True)
json.dump(result, open(results_path, "w"), indent=2)
for name in ("back_to_back", "isolated", "second_pass"):
    if name in result:
        report(name.replace("_", " "), result[name])
