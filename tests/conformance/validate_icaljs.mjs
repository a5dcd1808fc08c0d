// Reads every .ics and jCal (.json) file of a conformance manifest with ical.js, the parser
// of Thunderbird/Lightning and many web calendars.
//
// Usage: node validate_icaljs.mjs MANIFEST.json
//
// format "ics"  (checker "ical.js"):  ICAL.parse + ICAL.Component; one VCALENDAR; every
//   vevent read through ICAL.Event (startDate/endDate resolved with the file's own
//   VTIMEZONE, never floating); UID, SUMMARY, STATUS, start and end (UTC) against the
//   "expected" sidecar when given. Recurring series (RRULE/RDATE/EXDATE) are expanded with
//   ical.js's own iterator over the sidecar's window, overrides (RECURRENCE-ID) related as
//   exceptions, and compared occurrence by occurrence.
// format "jcal" (checker "ical.js-jcal"): RFC 7265 shape (lowercase names, value formats
//   of date-time, date, utc-offset), then new ICAL.Component(json).toString() parsed again,
//   and compared with the "reference" .ics read the same way: same UIDs, SUMMARY, STATUS,
//   DTSTART and DTEND as UTC instants; and with the sidecar.
//
// Prints one JSON line per file: {"id","path","format","checker","count","errors"}.
// Exit status: 0 no file had errors, 1 some had, 2 could not run.

import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';

const MAX_ERRORS = 50;

function loadManifest() {
  if (process.argv.length !== 3) {
    process.stderr.write('usage: node validate_icaljs.mjs MANIFEST.json\n');
    process.exit(2);
  }
  const manifestPath = path.resolve(process.argv[2]);
  const entries = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  if (!Array.isArray(entries)) {
    process.stderr.write('manifest must be a JSON list\n');
    process.exit(2);
  }
  const base = path.dirname(manifestPath);
  for (const entry of entries) {
    for (const key of ['path', 'expected', 'reference']) {
      if (entry[key]) {
        entry[key] = path.resolve(base, entry[key]);
      }
    }
  }
  return entries;
}

const expectedCache = new Map();
function loadExpected(entry) {
  if (!entry.expected) {
    return null;
  }
  if (!expectedCache.has(entry.expected)) {
    expectedCache.set(entry.expected, JSON.parse(fs.readFileSync(entry.expected, 'utf8')));
  }
  return expectedCache.get(entry.expected);
}

function utcText(time) {
  return new Date(time.toUnixTime() * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Occurrence UIDs of the sidecar by (series UID, original start in UTC).
function occurrenceUids(expected) {
  const map = new Map();
  for (const s of expected?.sessions ?? []) {
    if (s.series) {
      map.set(`${s.series}\u001f${s.recurrenceId}`, s.uid);
    }
  }
  return map;
}

// The writers' rule: an occurrence is in the window when it overlaps it.
function overlaps(start, end, windowStart, windowEnd) {
  return start < windowEnd && (end > windowStart || (end === start && start >= windowStart));
}

function expandSeries(masters, overrides, expected, events, errors, label) {
  if (!expected?.window) {
    errors.push(`${label}: recurring series but no sidecar window`);
    return;
  }
  const uids = occurrenceUids(expected);
  const windowStart = expected.window.start;
  const windowEnd = expected.window.end;
  for (const master of masters) {
    for (const exception of overrides.get(master.uid) ?? []) {
      master.relateException(exception);
    }
    const iterator = master.iterator();
    for (let steps = 0, next = iterator.next(); next && steps < 100000; steps++, next = iterator.next()) {
      const original = utcText(next);
      if (original >= windowEnd) {
        break;
      }
      const details = master.getOccurrenceDetails(next);
      const start = utcText(details.startDate);
      const end = utcText(details.endDate);
      if (!overlaps(start, end, windowStart, windowEnd)) {
        continue;
      }
      const uid = uids.get(`${master.uid}\u001f${utcText(details.recurrenceId)}`);
      if (!uid) {
        errors.push(`${label}: unexpected occurrence ${utcText(details.recurrenceId)} of ${master.uid}`);
        continue;
      }
      events.set(uid, {
        title: details.item.summary ?? '',
        status: details.item.component.getFirstPropertyValue('status') ?? '',
        start,
        end,
      });
    }
  }
}

// Reads a VCALENDAR component: {count, events: Map uid -> {title, status, start, end}};
// series are expanded over the sidecar's window and keyed by the occurrences' UIDs.
function readCalendar(calendar, errors, label, expected) {
  if (calendar.name !== 'vcalendar') {
    errors.push(`${label}: top level is ${calendar.name}, not vcalendar`);
  }
  const events = new Map();
  const masters = [];
  const overrides = new Map();
  const vevents = calendar.getAllSubcomponents('vevent');
  vevents.forEach((vevent, index) => {
    const event = new ICAL.Event(vevent);
    const uid = event.uid;
    if (!uid) {
      errors.push(`${label}: vevent #${index + 1} has no UID`);
      return;
    }
    if (vevent.hasProperty('recurrence-id')) {
      overrides.set(uid, [...(overrides.get(uid) ?? []), event]);
      return;
    }
    if (vevent.hasProperty('rrule') || vevent.hasProperty('rdate')) {
      masters.push(event);
      return;
    }
    if (events.has(uid) && !vevent.hasProperty('recurrence-id')) {
      errors.push(`${label}: duplicate UID ${uid}`);
    }
    const item = { title: event.summary ?? '', status: vevent.getFirstPropertyValue('status') ?? '' };
    for (const [key, time, prop] of [['start', event.startDate, 'dtstart'], ['end', event.endDate, 'dtend']]) {
      if (!time) {
        errors.push(`${label}: ${uid}: no ${key}`);
        continue;
      }
      const floating = !time.isDate && (!time.zone || time.zone.tzid === 'floating');
      if (floating) {
        const tzid = vevent.getFirstProperty(prop)?.getParameter('tzid');
        errors.push(`${label}: ${uid}: ${prop} ${time.toString()} is floating` +
          (tzid ? ` (TZID ${tzid} has no VTIMEZONE)` : ''));
        continue;
      }
      item[key] = utcText(time);
    }
    if (item.start && item.end && item.end < item.start) {
      errors.push(`${label}: ${uid}: ends before it starts`);
    }
    events.set(uid, item);
  });
  if (masters.length > 0 || overrides.size > 0) {
    expandSeries(masters, overrides, expected, events, errors, label);
  }
  return { count: vevents.length, events };
}

function parseIcs(text, errors, label, expected) {
  const jcal = ICAL.parse(text);
  if (Array.isArray(jcal[0])) {
    errors.push(`${label}: ${jcal.length} top-level components, expected one VCALENDAR`);
    return readCalendar(new ICAL.Component(jcal[0]), errors, label, expected);
  }
  return readCalendar(new ICAL.Component(jcal), errors, label, expected);
}

function compare(found, want, label, errors) {
  for (const uid of want.keys()) {
    if (!found.has(uid)) {
      errors.push(`${label}: ${uid} missing`);
    }
  }
  for (const [uid, f] of found) {
    const w = want.get(uid);
    if (!w) {
      errors.push(`${label}: unexpected UID ${uid}`);
      continue;
    }
    if (f.title !== w.title) {
      errors.push(`${label}: ${uid}: SUMMARY ${JSON.stringify(f.title)} != ${JSON.stringify(w.title)}`);
    }
    for (const key of ['start', 'end']) {
      if (f[key] !== w[key]) {
        errors.push(`${label}: ${uid}: ${key} ${f[key]} != ${w[key]}`);
      }
    }
    if (w.status !== undefined) {
      const cancelled = w.status === 'CANCELLED';
      if (cancelled !== (f.status === 'CANCELLED')) {
        errors.push(`${label}: ${uid}: STATUS ${JSON.stringify(f.status)} but the session is ${cancelled ? '' : 'not '}cancelled`);
      }
    }
  }
}

function compareWithExpected(entry, events, errors) {
  const expected = loadExpected(entry);
  if (!expected) {
    return;
  }
  const want = new Map(expected.sessions.map((s) => [s.uid, s]));
  compare(events, want, 'expected', errors);
}

const VALUE_FORMATS = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/,
  'date': /^\d{4}-\d{2}-\d{2}$/,
  'utc-offset': /^[+-]\d{2}:\d{2}(:\d{2})?$/,
  'integer': null,
};

// RFC 7265 §3: ["name", [properties], [components]], property [name, {params}, type, value...].
function checkJCalShape(node, where, errors) {
  if (!Array.isArray(node) || node.length !== 3 || typeof node[0] !== 'string'
    || !Array.isArray(node[1]) || !Array.isArray(node[2])) {
    errors.push(`${where}: not a jCal component [name, [properties], [components]]`);
    return;
  }
  const [name, properties, components] = node;
  if (name !== name.toLowerCase()) {
    errors.push(`${where}: component name ${name} is not lowercase`);
  }
  for (const property of properties) {
    if (!Array.isArray(property) || property.length < 4 || typeof property[0] !== 'string'
      || typeof property[1] !== 'object' || property[1] === null || Array.isArray(property[1])
      || typeof property[2] !== 'string') {
      errors.push(`${where}/${name}: malformed property ${JSON.stringify(property).slice(0, 80)}`);
      continue;
    }
    const [propName, params, type, ...values] = property;
    if (propName !== propName.toLowerCase() || type !== type.toLowerCase()) {
      errors.push(`${where}/${name}: ${propName} (${type}) is not lowercase`);
    }
    for (const key of Object.keys(params)) {
      if (key !== key.toLowerCase()) {
        errors.push(`${where}/${name}/${propName}: parameter ${key} is not lowercase`);
      }
    }
    const pattern = VALUE_FORMATS[type];
    for (const value of values) {
      if (type === 'integer' && !Number.isInteger(value)) {
        errors.push(`${where}/${name}/${propName}: integer value ${JSON.stringify(value)}`);
      } else if (pattern && (typeof value !== 'string' || !pattern.test(value))) {
        errors.push(`${where}/${name}/${propName}: ${type} value ${JSON.stringify(value)} is not RFC 7265 form`);
      } else if (value === '') {
        errors.push(`${where}/${name}/${propName}: empty value`);
      }
    }
  }
  for (const child of components) {
    checkJCalShape(child, `${where}/${name}`, errors);
  }
}

const referenceCache = new Map();
function readReference(referencePath, errors, expected) {
  if (!referenceCache.has(referencePath)) {
    const referenceErrors = [];
    let parsed = null;
    try {
      parsed = parseIcs(fs.readFileSync(referencePath, 'utf8'), referenceErrors, 'reference', expected);
    } catch (error) {
      referenceErrors.push(`reference .ics unreadable by ical.js: ${error.message}`);
    }
    referenceCache.clear(); // jcal entries follow their .ics; keep memory flat
    referenceCache.set(referencePath, { parsed, referenceErrors });
  }
  const { parsed, referenceErrors } = referenceCache.get(referencePath);
  errors.push(...referenceErrors);
  return parsed;
}

// RFC 5545 section 3.6.6 display alarms as ical.js reads them: the number the manifest asks
// for on every VEVENT not cancelled, each with ACTION:DISPLAY, a DESCRIPTION and a duration TRIGGER.
function checkAlarms(calendar, want, errors, label) {
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const uid = vevent.getFirstPropertyValue('uid');
    const expected = vevent.getFirstPropertyValue('status') === 'CANCELLED' ? 0 : want;
    const alarms = vevent.getAllSubcomponents('valarm');
    if (alarms.length !== expected) {
      errors.push(`${label}: ${uid}: ${alarms.length} VALARM, expected ${expected}`);
    }
    for (const alarm of alarms) {
      if (alarm.getFirstPropertyValue('action') !== 'DISPLAY' || !alarm.getFirstPropertyValue('description')) {
        errors.push(`${label}: ${uid}: VALARM without ACTION:DISPLAY and DESCRIPTION`);
      }
      if (!(alarm.getFirstPropertyValue('trigger') instanceof ICAL.Duration)) {
        errors.push(`${label}: ${uid}: VALARM TRIGGER is not a duration`);
      }
    }
  }
}

function checkIcs(entry) {
  const errors = [];
  const text = fs.readFileSync(entry.path, 'utf8');
  const { count, events } = parseIcs(text, errors, 'ics', loadExpected(entry));
  compareWithExpected(entry, events, errors);
  checkAlarms(new ICAL.Component(ICAL.parse(text)), entry.alarms ?? 0, errors, 'ics');
  return { count, errors };
}

function checkJCal(entry) {
  const errors = [];
  const json = JSON.parse(fs.readFileSync(entry.path, 'utf8'));
  checkJCalShape(json, '', errors);
  const text = new ICAL.Component(json).toString();
  const { count, events } = parseIcs(text, errors, 'jcal->ics', loadExpected(entry));
  compareWithExpected(entry, events, errors);
  checkAlarms(new ICAL.Component(json), entry.alarms ?? 0, errors, 'jcal');
  if (entry.reference) {
    const reference = readReference(entry.reference, errors, loadExpected(entry));
    if (reference) {
      if (reference.count !== count) {
        errors.push(`jCal has ${count} vevents, the .ics ${reference.count}`);
      }
      compare(events, reference.events, 'jcal vs ics', errors);
    }
  }
  return { count, errors };
}

function emit(entry, checker, count, errors) {
  if (errors.length > MAX_ERRORS) {
    const dropped = errors.length - MAX_ERRORS;
    errors = errors.slice(0, MAX_ERRORS).concat([`... and ${dropped} more`]);
  }
  process.stdout.write(JSON.stringify({
    id: entry.id ?? entry.path, path: entry.path, format: entry.format, checker, count, errors,
  }) + '\n');
  return errors.length > 0;
}

let failed = false;
for (const entry of loadManifest()) {
  const checks = { ics: ['ical.js', checkIcs], jcal: ['ical.js-jcal', checkJCal] };
  const check = checks[entry.format];
  if (!check) {
    continue;
  }
  const [checker, run] = check;
  let result;
  try {
    result = run(entry);
  } catch (error) {
    result = { count: null, errors: [`${checker} rejected the file: ${error.name}: ${error.message}`] };
  }
  failed = emit(entry, checker, result.count, result.errors) || failed;
}
process.exitCode = failed ? 1 : 0;
