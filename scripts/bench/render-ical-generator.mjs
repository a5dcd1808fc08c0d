// Renders the exported benchmark schedules with ical-generator (the pinned version in
// package.json) and times it: warm-up, then a loop timed with process.hrtime.bigint,
// reporting medians. Timed: building the calendar and serialising it to UTF-8 bytes, the
// same work FeedProxy's writer does from its in-memory model. Not timed: reading and
// parsing the JSON (FeedProxy's benchmark excludes loading too).
//
// Usage: node render-ical-generator.mjs <data-dir> <sizes,comma,separated> <results.json> [out-dir]
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventClass, ICalEventTransparency } from 'ical-generator';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VTIMEZONE_BERLIN, describe, prepare, iterationsFor } from './reference-common.mjs';

const [, , dataDir, sizesArg, resultsPath, outDir] = process.argv;
const sizes = sizesArg.split(',').map(Number);

function render(schedule) {
  const calendar = ical({
    prodId: '//FeedProxy//Benchmark reference//EN',
    name: schedule.name,
    description: schedule.description,
    url: schedule.url,
    method: ICalCalendarMethod.PUBLISH,
    ttl: 3600,
    timezone: { name: schedule.timeZone, generator: () => VTIMEZONE_BERLIN },
    source: `http://127.0.0.1/events/${schedule.id}.ics`,
  });
  for (const s of schedule.sessions) {
    calendar.createEvent({
      id: `${s.id}-${schedule.id}@bench.feedproxy.example`,
      stamp: s.lastModified,
      lastModified: s.lastModified,
      start: s.start,
      end: s.end,
      timezone: schedule.timeZone,
      sequence: s.revision,
      summary: s.title,
      description: describe(s),
      location: s.location,
      url: s.url,
      categories: s.categories.map((name) => ({ name })),
      status: s.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      class: ICalEventClass.PUBLIC,
      transparency: ICalEventTransparency.OPAQUE,
      attachments: s.slidesUrl ? [s.slidesUrl] : [],
    });
  }
  return Buffer.from(calendar.toString(), 'utf8');
}

const results = [];
for (const size of sizes) {
  const schedule = prepare(JSON.parse(readFileSync(join(dataDir, `schedule-${size}.json`), 'utf8')));
  const { warmup, iterations } = iterationsFor(size);
  let bytes = render(schedule);
  for (let i = 0; i < warmup; i++) bytes = render(schedule);
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    bytes = render(schedule);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  if (outDir) writeFileSync(join(outDir, `ical-generator-${size}.ics`), bytes);
  results.push({ renderer: 'ical-generator', sessions: size, format: 'ics', median_ms: median, iterations, output_bytes: bytes.length });
  console.log(`ical-generator ${size} sessions: median ${median.toFixed(3)} ms (${iterations} runs), ${bytes.length} bytes`);
}
writeFileSync(resultsPath, JSON.stringify(results, null, 2));
