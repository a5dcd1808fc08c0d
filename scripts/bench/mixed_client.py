#!/usr/bin/env python3
"""Mixed subscriber traffic for the load-and-fault run, plus two probes.

Workers (threads, one keep-alive connection each) request random feed URLs: every format,
filters (?track=, ?day=, ?tz=utc), the campus profile, the pentabarf dialect, and conditional
requests with the ETag last seen for that URL. Every response is logged (time, url, status,
conditional or not). A URL counts as "cached before the fault" once it has had a 200 before
the first fault time the fault script writes to <events file>.

Probes:
  * render probe: every 0.5 s bumps a session of event "probe" through the admin API and GETs
    /events/probe.ics; a 200 with a new ETag is a successful uncached render;
  * readiness probe: GET /readyz every 0.25 s (status and body).

Runs <seconds>, then writes raw logs and a summary (mixed_report.py reads them).

Usage: mixed_client.py <base-url> <seconds> <out-dir> [workers]
"""
import http.client
import json
import random
import sys
import threading
import time
from urllib.parse import urlparse

base, duration, out_dir = sys.argv[1], float(sys.argv[2]), sys.argv[3]
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 6
url = urlparse(base)
deadline = time.time() + duration
lock = threading.Lock()

EVENTS = {"demo": ["time", "web", "ops"], "bench-1000": ["time", "web", "data", "security"]}
DAYS = {"demo": ["2027-03-26", "2027-03-28"], "bench-1000": ["2027-03-27", "2027-03-28"]}


def urls():
    result = []
    for event, tracks in EVENTS.items():
        for fmt in ("ics", "xcs", "rss", "atom", "json"):
            result.append(f"/events/{event}.{fmt}")
        result += [f"/events/{event}.ics?track={t}" for t in tracks]
        result += [f"/events/{event}.ics?day={d}" for d in DAYS[event]]
        result += [f"/events/{event}.ics?tz=utc", f"/events/{event}.xcs?dialect=pentabarf",
                   f"/events/{event}.rss?profile=campus", f"/events/{event}.atom?profile=campus",
                   f"/events/{event}.json?track={tracks[0]}"]
    return result


URLS = urls()
etags = {}
log = []            # (t, url, status, conditional, latency_ms)
render_probe = []   # (t, status, new_etag)
ready_probe = []    # (t, status, body)


def connection():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=10)


def get(conn, path, headers=None, method="GET", body=None):
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return conn, response.status, response.getheader("ETag"), data
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return connection(), 599, None, str(error).encode()


def worker(seed):
    rng = random.Random(seed)
    conn = connection()
    while time.time() < deadline:
        path = rng.choice(URLS)
        headers = {"Accept-Encoding": rng.choice(["gzip", "br", "gzip, br", "identity"])}
        # ETags differ per content coding (gzip, br, identity): remember each separately.
        key = (path, headers["Accept-Encoding"])
        conditional = key in etags and rng.random() < 0.6
        if conditional:
            headers["If-None-Match"] = etags[key]
        started = time.perf_counter()
        conn, status, etag, _ = get(conn, path, headers)
        latency = (time.perf_counter() - started) * 1000
        with lock:
            log.append((time.time(), path, status, conditional, round(latency, 2)))
            if status == 200 and etag:
                etags[key] = etag
        time.sleep(rng.random() * 0.02)


def render_prober():
    conn = connection()
    revision = 0
    last = None
    session = {"title": "Probe session", "start": "2027-03-27T10:00:00+01:00", "end": "2027-03-27T10:30:00+01:00"}
    auth = {"Authorization": "Bearer bench-token", "Content-Type": "application/json"}
    while time.time() < deadline:
        revision += 1
        body = json.dumps(dict(session, title=f"Probe session {revision}")).encode()
        conn, put_status, _, _ = get(conn, "/admin/events/probe/sessions/p1", auth, "PUT", body)
        conn, status, etag, _ = get(conn, "/events/probe.ics")
        with lock:
            render_probe.append((time.time(), put_status, status, etag is not None and etag != last))
        if status == 200:
            last = etag
        time.sleep(0.5)


def ready_prober():
    conn = connection()
    while time.time() < deadline:
        conn, status, _, body = get(conn, "/readyz")
        with lock:
            ready_probe.append((time.time(), status, body[:200].decode("utf-8", "replace")))
        time.sleep(0.25)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
threads += [threading.Thread(target=render_prober), threading.Thread(target=ready_prober)]
for t in threads:
    t.start()
for t in threads:
    t.join()

json.dump({"requests": log, "render_probe": render_probe, "ready_probe": ready_probe},
          open(f"{out_dir}/mixed-raw.json", "w"))
print(f"{len(log)} requests, {len(render_probe)} render probes, {len(ready_probe)} readiness probes", file=sys.stderr)
