#!/usr/bin/env python3
"""Markdown table of scripts/bench/hot-path.sh: median req/s per case and server over the
rounds, and FeedProxy's ratio to nginx and to the Kestrel ceiling (median of the per-round
ratios, with their range, so a round disturbed by other load shows as a wide range).

Usage: hot_path_report.py <runs.tsv> <machine.txt>
"""
import csv
import statistics
import sys
from collections import defaultdict

runs_path, machine_path = sys.argv[1], sys.argv[2]
rps = defaultdict(dict)        # (case, round) -> server -> req/s
latency = defaultdict(list)    # (case, server) -> (p50, p99)
cpu = defaultdict(list)        # (case, server) -> server CPU microseconds per request
alloc = defaultdict(list)      # (case, server) -> managed bytes allocated per request (FeedProxy only)
errors = 0
with open(runs_path, encoding="utf-8") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        rps[(row["case"], row["round"])][row["server"]] = float(row["rps"])
        latency[(row["case"], row["server"])].append((float(row["p50_ms"]), float(row["p99_ms"])))
        if int(row["requests"]) > 0:
            cpu[(row["case"], row["server"])].append(float(row["cpu_us"]) / int(row["requests"]))
            if (row.get("alloc_bytes") or "").strip():
                alloc[(row["case"], row["server"])].append(float(row["alloc_bytes"]) / int(row["requests"]))
        errors += int(row["non2xx3xx"] or 0) + (1 if row["socket_errors"].strip() else 0)

labels = {
    "warm-demo": "warm 200, demo `.ics` (175 KB)",
    "warm-1000": "warm 200, 1,000-session `.ics` (1.8 MB)",
    "304-inm": "304 via If-None-Match (demo)",
    "304-ims": "304 via If-Modified-Since (demo)",
    "gzip-demo": "gzip 200, demo (Accept-Encoding: gzip)",
    "304-coll": "304 via If-None-Match (collection of demo)",
}
cases = [c for c in labels if any(k[0] == c for k in rps)]


def fmt_ratio(values):
    med = statistics.median(values)
    return f"**{med:.2f}x**" + (f" ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else "")


servers = ("nginx", "ceiling", "feedproxy")
baseline = any("baseline" in v for v in rps.values())
extra_head = " baseline req/s | FeedProxy / baseline |" if baseline else ""
print("| Case | nginx req/s | ceiling req/s | FeedProxy req/s | FeedProxy / nginx | FeedProxy / ceiling | ceiling / nginx | FeedProxy p50 / p99 ms |" + extra_head)
print("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if baseline else ""))
for case in cases:
    rounds = [v for k, v in rps.items() if k[0] == case and all(s in v for s in servers)]
    med = {s: statistics.median(r[s] for r in rounds) for s in ("nginx", "ceiling", "feedproxy")}
    to_nginx = [r["feedproxy"] / r["nginx"] for r in rounds]
    to_ceiling = [r["feedproxy"] / r["ceiling"] for r in rounds]
    ceiling_nginx = [r["ceiling"] / r["nginx"] for r in rounds]
    lat = latency[(case, "feedproxy")]
    p50 = statistics.median(l[0] for l in lat)
    p99 = statistics.median(l[1] for l in lat)
    print(f"| {labels[case]} | {med['nginx']:,.0f} | {med['ceiling']:,.0f} | {med['feedproxy']:,.0f} | "
          f"{fmt_ratio(to_nginx)} | {fmt_ratio(to_ceiling)} | {fmt_ratio(ceiling_nginx)} | {p50:.2f} / {p99:.1f} |", end="")
    if baseline:
        with_base = [r for r in rounds if "baseline" in r]
        print(f" {statistics.median(r['baseline'] for r in with_base):,.0f} | {fmt_ratio([r['feedproxy'] / r['baseline'] for r in with_base])} |", end="")
    print()

print()
print("Server CPU time per request (user + system, all of the server's processes; median over rounds, microseconds).")
print("Less disturbed by other load than req/s: it is what each request costs, whoever else runs.")
print()
names = [s for s in ("nginx", "ceiling", "feedproxy", "baseline") if any(k[1] == s for k in cpu)]
with_baseline = "baseline" in names
print("| Case | " + " | ".join(f"{n} µs/req" for n in names) + " | FeedProxy CPU / ceiling CPU |" + (" FeedProxy CPU / baseline CPU |" if with_baseline else ""))
print("|---|" + "---:|" * (len(names) + 1 + with_baseline))
for case in cases:
    values = {n: statistics.median(cpu[(case, n)]) for n in names if cpu[(case, n)]}
    ratio = values["feedproxy"] / values["ceiling"] if values.get("ceiling") else float("nan")
    line = f"| {labels[case]} | " + " | ".join(f"{values.get(n, float('nan')):.1f}" for n in names) + f" | {ratio:.2f}x |"
    if with_baseline:
        line += f" {values['feedproxy'] / values['baseline']:.2f}x |" if values.get("baseline") else " |"
    print(line)

if alloc:
    print()
    print("Managed heap bytes FeedProxy allocated per request (growth of dotnet_gc_allocated_bytes_total over")
    print("a run divided by its requests; median, min-max over rounds; the /metrics scrapes around each run add a few KB per run).")
    print()
    alloc_names = [n for n in ("feedproxy", "baseline") if any(k[1] == n for k in alloc)]
    print("| Case | " + " | ".join(f"{n} bytes/req" for n in alloc_names) + " |")
    print("|---|" + "---:|" * len(alloc_names))
    for case in cases:
        cells = []
        for n in alloc_names:
            v = alloc[(case, n)]
            cells.append(f"{statistics.median(v):,.1f} ({min(v):,.1f}-{max(v):,.1f})" if v else "")
        print(f"| {labels[case]} | " + " | ".join(cells) + " |")

# The targets: FeedProxy's req/s against nginx's (median of the per-round ratios). The CPU
# column is the same comparison in CPU time (nginx µs / FeedProxy µs per request), which
# other load on the machine disturbs less; the verdict is the req/s one.
targets = {"gzip-demo": 0.9, "304-inm": 1.0, "304-ims": 1.0}
rows = [c for c in cases if c in targets]
if rows:
    print()
    print("Targets (FeedProxy / nginx, req/s; CPU: nginx µs per request / FeedProxy µs per request):")
    print()
    print("| Case | nginx req/s | FeedProxy req/s | FeedProxy / nginx | CPU ratio | target | |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for case in rows:
        rounds_c = [v for k, v in rps.items() if k[0] == case and all(s in v for s in servers)]
        ratio = statistics.median(r["feedproxy"] / r["nginx"] for r in rounds_c)
        ng, fp = (statistics.median(cpu[(case, n)]) if cpu[(case, n)] else float("nan") for n in ("nginx", "feedproxy"))
        print(f"| {labels[case]} | {statistics.median(r['nginx'] for r in rounds_c):,.0f} | {statistics.median(r['feedproxy'] for r in rounds_c):,.0f} | "
              f"{ratio:.2f}x | {ng / fp:.2f}x | >= {targets[case]:.1f}x | {'met' if ratio >= targets[case] else 'MISSED'} |")

print()
print(f"Rounds: {len(rounds)}; non-2xx/3xx responses and socket-error runs: {errors}.")
print()
print("Machine:")
print()
with open(machine_path, encoding="utf-8") as f:
    for line in f:
        print(f"    {line.rstrip()}")
