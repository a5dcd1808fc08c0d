// Browser test of the subscribe page: starts the server over tests/browser/fixtures, opens
// the page in the system Chromium at phone and desktop width, takes screenshots into
// artifacts/browser/, and checks what a subscriber does by hand: reaching a one-track
// subscription in two clicks, keyboard focus order and visibility, contrast, no horizontal
// scrolling on a phone, no CSP violations, and building a personal agenda; the operator hint
// for localhost links, the QR code near the top, cancelled sessions without calendar or agenda
// controls, speakers chosen with plain checkboxes, and the day index folding a long schedule
// (the demo event, 168 sessions) to a few screens.
// Exit code 0 when every check passes. Usage: node tests/browser/subscribe.test.mjs
// Environment: FEEDPROXY_SERVER_DLL runs an already built FeedProxy.dll instead of
// `dotnet run --project src/FeedProxy`; CHROMIUM overrides /usr/bin/chromium.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { check, chromiumArgs, eventsFolder, executablePath, repo, requireChromium, run, startServer, stopServer, temporaryFolder } from "./harness.mjs";

const artifacts = join(repo, "artifacts", "browser");
const eventId = "browserconf";

// WCAG 2.x contrast of every element that directly holds visible text, against the first
// opaque background behind it. Returns the offenders.
function contrastOffenders() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = "1"] = m[1].split(",").map((s) => s.trim());
    return { r: +r, g: +g, b: +b, a: +a };
  };
  const luminance = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const offenders = [];
  for (const el of document.querySelectorAll("body *")) {
    const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!hasText || style.visibility === "hidden" || style.display === "none" || el.closest(".vh, svg, [hidden]")) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const fg = parse(style.color);
    const l1 = luminance(fg), l2 = luminance(background(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) offenders.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return offenders;
}

async function checkViewport(context, base, width, height) {
  const label = `${width}x${height}`;
  console.log(`\n${label}`);
  const page = await context.newPage();
  const cspErrors = [];
  page.on("console", (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) cspErrors.push(m.text()); });
  const pageUrl = `${base}/events/${eventId}`;
  const response = await page.goto(pageUrl, { waitUntil: "load" });
  check(response.status() === 200, `${label}: the page answers 200 (${response.status()})`);
  check((response.headers()["content-type"] ?? "").startsWith("text/html"), `${label}: the page is HTML`);
  await page.screenshot({ path: join(artifacts, `subscribe-${width}.png`), fullPage: true });
  await page.screenshot({ path: join(artifacts, `subscribe-${width}-top.png`) });

  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scrollWidth <= width, `${label}: no horizontal scrolling (content ${scrollWidth}px wide)`);
  check(cspErrors.length === 0, `${label}: no CSP violations ${cspErrors.join(" | ")}`);
  check(await page.locator("button[data-copy]").first().isVisible(), `${label}: the copy button appears (inline script allowed by the CSP hash)`);
  const offenders = await page.evaluate(contrastOffenders);
  check(offenders.length === 0, `${label}: text contrast at least 4.5:1 ${offenders.slice(0, 5).join("; ")}`);

  // Served at 127.0.0.1 without PublicBaseUrl: the page tells the operator, without a link
  // (the keyboard order below is unchanged).
  check(await page.locator("#operator-hint").isVisible() && /FeedProxy__PublicBaseUrl/.test(await page.locator("#operator-hint").textContent()),
    `${label}: the operator hint about localhost links is shown`);
  const qrTop = await page.evaluate(() => document.querySelector("#qr").getBoundingClientRect().top + scrollY);
  check(qrTop < 2 * height, `${label}: the QR code is within the first two screens (at ${Math.round(qrTop)}px)`);

  // Cancelled sessions are listed but offer neither "Add to calendar" nor an agenda box.
  const cancelled = page.locator("li.session.is-cancelled");
  check(await cancelled.count() === 1, `${label}: the cancelled session is listed (${await cancelled.count()})`);
  check(await cancelled.locator("input").count() === 0 && await cancelled.getByRole("link", { name: /Add to calendar/ }).count() === 0,
    `${label}: the cancelled session has no agenda checkbox and no "Add to calendar"`);
  check(await page.locator("li.session:not(.is-cancelled)").count() === await page.locator("li.session:not(.is-cancelled) a", { hasText: "Add to calendar" }).count(),
    `${label}: every other session keeps its "Add to calendar"`);

  // Speakers are plain checkboxes: no Ctrl/Cmd multi-select.
  check(await page.locator("select[multiple]").count() === 0 && await page.locator("#filter input[type=checkbox][name=speaker]").count() === 3,
    `${label}: speakers are chosen with checkboxes`);

  // The day index leads to each day.
  const dayLinks = page.locator("nav.days a");
  check(await dayLinks.count() === 2, `${label}: the day index lists the 2 days (${await dayLinks.count()})`);
  await dayLinks.nth(1).click();
  check(new URL(page.url()).hash === "#day-2027-03-28" && await page.locator("#day-2027-03-28").evaluate((d) => d.open),
    `${label}: a day link goes to that day, open (${page.url()})`);

  // Two clicks to a one-track subscription: the track's "Other apps" link, then the first
  // subscribe button, which must be on screen without scrolling. (The track's own
  // "Subscribe" button is even one click.)
  const direct = page.getByRole("link", { name: "Subscribe to Security" });
  check(await direct.count() === 1 && /^webcal:\/\/.*\/events\/browserconf\.ics\?track=security$/.test(await direct.getAttribute("href")),
    `${label}: the Security track has a one-click webcal subscribe link`);
  await Promise.all([
    page.waitForURL(/track=security/, { waitUntil: "load" }),
    page.getByRole("link", { name: "Other apps for Security" }).click(),
  ]);
  check(new URL(page.url()).searchParams.get("track") === "security", `${label}: click 1 opens the page filtered to the track (${page.url()})`);
  const subscribe = page.locator("#subscribe a.button").first();
  const href = await subscribe.getAttribute("href");
  const box = await subscribe.boundingBox();
  check(/^webcal:\/\/.*\/events\/browserconf\.ics\?track=security$/.test(href ?? ""), `${label}: click 2 target is the one-track subscribe URL (${href})`);
  check(box !== null && box.y >= 0 && box.y + box.height <= height, `${label}: the subscribe button is on screen after click 1`);
  const feed = await page.request.get(href.replace(/^webcal:/, "http:"));
  const body = await feed.text();
  check(feed.status() === 200 && (body.match(/BEGIN:VEVENT/g) ?? []).length === 2,
    `${label}: the one-track feed answers 200 with the track's 2 sessions (${feed.status()})`);
  await page.screenshot({ path: join(artifacts, `subscribe-${width}-track.png`) });
  await page.close();
}

// A long schedule (the demo event, 168 sessions over 4 days) folds by day: the page stays a
// few screens long, and the day index opens the day it leads to.
async function checkLongSchedule(context, base, width, height) {
  const label = `${width}x${height} long schedule`;
  console.log(`\n${label}`);
  const page = await context.newPage();
  await page.goto(`${base}/events/demo`, { waitUntil: "load" });
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  const limit = width < 600 ? 7000 : 4500;
  check(pageHeight <= limit, `${label}: page height ${pageHeight}px (at most ${limit}px; it was 13,762px at 1280 and 25,969px at 390 before the days folded)`);
  await page.screenshot({ path: join(artifacts, `subscribe-demo-${width}.png`), fullPage: true });
  check(await page.locator("details.day[open]").count() === 0, `${label}: the days start folded`);
  await page.locator("nav.days a", { hasText: "Saturday 27 March 2027" }).click();
  const day = page.locator("#day-2027-03-27");
  check(await day.evaluate((d) => d.open) && await day.locator("li.session").first().isVisible(),
    `${label}: the day index opens Saturday and shows its sessions`);
  await page.close();
}

async function checkKeyboard(context, base) {
  console.log("\nkeyboard");
  const page = await context.newPage();
  await page.goto(`${base}/events/${eventId}`, { waitUntil: "load" });
  const stops = [];
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // A radio group is one Tab stop (its checked radio); arrow keys move within it.
      const all = [...document.querySelectorAll("a[href], button:not([hidden]), input:not([type=hidden]):not([type=radio]:not(:checked)), select, summary")];
      const style = getComputedStyle(el);
      return {
        index: all.indexOf(el),
        name: `${el.tagName.toLowerCase()} ${(el.getAttribute("aria-label") ?? el.textContent ?? el.value ?? "").trim().slice(0, 40)}`,
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        total: all.length,
      };
    });
    if (!stop || (stops.length > 0 && stop.index === stops[0].index)) break;
    stops.push(stop);
  }
  check(stops.length > 0 && stops[0].name.startsWith("a Skip to the subscribe links"), `the first Tab reaches the skip link (${stops[0]?.name})`);
  check(stops.length > 1 && stops[1].name.startsWith("a Apple Calendar"), `the second Tab reaches the first subscribe button (${stops[1]?.name})`);
  const inOrder = stops.every((s, i) => i === 0 || s.index > stops[i - 1].index);
  check(inOrder, "focus moves in document order (no positive tabindex, no traps)");
  check(stops.length === stops[0]?.total, `every link and control is reachable by keyboard (${stops.length} of ${stops[0]?.total})`);
  const invisible = stops.filter((s) => !s.outline).map((s) => s.name);
  check(invisible.length === 0, `every focused element shows a focus outline ${invisible.slice(0, 5).join("; ")}`);

  // Keyboard-only filter: tick a track checkbox with Space and submit with Enter.
  await page.locator("#filter input[name=track][value=web]").focus();
  await page.keyboard.press("Space");
  await page.locator("#filter button[type=submit]").focus();
  await Promise.all([page.waitForURL(/track=/, { waitUntil: "load" }), page.keyboard.press("Enter")]);
  check(new URL(page.url()).searchParams.getAll("track").join() === "web", `the filter form submits by keyboard (${page.url()})`);
  check((await page.locator("#main-url").inputValue()).endsWith("/events/browserconf.ics?track=web"), "the filtered subscribe URL carries the filter");
  await page.close();
}

async function checkAgenda(context, base) {
  console.log("\nagenda");
  const page = await context.newPage();
  await page.goto(`${base}/events/${eventId}`, { waitUntil: "load" });
  await page.locator("input[name=session][value='101']").check();
  await page.locator("input[name=session][value='106']").check();
  await Promise.all([
    page.waitForURL(/session=/, { waitUntil: "load" }),
    page.getByRole("button", { name: "Create my agenda feed" }).click(),
  ]);
  const agendaUrl = await page.locator("#agenda-url").inputValue();
  check(/\/events\/browserconf\/agenda\/[A-Za-z0-9_-]+\.ics$/.test(agendaUrl), `the agenda URL is shown (${agendaUrl})`);
  const body = await (await page.request.get(agendaUrl)).text();
  check((body.match(/BEGIN:VEVENT/g) ?? []).length === 2, "the agenda feed holds the 2 chosen sessions");
  await page.screenshot({ path: join(artifacts, "subscribe-agenda.png") });
  await page.close();
}

async function main() {
  const chromium = await requireChromium();
  mkdirSync(artifacts, { recursive: true });
  const { server, url, log } = await startServer(eventsFolder());
  try {
    for (const [width, height] of [[375, 812], [1280, 800]]) {
      const profile = temporaryFolder("feedproxy-chromium-");
      const context = await chromium.launchPersistentContext(profile, {
        executablePath, headless: true, args: chromiumArgs, viewport: { width, height },
      });
      try {
        await checkViewport(context, url, width, height);
        await checkLongSchedule(context, url, width, height);
        if (width === 375) {
          await checkKeyboard(context, url);
          await checkAgenda(context, url);
        }
      } finally {
        await context.close();
      }
    }
  } catch (error) {
    console.log(log());
    throw error;
  } finally {
    stopServer(server);
  }
}

await run("browser", main);
