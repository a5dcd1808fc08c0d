#!/usr/bin/env python3
"""Writes N distinct valid representations of the demo event for scripts/bench/memory.sh, one
per line as "<path>\t<Accept-Encoding>": formats and dialects/profiles x codings x filters,
exclusions, search, time zone and reminders, in a fixed shuffled order (seeded) so that every
run asks for the same set and the cache churns from the first pass on."""
import itertools
import random
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 2320
formats = [("ics", ""), ("xcs", ""), ("xcs", "dialect=pentabarf"), ("rss", ""), ("rss", "profile=campus"),
           ("atom", ""), ("atom", "profile=campus"), ("json", "")]
codings = ["identity", "gzip", "br"]
tracks = ["time", "web", "data", "ops", "community", "design"]
rooms = ["hall-a", "hall-b", "room-101", "room-102", "room-201", "lab-u1", "werkstatt", "salon"]
days = ["2027-03-26", "2027-03-27", "2027-03-28", "2027-03-29"]
langs = ["en", "de"]
alarms = ["-PT10M", "-PT1H", "-PT15M"]

# Filter queries, from one parameter to combinations; each is a different representation.
filters = [""]
filters += [f"track={t}" for t in tracks]
filters += [f"room={r}" for r in rooms]
filters += [f"day={d}" for d in days]
filters += [f"lang={l}" for l in langs]
filters += [f"not.track={t}" for t in tracks]
filters += [f"track={a},{b}" for a, b in itertools.combinations(tracks, 2)]
filters += [f"day={d}&track={t}" for d in days for t in tracks]
filters += [f"room={r}&not.track={t}" for r in rooms[:4] for t in tracks[:3]]
filters += ["tz=utc", "q=team", "q=data&day=2027-03-27"]

def with_alarm(fmt, extra):
    # Reminders exist in iCalendar, jCal and RFC 6321 xCal only (a 400 elsewhere).
    return fmt in ("ics", "json") or (fmt == "xcs" and not extra)

lines = []
for (fmt, extra), f in itertools.product(formats, filters):
    queries = [f]
    if with_alarm(fmt, extra):
        queries += [f"{f}&alarm={a}" if f else f"alarm={a}" for a in alarms]
    for q in queries:
        query = "&".join(p for p in (extra, q) if p)
        path = f"/events/demo.{fmt}" + (f"?{query}" if query else "")
        for c in codings:
            lines.append(f"{path}\t{c}")

lines = sorted(set(lines))
if len(lines) < count:
    sys.exit(f"only {len(lines)} representations, {count} asked")
random.Random(24).shuffle(lines)
sys.stdout.write("\n".join(lines[:count]) + "\n")
