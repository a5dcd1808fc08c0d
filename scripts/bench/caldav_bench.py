"""CalDAV measurements for scripts/bench/caldav.sh (see there). Standard library only.

Server-side figures survive a busy machine better than latencies: CPU time of the server
process (the sum of its threads' run time, /proc/<pid>/task/*/schedstat, nanoseconds) and bytes
it allocated (dotnet_gc_allocated_bytes_total at /metrics, less what a scrape itself costs), both
read around the measured requests only. Wall times are measured by this client over loopback
(they include HTTP and this client), p50 of single requests.
"""
import glob
import http.client
import json
import re
import statistics
import sys
import time
import urllib.parse

BASE, EVENT_FILE, SERVER_PID = sys.argv[1], sys.argv[2], int(sys.argv[3])
QUICK = "--quick" in sys.argv
URL = urllib.parse.urlsplit(BASE)
CALENDAR = "/dav/calendars/big/"
SYNC = ('<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:sync-token>{token}</d:sync-token>'
        '<d:sync-level>1</d:sync-level><d:prop><d:getetag/>{data}</d:prop></d:sync-collection>')
PROPFIND = ('<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:displayname/>'
            '<cs:getctag/><d:sync-token/></d:prop></d:propfind>')
conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=120)


def request(method, path, body=None, headers=None):
    """(status, headers, body bytes, seconds, header bytes) over one keep-alive connection."""
    started = time.perf_counter()
    conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    header_bytes = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
    if response.getheader("Transfer-Encoding", "") == "chunked":
        # Chunk framing: a size line and CRLF per chunk (at most one per 4 KB written), and the last chunk.
        header_bytes += 10 * (len(data) // 4096 + 1) + 5
    return response.status, dict(response.getheaders()), data, elapsed, header_bytes


def cpu_ns():
    """Run time of every thread of the server so far (first field of schedstat, ns)."""
    total = 0
    for path in glob.glob(f"/proc/{SERVER_PID}/task/*/schedstat"):
        try:
            total += int(open(path).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def allocated():
    data = request("GET", "/metrics")[2].decode()
    match = re.search(r"^dotnet_gc_allocated_bytes_total(?:\{[^}]*\})? (\S+)", data, re.M)
    return float(match.group(1)) if match else float("nan")


def settle():
    """Waits until the server is idle (background compressions of a render finish outside the measures)."""
    deadline = time.time() + 5
    while time.time() < deadline:
        before = cpu_ns()
        time.sleep(0.1)
        if cpu_ns() - before < 3_000_000:
            return


SCRAPE_BYTES = 0.0


LAST_TOTAL_CPU_MS = 0.0


def measured(count, action):
    """Runs action count times; (results, wall seconds of each, CPU ms per run, bytes allocated per run).
    CPU is counted until the last response is read; LAST_TOTAL_CPU_MS also counts what the
    requests left running in the background (a render's gzip and Brotli codings), until idle."""
    global LAST_TOTAL_CPU_MS
    settle()
    a0 = allocated()
    c0 = cpu_ns()
    results, walls = [], []
    for _ in range(count):
        started = time.perf_counter()
        results.append(action())
        walls.append(time.perf_counter() - started)
    c1 = cpu_ns()
    settle()
    LAST_TOTAL_CPU_MS = (cpu_ns() - c0) / 1e6 / count
    a1 = allocated()
    return results, walls, (c1 - c0) / 1e6 / count, (a1 - a0 - SCRAPE_BYTES) / count


def sync(token, data=False):
    return request("REPORT", CALENDAR, SYNC.format(token=token, data="<c:calendar-data/>" if data else ""),
                   {"Depth": "0", "Content-Type": "application/xml"})


def token_of(body):
    return re.search(rb"<d:sync-token>([^<]*)</d:sync-token>\s*</d:multistatus>", body).group(1).decode()


def ics_etag():
    # The Atom feed, not the .ics: waiting must not render (and cache) what is measured next.
    return request("HEAD", "/events/big.atom")[1].get("ETag")


edits = 0


def edit():
    """Changes one session's title in the event file and waits until the feed shows it."""
    global edits
    edits += 1
    before = ics_etag()
    event = json.load(open(EVENT_FILE))
    session = event["sessions"][edits % len(event["sessions"])]
    session["title"] = f"{session['title'].split(' #')[0]} #{edits}"
    json.dump(event, open(EVENT_FILE, "w"))
    deadline = time.time() + 60
    while ics_etag() == before:
        if time.time() > deadline:
            raise SystemExit("the edit never reached the feed")
        time.sleep(0.05)


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def median(values):
    return statistics.median(values)


report = {"load_before": open("/proc/loadavg").read().split()[:3], "quick": QUICK}
SCRAPE_BYTES = median([-(allocated() - allocated()) for _ in range(5)])
report["scrape_bytes_subtracted"] = SCRAPE_BYTES
status, _, body, _, _ = sync("", data=False)
assert status == 207, body[:300]
token = token_of(body)

# 1. Delta after one session changed, warm (the index for the new version is built by the first request).
edit()
sync(token)
results, walls, cpu, alloc = measured(50 if QUICK else 300, lambda: sync(token))
body = results[-1][2]
report["delta"] = {"bytes": len(body), "responses": body.count(b"<d:response>"), "p50_ms": p(walls, 0.5), "p90_ms": p(walls, 0.9),
                   "cpu_ms": cpu, "alloc_bytes": alloc}

# 2. Full sync (every object with its calendar-data) against rendering the .ics, both on a miss
#    (each right after its own edit), alternated; then the full sync again on the cached index.
rounds = 3 if QUICK else 12
full, ics, warm = [], [], []
for _ in range(rounds):
    edit()
    (response,), (wall,), cpu, alloc = measured(1, lambda: sync("", data=True))
    assert response[0] == 207 and response[2].count(b"<d:response>") >= 1000, response[2][:300]
    full.append((wall, cpu, alloc, len(response[2]), LAST_TOTAL_CPU_MS))
    (response,), (wall,), cpu, alloc = measured(1, lambda: sync("", data=True))
    warm.append((wall, cpu, alloc, len(response[2]), LAST_TOTAL_CPU_MS))
    edit()
    (response,), (wall,), cpu, alloc = measured(1, lambda: request("GET", "/events/big.ics"))
    assert response[0] == 200, response[0]
    ics.append((wall, cpu, alloc, len(response[2]), LAST_TOTAL_CPU_MS))


def summary(rows):
    return {"p50_ms": p([r[0] for r in rows], 0.5), "cpu_ms": median([r[1] for r in rows]),
            "alloc_bytes": median([r[2] for r in rows]), "bytes": rows[-1][3], "cpu_until_idle_ms": median([r[4] for r in rows])}


report["full_sync_miss"] = summary(full)
report["full_sync_warm"] = summary(warm)
report["ics_render_miss"] = summary(ics)
report["full_sync_ratio"] = {
    "cpu": report["full_sync_miss"]["cpu_ms"] / report["ics_render_miss"]["cpu_ms"],
    "cpu_until_idle": report["full_sync_miss"]["cpu_until_idle_ms"] / report["ics_render_miss"]["cpu_until_idle_ms"],
    "wall": report["full_sync_miss"]["p50_ms"] / report["ics_render_miss"]["p50_ms"],
    "alloc": report["full_sync_miss"]["alloc_bytes"] / report["ics_render_miss"]["alloc_bytes"],
    "warm_cpu": report["full_sync_warm"]["cpu_ms"] / report["ics_render_miss"]["cpu_ms"],
}

# 3. PROPFIND Depth 1 of the home (100 small events + the big one), warm.
request("PROPFIND", "/dav/calendars/", PROPFIND, {"Depth": "1"})
results, walls, cpu, alloc = measured(10 if QUICK else 100, lambda: request("PROPFIND", "/dav/calendars/", PROPFIND, {"Depth": "1"}))
report["home_propfind_depth1"] = {"calendars": results[-1][2].count(b"<d:response>") - 1, "p50_ms": p(walls, 0.5),
                                  "cpu_ms": cpu, "alloc_bytes": alloc}

# 4. Bytes to follow 10 single-session edits.
token = token_of(sync("")[2])
caldav_bytes = ics_bytes = 0
for _ in range(10):
    edit()
    status, _, body, _, headers = sync(token)
    caldav_bytes += len(body) + headers
    token = token_of(body)
    for href in re.findall(rb"<d:href>([^<]+)</d:href>", body):
        _, _, data, _, headers = request("GET", href.decode())
        caldav_bytes += len(data) + headers
    _, _, data, _, headers = request("GET", "/events/big.ics", headers={"Accept-Encoding": "gzip"})
    ics_bytes += len(data) + headers
report["ten_edits_bytes"] = {"caldav": caldav_bytes, "ics_gzip": ics_bytes, "ratio": ics_bytes / max(1, caldav_bytes)}
report["load_after"] = open("/proc/loadavg").read().split()[:3]

print(json.dumps(report, indent=2))

d, f, w, i, h, t = (report[k] for k in ("delta", "full_sync_miss", "full_sync_warm", "ics_render_miss", "home_propfind_depth1", "ten_edits_bytes"))
r = report["full_sync_ratio"]


def met(ok):
    return "met" if ok else "**missed**"


rows = [
    ("sync-collection delta after one edit (1,000 sessions): response < 5 KB", f"{d['bytes']:,} B ({d['responses']} response)", met(d["bytes"] < 5000)),
    ("delta server time p50 <= 5 ms (warm)", f"p50 {d['p50_ms']:.2f} ms (p90 {d['p90_ms']:.2f}); CPU {d['cpu_ms']:.2f} ms, {d['alloc_bytes'] / 1024:,.0f} KB allocated per request", met(d["p50_ms"] <= 5)),
    ("full sync <= 1.5x .ics render (both on a miss; wall p50, alternated)",
     f"{r['wall']:.2f}x: {f['p50_ms']:.0f} / {i['p50_ms']:.0f} ms; server CPU to the response {f['cpu_ms']:.1f} / {i['cpu_ms']:.1f} ms ({r['cpu']:.2f}x), "
     f"until idle (background codings included) {f['cpu_until_idle_ms']:.1f} / {i['cpu_until_idle_ms']:.1f} ms ({r['cpu_until_idle']:.2f}x); "
     f"allocated {f['alloc_bytes'] / 1048576:.1f} / {i['alloc_bytes'] / 1048576:.1f} MB", met(r["wall"] <= 1.5)),
    ("full sync on the cached index (the multistatus alone)",
     f"CPU {w['cpu_ms']:.1f} ms ({r['warm_cpu']:.2f}x the .ics render), {w['alloc_bytes'] / 1048576:.2f} MB allocated, wall p50 {w['p50_ms']:.0f} ms, {w['bytes']:,} B", "(no target)"),
    (f"PROPFIND Depth 1 of the home ({h['calendars']} calendars) <= 20 ms", f"p50 {h['p50_ms']:.2f} ms; CPU {h['cpu_ms']:.2f} ms, {h['alloc_bytes'] / 1024:,.0f} KB allocated per request", met(h["p50_ms"] <= 20)),
    ("bytes to follow 10 single-session edits", f"CalDAV {t['caldav']:,} B vs .ics gzip {t['ics_gzip']:,} B ({t['ratio']:.0f}x less)", "(report)"),
]
print()
print(f"CalDAV benchmark{' (QUICK=1 smoke run)' if QUICK else ''}; load {' '.join(report['load_before'])} before, {' '.join(report['load_after'])} after")
print()
print("| Target | Figure | |")
print("|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
