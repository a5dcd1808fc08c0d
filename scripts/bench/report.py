#!/usr/bin/env python3
"""Markdown summary of a run-all.sh run (reads the raw outputs in <out-dir>)."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
ours = json.loads((out / "render-feedproxy.json").read_text())
refs = {}
for name in ("ical-generator", "python-icalendar"):
    path = out / f"{name}.json"
    if path.exists():
        refs[name] = {r["sessions"]: r for r in json.loads(path.read_text())}

lines = ["# FeedProxy benchmark results", "", "```", (out / "machine.txt").read_text().strip(), "```", ""]
lines += ["## Render time per format (BenchmarkDotNet, median)", "",
          "| Sessions | Format | Median (ms) | Mean (ms) | Allocated (KB/op) | Output (KB) |", "|---:|---|---:|---:|---:|---:|"]
order = ["ics", "xcs", "rss", "atom", "json"]
for r in sorted(ours, key=lambda r: (r["sessions"], order.index(r["format"]))):
    lines.append(f"| {r['sessions']:,} | {r['format']} | {r['median_ms']:.3f} | {r['mean_ms']:.3f} | "
                 f"{r['allocated_bytes'] / 1024:,.0f} | {r['output_bytes'] / 1024:,.0f} |")

lines += ["", "## .ics render: FeedProxy vs reference libraries (same sessions, median ms)", "",
          "| Sessions | FeedProxy | ical-generator | ratio | python3-icalendar | ratio |", "|---:|---:|---:|---:|---:|---:|"]
ics = {r["sessions"]: r for r in ours if r["format"] == "ics"}
for n in sorted(ics):
    row = [f"{n:,}", f"{ics[n]['median_ms']:.2f}"]
    for name in ("ical-generator", "python-icalendar"):
        ref = refs.get(name, {}).get(n)
        row += [f"{ref['median_ms']:.2f}", f"**{ref['median_ms'] / ics[n]['median_ms']:.1f}x**"] if ref else ["-", "-"]
    lines.append("| " + " | ".join(row) + " |")
lines.append("")
lines.append("Ratio = reference time / FeedProxy time (higher is better for FeedProxy). Target: >= 20x vs ical-generator.")

http = out / "http"
tsv = http / "wrk-summary.tsv"
if tsv.exists():
    rows = {}
    for line in tsv.read_text().splitlines():
        name, rps, p50, p99, total, non2xx, errors = (line.split("\t") + [""] * 7)[:7]
        rows[name] = dict(rps=float(rps), p50=float(p50), p99=float(p99), total=int(total), non2xx=int(non2xx), errors=errors)
    lines += ["", "## HTTP on loopback (wrk, one run)", "",
              "| Case | FeedProxy req/s | nginx req/s | ratio | target | FeedProxy p50 / p99 (ms) | nginx p50 / p99 (ms) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, target in (("warm", 0.8), ("304", 1.0)):
        for feed in ("demo", "bench-1000"):
            fp, ng = rows.get(f"feedproxy-{kind}-{feed}"), rows.get(f"nginx-{kind}-{feed}")
            if fp and ng:
                ratio = fp["rps"] / ng["rps"]
                verdict = "met" if ratio >= target else "missed"
                lines.append(f"| {kind} {feed}.ics | {fp['rps']:,.0f} | {ng['rps']:,.0f} | **{ratio:.2f}x** | >= {target}x ({verdict}) | "
                             f"{fp['p50']:.2f} / {fp['p99']:.2f} | {ng['p50']:.2f} / {ng['p99']:.2f} |")
    bad = {k: v for k, v in rows.items() if v["non2xx"] or v["errors"]}
    lines.append("")
    lines.append("Non-2xx/3xx or socket errors: " + (", ".join(f"{k}: {v['non2xx']} {v['errors']}" for k, v in bad.items()) or "none") + ".")
    cmd = (http / "wrk-feedproxy-warm-demo.txt").read_text().splitlines()[0] if (http / "wrk-feedproxy-warm-demo.txt").exists() else ""
    lines.append(f"wrk: `{cmd.strip()}`")

    def max_rss(path):
        values = [int(l.split()[1]) for l in path.read_text().splitlines() if l.strip()] if path.exists() else []
        return (max(values) / 1024, len(values)) if values else (None, 0)

    rss, samples = max_rss(http / "rss-feedproxy.txt")
    if rss is not None:
        lines.append(f"\nFeedProxy peak RSS during the wrk runs: **{rss:.0f} MB** ({samples} samples of VmRSS every 0.5 s; target <= 200 MB).")
    rss, samples = max_rss(http / "rss-feedproxy-cold.txt")
    if rss is not None:
        lines.append(f"FeedProxy peak RSS during the cold-path run (PostgreSQL store): {rss:.0f} MB.")

cold = http / "cold.json"
if cold.exists():
    result = json.loads(cold.read_text())
    c = result["isolated"]
    lines += ["", "## Cold path (PostgreSQL store, empty cache, fresh 1,000-session event per request)", "",
              f"{c['requests']} sequential uncached GET .ics, {c['gap_ms']:.0f} ms apart ({c['bytes'] / 1024:,.0f} KB each): "
              f"p50 **{c['p50_ms']:.1f} ms**, p90 {c['p90_ms']:.1f} ms, min {c['min_ms']:.1f} ms, max {c['max_ms']:.1f} ms (target p50 <= 20 ms); back to back: "
              f"p50 {result['back_to_back']['p50_ms']:.1f} ms, p99 {result['back_to_back']['p99_ms']:.1f} ms.",
              "", "Server-side breakdown of the same requests (means from /metrics histograms):", ""]
    for key, value in c.get("server_breakdown", {}).items():
        lines.append(f"- `{key}`: {value['mean_ms']:.1f} ms (n={value['count']:.0f})")
print("\n".join(lines))
