// Browser test of the schedule grid and its embed: starts the server over tests/browser/fixtures
// and the demo event, opens the grid in the system Chromium at 1280 px and at 390 px, and the
// embed inside an <iframe> of a page on a second loopback origin. Checks that every public
// session of the day (read from the .json feed, in UTC so series are expanded) appears in its
// room's column, the phone layout is a per-room list without horizontal scrolling, a click shows
// the details with "Add to calendar", the page works without JavaScript, framing is allowed on
// the embed only, the view follows a schedule change without a reload, and axe-core finds no
// serious or critical accessibility violation. Screenshots go to artifacts/screenshots/.
// Exit code 0 when every check passes. Usage: node tests/browser/schedule.test.mjs
// Environment: FEEDPROXY_SERVER_DLL runs an already built FeedProxy.dll instead of
// `dotnet run --project src/FeedProxy`; CHROMIUM overrides /usr/bin/chromium.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { check, chromiumArgs, eventsFolder, executablePath, freePort, repo, requireChromium, run, startServer, stopServer } from "./harness.mjs";

const artifacts = join(repo, "artifacts", "screenshots");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Every public session of a day as the .json feed (jCal, UTC: series expanded) has it: [{ title, room }]. */
async function expectedSessions(base, eventId, venue, zone, day) {
  const jcal = await (await fetch(`${base}/events/${eventId}.json?tz=utc`)).json();
  const sessions = [];
  for (const [name, properties] of jcal[2]) {
    if (name !== "vevent") continue;
    const value = (p) => properties.find((x) => x[0] === p)?.[3];
    const start = new Date(value("dtstart"));
    if (start.toLocaleDateString("en-CA", { timeZone: zone }) !== day) continue;
    const location = value("location") ?? "";
    const room = location === venue ? "Elsewhere" : location.endsWith(`, ${venue}`) ? location.slice(0, -venue.length - 2) : (location || "Elsewhere");
    sessions.push({ title: value("summary"), room });
  }
  return sessions;
}

/** Which sessions the grid shows in which column: [{ room, titles: [...] }]. */
function columns(root) {
  return [...root.querySelectorAll("#grid section.room")].map((section) => ({
    room: section.querySelector("h2").textContent,
    titles: [...section.querySelectorAll("article .sn")].map((n) => n.textContent.replace(/^Cancelled: /, "")),
  }));
}

function checkColumns(label, shown, expected) {
  const missing = expected.filter((e) => !shown.some((c) => c.room === e.room && c.titles.includes(e.title)));
  const total = shown.reduce((n, c) => n + c.titles.length, 0);
  check(expected.length > 0 && missing.length === 0,
    `${label}: all ${expected.length} public sessions of the day are in their room's column${missing.length ? " — missing " + missing.slice(0, 3).map((m) => `${m.title} (${m.room})`).join(", ") : ""}`);
  check(total === expected.length, `${label}: nothing else is shown (${total} blocks)`);
}

async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(serious.length === 0, `${label}: axe-core finds no serious or critical violation ${serious.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.target}`).join("; ")}`);
  const others = result.violations.filter((v) => !serious.includes(v));
  if (others.length) console.log(`       (minor/moderate: ${others.map((v) => v.id).join(", ")})`);
}

async function checkGrid(browser, base, width, height) {
  const label = `grid ${width}px`;
  console.log(`\n${label}`);
  // CSP is bypassed only to inject axe-core; the page's own CSP is checked on its response.
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
  const page = await context.newPage();
  const consoleErrors = [];
  // The browser's own favicon request is not the page's doing.
  page.on("console", (m) => { if (m.type() === "error" && !/favicon\.ico$/.test(m.location()?.url ?? "")) consoleErrors.push(m.text()); });
  for (const [eventId, day, venue] of [["browserconf", "2027-03-28", "Harbour Hall"], ["demo", null, "Kongresshaus am Beispielufer"]]) {
    const response = await page.goto(`${base}/events/${eventId}/schedule${day ? `?day=${day}` : ""}`, { waitUntil: "load" });
    check(response.status() === 200, `${label} ${eventId}: 200 (${response.status()})`);
    check(/frame-ancestors 'none'/.test(response.headers()["content-security-policy"]) && response.headers()["x-frame-options"] === "DENY",
      `${label} ${eventId}: the grid refuses framing`);
    const shownDay = await page.locator("nav.days a[aria-current] time").getAttribute("datetime");
    const expected = await expectedSessions(base, eventId, venue, "Europe/Berlin", shownDay);
    checkColumns(`${label} ${eventId} ${shownDay}`, await page.evaluate(`(${columns})(document)`), expected);
    await page.screenshot({ path: join(artifacts, `schedule-${eventId}-${width}.png`), fullPage: width > 400 ? false : true });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width <= 400) {
      check(scrollWidth <= width, `${label} ${eventId}: no horizontal scrolling (${scrollWidth}px)`);
      check(await page.locator("#grid").evaluate((g) => getComputedStyle(g).display) === "block" && !(await page.locator(".time").first().isVisible()),
        `${label} ${eventId}: the grid becomes a per-room list`);
    } else {
      const boxes = await page.locator("#grid article").evaluateAll((a) => a.slice(0, 2).map((e) => e.getBoundingClientRect().height));
      check(boxes.every((h) => h > 30), `${label} ${eventId}: blocks have height by duration (${boxes.map(Math.round).join(", ")})`);
    }
    await axe(page, `${label} ${eventId}`);
  }

  // A click shows the details with "Add to calendar", without leaving the page.
  await page.goto(`${base}/events/browserconf/schedule?day=2027-03-28`, { waitUntil: "load" });
  await page.locator("#grid article a", { hasText: "After the Clocks Change" }).click();
  const detail = page.locator(".detail:target");
  check(await detail.isVisible() && /After the Clocks Change/.test(await detail.textContent()),
    `${label}: a click shows the session's details`);
  const add = detail.getByRole("link", { name: "Add to calendar" });
  check(/\/events\/browserconf\/sessions\/106\.ics$/.test(await add.getAttribute("href") ?? ""), `${label}: the details offer the session's .ics`);
  await page.screenshot({ path: join(artifacts, `schedule-details-${width}.png`) });
  const cancelled = page.locator("#grid article.cancelled .sn");
  check(await cancelled.count() === 1 && (await cancelled.evaluate((n) => getComputedStyle(n).textDecorationLine)).includes("line-through"),
    `${label}: the cancelled session is struck through`);
  check(consoleErrors.length === 0, `${label}: no console errors (CSP included) ${consoleErrors.slice(0, 2).join(" | ")}`);
  await context.close();
}

async function checkWithoutScript(browser, base) {
  console.log("\nwithout JavaScript");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/events/browserconf/schedule?day=2027-03-27`, { waitUntil: "load" });
  const expected = await expectedSessions(base, "browserconf", "Harbour Hall", "Europe/Berlin", "2027-03-27");
  const shown = await page.locator("#grid section.room").evaluateAll((sections) => sections.map((s) => ({
    room: s.querySelector("h2").textContent,
    titles: [...s.querySelectorAll("article .sn")].map((n) => n.textContent.replace(/^Cancelled: /, "")),
  })));
  checkColumns("no-script grid", shown, expected);
  await page.locator("#grid article a", { hasText: "Threat Models" }).click();
  check(await page.locator(".detail:target").isVisible(), "no-script grid: details open by the link alone (CSS :target)");
  await context.close();
}

async function checkEmbed(browser, base) {
  console.log("\nembed in an iframe on another origin");
  const port = await freePort();
  const embedUrl = `${base}/events/browserconf/embed?day=2027-03-28&theme=dark&accent=teal`;
  const host = createHttpServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    const src = request.url === "/refused" ? `${base}/events/browserconf/schedule` : embedUrl;
    response.end(`<!doctype html><html lang="en"><head><title>Another site</title></head><body><h1>Another site</h1><iframe id="f" title="Schedule" src="${src}" width="1000" height="700"></iframe></body></html>`);
  });
  await new Promise((r) => host.listen(port, "localhost", r));
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`http://localhost:${port}/`, { waitUntil: "load" });
    const frame = page.frames().find((f) => f.url().startsWith(`${base}/events/browserconf/embed`));
    check(frame !== undefined, "the embed loads inside the iframe of http://localhost (another origin)");
    if (frame) {
      await frame.waitForSelector("#grid");
      const expected = await expectedSessions(base, "browserconf", "Harbour Hall", "Europe/Berlin", "2027-03-28");
      checkColumns("embed", await frame.evaluate(`(${columns})(document)`), expected);
      check(await frame.evaluate(() => document.documentElement.getAttribute("data-theme")) === "dark", "embed: the dark theme applies");
      check(await frame.locator("footer").count() === 0 && await frame.locator("header").count() === 0, "embed: no site chrome");
    }
    await page.screenshot({ path: join(artifacts, "embed-iframe-1100.png") });

    await page.goto(`http://localhost:${port}/refused`, { waitUntil: "load" });
    const refused = page.frames().find((f) => f !== page.mainFrame());
    const loaded = refused ? await refused.evaluate(() => !!document.getElementById("grid")).catch(() => false) : false;
    check(!loaded, "the grid itself does not load in another origin's iframe");
  } finally {
    await context.close();
    host.close();
  }

  const axeContext = await browser.newContext({ viewport: { width: 1000, height: 700 }, bypassCSP: true });
  const axePage = await axeContext.newPage();
  for (const theme of ["light", "dark"]) {
    await axePage.goto(`${base}/events/demo/embed?theme=${theme}&accent=teal`, { waitUntil: "load" });
    await axe(axePage, `embed ${theme}`);
    await axePage.screenshot({ path: join(artifacts, `embed-demo-${theme}.png`) });
  }
  await axeContext.close();
}

async function checkLive(browser, base, events) {
  console.log("\nlive update");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/events/browserconf/schedule?day=2027-03-28`, { waitUntil: "load" });
  // The page has read the feed's ETag once it answered its first poll.
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/events/browserconf.json")));
  const before = (await fetch(`${base}/events/browserconf.json`, { method: "HEAD" })).headers.get("etag");
  const file = join(events, "browserconf.json");
  writeFileSync(file, readFileSync(file, "utf8").replace("After the Clocks Change", "After the Clocks Changed Again"));
  // The file store picks the change up on its next pass: wait for the feed to show it.
  let after = before;
  for (let attempt = 0; attempt < 240 && after === before; attempt++) {
    await new Promise((r) => setTimeout(r, 250));
    after = (await fetch(`${base}/events/browserconf.json`, { method: "HEAD" })).headers.get("etag");
  }
  check(after !== before, "the feed's ETag changes after the schedule changes");
  const loads = await page.evaluate(() => performance.getEntriesByType("navigation").length);
  await page.evaluate(() => document.getElementById("main").dispatchEvent(new Event("schedule:check")));
  await page.waitForFunction(() => document.querySelector("#grid")?.textContent.includes("After the Clocks Changed Again"), null, { timeout: 30_000 })
    .then(() => check(true, "the grid shows the change without a reload"), () => check(false, "the grid shows the change without a reload"));
  check(await page.evaluate(() => performance.getEntriesByType("navigation").length) === loads && await page.evaluate(() => !!document.getElementById("main").dataset.refreshed),
    "the page was not reloaded");
  await context.close();
}

async function main() {
  const chromium = await requireChromium();
  mkdirSync(artifacts, { recursive: true });
  const events = eventsFolder();
  const { server, url, log } = await startServer(events);
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs });
  try {
    await checkGrid(browser, url, 1280, 800);
    await checkGrid(browser, url, 390, 844);
    await checkWithoutScript(browser, url);
    await checkEmbed(browser, url);
    await checkLive(browser, url, events);
  } catch (error) {
    console.log(log());
    throw error;
  } finally {
    await browser.close();
    stopServer(server);
  }
}

await run("schedule browser", main);
