#!/usr/bin/env python3
"""Records the REST answers the diagnosis features parse, from real Flink, into
tests/fixtures/flink-real/<version>/ (issue 20): a job's exception history, its
details (vertex backpressure metrics, state timestamps), its checkpoint
statistics with a failed checkpoint, and the job list while a TaskManager is
lost. The job runs with drill markers (flink/job DrillControl): `fail` makes
one record fail, `fail-checkpoint` one snapshot, `slow` slows the records down.

  flock /tmp/flinkha-heavy.lock tests/flink/record_diagnosis.py --flink-version 2.3.0 \
      --out tests/fixtures/flink-real
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ports import free_ports  # noqa: E402


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.read().decode()


def wait(what, cond, timeout, step=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            v = cond()
            if v:
                return v
        except Exception:  # noqa: BLE001 - REST not answering yet
            pass
        time.sleep(step)
    raise SystemExit("timed out waiting for " + what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flink-version", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = os.path.join(a.out, a.flink_version)
    os.makedirs(out, exist_ok=True)
    run = tempfile.mkdtemp(prefix="flinkha-record-")
    markers = os.path.join(run, "markers")
    os.makedirs(markers)
    port, port2, zk = free_ports(3)
    up = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "scripts/flink-cluster.py"), "up",
         "--flink-version", a.flink_version, "--dir", run + "/run", "--zk-port", str(zk),
         "--rest-ports", "%d,%d" % (port, port2), "--prom-ports-from", str(24000 + os.getpid() % 5000),
         "--checkpoint-interval", "3s", "--rows-per-second", "50", "--marker-dir", markers,
         "--wait-commit", "--stop-on-stdin-eof"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in up.stdout:
            print(line, end="")
            if line.startswith("READY "):
                break
        else:
            raise SystemExit("cluster did not start")
        state = json.load(open(run + "/run/cluster.json"))
        jid = state["job"]["id"]
        base = "/jobs/" + jid

        def save(path, name):
            body = get(port, path)
            with open(os.path.join(out, name), "w") as f:
                f.write(body)
            print("saved", name, len(body), "bytes")
            return body

        save(base + "/exceptions", "exceptions_none.json")
        save("/jobs/overview", "jobs_overview_tasks.json")
        # Backpressure: the operator after the source sleeps, the source waits. Flink's
        # metric store fills on the first request and refreshes every 10 s: two answers
        # some seconds apart show the accumulated times moving.
        get(port, base)
        with open(os.path.join(markers, "slow"), "w") as f:
            f.write("500")
        time.sleep(25)
        save(base, "job_backpressured_1.json")
        time.sleep(12)
        save(base, "job_backpressured_2.json")
        os.remove(os.path.join(markers, "slow"))
        time.sleep(3)
        # A task failure Flink records in the exception history.
        open(os.path.join(markers, "fail"), "w").close()
        wait("an exception in the history",
             lambda: json.loads(get(port, base + "/exceptions"))["exceptionHistory"]["entries"], 60)
        wait("the job RUNNING again", lambda: json.loads(get(port, base))["state"] == "RUNNING", 60)
        time.sleep(2)
        save(base + "/exceptions", "exceptions.json")
        save(base + "/exceptions?maxExceptions=1", "exceptions_max1.json")
        save(base, "job.json")
        # A failed checkpoint (the restart above may have aborted one already).
        failed = json.loads(get(port, base + "/checkpoints"))["counts"]["failed"]
        open(os.path.join(markers, "fail-checkpoint"), "w").close()

        def failed_listed():
            c = json.loads(get(port, base + "/checkpoints"))
            return c["counts"]["failed"] > failed and c["latest"]["failed"]
        wait("a failed checkpoint", failed_listed, 60)
        time.sleep(1)
        save(base + "/checkpoints", "checkpoints_failed.json")
        wait("the job RUNNING again", lambda: json.loads(get(port, base))["state"] == "RUNNING", 60)
        time.sleep(2)
        save(base + "/exceptions", "exceptions_after_checkpoint_failure.json")
        # A TaskManager lost: its pipelined region restarts, the job stays RUNNING.
        tm = state["processes"]["tm-1"]["pid"]
        os.kill(tm, signal.SIGKILL)

        def tasks_not_running():
            j = json.loads(get(port, "/jobs/overview"))["jobs"][0]
            return j["state"] == "RUNNING" and j["tasks"]["running"] < j["tasks"]["total"] and j
        wait("tasks not running in a RUNNING job", tasks_not_running, 60, step=0.1)
        save("/jobs/overview", "jobs_overview_tm_lost.json")
        save(base, "job_tm_lost.json")
    finally:
        up.stdin.close()
        try:
            up.wait(60)
        except subprocess.TimeoutExpired:
            up.kill()


if __name__ == "__main__":
    main()
