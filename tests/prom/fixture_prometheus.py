#!/usr/bin/env python3
"""Runs dashboard_queries.py against a real Prometheus scraping the fixture exposition.

Starts `python3 -m http.server` serving tests/prom/fixtures/ (metrics.prom holds every contract
metric) and Prometheus on free loopback ports with the project's rules, waits until the rules
have evaluated on scraped data, runs the dashboard queries, and stops both, whatever happens.
  fixture_prometheus.py [--prometheus-bin prometheus] [-- dashboard_queries.py arguments]
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from child_process import die_with_parent, free_port, stop

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=2) as r:
        return json.load(r)


def wait_for(what, probe, deadline):
    last = None
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except OSError as e:  # not listening yet
            last = e
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what} (last error: {last})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prometheus-bin", default=shutil.which("prometheus") or "prometheus")
    parser.add_argument("--timeout", type=float, default=30, help="seconds for start-up")
    parser.add_argument("--self-check", action="store_true",
                        help="also check that dashboard_queries.py reports an empty panel")
    parser.add_argument("rest", nargs=argparse.REMAINDER,
                        help="arguments for dashboard_queries.py after --")
    args = parser.parse_args(argv)
    extra = [a for a in args.rest if a != "--"]

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="flinkha-prom-"))
    http_port, prom_port = free_port(), free_port()
    # Prometheus scrapes /metrics; serve the fixture under that name.
    shutil.copy(HERE / "fixtures/metrics.prom", tmp / "metrics")
    shutil.copy(ROOT / "config/prometheus/flinkha-rules.yml", tmp / "flinkha-rules.yml")
    (tmp / "prometheus.yml").write_text(f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [flinkha-rules.yml]
scrape_configs:
  - job_name: flink-ha-exporter
    static_configs:
      - targets: ["127.0.0.1:{http_port}"]
""")
    server = prom = None
    log = open(tmp / "processes.log", "w")
    try:
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(http_port), "--bind", "127.0.0.1",
             "--directory", str(tmp)], stdout=log, stderr=log,
            preexec_fn=die_with_parent)
        prom = subprocess.Popen(
            [args.prometheus_bin, f"--config.file={tmp / 'prometheus.yml'}",
             f"--storage.tsdb.path={tmp / 'data'}",
             f"--web.listen-address=127.0.0.1:{prom_port}"], stdout=log, stderr=log,
            preexec_fn=die_with_parent)
        base = f"http://127.0.0.1:{prom_port}"
        deadline = time.monotonic() + args.timeout

        def ready():
            if prom.poll() is not None:
                raise RuntimeError(f"prometheus exited with {prom.returncode}")
            # Two scrapes (for rate/increase) and the recording rules evaluated on them.
            q = "count_over_time(flinkha_build_info[1m]) >= 2 and on () " \
                "count(flink_cluster_job_id:flinkha_checkpoint_age_seconds:current) > 0"
            data = get_json(f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": q}))
            return bool(data["data"]["result"])

        started = time.monotonic()
        wait_for("prometheus to scrape the fixture and evaluate the rules", ready, deadline)
        print(f"prometheus ready after {time.monotonic() - started:.1f}s")
        queries = [sys.executable, str(HERE / "dashboard_queries.py"), "--prometheus", base]
        rc = subprocess.call([*queries, *extra])
        if not args.self_check:
            return rc
        # The checker itself must notice an empty panel, and accept it once allowed.
        empty = str(HERE / "fixtures/empty-panel-dashboard.json")
        run = subprocess.run([*queries, empty], capture_output=True, text=True)
        if run.returncode != 1 or "no data: fixture-empty/Nothing" not in run.stderr \
                or "fixture-empty/Has data" in run.stderr:
            print(f"self-check: expected exactly fixture-empty/Nothing reported empty, got "
                  f"exit {run.returncode}: {run.stderr}", file=sys.stderr)
            return 1
        allowed = subprocess.run([*queries, "--allow-empty", "fixture-empty/Nothing", empty],
                                 capture_output=True, text=True)
        if allowed.returncode != 0:
            print(f"self-check: an allowed empty panel failed: {allowed.stderr}",
                  file=sys.stderr)
            return 1
        print("self-check: empty panels are reported, allowed ones accepted")
        return rc
    except (TimeoutError, RuntimeError) as e:
        print(f"fixture_prometheus.py: {e}", file=sys.stderr)
        log.flush()
        sys.stderr.write((tmp / "processes.log").read_text()[-4000:])
        return 1
    finally:
        stop(prom)
        stop(server)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
