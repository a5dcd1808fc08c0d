// What the browser tests share: the repository root, the system Chromium and its flags, the
// check list, a free loopback port, the server started over a folder of event files (a fixture
// and the demo event as the long schedule), and the run that reports and cleans up.
// Environment: FEEDPROXY_SERVER_DLL runs an already built FeedProxy.dll instead of
// `dotnet run --project src/FeedProxy`; CHROMIUM overrides /usr/bin/chromium.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const failures = [];
const temporary = [];

export function check(condition, message) {
  console.log(`  ${condition ? "ok  " : "FAIL"} ${message}`);
  if (!condition) failures.push(message);
}

/** A new temporary folder, removed when the run ends. */
export function temporaryFolder(prefix) {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(folder);
  return folder;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** Chromium and playwright-core, or an error naming what is missing. */
export async function requireChromium() {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not installed at ${executablePath} (apt-get install -y chromium).`);
  }
  try {
    return (await import("playwright-core")).chromium;
  } catch {
    throw new Error("playwright-core is not installed: run `npm ci` in tests/browser.");
  }
}

/** A folder with the fixture event (tests/browser/fixtures/browserconf.json) and the demo event. */
export function eventsFolder() {
  const events = temporaryFolder("feedproxy-browser-events-");
  copyFileSync(join(repo, "tests", "browser", "fixtures", "browserconf.json"), join(events, "browserconf.json"));
  copyFileSync(join(repo, "config", "events", "demo.json"), join(events, "demo.json"));
  return events;
}

/** The server over <events> on a free port, once its /healthz answers (up to 120 s: a first build may run). */
export async function startServer(events) {
  const state = temporaryFolder("feedproxy-browser-state-");
  const url = `http://127.0.0.1:${await freePort()}`;
  const dll = process.env.FEEDPROXY_SERVER_DLL;
  const [command, args] = dll
    ? ["dotnet", [dll, "--urls", url]]
    : ["dotnet", ["run", "--project", join(repo, "src", "FeedProxy"), "--", "--urls", url]];
  const server = spawn(command, args, {
    cwd: repo,
    // Own process group, so stopping it also stops the app that `dotnet run` starts.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FeedProxy__EventsPath: events, FeedProxy__StatePath: state, DOTNET_NOLOGO: "1" },
  });
  let log = "";
  server.stdout.on("data", (d) => { log += d; });
  server.stderr.on("data", (d) => { log += d; });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited with ${server.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { server, url, log: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stopServer(server);
  throw new Error(`The server did not start within 120 s:\n${log}`);
}

export function stopServer(server) {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

/** Runs <main>, counts a thrown error as a failure, removes the temporary folders and exits 0 only when every check passed. */
export async function run(name, main) {
  try {
    await main();
  } catch (error) {
    failures.push(String(error?.stack ?? error));
    console.error(error);
  } finally {
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  }
  console.log(failures.length === 0 ? `\nall ${name} checks passed` : `\n${failures.length} ${name} check(s) failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}
