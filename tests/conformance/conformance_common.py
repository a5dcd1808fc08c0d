"""Shared plumbing of the Python validators: manifest, sidecars, result lines.

A manifest is a JSON list of entries; paths are relative to the manifest's folder:

    {"id": "generated/g0001/ics-eventzone",   # unique name of this file in the batch
     "path": "generated/g0001/eventzone.ics",
     "format": "ics",                          # ics | jcal | xcal | xcal-pentabarf | rss | atom
                                               # | rss-campus | atom-campus
     "sessions": 12,                           # optional: the number of items the file must hold
     "expected": "generated/g0001/expected.json",  # optional: what each item must say
     "reference": "generated/g0001/eventzone.ics", # optional: .ics to compare a jcal/xcal with
     "timeZone": "Europe/Dublin",              # optional: the event's zone (a session's own
                                               # "timeZone" wins: collections mix events)
     "timeMode": "event-zone"}                 # optional: event-zone | utc

Every validator prints one JSON object per (file, checker) on stdout (JSON Lines):

    {"id": ..., "path": ..., "format": ..., "checker": ..., "count": 12, "errors": [...]}

and exits 0 when no file had errors, 1 when some had, 2 when it could not run.
"""

import datetime as _dt
import json
import os
import sys
import traceback
import zoneinfo

MAX_ERRORS_PER_FILE = 50
UTC = _dt.timezone.utc
_HERE = os.path.dirname(os.path.abspath(__file__))


def load_manifest(argv, usage):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(usage, file=sys.stderr)
        sys.exit(2)
    manifest_path = os.path.abspath(argv[1])
    with open(manifest_path, encoding="utf-8") as f:
        entries = json.load(f)
    if not isinstance(entries, list):
        print("manifest must be a JSON list", file=sys.stderr)
        sys.exit(2)
    base = os.path.dirname(manifest_path)
    for entry in entries:
        for key in ("path", "expected", "reference"):
            if entry.get(key):
                entry[key] = os.path.join(base, entry[key])
    return entries


class Results:
    """Collects errors of one (file, checker) and prints the result line."""

    def __init__(self):
        self.any_errors = False

    def emit(self, entry, checker, count, errors, **extra):
        if len(errors) > MAX_ERRORS_PER_FILE:
            dropped = len(errors) - MAX_ERRORS_PER_FILE
            errors = errors[:MAX_ERRORS_PER_FILE] + [f"... and {dropped} more"]
        self.any_errors = self.any_errors or bool(errors)
        line = {
            "id": entry.get("id", entry["path"]),
            "path": entry["path"],
            "format": entry.get("format"),
            "checker": checker,
            "count": count,
            "errors": errors,
        }
        line.update(extra)
        sys.stdout.write(json.dumps(line, ensure_ascii=True) + "\n")

    def run(self, entry, checker, function):
        """Runs function(entry) -> (count, errors); a crash is an error of that file."""
        try:
            count, errors = function(entry)
        except Exception as exc:  # noqa: BLE001 - any exception of a parser is a finding
            count, errors = None, [f"{checker} rejected the file: {type(exc).__name__}: {exc}"]
            frames = traceback.extract_tb(exc.__traceback__)
            if frames and os.path.dirname(os.path.abspath(frames[-1].filename)) == _HERE:
                # Raised by the validator's own code, not by the parser: say where.
                errors.append("validator bug? " + "".join(traceback.format_exception(exc, limit=-3)))
        self.emit(entry, checker, count, errors)

    def exit(self):
        sys.stdout.flush()
        sys.exit(1 if self.any_errors else 0)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


_expected_cache = {}


def load_expected(entry):
    """The sidecar: {"timeZone": ..., "sessions": [{"uid", "title", "start", "end", "status",
    "image", "startLocal", "startLocalExact", "endLocal", "endLocalExact"}]}; see README.md."""
    path = entry.get("expected")
    if not path:
        return None
    if path not in _expected_cache:
        with open(path, encoding="utf-8") as f:
            _expected_cache[path] = json.load(f)
    return _expected_cache[path]


def parse_utc(text):
    """'2027-03-26T09:00:00Z' -> aware datetime in UTC."""
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def iso_utc(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


_zones = {}


def zone(tzid):
    """IANA zone from the system's tzdata, or None."""
    if tzid not in _zones:
        try:
            _zones[tzid] = zoneinfo.ZoneInfo(tzid)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            _zones[tzid] = None
    return _zones[tzid]


def local_to_utc(naive, tzid):
    """RFC 5545 §3.3.5: a local time that occurs twice means its first occurrence, and one
    that does not exist is read with the offset from before the gap. zoneinfo's fold=0
    does exactly that."""
    tz = zone(tzid)
    if tz is None:
        return None
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


class Local:
    """A DATE-TIME written as local time with a TZID, before any zone data is applied."""

    def __init__(self, naive, tzid):
        self.naive = naive
        self.tzid = tzid

    def text(self):
        return self.naive.strftime("%Y-%m-%dT%H:%M:%S")


def check_local(value, session, key, event_zone):
    """Checks a local time against the sidecar's wall time in the event zone (computed with
    the writers' TZDB, so this system's tzdata version does not matter); other zones fall
    back to zoneinfo. Returns an error or None."""
    want_local = session.get(key + "Local")
    if value.tzid == event_zone and want_local is not None:
        if value.text() != want_local:
            return f"{key} {value.text()} {value.tzid} != {want_local} {value.tzid} ({session[key]})"
        if not session.get(key + "LocalExact", True):
            return (f"{key} {value.text()} {value.tzid} is a repeated local time, which RFC 5545 §3.3.5 reads as "
                    f"its first occurrence, not {session[key]}; this instant has to be written in UTC")
        return None
    utc = local_to_utc(value.naive, value.tzid)
    if utc is None:
        return f"{key}: unknown TZID {value.tzid!r}"
    if iso_utc(utc) != session[key]:
        return f"{key} {value.text()} {value.tzid} = {iso_utc(utc)} != {session[key]}"
    return None


def compare_events(found, entry, label, title_as_read=None):
    """found: {uid: {"title", "start", "end", "status"}}, times as aware datetimes or Local.
    Compares with the expected sidecar; returns errors. title_as_read maps an expected
    title to what a parser with a known decoding bug reads for it."""
    expected = load_expected(entry)
    if expected is None:
        return []
    errors = []
    want = {s["uid"]: s for s in expected["sessions"]}
    for uid in sorted(set(want) - set(found)):
        errors.append(f"{label}: session {uid!r} missing")
    for uid in sorted(set(found) - set(want)):
        errors.append(f"{label}: unexpected UID {uid!r}")
    for uid in sorted(set(want) & set(found)):
        w, f = want[uid], found[uid]
        want_title = title_as_read(w["title"]) if title_as_read else w["title"]
        if "title" in f and f["title"] != want_title:
            errors.append(f"{label}: {uid}: SUMMARY {f['title']!r} != title {w['title']!r}")
        for key in ("start", "end"):
            if key not in f:
                continue
            if isinstance(f[key], Local):
                problem = check_local(f[key], w, key, (w.get("timeZone") or expected.get("timeZone", "")).strip())
                if problem:
                    errors.append(f"{label}: {uid}: {problem}")
            elif iso_utc(f[key]) != w[key]:
                errors.append(f"{label}: {uid}: {key} {iso_utc(f[key])} != {w[key]}")
        if "status" in f:
            cancelled = w.get("status") == "CANCELLED"
            if cancelled and f["status"] != "CANCELLED":
                errors.append(f"{label}: {uid}: cancelled session has STATUS {f['status']!r}")
            if not cancelled and f["status"] == "CANCELLED":
                errors.append(f"{label}: {uid}: STATUS CANCELLED on a session that is not cancelled")
    return errors


def recurrence_window(entry):
    """The sidecar's expansion window as aware UTC datetimes, or None."""
    expected = load_expected(entry)
    if not expected or "window" not in expected:
        return None
    return parse_utc(expected["window"]["start"]), parse_utc(expected["window"]["end"])


def overlaps(start, end, window):
    """The writers' rule: an occurrence is in the window when it overlaps it (a zero-length
    one when it starts inside)."""
    w_start, w_end = window
    return start < w_end and (end > w_start or (end == start and start >= w_start))


class Occurrences:
    """Maps occurrences a parser expanded from a series (series UID + original start) onto
    the sidecar's occurrence UIDs, and reports occurrences the sidecar does not have."""

    def __init__(self, entry, label):
        expected = load_expected(entry) or {"sessions": []}
        self.label = label
        self.window = recurrence_window(entry)
        self.series = {s["series"] for s in expected["sessions"] if "series" in s}
        self._uid = {(s["series"], s["recurrenceId"]): s["uid"] for s in expected["sessions"] if "series" in s}
        self.errors = []

    def add(self, found, series_uid, recurrence_id, item):
        """recurrence_id: aware datetime of the original start."""
        key = (series_uid, iso_utc(recurrence_id))
        uid = self._uid.get(key)
        if uid is None:
            self.errors.append(f"{self.label}: unexpected occurrence {key[1]} of {series_uid!r}")
            return
        if uid in found:
            self.errors.append(f"{self.label}: occurrence {key[1]} of {series_uid!r} seen twice")
        found[uid] = item
