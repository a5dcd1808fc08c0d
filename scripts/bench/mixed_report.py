#!/usr/bin/env python3
"""Summarises a load-and-fault run: mixed-raw.json (mixed_client.py) and faults.log
(epoch seconds and an event name per line, written by load-and-fault.sh).

Usage: mixed_report.py <out-dir>   (writes <out-dir>/load-and-fault.md and prints it)
"""
import collections
import json
import statistics
import sys

out = sys.argv[1]
raw = json.load(open(f"{out}/mixed-raw.json"))
faults = []
for line in open(f"{out}/faults.log"):
    t, name = line.split(maxsplit=1)
    faults.append((float(t), name.strip()))
requests = raw["requests"]
ok = lambda status: 200 <= status < 300 or status == 304
start, end = requests[0][0], requests[-1][0]
first_fault = min((t for t, n in faults if n.endswith("_kill") or n.endswith("_restart_begin")), default=end)

cached_before = {url for t, url, status, _, _ in requests if t < first_fault and status == 200}
by_status = collections.Counter(status for _, _, status, _, _ in requests)
bad = [r for r in requests if not ok(r[2])]
bad_cached = [r for r in bad if r[1] in cached_before and r[0] >= first_fault]
conditional = sum(1 for r in requests if r[3])
not_modified = by_status.get(304, 0)
latencies = sorted(r[4] for r in requests)


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p))]


lines = [
    f"Duration {end - start:.0f} s, {len(requests)} feed requests ({len(requests) / (end - start):.0f}/s), "
    f"{conditional} conditional ({not_modified} answered 304), {len(cached_before)} of the URLs were cached before the first fault.",
    "",
    "| Measure | Value |",
    "|---|---|",
    f"| Responses by status | {', '.join(f'{k}: {v}' for k, v in sorted(by_status.items()))} |",
    f"| Non-2xx/304 responses, all requests | **{len(bad)}** |",
    f"| Non-2xx/304 responses for feeds cached before the fault (after it) | **{len(bad_cached)}** |",
    f"| Latency p50 / p99 / max (client, ms) | {pct(0.5):.1f} / {pct(0.99):.1f} / {latencies[-1]:.1f} |",
]
if bad:
    sample = collections.Counter((r[1], r[2]) for r in bad).most_common(8)
    lines.append(f"| Failing (url, status) most common | {'; '.join(f'{u} {s} x{c}' for (u, s), c in sample)} |")

lines += ["", "| Fault (t = seconds after start) | Render probe: first new render after | /readyz: first Healthy after |", "|---|---|---|"]
probe = raw["render_probe"]
ready = raw["ready_probe"]
for t, name in faults:
    if not (name.endswith("_back")):
        label = f"{name} at t={t - start:.0f} s"
        lines.append(f"| {label} | | |")
        continue
    first_render = next((p[0] for p in probe if p[0] >= t and p[2] == 200 and p[3]), None)
    first_ready = next((p[0] for p in ready if p[0] >= t and p[1] == 200 and "Degraded" not in p[2] and "Unhealthy" not in p[2]), None)
    fmt = lambda x: "never" if x is None else f"{(x - t) * 1000:.0f} ms"
    lines.append(f"| {name} at t={t - start:.0f} s | {fmt(first_render)} | {fmt(first_ready)} |")

failed_probes = [p for p in probe if p[2] != 200]
failed_writes = [p for p in probe if p[1] not in (200, 201, 204)]
ready_bad = [p for p in ready if p[1] != 200]
ready_degraded = [p for p in ready if p[1] == 200 and "Degraded" in p[2]]
lines += ["",
          f"Render probes: {len(probe)}; GET not 200: {len(failed_probes)}"
          + (f" at t={', '.join(f'{p[0] - start:.1f}' for p in failed_probes[:12])} s" if failed_probes else "")
          + f"; admin writes (PUT session) failed: {len(failed_writes)}"
          + (f" at t={', '.join(f'{p[0] - start:.1f}' for p in failed_writes[:12])} s (writes need the database)" if failed_writes else "") + ".",
          f"Readiness probes: {len(ready)}, 503: {len(ready_bad)}, 200 Degraded: {len(ready_degraded)}."]
text = "\n".join(lines) + "\n"
open(f"{out}/load-and-fault.md", "w").write(text)
print(text)
