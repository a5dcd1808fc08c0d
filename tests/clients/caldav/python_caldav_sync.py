#!/usr/bin/python3
"""Drives Debian's python3-caldav against a FeedProxy server, the way an application would.

Usage: python_caldav_sync.py BASE_URL CALENDAR RANGE_START RANGE_END

1. Discovers the calendars from BASE_URL/.well-known/caldav (RFC 6764, current-user-principal,
   calendar-home-set), picks the one whose URL ends in CALENDAR, loads every object with an
   initial sync-collection, runs a calendar-query time-range search (ISO 8601 bounds with
   offsets), and prints one JSON line.
2. Waits for one line on stdin (the test edits the schedule meanwhile), then asks for the
   changes since the token it got, both raw (the REPORT's hrefs) and through the library's
   own sync(), and prints a second JSON line.
"""
import datetime
import json
import sys

import caldav
from caldav.elements import dav


def name(url):
    return str(url).rstrip("/").rsplit("/", 1)[1]


def summary(obj):
    return str(obj.vobject_instance.vevent.summary.value)


def main():
    base, wanted, start, end = sys.argv[1:5]
    client = caldav.DAVClient(url=base.rstrip("/") + "/.well-known/caldav")
    principal = client.principal()
    calendars = principal.calendars()
    calendar = next(c for c in calendars if str(c.url).rstrip("/").endswith("/" + wanted))
    objects = calendar.objects_by_sync_token(load_objects=True)
    in_range = calendar.date_search(
        start=datetime.datetime.fromisoformat(start), end=datetime.datetime.fromisoformat(end), expand=False)
    print(json.dumps({
        "calendars": sorted(name(c.url) for c in calendars),
        "displayName": calendar.get_properties([dav.DisplayName()]).get(dav.DisplayName.tag),
        "token": objects.sync_token,
        "objects": {name(o.url): summary(o) for o in objects},
        "range": sorted(name(o.url) for o in in_range),
    }), flush=True)

    sys.stdin.readline()
    raw = calendar.objects_by_sync_token(sync_token=objects.sync_token, load_objects=False)
    delta = sorted(name(o.url) for o in raw)
    updated, deleted = objects.sync()
    print(json.dumps({
        "delta": delta,
        "updated": {name(o.url): summary(o) for o in updated},
        "deleted": sorted(name(o.url) for o in deleted),
        "token": objects.sync_token,
    }), flush=True)


if __name__ == "__main__":
    main()
