"""CalDAV measurements for scripts/bench/caldav.sh (see there). Standard library only."""
import gzip
import http.client
import json
import re
import statistics
import sys
import time
import urllib.parse

BASE, EVENT_FILE = sys.argv[1], sys.argv[2]
QUICK = "--quick" in sys.argv
URL = urllib.parse.urlsplit(BASE)
CALENDAR = "/dav/calendars/big/"
SYNC = ('<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:sync-token>{token}</d:sync-token>'
        '<d:sync-level>1</d:sync-level><d:prop><d:getetag/>{data}</d:prop></d:sync-collection>')
conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=120)


def request(method, path, body=None, headers=None):
    """(status, headers, body bytes, seconds, header bytes) over one keep-alive connection."""
    started = time.perf_counter()
    conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    header_bytes = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
    return response.status, dict(response.getheaders()), data, elapsed, header_bytes


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


report = {}
status, _, body, _, _ = sync("", data=False)
assert status == 207, body[:300]
token = token_of(body)

# 1. Delta after one session changed, warm (the index for the new version is built by the first request).
edit()
sync(token)
times, size = [], 0
for _ in range(50 if QUICK else 300):
    status, _, body, seconds, _ = sync(token)
    times.append(seconds)
    size = len(body)
report["delta"] = {"bytes": size, "responses": body.count(b"<d:response>"), "p50_ms": p(times, 0.5), "p90_ms": p(times, 0.9)}

# 2. Full sync vs .ics render, both on a miss (each right after its own edit).
full, render = [], []
for _ in range(3 if QUICK else 15):
    edit()
    full.append(sync("", data=True)[3])
    edit()
    render.append(request("GET", "/events/big.ics")[3])
report["full_sync"] = {"p50_ms": p(full, 0.5), "ics_render_p50_ms": p(render, 0.5), "ratio": p(full, 0.5) / p(render, 0.5)}

# 3. PROPFIND Depth 1 of the home (100 small events + the big one), warm.
propfind = ('<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:displayname/>'
            '<cs:getctag/><d:sync-token/></d:prop></d:propfind>')
request("PROPFIND", "/dav/calendars/", propfind, {"Depth": "1"})
times = [request("PROPFIND", "/dav/calendars/", propfind, {"Depth": "1"})[3] for _ in range(10 if QUICK else 100)]
report["home_propfind_depth1"] = {"calendars": request("PROPFIND", "/dav/calendars/", propfind, {"Depth": "1"})[2].count(b"<d:response>") - 1,
                                  "p50_ms": p(times, 0.5)}

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

print(json.dumps(report, indent=2))
