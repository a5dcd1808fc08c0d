#!/usr/bin/python3
"""A reference consumer of the campus app's feed integration, implementing the rules the
app documents for RSS and Atom feeds, and checking what it would show against what the
schedule says.

The app's rules, per RSS <item> / Atom <entry>:
  title        <title>, required.
  description  RSS <description>, Atom <content>; required (may be empty).
  id           RSS <guid>, else <id>; Atom <id>, else <guide> (sic). Required, unique.
  start        the first, in document order, of
                 RSS:  pubDate, start_date, startDate, start, startdate, pubdate, published
                 Atom: published, start_date, startDate, start, startdate, pubdate
               as an RFC 822 or ISO 8601 date-time with an offset.
  end          <endDate>, else start + 3 hours.
  image        <image><url>, else <enclosure url>, else the first image path of an <img> or
               <a> tag inside the description.
Element names are matched as the app writes them: un-prefixed, that is in no namespace
for RSS and in no namespace or the Atom namespace for Atom. Prefixed extension elements
(ev:startdate, dc:date) are invisible to this consumer.

Checker "campus" (formats rss-campus, atom-campus): every item well-formed by those rules,
the item count, and each item's title, start and end equal to the "expected" sidecar
(matched by id when the ids are the UIDs, else by position); the image too where the
sidecar names one.

Usage: /usr/bin/python3 campus_consumer.py MANIFEST.json
"""

import datetime as dt
import email.utils
import html
import re
import sys
import xml.etree.ElementTree as ET

import conformance_common as common

USAGE = __doc__
ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_START = ["pubDate", "start_date", "startDate", "start", "startdate", "pubdate", "published"]
ATOM_START = ["published", "start_date", "startDate", "start", "startdate", "pubdate"]
DEFAULT_DURATION = dt.timedelta(hours=3)
IMAGE_PATH = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|bmp)(?:[?#].*)?$", re.I)
TAG_WITH_URL = re.compile(r"<(img|a)\b[^>]*?\b(src|href)\s*=\s*([\"'])(.*?)\3", re.I | re.S)


def parse_date(text):
    """RFC 822 (RSS) or ISO 8601 (Atom) to an aware UTC datetime; None if neither or no offset."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is None:
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        return None
    return value.astimezone(common.UTC)


class Item:
    def __init__(self, element, atom):
        self.errors = []
        namespaces = ("", ATOM_NS) if atom else ("",)
        self.children = [c for c in element if _ns(c.tag) in namespaces]

        def first(*names):
            for child in self.children:
                if _local(child.tag) in names:
                    return child
            return None

        title = first("title")
        self.title = _text(title).strip() if title is not None else None
        description = first("content" if atom else "description")
        self.description = _text(description) if description is not None else None
        ident = first("id") if atom else first("guid")
        if ident is None:
            ident = first("guide") if atom else first("id")
        self.id = _text(ident).strip() if ident is not None else None
        start = first(*(ATOM_START if atom else RSS_START))
        self.start_text = _text(start) if start is not None else None
        self.start = parse_date(self.start_text)
        end = first("endDate")
        self.end_text = _text(end) if end is not None else None
        if end is not None:
            self.end = parse_date(self.end_text)
        else:
            self.end = self.start + DEFAULT_DURATION if self.start else None
        self.image = self._image(first)

        if not self.title:
            self.errors.append("no title")
        if self.description is None:
            self.errors.append("no description" if not atom else "no content")
        if not self.id:
            self.errors.append("no guid/id")
        if start is None:
            self.errors.append("no start date element")
        elif self.start is None:
            self.errors.append(f"start {self.start_text!r} is not an RFC 822 or ISO 8601 date-time with offset")
        if end is not None and self.end is None:
            self.errors.append(f"endDate {self.end_text!r} is not an RFC 822 or ISO 8601 date-time with offset")

    def _image(self, first):
        image = first("image")
        if image is not None:
            url = next((c for c in image if _local(c.tag) == "url"), None)
            if url is not None and _text(url).strip():
                return _text(url).strip()
        enclosure = first("enclosure")
        if enclosure is not None and enclosure.get("url"):
            return enclosure.get("url").strip()
        for tag, _, _, url in TAG_WITH_URL.findall(self.description or ""):
            if tag.lower() == "img" or IMAGE_PATH.search(url):
                return html.unescape(url)
        return None


def _ns(tag):
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element):
    return "".join(element.itertext())


def check_campus(entry):
    root = ET.fromstring(common.read_bytes(entry["path"]))
    atom = entry["format"] == "atom-campus"
    if atom:
        elements = [e for e in root if _local(e.tag) == "entry" and _ns(e.tag) in ("", ATOM_NS)]
    else:
        channel = root.find("channel")
        elements = channel.findall("item") if channel is not None else []
    items = [Item(e, atom) for e in elements]
    errors = []
    for index, item in enumerate(items, 1):
        errors += [f"item #{index}: {e}" for e in item.errors]
    ids = [i.id for i in items if i.id]
    if len(set(ids)) != len(ids):
        errors.append("guid/id values are not unique (the app keys events by host, feed and guid)")
    if "sessions" in entry and len(items) != entry["sessions"]:
        errors.append(f"{len(items)} items, expected {entry['sessions']}")

    expected = common.load_expected(entry)
    if expected is not None:
        sessions = expected["sessions"]
        by_uid = {s["uid"]: s for s in sessions}
        matched_by_id = bool(items) and all(i.id in by_uid for i in items)
        for index, item in enumerate(items):
            if matched_by_id:
                session = by_uid[item.id]
            elif index < len(sessions):
                session = sessions[index]
            else:
                continue
            where = f"item #{index + 1} ({session['uid']})"
            want = session.get("statusTitle", session["title"])
            if item.title is not None and item.title != want:
                errors.append(f"{where}: title {item.title!r} != {want!r}")
            for key, value in (("start", item.start), ("end", item.end)):
                if value is not None and common.iso_utc(value) != session[key]:
                    source = item.start_text if key == "start" else (item.end_text or "start + 3 h")
                    errors.append(f"{where}: {key} {common.iso_utc(value)} (from {source!r}) != {session[key]}")
            if session.get("image") and item.image != session["image"]:
                errors.append(f"{where}: image {item.image!r} != {session['image']!r}")
    return len(items), errors


def main():
    entries = [e for e in common.load_manifest(sys.argv, USAGE)
               if e.get("format") in ("rss-campus", "atom-campus")]
    results = common.Results()
    for entry in entries:
        results.run(entry, "campus", check_campus)
    results.exit()


if __name__ == "__main__":
    main()
