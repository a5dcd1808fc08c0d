#!/usr/bin/python3
"""Reads every .ics of a manifest with two independent Python parsers and with the
line-level rules of RFC 5545 §3.1 that parsers tolerate but clients do not.

Checkers (one result line each per file):
  icalendar     python3-icalendar: Calendar.from_ical, every component's .errors, VEVENT
                count, UID/SUMMARY/DTSTART/DTEND/STATUS against the expected sidecar
                (local times resolved with the system tzdata, RFC 5545 §3.3.5 semantics);
                recurring series (RRULE/RDATE/EXDATE/RECURRENCE-ID) expanded over the
                sidecar's window with python3-recurring-ical-events and compared occurrence
                by occurrence.
  vobject       python3-vobject: readComponents(validate=True), vevent count, the same
                comparison with times resolved through the file's own VTIMEZONE; series
                expanded with vobject's own getrruleset() (dateutil), overrides applied.
  rfc5545-lines CRLF everywhere, no BOM, valid UTF-8 in every physical line (a fold never
                splits a sequence), lines <= 75 octets, no empty continuation line, no fold
                inside an escape, no control characters, required properties, no empty
                values, every TZID defined by a VTIMEZONE, never TZID=UTC, UTC DTSTAMP,
                DTEND after DTSTART; in utc mode only UTC times and no VTIMEZONE.

Usage: /usr/bin/python3 validate_ics.py MANIFEST.json   (entries with format "ics")
"""

import datetime as dt
import re
import sys

import dateutil.rrule
import icalendar
import recurring_ical_events
import vobject

import conformance_common as common

USAGE = __doc__


def _aware_utc(value, tzid):
    """An icalendar date-time value: Z times as UTC, TZID times as common.Local, compared
    with the sidecar's wall time (python-icalendar itself localises with pytz, which
    reads a repeated local time as the later occurrence, against RFC 5545 §3.3.5)."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
        if tzid:
            return common.Local(naive, tzid)
        if value.tzinfo is not None:
            return value.astimezone(common.UTC)
        return None  # floating
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=common.UTC)
    return None


def check_icalendar(entry):
    text = common.read_bytes(entry["path"]).decode("utf-8", errors="replace")
    calendar = icalendar.Calendar.from_ical(text)
    errors = []
    for component in calendar.walk():
        for prop, message in component.errors:
            errors.append(f"{component.name}: {prop}: {message}")
    found = {}
    count = 0
    series = set()
    for event in calendar.walk("VEVENT"):
        count += 1
        errors += _check_alarms(event, entry)
        uid = str(event.get("UID", ""))
        if not uid:
            errors.append(f"VEVENT #{count}: no UID")
            continue
        if uid in found and event.get("RECURRENCE-ID") is None:
            errors.append(f"duplicate UID {uid!r}")
        if _is_recurring(event):
            series.add(uid)
            continue
        item = {"title": str(event.get("SUMMARY", "")), "status": str(event.get("STATUS", ""))}
        start_prop = event.get("DTSTART")
        if start_prop is None:
            errors.append(f"{uid}: no DTSTART")
            continue
        item["start"] = _aware_utc(start_prop.dt, start_prop.params.get("TZID"))
        end_prop = event.get("DTEND")
        if end_prop is not None:
            item["end"] = _aware_utc(end_prop.dt, end_prop.params.get("TZID"))
        elif event.get("DURATION") is not None and item["start"] is not None:
            start = item["start"]
            if isinstance(start, common.Local):
                start = common.local_to_utc(start.naive, start.tzid)
            item["end"] = start + event.get("DURATION").dt if start is not None else None
        else:
            item["end"] = item["start"]
        for key in ("start", "end"):
            if item[key] is None:
                errors.append(f"{uid}: {key} is floating or has an unknown TZID")
                del item[key]
        found[uid] = item
    if series:
        errors += _expand_icalendar(calendar, series, found, entry)
    errors += common.compare_events(found, entry, "icalendar", title_as_read=_as_python_icalendar_reads)
    return count, errors


def _check_alarms(event, entry):
    """RFC 5545 §3.6.6 display alarms: as many VALARMs as the manifest asks for (none on a
    cancelled VEVENT), each with ACTION:DISPLAY, a DESCRIPTION and a duration TRIGGER."""
    want = entry.get("alarms", 0)
    alarms = [c for c in event.subcomponents if c.name == "VALARM"]
    uid = str(event.get("UID", ""))
    if str(event.get("STATUS", "")) == "CANCELLED":
        want = 0
    errors = []
    if len(alarms) != want:
        errors.append(f"{uid}: {len(alarms)} VALARM, expected {want}")
    for alarm in alarms:
        if str(alarm.get("ACTION", "")) != "DISPLAY":
            errors.append(f"{uid}: VALARM ACTION {alarm.get('ACTION')!r}")
        if not str(alarm.get("DESCRIPTION", "")):
            errors.append(f"{uid}: VALARM without DESCRIPTION")
        trigger = alarm.get("TRIGGER")
        if trigger is None or not isinstance(trigger.dt, dt.timedelta):
            errors.append(f"{uid}: VALARM TRIGGER is not a duration")
    return errors


def _is_recurring(event):
    return any(event.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID"))


def _first(value):
    """A property python-icalendar may give as one value or a list of them."""
    return value[0] if isinstance(value, list) else value


def _several_times_a_day(event):
    """RRULE with more than one BYHOUR, BYMINUTE or BYSECOND value."""
    rule = event.get("RRULE")
    rule = _first(rule) if rule is not None else {}
    return any(len(rule.get(part, [])) > 1 for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))


def _expand_icalendar(calendar, series, found, entry):
    """Occurrences of every series inside the sidecar's window, by recurring_ical_events
    (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides), keyed by original start.

    Known defect, worked around: recurring_ical_events 2.0.1 (Debian 12) returns a rule
    with several BYHOUR/BYMINUTE/BYSECOND values at DTSTART's time of day only
    (FREQ=DAILY;BYHOUR=8,16 from a 16:00 start gives no 08:00 occurrences), while
    dateutil.rrule, which it is built on, vobject, ical.js and libical all give both.
    Such series are expanded with dateutil.rrule directly from python-icalendar's reading of
    the same properties (RRULE, RDATE, EXDATE, overrides)."""
    occurrences = common.Occurrences(entry, "icalendar")
    if occurrences.window is None:
        return [f"icalendar: {len(series)} recurring series but the sidecar has no window"]
    by_dateutil = {str(e.get("UID", "")) for e in calendar.walk("VEVENT")
                   if e.get("RRULE") is not None and _several_times_a_day(e)}
    for occurrence in recurring_ical_events.of(calendar).between(*occurrences.window):
        uid = str(occurrence.get("UID", ""))
        if uid not in series or uid in by_dateutil:
            continue
        start = occurrence["DTSTART"].dt.astimezone(common.UTC)
        end = occurrence["DTEND"].dt.astimezone(common.UTC) if occurrence.get("DTEND") is not None else start
        if not common.overlaps(start, end, occurrences.window):
            continue
        rid = occurrence.get("RECURRENCE-ID")
        original = _first(rid).dt.astimezone(common.UTC) if rid is not None else start
        item = {"title": str(occurrence.get("SUMMARY", "")), "status": str(occurrence.get("STATUS", "")),
                "start": start, "end": end}
        occurrences.add(found, uid, original, item)
    for uid in sorted(by_dateutil):
        _expand_with_dateutil(calendar, uid, occurrences, found)
    return occurrences.errors


def _zoned(prop):
    """A DTSTART-like property as an aware datetime on the zoneinfo wall clock of its TZID."""
    value = prop.dt
    tzid = prop.params.get("TZID")
    if tzid and common.zone(tzid) is not None:
        return value.replace(tzinfo=None).replace(tzinfo=common.zone(tzid))
    return value.astimezone(common.UTC)


def _dates(event, name):
    values = event.get(name)
    if values is None:
        return set()
    values = values if isinstance(values, list) else [values]
    return {common.iso_utc(_zoned_value(d.dt, v.params.get("TZID"))) for v in values for d in v.dts}


def _zoned_value(value, tzid):
    if tzid and common.zone(tzid) is not None:
        return value.replace(tzinfo=None).replace(tzinfo=common.zone(tzid))
    return value.astimezone(common.UTC)


def _expand_with_dateutil(calendar, uid, occurrences, found):
    master, overrides = None, {}
    for event in calendar.walk("VEVENT"):
        if str(event.get("UID", "")) != uid:
            continue
        if event.get("RECURRENCE-ID") is not None:
            overrides[common.iso_utc(_zoned(_first(event["RECURRENCE-ID"])))] = event
        else:
            master = event
    start = _zoned(master["DTSTART"])
    length = (_zoned(master["DTEND"]) - start) if master.get("DTEND") is not None else dt.timedelta(0)
    rules = dateutil.rrule.rruleset()
    rules.rdate(start)
    for rule in (master["RRULE"] if isinstance(master["RRULE"], list) else [master["RRULE"]]):
        rules.rrule(dateutil.rrule.rrulestr(rule.to_ical().decode(), dtstart=start))
    for rdate in _dates(master, "RDATE"):
        rules.rdate(common.parse_utc(rdate))
    excluded = _dates(master, "EXDATE")
    w_start, w_end = occurrences.window
    for occurrence in rules.between(w_start - length - dt.timedelta(seconds=1), w_end, inc=True):
        original = occurrence.astimezone(common.UTC)
        key = common.iso_utc(original)
        if key in excluded or key in overrides:
            continue
        end = (occurrence + length).astimezone(common.UTC)
        if common.overlaps(original, end, occurrences.window):
            occurrences.add(found, uid, original, {"title": str(master.get("SUMMARY", "")),
                                                   "status": str(master.get("STATUS", "")), "start": original, "end": end})
    for key, event in overrides.items():
        o_start = _zoned(event["DTSTART"]).astimezone(common.UTC)
        o_end = _zoned(event["DTEND"]).astimezone(common.UTC) if event.get("DTEND") is not None else o_start
        if common.overlaps(o_start, o_end, occurrences.window):
            occurrences.add(found, uid, common.parse_utc(key), {"title": str(event.get("SUMMARY", "")),
                                                              "status": str(event.get("STATUS", "")), "start": o_start, "end": o_end})


def _escape_text(value):
    """RFC 5545 §3.3.11 TEXT escaping; the only correct escaping of a value."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _as_python_icalendar_reads(title):
    """python-icalendar 4.0.3 (Debian 12) unescapes TEXT twice, once while splitting the
    content line and again in vText, so a literal backslash before a comma or semicolon
    is lost ("\\\\\\," reads as ","). To keep its bug out of our results, the expected
    title goes through the same two steps; vobject, libical and ical.js compare the exact
    text."""
    value = icalendar.parser.Contentline("SUMMARY:" + _escape_text(title)).parts()[2]
    return str(icalendar.prop.vText.from_ical(value))


def _as_read(value, prop):
    """vobject resolves a TZID that names an Olson zone through pytz and the host's tzdata,
    ignoring the calendar's VTIMEZONE (which we build from NodaTime's newer TZDB). Where the
    two tz database versions disagree (Morocco, Palestine, Cuba after 2025) its UTC instant
    says nothing about the feed, so for such values compare what vobject did read from the
    feed: the wall-clock time and the TZID."""
    params = getattr(prop, "params", {})
    tzid = (params.get("TZID") or params.get("X-VOBJ-ORIGINAL-TZID") or [None])[0]
    if tzid and isinstance(value, dt.datetime) and type(value.tzinfo).__module__.startswith("pytz"):
        return common.Local(value.replace(tzinfo=None), tzid)
    return value


def _check_vobject_alarms(event, entry):
    """The same VALARM rules as _check_alarms, as vobject reads them."""
    want = 0 if (hasattr(event, "status") and event.status.value == "CANCELLED") else entry.get("alarms", 0)
    alarms = event.contents.get("valarm", [])
    uid = event.uid.value if hasattr(event, "uid") else ""
    errors = [] if len(alarms) == want else [f"vobject: {uid}: {len(alarms)} VALARM, expected {want}"]
    for alarm in alarms:
        if not hasattr(alarm, "action") or alarm.action.value != "DISPLAY" or not hasattr(alarm, "description"):
            errors.append(f"vobject: {uid}: VALARM without ACTION:DISPLAY and DESCRIPTION")
        if not hasattr(alarm, "trigger") or not isinstance(alarm.trigger.value, dt.timedelta):
            errors.append(f"vobject: {uid}: VALARM TRIGGER is not a duration")
    return errors


def check_vobject(entry):
    text = common.read_bytes(entry["path"]).decode("utf-8", errors="replace")
    errors = []
    # vobject keeps one process-wide TZID -> tzinfo registry and keeps the first definition
    # it saw. Calendar clients parse one feed at a time; this validator reads hundreds of
    # feeds whose VTIMEZONEs for the same TZID cover different years, so start each file clean.
    getattr(vobject.icalendar, "__tzidMap").clear()
    calendars = list(vobject.readComponents(text, validate=True))
    if len(calendars) != 1:
        errors.append(f"expected one VCALENDAR, read {len(calendars)}")
    found = {}
    count = 0
    masters = []
    overrides = {}
    for calendar in calendars:
        for event in calendar.contents.get("vevent", []):
            count += 1
            errors += _check_vobject_alarms(event, entry)
            uid = event.uid.value if hasattr(event, "uid") else ""
            if not uid:
                errors.append(f"vevent #{count}: no UID")
                continue
            if hasattr(event, "recurrence_id"):
                overrides[(uid, common.iso_utc(event.recurrence_id.value))] = event
                continue
            if hasattr(event, "rrule") or hasattr(event, "rdate"):
                masters.append((uid, event))
                continue
            item = {
                "title": event.summary.value if hasattr(event, "summary") else "",
                "status": event.status.value if hasattr(event, "status") else "",
            }
            start = event.dtstart.value
            if isinstance(start, dt.datetime) and start.tzinfo is None:
                errors.append(f"{uid}: DTSTART is floating")
                continue
            if not isinstance(start, dt.datetime):
                start = dt.datetime(start.year, start.month, start.day, tzinfo=common.UTC)
            item["start"] = _as_read(start, event.dtstart)
            if hasattr(event, "dtend"):
                end = event.dtend.value
                if not isinstance(end, dt.datetime):
                    end = dt.datetime(end.year, end.month, end.day, tzinfo=common.UTC)
                item["end"] = _as_read(end, event.dtend)
            elif hasattr(event, "duration"):
                item["end"] = _as_read(start + event.duration.value, event.dtstart)
            else:
                item["end"] = item["start"]
            found[uid] = item
    if masters or overrides:
        errors += _expand_vobject(masters, overrides, found, entry)
    errors += common.compare_events(found, entry, "vobject")
    return count, errors


def _vobject_item(event, start, end):
    return {
        "title": event.summary.value if hasattr(event, "summary") else "",
        "status": event.status.value if hasattr(event, "status") else "",
        "start": start,
        "end": end,
    }


def _expand_vobject(masters, overrides, found, entry):
    """vobject's own expansion (getrruleset: RRULE, RDATE, EXDATE through the file's
    VTIMEZONE), then the RECURRENCE-ID overrides in place of the starts they replace."""
    occurrences = common.Occurrences(entry, "vobject")
    if occurrences.window is None:
        return ["vobject: recurring series but the sidecar has no window"]
    w_start, w_end = occurrences.window
    for uid, event in masters:
        start = event.dtstart.value
        length = (event.dtend.value - start) if hasattr(event, "dtend") else dt.timedelta(0)
        for occurrence in event.getrruleset(addRDate=True).between(w_start - length - dt.timedelta(seconds=1), w_end, inc=True):
            original = occurrence.astimezone(common.UTC)
            if (uid, common.iso_utc(original)) in overrides:
                continue
            end = occurrence + length
            if common.overlaps(original, end.astimezone(common.UTC), occurrences.window):
                occurrences.add(found, uid, original, _vobject_item(event, occurrence, end))
    for (uid, rid), event in overrides.items():
        start = event.dtstart.value
        end = event.dtend.value if hasattr(event, "dtend") else start
        if common.overlaps(start.astimezone(common.UTC), end.astimezone(common.UTC), occurrences.window):
            occurrences.add(found, uid, common.parse_utc(rid), _vobject_item(event, start, end))
    return occurrences.errors


_PROPERTY = re.compile(r"^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", re.S)
_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _unfold(data, errors):
    """Physical-line checks, then yields (line number, logical line)."""
    if data.startswith(b"\xef\xbb\xbf"):
        errors.append("starts with a UTF-8 BOM")
        data = data[3:]
    if not data.endswith(b"\r\n"):
        errors.append("last line does not end with CRLF")
    physical = data.split(b"\n")
    if physical and physical[-1] == b"":
        physical.pop()
    logical = []
    bare_lf = 0
    for number, raw in enumerate(physical, 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        elif number < len(physical) or data.endswith(b"\n"):
            bare_lf += 1
            if bare_lf <= 3:
                errors.append(f"line {number}: ends with a bare LF (lines must end with CRLF)")
        if b"\r" in raw:
            errors.append(f"line {number}: bare CR inside the line")
        if len(raw) > 75:
            errors.append(f"line {number}: {len(raw)} octets, more than 75 (RFC 5545 §3.1)")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(f"line {number}: not UTF-8 on its own (a fold split a sequence?): {exc}")
            line = raw.decode("utf-8", errors="replace")
        if line[:1] in (" ", "\t"):
            if not logical:
                errors.append(f"line {number}: continuation before any content line")
                continue
            if len(line) == 1:
                errors.append(f"line {number}: empty continuation line")
            previous_number, previous = logical[-1]
            trailing = len(previous) - len(previous.rstrip("\\"))
            if trailing % 2 == 1:
                errors.append(f"line {number}: a fold splits the escape starting on line {number - 1}")
            logical[-1] = (previous_number, previous + line[1:])
        else:
            if line == "":
                errors.append(f"line {number}: empty line")
                continue
            logical.append((number, line))
    return logical


def check_lines(entry):
    errors = []
    logical = _unfold(common.read_bytes(entry["path"]), errors)
    utc_mode = entry.get("timeMode") == "utc"
    stack = []
    defined_zones = set()
    used_zones = set()
    # Zones of one-off events; a recurring series (and its overrides) keeps its own zone, which
    # may differ from the calendar's X-WR-TIMEZONE (its rule follows that wall clock).
    one_off_zones = set()
    calendar_props = set()
    event = None
    count = 0
    wr_timezone = None
    for number, line in logical:
        if _CONTROL.search(line):
            errors.append(f"line {number}: control character in content line")
        match = _PROPERTY.match(line)
        if not match:
            errors.append(f"line {number}: not 'NAME[;params]:value': {line[:60]!r}")
            continue
        name, params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            stack.append(value.upper())
            if value.upper() == "VEVENT":
                event = {"line": number, "props": {}}
                count += 1
            continue
        if name == "END":
            if not stack or stack[-1] != value.upper():
                errors.append(f"line {number}: END:{value} does not close {stack[-1] if stack else 'anything'}")
            else:
                stack.pop()
            if value.upper() == "VEVENT" and event is not None:
                _check_event(event, errors, utc_mode)
                if not any(key in event["props"] for key in ("RRULE", "RDATE", "RECURRENCE-ID")):
                    one_off_zones.update(event.get("zones", ()))
                event = None
            continue
        if value == "":
            errors.append(f"line {number}: {name} has an empty value")
        tzid_match = _TZID_PARAM.search(params)
        if tzid_match:
            tzid = tzid_match.group(1).strip('"')
            used_zones.add(tzid)
            if event is not None:
                event.setdefault("zones", set()).add(tzid)
            if tzid.upper() == "UTC":
                errors.append(f"line {number}: TZID=UTC (write UTC times with 'Z')")
            if utc_mode:
                errors.append(f"line {number}: TZID in a UTC-mode feed")
        top = stack[-1] if stack else None
        if top == "VCALENDAR":
            calendar_props.add(name)
            if name == "X-WR-TIMEZONE":
                wr_timezone = value
        elif top == "VTIMEZONE" and name == "TZID":
            defined_zones.add(value)
        elif top == "VEVENT" and event is not None:
            event["props"].setdefault(name, []).append((number, params, value))
    if stack:
        errors.append(f"unclosed components at end of file: {stack}")
    for required in ("PRODID", "VERSION"):
        if required not in calendar_props:
            errors.append(f"VCALENDAR has no {required}")
    for tzid in sorted(used_zones - defined_zones):
        errors.append(f"TZID {tzid!r} is used but no VTIMEZONE defines it")
    if utc_mode and defined_zones:
        errors.append(f"UTC-mode feed carries VTIMEZONE {sorted(defined_zones)}")
    if wr_timezone is not None and one_off_zones and one_off_zones != {wr_timezone}:
        errors.append(f"X-WR-TIMEZONE {wr_timezone!r} differs from the zones used {sorted(one_off_zones)}")
    return count, errors


_BASIC_DATE_TIME = re.compile(r"^\d{8}T\d{6}Z?$")


def _check_event(event, errors, utc_mode):
    props = event["props"]
    where = f"VEVENT at line {event['line']}"
    for required in ("UID", "DTSTAMP", "DTSTART"):
        if len(props.get(required, [])) != 1:
            errors.append(f"{where}: needs exactly one {required}, has {len(props.get(required, []))}")
    for _, _, value in props.get("DTSTAMP", []):
        if not (_BASIC_DATE_TIME.match(value) and value.endswith("Z")):
            errors.append(f"{where}: DTSTAMP {value!r} is not a UTC date-time")
    if "DTEND" in props and "DURATION" in props:
        errors.append(f"{where}: both DTEND and DURATION")
    for key in ("DTSTART", "DTEND"):
        for _, params, value in props.get(key, []):
            if "VALUE=DATE" in params.upper() and "VALUE=DATE-TIME" not in params.upper():
                continue
            if not _BASIC_DATE_TIME.match(value):
                errors.append(f"{where}: {key} {value!r} is not a date-time")
            elif not value.endswith("Z") and not _TZID_PARAM.search(params):
                errors.append(f"{where}: {key} {value!r} is a floating time")
            elif utc_mode and not value.endswith("Z"):
                errors.append(f"{where}: {key} {value!r} is not UTC in a UTC-mode feed")
    start = _instant(props.get("DTSTART"))
    end = _instant(props.get("DTEND"))
    if start is not None and end is not None and end <= start:
        errors.append(f"{where}: DTEND is not after DTSTART (RFC 5545 §3.8.2.2)")


def _instant(values):
    if not values or len(values) != 1:
        return None
    _, params, value = values[0]
    if not _BASIC_DATE_TIME.match(value):
        return None
    naive = dt.datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        return naive.replace(tzinfo=common.UTC)
    tzid = _TZID_PARAM.search(params)
    return common.local_to_utc(naive, tzid.group(1).strip('"')) if tzid else None


def main():
    entries = [e for e in common.load_manifest(sys.argv, USAGE) if e.get("format") == "ics"]
    results = common.Results()
    for entry in entries:
        results.run(entry, "icalendar", check_icalendar)
        results.run(entry, "vobject", check_vobject)
        results.run(entry, "rfc5545-lines", check_lines)
    results.exit()


if __name__ == "__main__":
    main()
