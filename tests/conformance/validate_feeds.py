#!/usr/bin/python3
"""Checks the XML feeds of a manifest: RSS and Atom (both profiles) with feedparser, strict
XML 1.0 well-formedness of every .xcs/.rss/.atom, RFC 6321 xCal converted back to
iCalendar and compared in meaning with the .ics, and the conference tools' xCal dialect as
Giggity reads it.

Checkers (one result line each per file):
  xml          expat (xml.etree): well-formed XML 1.0, UTF-8 without BOM, no DOCTYPE.
  feedparser   formats rss, atom, rss-campus, atom-campus: bozo must be 0, entry count.
  feed-rules   formats rss, atom (standard profile only): the RSS 2.0 / RFC 4287 rules
               validators enforce and feedparser does not: required elements, every
               extension element namespaced, RFC 822 / RFC 3339 dates, unique item ids,
               guid isPermaLink="false" when it is not a URL, Atom ids are IRIs.
  xcal         format xcal (RFC 6321): structure, conversion to iCalendar (RFC 6321 §5)
               parsed by python-icalendar, then the same VEVENT UIDs with the same
               SUMMARY, DTSTART, DTEND, STATUS, LOCATION, DESCRIPTION and the same VTIMEZONE
               observances as the "reference" .ics.
  pentabarf    format xcal-pentabarf: uid, summary, location, dtstart, dtend in every
               vevent, dates as yyyyMMdd'T'HHmmss[Z], x-wr-calname, and summary/start/end
               against the "expected" sidecar.

Usage: /usr/bin/python3 validate_feeds.py MANIFEST.json
"""

import datetime as dt
import email.utils
import re
import sys
import xml.etree.ElementTree as ET

import feedparser
import icalendar

import conformance_common as common

USAGE = __doc__
XML_FORMATS = {"xcal", "xcal-pentabarf", "rss", "atom", "rss-campus", "atom-campus"}
SYNDICATION_FORMATS = {"rss", "atom", "rss-campus", "atom-campus"}
ICAL_NS = "urn:ietf:params:xml:ns:icalendar-2.0"
ATOM_NS = "http://www.w3.org/2005/Atom"

_parsed = {}


def parse_xml(entry):
    """Parses once per file; returns (root or None, errors)."""
    path = entry["path"]
    if path not in _parsed:
        _parsed.clear()  # one file at a time: all checkers of a file run back to back
        data = common.read_bytes(path)
        errors = []
        if data.startswith(b"\xef\xbb\xbf"):
            errors.append("starts with a UTF-8 BOM")
        declaration = re.match(rb"<\?xml[^>]*\?>", data)
        if declaration and not re.search(rb"encoding=[\"']utf-8[\"']", declaration.group(0), re.I):
            errors.append(f"XML declaration does not say UTF-8: {declaration.group(0)[:80]!r}")
        if b"<!DOCTYPE" in data:
            errors.append("has a DOCTYPE")
        root = None
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            errors.append(f"not well-formed XML: {exc}")
        _parsed[path] = (root, errors)
    return _parsed[path]


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag):
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def check_xml(entry):
    root, errors = parse_xml(entry)
    return (None if root is None else 0), list(errors)


def check_feedparser(entry):
    data = common.read_bytes(entry["path"])
    result = feedparser.parse(data)
    errors = []
    if result.bozo:
        errors.append(f"bozo: {type(result.bozo_exception).__name__}: {result.bozo_exception}")
    count = len(result.entries)
    if "sessions" in entry and count != entry["sessions"]:
        errors.append(f"{count} entries, expected {entry['sessions']}")
    return count, errors


# ------------------------------------------------------------------ RSS 2.0 / Atom rules

RSS_CHANNEL = {"title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
               "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
               "rating", "textInput", "skipHours", "skipDays", "item"}
RSS_ITEM = {"title", "link", "description", "author", "category", "comments", "enclosure", "guid",
            "pubDate", "source"}
RFC822 = re.compile(r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
                    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                    r"\d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UT|Z|[ECMP][SD]T)$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
ATOM_FEED = {"author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights",
             "subtitle", "title", "updated", "entry"}
ATOM_ENTRY = {"author", "category", "content", "contributor", "id", "link", "published", "rights",
              "source", "summary", "title", "updated"}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def check_feed_rules(entry):
    root, errors = parse_xml(entry)
    if root is None:
        return None, ["not XML (see the xml checker)"]
    errors = []
    if entry["format"] == "rss":
        count = _rss_rules(root, errors)
    else:
        count = _atom_rules(root, errors)
    return count, errors


def _rss_rules(root, errors):
    if root.tag != "rss" or root.get("version") != "2.0":
        errors.append(f"root is {root.tag} version {root.get('version')}, not rss 2.0")
    channel = root.find("channel")
    if channel is None:
        errors.append("no channel")
        return 0
    for required in ("title", "link", "description"):
        if channel.find(required) is None:
            errors.append(f"channel has no {required}")
    self_links = [e for e in channel if e.tag == f"{{{ATOM_NS}}}link" and e.get("rel") == "self"]
    if len(self_links) != 1:
        errors.append(f"channel needs one atom:link rel=self, has {len(self_links)}")
    for child in channel:
        if namespace(child.tag) == "" and child.tag not in RSS_CHANNEL:
            errors.append(f"channel: un-namespaced extension element <{child.tag}>")
    for date in ("pubDate", "lastBuildDate"):
        element = channel.find(date)
        if element is not None and not RFC822.match((element.text or "").strip()):
            errors.append(f"channel {date} {element.text!r} is not an RFC 822 date with a 4-digit year")
    guids = set()
    items = channel.findall("item")
    for index, item in enumerate(items, 1):
        where = f"item #{index}"
        if item.find("title") is None and item.find("description") is None:
            errors.append(f"{where}: neither title nor description")
        for child in item:
            if namespace(child.tag) == "" and child.tag not in RSS_ITEM:
                errors.append(f"{where}: un-namespaced extension element <{child.tag}>")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            errors.append(f"{where}: no guid")
        else:
            text = guid.text.strip()
            if text in guids:
                errors.append(f"{where}: duplicate guid {text!r}")
            guids.add(text)
            permalink = guid.get("isPermaLink", "true")
            if permalink != "false" and not re.match(r"^https?://", text):
                errors.append(f"{where}: guid {text!r} is not a URL but isPermaLink is not 'false'")
        pub_date = item.find("pubDate")
        if pub_date is not None and not RFC822.match((pub_date.text or "").strip()):
            errors.append(f"{where}: pubDate {pub_date.text!r} is not an RFC 822 date with a 4-digit year")
    return len(items)


def _atom_rules(root, errors):
    if root.tag != f"{{{ATOM_NS}}}feed":
        errors.append(f"root is {root.tag}, not atom:feed")
        return 0

    def atom(element, name):
        return element.findall(f"{{{ATOM_NS}}}{name}")

    def check_common(element, where, allowed):
        for required in ("id", "title", "updated"):
            if len(atom(element, required)) != 1:
                errors.append(f"{where}: needs exactly one {required}")
        for child in element:
            if namespace(child.tag) == ATOM_NS and local(child.tag) not in allowed:
                errors.append(f"{where}: <{local(child.tag)}> is not an Atom element (extensions need their own namespace)")
            if namespace(child.tag) == "":
                errors.append(f"{where}: un-namespaced element <{child.tag}>")
        for name in ("updated", "published"):
            for date in atom(element, name):
                if not RFC3339.match((date.text or "").strip()):
                    errors.append(f"{where}: {name} {date.text!r} is not an RFC 3339 date-time")
        for ident in atom(element, "id"):
            if not IRI.match((ident.text or "").strip()):
                errors.append(f"{where}: id {ident.text!r} is not an IRI")

    check_common(root, "feed", ATOM_FEED)
    if not any(link.get("rel") == "self" for link in atom(root, "link")):
        errors.append("feed has no link rel=self")
    entries = atom(root, "entry")
    feed_author = bool(atom(root, "author"))
    ids = set()
    for index, item in enumerate(entries, 1):
        where = f"entry #{index}"
        check_common(item, where, ATOM_ENTRY)
        if not feed_author and not atom(item, "author"):
            errors.append(f"{where}: no author and the feed has none (RFC 4287 §4.1.1)")
        alternate = [l for l in atom(item, "link") if l.get("rel", "alternate") == "alternate"]
        if not atom(item, "content") and not alternate:
            errors.append(f"{where}: neither content nor an alternate link (RFC 4287 §4.1.2)")
        for ident in atom(item, "id"):
            if ident.text in ids:
                errors.append(f"{where}: duplicate id {ident.text!r}")
            ids.add(ident.text)
    return len(entries)


# ------------------------------------------------------------------ RFC 6321 xCal -> iCalendar

DATE_TIME_DEFAULT = {"DTSTART", "DTEND", "DTSTAMP", "CREATED", "LAST-MODIFIED", "DUE", "RECURRENCE-ID",
                     "EXDATE", "RDATE", "COMPLETED"}
RECUR_ORDER = ["freq", "until", "count", "interval", "bysecond", "byminute", "byhour", "byday",
               "bymonthday", "byyearday", "byweekno", "bymonth", "bysetpos", "wkst"]
SIMPLE_TYPES = {"text", "date-time", "date", "time", "utc-offset", "duration", "integer", "float",
                "boolean", "uri", "cal-address", "binary", "unknown", "period", "recur", "geo",
                "request-status"}


def _escape_text(value):
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _basic(value, kind):
    value = (value or "").strip()
    if kind in ("date-time", "date", "time"):
        return value.replace("-", "").replace(":", "")
    if kind == "utc-offset":
        return value.replace(":", "")
    if kind == "boolean":
        return value.upper()
    return value


class XCalError(Exception):
    pass


def _ical_value(element):
    kind = local(element.tag)
    if namespace(element.tag) != ICAL_NS or kind not in SIMPLE_TYPES:
        raise XCalError(f"unknown value element <{element.tag}>")
    if kind == "text":
        return kind, _escape_text(element.text or "")
    if kind == "recur":
        parts = {}
        for part in element:
            parts.setdefault(local(part.tag), []).append(_basic(part.text, "date-time" if local(part.tag) == "until" else ""))
        unknown = set(parts) - set(RECUR_ORDER)
        if unknown:
            raise XCalError(f"unknown recur parts {sorted(unknown)}")
        return kind, ";".join(f"{name.upper()}={','.join(parts[name])}" for name in RECUR_ORDER if name in parts)
    if kind == "period":
        children = {local(c.tag): c.text for c in element}
        start = _basic(children.get("start"), "date-time")
        other = _basic(children["end"], "date-time") if "end" in children else (children.get("duration") or "")
        return kind, f"{start}/{other}"
    if kind == "geo":
        children = {local(c.tag): (c.text or "").strip() for c in element}
        return kind, f"{children.get('latitude', '')};{children.get('longitude', '')}"
    if kind == "request-status":
        return kind, ";".join((c.text or "").strip() for c in element)
    if len(element):
        raise XCalError(f"<{kind}> must not have child elements")
    return kind, _basic(element.text, kind)


def _param_value(value):
    return f'"{value}"' if re.search(r"[:;,]", value) else value


def _xcal_property(element, lines):
    name = local(element.tag).upper()
    if namespace(element.tag) != ICAL_NS or local(element.tag) != local(element.tag).lower():
        raise XCalError(f"property element <{element.tag}> is not a lowercase RFC 6321 name")
    if (element.text or "").strip():
        raise XCalError(f"<{local(element.tag)}> has text outside a value element")
    params, values, kinds = [], [], set()
    # RFC 6321 §3.4.1.2: GEO carries <latitude> and <longitude> directly in the property
    # element (as sabre/vobject writes it); some writers wrap them in a <geo> value element,
    # which _ical_value accepts too.
    direct = {local(c.tag): (c.text or "").strip() for c in element
              if namespace(c.tag) == ICAL_NS and local(c.tag) in ("latitude", "longitude")}
    if name == "GEO" and direct:
        if set(direct) != {"latitude", "longitude"}:
            raise XCalError("<geo> needs both <latitude> and <longitude>")
        kinds.add("geo")
        values.append(f"{direct['latitude']};{direct['longitude']}")
    for index, child in enumerate(element):
        if name == "GEO" and direct and local(child.tag) in ("latitude", "longitude"):
            continue
        if local(child.tag) == "parameters" and namespace(child.tag) == ICAL_NS:
            if index != 0:
                raise XCalError(f"<{local(element.tag)}>: <parameters> must come first")
            for param in child:
                param_values = [(v.text or "") for v in param]
                if not param_values:
                    raise XCalError(f"parameter <{local(param.tag)}> has no value element")
                params.append(f"{local(param.tag).upper()}={','.join(_param_value(v) for v in param_values)}")
            continue
        kind, value = _ical_value(child)
        kinds.add(kind)
        values.append(value)
    if not values:
        raise XCalError(f"<{local(element.tag)}> has no value")
    if len(kinds) > 1:
        raise XCalError(f"<{local(element.tag)}> mixes value types {sorted(kinds)}")
    kind = kinds.pop()
    if name in DATE_TIME_DEFAULT and kind in ("date", "period"):
        params.append(f"VALUE={kind.upper()}")
    separator = ";" if name in ("GEO", "REQUEST-STATUS") else ","
    lines.append(name + "".join(";" + p for p in params) + ":" + separator.join(values))


def _xcal_component(element, lines):
    name = local(element.tag)
    if namespace(element.tag) != ICAL_NS or name != name.lower():
        raise XCalError(f"component element <{element.tag}> is not a lowercase RFC 6321 name")
    lines.append("BEGIN:" + name.upper())
    for child in element:
        kind = local(child.tag)
        if namespace(child.tag) != ICAL_NS or kind not in ("properties", "components"):
            raise XCalError(f"<{name}> may hold only <properties> and <components>, found <{child.tag}>")
        for item in child:
            if kind == "properties":
                _xcal_property(item, lines)
            else:
                _xcal_component(item, lines)
    lines.append("END:" + name.upper())


def xcal_to_ical(root):
    """RFC 6321 §5: the iCalendar stream the xCal document stands for (unfolded lines)."""
    if root.tag != f"{{{ICAL_NS}}}icalendar":
        raise XCalError(f"root is {root.tag}, not icalendar in {ICAL_NS}")
    calendars = list(root)
    if len(calendars) != 1:
        raise XCalError(f"{len(calendars)} children of <icalendar>, expected one <vcalendar>")
    lines = []
    _xcal_component(calendars[0], lines)
    return "\r\n".join(lines) + "\r\n"


def _instant(prop):
    """A DTSTART/DTEND property to a UTC datetime, RFC 5545 §3.3.5 semantics."""
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, dt.datetime):
        tzid = prop.params.get("TZID")
        if tzid:
            return common.local_to_utc(value.replace(tzinfo=None), tzid)
        return value.astimezone(common.UTC) if value.tzinfo else "floating " + value.isoformat()
    return "date " + value.isoformat()


def _end(event):
    if event.get("DTEND") is not None:
        return _instant(event.get("DTEND"))
    start = _instant(event.get("DTSTART"))
    if event.get("DURATION") is not None and isinstance(start, dt.datetime):
        return start + event.get("DURATION").dt
    return start


def _meaning(calendar):
    events = {}
    for event in calendar.walk("VEVENT"):
        # A series and its overrides share the UID; RECURRENCE-ID tells them apart.
        key = str(event.get("UID", ""))
        if event.get("RECURRENCE-ID") is not None:
            key += " RECURRENCE-ID " + _raw(event, "RECURRENCE-ID")
        events[key] = {
            "RRULE": _raw(event, "RRULE"),
            "RDATE": _raw(event, "RDATE"),
            "EXDATE": _raw(event, "EXDATE"),
            "SUMMARY": _text(event, "SUMMARY"),
            "DTSTART": _instant(event.get("DTSTART")),
            "DTEND": _end(event),
            "STATUS": _text(event, "STATUS"),
            "LOCATION": _text(event, "LOCATION"),
            "DESCRIPTION": _text(event, "DESCRIPTION"),
        }
    zones = {}
    for timezone in calendar.walk("VTIMEZONE"):
        observances = []
        for observance in timezone.subcomponents:
            observances.append((
                observance.name,
                _raw(observance, "DTSTART"),
                _raw(observance, "TZOFFSETFROM"),
                _raw(observance, "TZOFFSETTO"),
                _raw(observance, "RRULE"),
                _raw(observance, "RDATE"),
            ))
        zones[str(timezone.get("TZID", ""))] = sorted(observances)
    return events, zones


def _text(component, name):
    value = component.get(name)
    return None if value is None else str(value)


def _raw(component, name):
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        return ",".join(sorted(_ical_text(v) for v in value))
    return _ical_text(value)


def _ical_text(value):
    text = value.to_ical() if hasattr(value, "to_ical") else str(value)
    return text.decode() if isinstance(text, bytes) else text


_reference_cache = {}


def _reference(path):
    if path not in _reference_cache:
        _reference_cache.clear()
        text = common.read_bytes(path).decode("utf-8", errors="replace")
        _reference_cache[path] = _meaning(icalendar.Calendar.from_ical(text))
    return _reference_cache[path]


def check_xcal(entry):
    root, xml_errors = parse_xml(entry)
    if root is None:
        return None, ["not XML (see the xml checker)"]
    errors = []
    try:
        text = xcal_to_ical(root)
    except XCalError as exc:
        return None, [f"not RFC 6321: {exc}"]
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.walk():
        for prop, message in component.errors:
            errors.append(f"converted iCalendar: {component.name}: {prop}: {message}")
    events, zones = _meaning(calendar)
    count = len(calendar.walk("VEVENT"))
    if "sessions" in entry and count != entry["sessions"]:
        errors.append(f"{count} vevents, expected {entry['sessions']}")
    if entry.get("reference"):
        want_events, want_zones = _reference(entry["reference"])
        for uid in sorted(set(want_events) - set(events)):
            errors.append(f"{uid}: in the .ics, missing from the xCal")
        for uid in sorted(set(events) - set(want_events)):
            errors.append(f"{uid}: in the xCal, not in the .ics")
        for uid in sorted(set(events) & set(want_events)):
            for key, value in events[uid].items():
                if value != want_events[uid][key]:
                    errors.append(f"{uid}: {key} {_show(value)} in the xCal, {_show(want_events[uid][key])} in the .ics")
        for tzid in sorted(set(want_zones) | set(zones)):
            if zones.get(tzid) != want_zones.get(tzid):
                errors.append(f"VTIMEZONE {tzid}: observances differ: xCal {zones.get(tzid)} .ics {want_zones.get(tzid)}")
    return count, errors


def _show(value):
    if isinstance(value, dt.datetime):
        return common.iso_utc(value)
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


# ------------------------------------------------------------------ conference xCal dialect

PENTABARF_DATE = re.compile(r"^\d{8}T\d{6}Z?$")


def _pentabarf_instant(text, tzid):
    """Z times are UTC; floating ones are local in the event's zone. A floating time inside
    a fall-back overlap cannot say which occurrence it means, so both are returned."""
    naive = dt.datetime.strptime(text[:15], "%Y%m%dT%H%M%S")
    if text.endswith("Z"):
        return {naive.replace(tzinfo=common.UTC)}
    tz = common.zone(tzid) if tzid else None
    if tz is None:
        return set()
    return {naive.replace(tzinfo=tz, fold=fold).astimezone(common.UTC) for fold in (0, 1)}


def check_pentabarf(entry):
    root, _ = parse_xml(entry)
    if root is None:
        return None, ["not XML (see the xml checker)"]
    errors = []
    if local(root.tag) != "iCalendar":
        errors.append(f"root is <{root.tag}>, Giggity expects <iCalendar>")
    calendar = root.find("vcalendar")
    if calendar is None:
        return None, errors + ["no <vcalendar> child"]
    events = calendar.findall("vevent")
    expected = common.load_expected(entry)
    # Giggity names the schedule after x-wr-calname; a single-session download has none on
    # purpose (a calendar name there makes Outlook open a new calendar).
    if (expected or {}).get("subscription", True) and not (calendar.findtext("x-wr-calname") or "").strip():
        errors.append("vcalendar has no x-wr-calname")
    want = {s["uid"]: s for s in expected["sessions"]} if expected else {}
    order = expected["sessions"] if expected else []
    uids = [(e.findtext("uid") or "").strip() for e in events]
    # Matched by UID when the dialect's uids are the iCalendar UIDs, else by position
    # (writers keep the document's order).
    by_uid = bool(want) and set(uids) == set(want)
    seen = set()
    for index, event in enumerate(events):
        where = f"vevent #{index + 1}"
        values = {}
        for name in ("uid", "summary", "location", "dtstart", "dtend"):
            element = event.find(name)
            if element is None:
                errors.append(f"{where}: no <{name}>")
                continue
            values[name] = (element.text or "").strip()
            if name != "location" and not values[name]:
                errors.append(f"{where}: empty <{name}>")
        for name in ("dtstart", "dtend"):
            if values.get(name) and not PENTABARF_DATE.match(values[name]):
                errors.append(f"{where}: {name} {values[name]!r} is not yyyyMMdd'T'HHmmss[Z]")
                values.pop(name)
        uid = values.get("uid", "")
        if uid in seen:
            errors.append(f"{where}: duplicate uid {uid!r}")
        seen.add(uid)
        if not want:
            continue
        if by_uid:
            session = want[uid]
        elif index < len(order):
            session = order[index]
        else:
            errors.append(f"{where}: more vevents than sessions")
            continue
        title = session.get("statusTitle", session["title"])
        if values.get("summary") is not None and values["summary"] != title:
            errors.append(f"{where}: summary {values['summary']!r} != title {title!r}")
        for name, key in (("dtstart", "start"), ("dtend", "end")):
            if name not in values:
                continue
            text = values[name]
            if not text.endswith("Z") and session.get(key + "Local"):
                # Floating: the event's wall time, as the writers' TZDB gives it.
                wall = dt.datetime.strptime(text, "%Y%m%dT%H%M%S").strftime("%Y-%m-%dT%H:%M:%S")
                if wall != session[key + "Local"]:
                    errors.append(f"{where}: {name} {text} is not {session[key + 'Local']} local ({session[key]})")
                continue
            candidates = _pentabarf_instant(text, expected.get("timeZone") or entry.get("timeZone"))
            if common.parse_utc(session[key]) not in candidates:
                errors.append(f"{where}: {name} {text} is not {session[key]}")
    if "sessions" in entry and len(events) != entry["sessions"]:
        errors.append(f"{len(events)} vevents, expected {entry['sessions']}")
    return len(events), errors


def main():
    entries = common.load_manifest(sys.argv, USAGE)
    results = common.Results()
    for entry in entries:
        kind = entry.get("format")
        if kind not in XML_FORMATS:
            continue
        results.run(entry, "xml", check_xml)
        if kind in SYNDICATION_FORMATS:
            results.run(entry, "feedparser", check_feedparser)
        if kind in ("rss", "atom"):
            results.run(entry, "feed-rules", check_feed_rules)
        if kind == "xcal":
            results.run(entry, "xcal", check_xcal)
        if kind == "xcal-pentabarf":
            results.run(entry, "pentabarf", check_pentabarf)
    results.exit()


if __name__ == "__main__":
    main()
