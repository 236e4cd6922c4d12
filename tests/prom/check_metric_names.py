#!/usr/bin/env python3
"""The metric names the rules and dashboards may use (metric_names.txt) are exactly the metric
families the exporter emits (the `# TYPE` lines of the all-metrics golden file)."""
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parents[2]
listed = {l.strip() for l in (root / "tests/prom/metric_names.txt").read_text().splitlines()
          if l.strip() and not l.startswith("#")}
emitted = {l.split()[2] for l in (root / "tests/fixtures/golden/metrics_all.txt").read_text().splitlines()
           if l.startswith("# TYPE ")}
ok = True
for name in sorted(listed - emitted):
    print(f"metric_names.txt lists {name}, which the exporter never emits")
    ok = False
for name in sorted(emitted - listed):
    print(f"the exporter emits {name}, missing from tests/prom/metric_names.txt")
    ok = False
print("metric names match" if ok else "metric names differ")
sys.exit(0 if ok else 1)
