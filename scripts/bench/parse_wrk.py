#!/usr/bin/env python3
"""One TSV line from a wrk --latency report: name, requests/s, p50/p99 latency (ms), errors."""
import re
import sys

name, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()


def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
total = re.search(r"(\d+) requests in", text).group(1)
print(f"{name}\t{rps:.0f}\t{p50:.3f}\t{p99:.3f}\t{total}\t{non2xx.group(1) if non2xx else 0}\t{errors.group(0) if errors else ''}")
