#!/usr/bin/env python3
"""Generate config/events/demo.json, the demo event of FeedProxy.

The event is fictional from end to end: every title, abstract, name, organisation and
address below is invented here. The output is deterministic (a seeded random generator,
no clock, stable key order), so running the script twice gives byte-identical files and
a diff shows only deliberate changes.

Format: docs/event-format.md (schema: config/event.schema.json).

What the file is built to exercise:
  * four days, 2027-03-26 .. 2027-03-29, in Europe/Berlin, with the change to summer time
    (Sunday 2027-03-28, 02:00 -> 03:00) inside, and one session that runs across it;
  * ~150 public sessions in six tracks and eight rooms, each with 1-3 speakers;
  * exactly one cancelled session, plus sessions in draft, pending, rejected and withdrawn
    state that must never appear in a feed (speaker-only-in-hidden-session included);
  * speaker e-mail addresses that must never appear in a feed;
  * non-ASCII names in many scripts, abstracts with characters that need escaping
    (, ; : \\ " < & newlines emoji) and abstracts longer than 2,000 characters (folding);
  * both ways of giving a session's length: "end", and "duration" (ISO 8601 or hh:mm).

Usage: python3 scripts/generate-demo.py [output-path]
"""

import json
import random
import sys
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 2027
rng = random.Random(SEED)

BASE_URL = "https://demo.feedproxy.example/2027"
TIME_ZONE = "Europe/Berlin"
DAYS = [date(2027, 3, 26), date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)]

# Europe/Berlin in 2027: CET (+01:00) until Sunday 2027-03-28 02:00 local, then CEST (+02:00).
# Local times 02:00-02:59 that day do not exist. Computed by hand so the script needs no
# time zone database and cannot drift with the machine's tzdata.
DST_START_LOCAL = datetime(2027, 3, 28, 2, 0)
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


def berlin(local: datetime) -> datetime:
    """Attach the Berlin offset to a wall-clock time (which must not fall in the gap)."""
    if DST_START_LOCAL <= local < DST_START_LOCAL + timedelta(hours=1):
        raise ValueError(f"{local} does not exist in {TIME_ZONE}")
    return local.replace(tzinfo=CET if local < DST_START_LOCAL else CEST)


def in_berlin(moment: datetime) -> datetime:
    """The same instant with the Berlin offset in force at that instant."""
    dst_start = berlin(DST_START_LOCAL + timedelta(hours=1))
    return moment.astimezone(CEST if moment >= dst_start else CET)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- places

VENUE = {
    "name": "Kongresshaus am Beispielufer",
    "address": "Beispielufer 12, 10179 Berlin, Germany",
    "latitude": 52.5107,
    "longitude": 13.4201,
}

TRACKS = [
    {"id": "time", "name": "Time & Calendars", "color": "#1F6FB4"},
    {"id": "web", "name": "Web & APIs", "color": "#E8730C"},
    {"id": "data", "name": "Data & Storage", "color": "#2E9E44"},
    {"id": "ops", "name": "Operations & Reliability", "color": "#C62D2D"},
    {"id": "community", "name": "Community & Open Source", "color": "#8155BA"},
    {"id": "design", "name": "Design & Accessibility", "color": "#8A5A44"},
]

# kind decides what a room hosts: plenary (keynotes, panels, talks), talk, workshop, lounge.
ROOMS = [
    {"id": "hall-a", "name": "Hall A", "floor": 0, "latitude": 52.51072, "longitude": 13.42004, "kind": "plenary"},
    {"id": "hall-b", "name": "Hall B", "floor": 0, "latitude": 52.51065, "longitude": 13.42031, "kind": "talk"},
    {"id": "room-101", "name": "Room 1.01", "floor": 1, "latitude": 52.51079, "longitude": 13.42018, "kind": "talk"},
    {"id": "room-102", "name": "Room 1.02", "floor": 1, "latitude": 52.51081, "longitude": 13.42040, "kind": "talk"},
    {"id": "room-201", "name": "Room 2.01", "floor": 2, "latitude": 52.51076, "longitude": 13.42012, "kind": "talk"},
    {"id": "lab-u1", "name": "Lab U1 (basement)", "floor": -1, "latitude": 52.51068, "longitude": 13.42009, "kind": "workshop"},
    {"id": "werkstatt", "name": "Werkstatt 2.10", "floor": 2, "latitude": 52.51084, "longitude": 13.42027, "kind": "workshop"},
    {"id": "salon", "name": "Salon Überblick", "floor": 4, "latitude": 52.51074, "longitude": 13.42022, "kind": "lounge"},
]
STREAMED_ROOMS = {"hall-a", "hall-b", "room-101"}

# --------------------------------------------------------------------------- speakers

# (given names, family names) per naming tradition; full names are paired within one
# tradition (and grammatical gender, where surnames have one) so they read naturally.
NAME_POOLS = [
    (["Zoë", "Amélie", "Noël", "Céline", "Benoît", "Hélène"], ["Lefèvre", "Moreau", "Dubois", "Garnier"]),
    (["Łukasz", "Wojciech"], ["Wiśniewski", "Zieliński", "Kowalczyk"]),
    (["Agnieszka", "Małgorzata"], ["Wiśniewska", "Zielińska", "Dąbrowska"]),
    (["Søren", "Åse", "Bjørn", "Sigrún"], ["Østergaard", "Kjær", "Løvlie", "Hågensen"]),
    (["José", "María", "Iñaki", "Begoña", "Raúl"], ["Muñoz", "Ibáñez", "García", "Peña"]),
    (["Ólafur", "Einar"], ["Ásgeirsson", "Sigurðsson"]),
    (["Þóra", "Guðrún"], ["Þórðardóttir", "Ásgeirsdóttir"]),
    (["Ayşe", "Emre", "Gülşen", "Çağan"], ["Ağca", "Öztürk", "Yılmaz", "Şahin"]),
    (["Šimon", "Jiří", "Tomáš"], ["Dvořák", "Novák", "Procházka"]),
    (["Kateřina", "Zuzana"], ["Černá", "Dvořáková", "Nováková"]),
    (["Jürgen", "Jörg", "Anneliese", "Götz", "Maren", "Frauke"], ["Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Brückner"]),
    (["João", "Conceição", "Gonçalo"], ["Magalhães", "Simões", "Araújo"]),
    (["Priya", "Arjun", "Kavya"], ["Raghunathan", "Iyer", "Deshpande"]),
    (["Amara", "Chidi", "Ngozi"], ["Okonkwo", "Adeyemi", "Eze"]),
    (["Liam", "Grace", "Oliver", "Hannah", "Samuel", "Ruth"], ["O'Brien", "McAllister", "Whitfield", "Fairbairn", "Ashworth"]),
    (["Aino", "Väinö"], ["Mäkinen", "Häkkinen"]),
    (["Dorottya", "Gergő"], ["Szűcs", "Kővári"]),
    (["Ioana", "Ștefan"], ["Popescu", "Tănase"]),
]
# Names written in their own scripts, family name first where that is the custom.
SCRIPT_NAMES = [
    "Nguyễn Thị Ngọc", "Trần Văn Đức", "田中 花子", "佐藤 健", "山本 さくら", "王 芳", "李 明轩",
    "김 민서", "박 지훈", "Александра Смирнова", "Дмитрий Волков", "Ольга Кузнецова",
    "محمد الحسيني", "ليلى حداد", "Γιώργος Παπαδόπουλος", "Ελένη Κωνσταντίνου", "יעל כהן",
    "अनन्या शर्मा",
]

ORGANISATIONS = [
    "Kalenderwerk GmbH", "Tidewater Data Co-op", "Université d'Exemple", "Blue Heron Software",
    "Open Transit Collective", "Stadtwerke Musterstadt", "Nordlicht Systems AB", "Fjord Analytics",
    "Beispiel Hochschule für Technik", "Quokka Labs", "Orbital Foo Ltd.", "Institut für Zeitrechnung",
    "Verein für freie Fahrpläne e.V.", "Lighthouse Accessibility Studio", "Pixel & Partner",
    "Zeitzone Zero", "株式会社サンプル", "Мой Пример ООО", "Cooperativa Ejemplo", "Hafenkante Cloud",
]
POSITIONS = [
    "Software engineer", "Senior software engineer", "Maintainer", "Researcher", "CTO",
    "Site reliability engineer", "Product designer", "Accessibility specialist", "Data engineer",
    "Doktorandin", "Entwickler", "Community manager", "Technical writer", "Professor",
    "Independent consultant", "Student",
]


def ascii_slug(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == " "))
    return ".".join(part.lower() for part in letters.split())


def make_speakers(count: int) -> list:
    names = list(SCRIPT_NAMES)
    seen = set(names)
    # Every given name of every pool appears at least once, so the listed names are all in.
    for given_names, family_names in NAME_POOLS:
        for given in given_names:
            full = f"{given} {rng.choice(family_names)}"
            if full not in seen:
                seen.add(full)
                names.append(full)
    while len(names) < count:
        given_names, family_names = rng.choice(NAME_POOLS)
        full = f"{rng.choice(given_names)} {rng.choice(family_names)}"
        if full not in seen:
            seen.add(full)
            names.append(full)
    names = names[:count]
    rng.shuffle(names)

    speakers = []
    for index, name in enumerate(names, start=1):
        speaker_id = f"speaker-{index:03d}"
        local_part = ascii_slug(name) or speaker_id
        speaker = {"id": speaker_id, "name": name}
        if rng.random() < 0.85:
            speaker["organisation"] = rng.choice(ORGANISATIONS)
        if rng.random() < 0.75:
            speaker["position"] = rng.choice(POSITIONS)
        # Contact data: accepted by the format, never rendered. Tests look for these strings.
        speaker["email"] = f"{local_part}@example.org"
        speakers.append(speaker)
    return speakers


# --------------------------------------------------------------------------- titles

TITLE_PARTS = {
    "time": {
        "en": (["Time zones", "Recurring events", "Leap seconds", "Calendar feeds", "Daylight saving time",
                "All-day events", "Floating times", "Week numbers", "Free/busy data", "Alarms and reminders"],
               ["explained with sticky notes", "without tears", "in production", "for the rest of us",
                "at the edges", "that survive a merge", "one offset at a time", "on a budget"]),
        "de": (["Zeitzonen", "Wiederkehrende Termine", "Kalender-Abos", "Sommerzeit", "Ganztägige Termine"],
               ["ohne Kopfschmerzen", "im Praxistest", "für Einsteiger:innen", "zum Anfassen"]),
    },
    "web": {
        "en": (["Conditional requests", "Cache headers", "Feed readers", "Streaming responses", "Content negotiation",
                "Public APIs", "Webhooks", "Rate limits", "Redirects", "Status codes"],
               ["done right", "that nobody reads", "from first principles", "under load",
                "in twenty minutes", "and their surprises", "for small teams", "revisited"]),
        "de": (["Caching im Web", "Offene Schnittstellen", "HTTP-Statuscodes", "Feed-Formate"],
               ["ganz praktisch", "ohne Framework", "für Fortgeschrittene", "mit Augenmaß"]),
    },
    "data": {
        "en": (["Schema migrations", "Event logs", "Append-only tables", "Backups", "Query plans",
                "Import pipelines", "Text encodings", "Deduplication", "Soft deletes", "Audit trails"],
               ["you can trust", "that scale down", "in plain SQL", "at three in the morning",
                "for curious people", "without a data lake", "we regret", "made boring"]),
        "de": (["Datenbank-Migrationen", "Datenimporte", "Zeichenkodierungen", "Sicherungskopien"],
               ["ohne Datenverlust", "Schritt für Schritt", "aus der Praxis", "neu gedacht"]),
    },
    "ops": {
        "en": (["On-call rotations", "Health checks", "Graceful shutdowns", "Load shedding", "Runbooks",
                "Capacity planning", "Incident reviews", "Feature flags", "Blue-green deploys", "Log levels"],
               ["that actually help", "for tiny services", "beyond the dashboard", "the hard way",
                "in a small team", "without heroics", "we got wrong", "as a habit"]),
        "de": (["Bereitschaftsdienste", "Betriebshandbücher", "Lasttests", "Störungsanalysen"],
               ["ohne Drama", "im Mittelstand", "mit Bordmitteln", "zum Mitnehmen"]),
    },
    "community": {
        "en": (["Mentoring newcomers", "Release notes", "Governance models", "Code review", "Issue triage",
                "Volunteer burnout", "Documentation sprints", "Funding maintenance", "Translations", "Meetups"],
               ["that scale", "for projects of one", "as a first contribution", "with kindness",
                "across time zones", "in practice", "after ten years", "we should talk about"]),
        "de": (["Ehrenamt im Open Source", "Gute Dokumentation", "Projektfinanzierung", "Einsteigerfreundliche Projekte"],
               ["zum Nachmachen", "ehrlich betrachtet", "aus zehn Jahren", "im Verein"]),
    },
    "design": {
        "en": (["Screen readers", "Colour contrast", "Keyboard navigation", "Date pickers", "Error messages",
                "Plain language", "Empty states", "Print stylesheets", "Motion settings", "Form labels"],
               ["for everyone", "that respect people", "in ten steps", "and why they matter",
                "beyond compliance", "on small screens", "with real users", "you can ship today"]),
        "de": (["Barrierefreiheit", "Leichte Sprache", "Farbkontraste", "Formulare"],
               ["im Alltag", "für alle", "ohne Ausreden", "in der Praxis"]),
    },
}

# Titles that carry the characters formats must escape (iCalendar TEXT, XML, JSON).
SPECIAL_TITLES = [
    'Commas, semicolons; colons: escaping text in calendar feeds',
    'Quotes "inside" titles & <angle brackets> in feeds',
    'C:\\Users\\demo\\calendar.ics — backslashes and other path-shaped trouble',
    'Unicode in the schedule: ä, ø, ł, ñ, 漢字, العربية and 🗓️',
    'Ünïcödé everywhere: Straße, façade, naïve & Ærø',
    '100% <not> HTML: & ampersands, > and < in the wild',
]


def title_for(track: str, language: str, used: set) -> str:
    key = "de" if language.startswith("de") else "en"
    subjects, endings = TITLE_PARTS[track][key]
    for _ in range(200):
        title = f"{rng.choice(subjects)} {rng.choice(endings)}"
        if title not in used:
            used.add(title)
            return title
    raise RuntimeError(f"ran out of titles for {track}/{key}")


# --------------------------------------------------------------------------- abstracts

SENTENCES_EN = [
    "This session walks through a small, real-looking example from start to finish.",
    "We start with the problem as users see it and only then look at the code.",
    "Expect live demos, a few failures on purpose and a checklist to take home.",
    "No prior knowledge is needed beyond some curiosity and a laptop.",
    "The examples are written in plain language and work with any stack.",
    "Along the way we look at three mistakes that are easy to make and hard to notice.",
    "We compare two approaches side by side and measure what each one costs.",
    "You will leave with a short list of questions to ask your own system tomorrow.",
    "Most of the material comes from running a small service for several years.",
    "The talk ends with an open question that we would like to hear your answers to.",
    "Slides and example code are published after the session.",
    "Bring questions; there is time for discussion at the end.",
    "Everything shown is open source and can be reproduced at home.",
    "We keep the theory short and spend most of the time on worked examples.",
    "Some of the details are surprising even to people who have done this for years.",
    "The workshop is hands-on, so please install the tools listed on the session page beforehand.",
    "We will also discuss what we would do differently if we started again today.",
    "The focus is on small teams with limited time, not on large platforms.",
]
SENTENCES_DE = [
    "Dieser Vortrag zeigt an einem durchgehenden Beispiel, worauf es ankommt.",
    "Wir beginnen mit dem Problem aus Sicht der Nutzerinnen und Nutzer.",
    "Es gibt Live-Demos, ein paar absichtliche Fehler und eine Checkliste zum Mitnehmen.",
    "Vorkenntnisse sind nicht nötig, Neugier genügt.",
    "Zum Schluss bleibt Zeit für Fragen und Diskussion.",
    "Die Beispiele stammen aus mehreren Jahren Betrieb eines kleinen Dienstes.",
    "Wir vergleichen zwei Ansätze und messen, was jeder kostet.",
    "Folien und Beispielcode werden nach dem Vortrag veröffentlicht.",
    "Größere Änderungen übernehmen wir schrittweise und überprüfbar.",
]

# Abstracts built to exercise escaping (RFC 5545 §3.3.11 TEXT, XML 1.0, JSON) and folding
# (RFC 5545 §3.1: lines are folded at 75 octets, never inside a UTF-8 sequence).
SPECIAL_ABSTRACTS = [
    "Commas, semicolons; and colons: all of them are special in iCalendar TEXT. "
    "A path like C:\\feeds\\demo.ics has backslashes, and a backslash followed by n (\\n) is not a newline.",
    'Markup that is not markup: <b>bold</b> & "quoted" & \'single-quoted\'. '
    "Also 5 < 6 > 4, &amp; written literally, and a CDATA end marker ]]> in plain text.",
    "Line one.\nLine two.\n\nAgenda:\n- setting up\n- the demo; part 1\n- the demo, part 2\n- questions",
    "Bring a laptop 💻, coffee ☕ and good humour 😄. "
    "Some emoji are several code points: 👩‍💻 (woman technologist), 👨‍👩‍👧 (family) and 🇩🇪 (a flag). "
    "Feeds must never split them in the middle of a UTF-8 sequence.",
    "Mixed scripts in one paragraph: Grüße aus Berlin, привет из Берлина, ベルリンからこんにちは, "
    "مرحبا من برلين, Γειά σου από το Βερολίνο. Tabs\tand  double  spaces  stay as they are.",
    "A very long word for line folding: "
    + "https://demo.feedproxy.example/2027/a/deliberately/long/address/" + "segment-" * 12 + "end "
    + "followed by ümlauts at the fold: " + "äöü" * 30 + ".",
]


def long_abstract(language: str) -> str:
    pool = SENTENCES_DE if language.startswith("de") else SENTENCES_EN
    paragraphs = []
    length = 0
    while length < 2200:
        sentences = rng.sample(pool, k=min(len(pool), rng.randint(4, 7)))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def abstract_for(language: str):
    roll = rng.random()
    if roll < 0.08:
        return None
    pool = SENTENCES_DE if language.startswith("de") else SENTENCES_EN
    if roll < 0.35:
        return rng.choice(pool)
    return " ".join(rng.sample(pool, k=rng.randint(2, 5)))


# --------------------------------------------------------------------------- schedule

LUNCH = (12 * 60 + 30, 13 * 60 + 30)  # minutes after midnight, local time


def minutes(local_day: date, minute_of_day: int) -> datetime:
    return datetime(local_day.year, local_day.month, local_day.day) + timedelta(minutes=minute_of_day)


def plan_room_day(room: dict, day_index: int) -> list:
    """Returns (start minute, length minutes, type) for one room on one day."""
    kind = room["kind"]
    last_day = day_index == len(DAYS) - 1
    day_end = 15 * 60 + 30 if last_day else 18 * 60
    slots = []
    if kind == "plenary":
        # Opening keynote every morning; closing keynote ends the conference.
        slots.append((9 * 60, 45, "Keynote"))
        t = 10 * 60
        closing = (day_end - 45, 45, "Keynote") if last_day else None
        end = closing[0] - 15 if closing else day_end
        while t + 30 <= end:
            if LUNCH[0] - 15 < t < LUNCH[1]:
                t = LUNCH[1]
                continue
            kind_roll = rng.random()
            length, session_type = (60, "Panel") if kind_roll < 0.3 else (45, "Talk")
            if t + length > end or (t < LUNCH[0] < t + length):
                length, session_type = 30, "Talk"
                if t + length > end or (t < LUNCH[0] < t + length):
                    t += 15
                    continue
            slots.append((t, length, session_type))
            t += length + 15
        if closing:
            slots.append(closing)
        return slots
    if kind == "workshop":
        # Workshops in the morning and afternoon; the basement lab is closed on Monday.
        if last_day and room["id"] == "lab-u1":
            return []
        slots.append((10 * 60, 120, "Workshop"))
        slots.append((14 * 60, 90 if last_day else 120, "Workshop"))
        return slots
    if kind == "lounge":
        # Lightning talks late on Friday and Saturday afternoons (see also the night session).
        if day_index in (0, 1):
            return [(16 * 60 + i * 15, 10, "Lightning talk") for i in range(5)]
        return []
    if room["id"] == "room-201" and day_index >= 2:
        return []  # Room 2.01 is only booked for Friday and Saturday.
    t = 10 * 60
    while t + 30 <= day_end:
        if LUNCH[0] - 15 < t < LUNCH[1]:
            t = LUNCH[1]
            continue
        length = rng.choice([30, 45, 45])
        if t < LUNCH[0] < t + length:
            length = 30
            if t < LUNCH[0] < t + length:
                t = LUNCH[1]
                continue
        if t + length > day_end:
            break
        slots.append((t, length, "Talk"))
        t += length + 15
    return slots


def language_for(session_type: str) -> str:
    if session_type == "Keynote":
        return "en"
    return "de" if rng.random() < 0.2 else "en"


def pick_speakers(speaker_ids: list, usage: dict, session_type: str) -> list:
    if session_type == "Panel":
        count = 3
    elif session_type in ("Keynote", "Lightning talk"):
        count = 1
    else:
        count = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
    # Prefer speakers used least so far, so everyone gets at least one session.
    ordered = sorted(speaker_ids, key=lambda s: (usage[s], rng.random()))
    chosen = ordered[:count]
    for speaker_id in chosen:
        usage[speaker_id] += 1
    return chosen


def last_modified() -> datetime:
    start = datetime(2027, 1, 4, 8, 0, tzinfo=timezone.utc)
    return start + timedelta(minutes=15 * rng.randint(0, 4 * 24 * 75))


def build() -> dict:
    speakers = make_speakers(92)
    # The last two speakers appear only in sessions that are never public.
    hidden_speakers = [s["id"] for s in speakers[-2:]]
    public_speakers = [s["id"] for s in speakers[:-2]]
    usage = {s: 0 for s in public_speakers}
    used_titles = set(SPECIAL_TITLES)
    track_ids = [t["id"] for t in TRACKS]

    planned = []
    for day_index, day in enumerate(DAYS):
        for room in ROOMS:
            for start_minute, length, session_type in plan_room_day(room, day_index):
                planned.append((berlin(minutes(day, start_minute)), length, session_type, room["id"]))

    # The night session: starts in CET, ends in CEST; one hour of wall clock disappears,
    # so 01:30+01:00 .. 03:30+02:00 lasts 60 minutes although the clock shows two hours.
    night_start = berlin(datetime(2027, 3, 28, 1, 30))
    night_end = berlin(datetime(2027, 3, 28, 3, 30))
    planned.append((night_start, int((night_end - night_start).total_seconds() // 60), "Panel", "salon"))
    planned.sort(key=lambda p: (p[0], [r["id"] for r in ROOMS].index(p[3])))

    sessions = []
    special_title_slots = {7, 23, 41, 66, 90, 121}
    special_abstract_slots = {5, 19, 37, 58, 77, 103}
    long_abstract_slots = {11, 29, 84, 133}
    night_slot = next(i for i, p in enumerate(planned) if p[0] == night_start)
    # The cancelled session: a Saturday afternoon talk in a streamed room.
    cancelled_slot = next(i for i, p in enumerate(planned)
                          if p[0].date() == DAYS[1] and p[0].hour >= 14 and p[3] == "hall-b")
    # The bilingual session: Saturday's afternoon workshop in the Werkstatt.
    de_en_slot = next(i for i, p in enumerate(planned)
                      if p[0].date() == DAYS[1] and p[2] == "Workshop" and p[3] == "werkstatt" and p[0].hour >= 14)
    specials = [night_slot, cancelled_slot, de_en_slot, *special_title_slots, *special_abstract_slots, *long_abstract_slots]
    if len(set(specials)) != len(specials) or max(specials) >= len(planned):
        raise RuntimeError("special sessions collide; pick other slots")
    for index, (start, length, session_type, room_id) in enumerate(planned):
        session_id = f"s{index + 1:03d}"
        track = rng.choice(track_ids)
        language = "de, en" if index == de_en_slot else language_for(session_type)
        is_night = index == night_slot
        if is_night:
            title = "Night shift: watching the clocks jump forward"
            track = "time"
            language = "en"
            used_titles.add(title)
        elif index in special_title_slots:
            title = SPECIAL_TITLES[sorted(special_title_slots).index(index)]
        else:
            title = title_for(track, language, used_titles)

        if is_night:
            abstract = ("A late-night panel that starts at 01:30 winter time and ends at 03:30 summer time. "
                        "It lasts one hour: at 02:00 the clocks in Berlin jump to 03:00.\n"
                        "Calendars must show it as 01:30-03:30 local, 60 minutes long.")
        elif index in special_abstract_slots:
            abstract = SPECIAL_ABSTRACTS[sorted(special_abstract_slots).index(index)]
        elif index in long_abstract_slots:
            abstract = long_abstract(language)
        else:
            abstract = abstract_for(language)

        end = in_berlin(start + timedelta(minutes=length))
        session = {"id": session_id, "title": title}
        if rng.random() < 0.12:
            session["subtitle"] = rng.choice([
                "A field report", "Lessons from a small team", "With live demo", "Ein Erfahrungsbericht",
                "Part 1 of 2", "No slides, just code", "Q&A included",
            ])
        if abstract is not None:
            session["abstract"] = abstract
        session["start"] = iso(start)
        if session_type == "Lightning talk":
            # The "duration" alternative to "end", in both accepted spellings.
            session["duration"] = "PT10M" if index % 2 == 0 else "00:10"
        else:
            session["end"] = iso(end)
        if index == cancelled_slot:
            session["state"] = "cancelled"
        else:
            session["state"] = "confirmed" if rng.random() < 0.8 else "accepted"
        session["track"] = track
        session["room"] = room_id
        session["type"] = session_type
        session["language"] = language
        session["url"] = f"{BASE_URL}/sessions/{session_id}"
        if session_type in ("Keynote", "Panel") or rng.random() < 0.15:
            session["image"] = f"{BASE_URL}/images/{session_id}.png"
        if room_id in STREAMED_ROOMS or is_night:
            session["streamUrl"] = f"https://stream.demo.feedproxy.example/2027/{room_id}"
        if rng.random() < 0.3 and index != cancelled_slot:
            session["videoUrl"] = f"https://video.demo.feedproxy.example/2027/{session_id}.mp4"
        if rng.random() < 0.4 and session_type != "Workshop":
            session["slidesUrl"] = f"{BASE_URL}/slides/{session_id}.pdf"
        session["speakers"] = pick_speakers(public_speakers, usage, session_type)
        modified = last_modified()
        revision = rng.randint(0, 3)
        if index == cancelled_slot:
            # Cancelling is a change subscribers must see: a late change and a bumped revision.
            modified = datetime(2027, 3, 24, 16, 45, tzinfo=timezone.utc)
            revision = 3
        session["lastModified"] = iso_utc(modified)
        session["revision"] = revision
        sessions.append(session)

    # Sessions that are never public: same shape, real times and rooms, so a filter bug shows.
    hidden = [
        ("draft", "Draft only: an unfinished idea about calendar colours"),
        ("draft", "Draft only: notes for a talk nobody submitted"),
        ("pending", "Pending review: the case for week numbers everywhere"),
        ("pending", "Pending review: feeds as the single source of truth"),
        ("rejected", "Rejected: a very long list of everything wrong with dates"),
        ("rejected", "Rejected: yet another framework comparison"),
        ("withdrawn", "Withdrawn: a talk whose speaker could not travel"),
        ("withdrawn", "Withdrawn: the demo that never worked"),
    ]
    for offset, (state, title) in enumerate(hidden):
        day = DAYS[offset % 3]
        start = berlin(minutes(day, 11 * 60 + 15 * offset))
        session_id = f"s{len(planned) + offset + 1:03d}"
        sessions.append({
            "id": session_id,
            "title": title,
            "abstract": f"This session is in state '{state}' and must never appear in any feed.",
            "start": iso(start),
            "end": iso(in_berlin(start + timedelta(minutes=30))),
            "state": state,
            "track": track_ids[offset % len(track_ids)],
            "room": ROOMS[1 + offset % 4]["id"],
            "type": "Talk",
            "language": "en",
            "url": f"{BASE_URL}/sessions/{session_id}",
            "speakers": [hidden_speakers[offset % 2]],
            "lastModified": iso_utc(last_modified()),
            "revision": rng.randint(0, 3),
        })

    unused = [s for s, n in usage.items() if n == 0]
    if unused:
        raise RuntimeError(f"speakers without a session: {unused}")

    event_modified = max(s["lastModified"] for s in sessions)
    tracks = [dict(t) for t in TRACKS]
    rooms = [{k: v for k, v in r.items() if k != "kind"} for r in ROOMS]
    return {
        "id": "demo",
        "name": "FeedProxy Demo Conference 2027",
        "description": (
            "A fictional four-day conference about calendars, feeds and the software around them. "
            "Every talk, speaker and organisation in this schedule is invented; it exists to show "
            "(and test) what FeedProxy serves.\n"
            "The schedule spans the change to summer time in Berlin on Sunday, 28 March 2027."
        ),
        "url": f"{BASE_URL}/",
        "timeZone": TIME_ZONE,
        "image": f"{BASE_URL}/images/logo.png",
        "published": True,
        "visibility": "public",
        "lastModified": event_modified,
        "venue": dict(VENUE),
        "tracks": tracks,
        "rooms": rooms,
        "speakers": speakers,
        "sessions": sessions,
    }


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "config" / "events" / "demo.json"
    event = build()
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(event, indent=2, ensure_ascii=False) + "\n"
    out.write_text(text, encoding="utf-8", newline="\n")
    public = [s for s in event["sessions"] if s["state"] in ("accepted", "confirmed")]
    print(f"wrote {out}: {len(public)} public sessions, {len(event['sessions'])} in all, "
          f"{len(event['speakers'])} speakers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
