#!/usr/bin/python3
"""Renders the exported benchmark schedules with python3-icalendar (the Debian package,
run by /usr/bin/python3) and times it with timeit: the median of repeated single runs after
a warm-up. Timed: building the calendar and serialising it to UTF-8 bytes (to_ical), the
same work FeedProxy's writer does from its in-memory model. Not timed: reading the JSON.

Usage: /usr/bin/python3 render_python_icalendar.py <data-dir> <sizes> <results.json> [out-dir]
"""

import json
import os
import statistics
import sys
import timeit
from datetime import datetime
from pathlib import Path

import icalendar
import pytz

VTIMEZONE_BERLIN = "\r\n".join([
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
    "BEGIN:STANDARD", "DTSTART:19961027T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19810329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "END:VTIMEZONE",
]) + "\r\n"


def prepare(doc):
    """Resolves references and selects/orders sessions as FeedProxy does (see reference-common.mjs)."""
    zone = pytz.timezone(doc["timeZone"])
    tracks = {t["id"]: t for t in doc.get("tracks", [])}
    rooms = {r["id"]: r for r in doc.get("rooms", [])}
    speakers = {p["id"]: p for p in doc.get("speakers", [])}
    venue = (doc.get("venue") or {}).get("name")
    sessions = []
    for s in doc["sessions"]:
        if s.get("state", "confirmed") not in ("confirmed", "accepted", "cancelled"):
            continue
        start = datetime.fromisoformat(s["start"])
        end = datetime.fromisoformat(s["end"])
        names = []
        for sid in s.get("speakers", []):
            p = speakers.get(sid)
            if p:
                names.append(f"{p['name']} ({p['organisation']})" if p.get("organisation") else p["name"])
        categories = []
        for c in ((tracks.get(s.get("track")) or {}).get("name"), s.get("type")):
            if c and c not in categories:
                categories.append(c)
        sessions.append({
            "id": s["id"], "title": s["title"], "subtitle": s.get("subtitle"), "abstract": s.get("abstract"),
            "start": start.astimezone(zone), "end": end.astimezone(zone),
            "last_modified": datetime.fromisoformat(s["lastModified"].replace("Z", "+00:00")),
            "revision": s.get("revision", 0), "cancelled": s.get("state") == "cancelled",
            "location": ", ".join(x for x in ((rooms.get(s.get("room")) or {}).get("name"), venue) if x),
            "url": s.get("url"), "slides": s.get("slidesUrl"), "categories": categories, "speakers": names,
        })
    sessions.sort(key=lambda x: (x["start"], x["id"]))
    return doc, sessions


def describe(s):
    parts = [p for p in (s["subtitle"], s["abstract"]) if p]
    if s["speakers"]:
        parts.append("Speakers: " + ", ".join(s["speakers"]))
    if s["url"]:
        parts.append("URL: " + s["url"])
    return "\n\n".join(parts)


def render(doc, sessions):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//FeedProxy//Benchmark reference//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", doc["name"])
    cal.add("x-wr-calname", doc["name"])
    cal.add("x-wr-caldesc", doc.get("description", ""))
    cal.add("x-wr-timezone", doc["timeZone"])
    cal.add("url", doc.get("url", ""))
    cal.add_component(icalendar.Timezone.from_ical(VTIMEZONE_BERLIN))
    for s in sessions:
        ev = icalendar.Event()
        ev.add("uid", f"{s['id']}-{doc['id']}@bench.feedproxy.example")
        ev.add("dtstamp", s["last_modified"])
        ev.add("dtstart", s["start"])
        ev.add("dtend", s["end"])
        ev.add("sequence", s["revision"])
        ev.add("last-modified", s["last_modified"])
        ev.add("summary", s["title"])
        ev.add("description", describe(s))
        ev.add("location", s["location"])
        if s["url"]:
            ev.add("url", s["url"])
        if s["categories"]:
            ev.add("categories", s["categories"])
        if s["slides"]:
            ev.add("attach", s["slides"])
        ev.add("status", "CANCELLED" if s["cancelled"] else "CONFIRMED")
        ev.add("class", "PUBLIC")
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal.to_ical()


def main():
    data_dir, sizes, results_path = Path(sys.argv[1]), [int(x) for x in sys.argv[2].split(",")], sys.argv[3]
    out_dir = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    results = []
    for size in sizes:
        doc, sessions = prepare(json.loads((data_dir / f"schedule-{size}.json").read_text(encoding="utf-8")))
        warmup, runs = (10, 40) if size <= 100 else (3, 10) if size <= 1000 else (1, 5)
        if os.environ.get("QUICK"):
            warmup, runs = 1, 3
        output = render(doc, sessions)
        timeit.repeat(lambda: render(doc, sessions), number=1, repeat=warmup)
        times = timeit.repeat(lambda: render(doc, sessions), number=1, repeat=runs)
        median = statistics.median(times) * 1000
        if out_dir:
            (out_dir / f"python-icalendar-{size}.ics").write_bytes(output)
        results.append({"renderer": "python3-icalendar " + icalendar.__version__, "sessions": size, "format": "ics",
                        "median_ms": median, "iterations": runs, "output_bytes": len(output)})
        print(f"python3-icalendar {size} sessions: median {median:.3f} ms ({runs} runs), {len(output)} bytes", flush=True)
    Path(results_path).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
