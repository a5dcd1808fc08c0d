"""Converts an event JSON document (docs/event-format.md, as the benchmarks' `export` verb
writes it) into frab/c3voc schedule JSON (schedule.conference.days[].rooms{name: [events]}),
the format most admin imports use, for scripts/bench/import-memory.sh.

Usage: to_schedule_json.py <event.json> <schedule.json>
"""
import json
import sys
from datetime import datetime

source, target = sys.argv[1], sys.argv[2]
event = json.load(open(source, encoding="utf-8"))
rooms = {r["id"]: r["name"] for r in event["rooms"]}
tracks = {t["id"]: t["name"] for t in event["tracks"]}
speakers = {s["id"]: s["name"] for s in event["speakers"]}
days = {}
for s in event["sessions"]:
    start = datetime.fromisoformat(s["start"])
    end = datetime.fromisoformat(s["end"])
    minutes = int((end - start).total_seconds() // 60)
    item = {
        "guid": s["id"], "id": s["id"], "date": s["start"], "start": start.strftime("%H:%M"),
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}", "room": rooms[s["room"]],
        "title": s["title"], "subtitle": s.get("subtitle"), "track": tracks.get(s.get("track")),
        "type": s.get("type"), "language": s.get("language"), "abstract": s.get("abstract"),
        "description": None, "url": s.get("url"), "state": s.get("state"),
        "persons": [{"id": p, "public_name": speakers[p]} for p in s.get("speakers", [])],
        "links": [{"url": u, "title": t} for u, t in ((s.get("slidesUrl"), "Slides"), (s.get("streamUrl"), "Stream")) if u],
    }
    day = days.setdefault(start.date().isoformat(), {})
    day.setdefault(item["room"], []).append(item)
schedule = {"schedule": {"version": "2027-03-20 12:00", "conference": {
    "title": event["name"], "acronym": "bench", "time_zone_name": event["timeZone"],
    "url": event.get("url"), "tracks": [{"name": n} for n in tracks.values()],
    "rooms": [{"name": n} for n in rooms.values()],
    "days": [{"index": i + 1, "date": d, "rooms": r} for i, (d, r) in enumerate(sorted(days.items()))]}}}
with open(target, "w", encoding="utf-8") as f:
    json.dump(schedule, f, ensure_ascii=False, indent=1)
