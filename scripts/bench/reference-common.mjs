// Shared by the reference renderers: turns the exported event JSON (docs/event-format.md)
// into plain objects with resolved tracks, rooms and speakers, selected and ordered as
// FeedProxy selects them (public and cancelled sessions, by start then id).

// A fixed VTIMEZONE for Europe/Berlin (EU rules since 1996), as a reference renderer
// without a time zone database would embed it.
export const VTIMEZONE_BERLIN = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:STANDARD', 'DTSTART:19961027T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:19810329T020000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'END:VTIMEZONE',
].join('\r\n');

export function prepare(json) {
  const tracks = new Map((json.tracks ?? []).map((t) => [t.id, t]));
  const rooms = new Map((json.rooms ?? []).map((r) => [r.id, r]));
  const speakers = new Map((json.speakers ?? []).map((p) => [p.id, p]));
  const sessions = json.sessions
    .filter((s) => ['confirmed', 'accepted', 'cancelled'].includes(s.state ?? 'confirmed'))
    .map((s) => ({
      id: s.id,
      title: s.title,
      subtitle: s.subtitle ?? null,
      abstract: s.abstract ?? null,
      // Wall-clock time in the event's zone, as the source gives it (ical-generator writes a
      // string with TZID as is; a Date would need a time zone library to be shown locally).
      start: s.start.slice(0, 19),
      end: s.end.slice(0, 19),
      startInstant: new Date(s.start),
      lastModified: new Date(s.lastModified),
      revision: s.revision ?? 0,
      cancelled: s.state === 'cancelled',
      location: [rooms.get(s.room)?.name, json.venue?.name].filter(Boolean).join(', '),
      url: s.url ?? null,
      slidesUrl: s.slidesUrl ?? null,
      categories: [...new Set([tracks.get(s.track)?.name, s.type].filter(Boolean))],
      speakers: (s.speakers ?? []).map((id) => speakers.get(id)).filter(Boolean)
        .map((p) => (p.organisation ? `${p.name} (${p.organisation})` : p.name)),
    }))
    .sort((a, b) => a.startInstant - b.startInstant || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...json, sessions };
}

// The same description text FeedProxy writes: subtitle, abstract, speakers, URL.
export function describe(s) {
  const parts = [];
  if (s.subtitle) parts.push(s.subtitle);
  if (s.abstract) parts.push(s.abstract);
  if (s.speakers.length) parts.push(`Speakers: ${s.speakers.join(', ')}`);
  if (s.url) parts.push(`URL: ${s.url}`);
  return parts.join('\n\n');
}

export function iterationsFor(size) {
  if (process.env.QUICK) return { warmup: 1, iterations: 3 };
  if (size <= 100) return { warmup: 50, iterations: 200 };
  if (size <= 1000) return { warmup: 10, iterations: 40 };
  return { warmup: 1, iterations: 5 };
}
