#!/usr/bin/env python3
"""Smoke test of the real Flink HA deployment (scripts/flink-cluster.py) for one Flink version.

Starts ZooKeeper, two JobManagers, 3 TaskManagers x 4 slots and the CSV job on free ports, then
checks what Flink itself reports: REST /overview and /jobs/overview, one task per TaskManager, a
committed part-*.csv with `seq,epoch_ms,key-N,value` rows, the ZooKeeper HA layout (leader data,
latch, a %019d checkpoint node), Flink's PrometheusReporter; stops the cluster and checks that no
process of it is left. Prints the time to a RUNNING job with a committed file.

  smoke_test.py --flink-version 2.3.0 [--work-dir DIR] [--keep]
"""

import argparse
import glob
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ports import free_ports  # noqa: E402

CLUSTER = os.path.join(ROOT, "scripts", "flink-cluster.py")
ROW = re.compile(r"^\d+,\d{13},key-\d+,\d+$")


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.read().decode()


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok: " + what, flush=True)


def zk_ls(run_dir, base):
    out = subprocess.run([sys.executable, CLUSTER, "zk", "--dir", run_dir, "--", "ls", "-R", base],
                         capture_output=True, text=True, timeout=60).stdout
    return [line for line in out.splitlines() if line.startswith("/")]


def zk_get(run_dir, path):
    return subprocess.run([sys.executable, CLUSTER, "zk", "--dir", run_dir, "--", "get", path],
                          capture_output=True, timeout=60).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flink-version", required=True)
    ap.add_argument("--work-dir", help="parent of the run directory (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the run directory")
    a = ap.parse_args()
    parent = a.work_dir or tempfile.gettempdir()
    os.makedirs(parent, exist_ok=True)
    run_dir = tempfile.mkdtemp(prefix="flink-smoke-%s-" % a.flink_version, dir=parent)
    zk_port, rest1, rest2 = free_ports(3)
    prom = free_ports(5, consecutive=True)
    cmd = [sys.executable, CLUSTER, "up", "--flink-version", a.flink_version, "--dir", run_dir,
           "--zk-port", str(zk_port), "--rest-ports", "%d,%d" % (rest1, rest2),
           "--taskmanagers", "3", "--slots", "4", "--parallelism", "3",
           "--checkpoint-interval", "3s", "--session-timeout-ms", "6000",
           "--prom-ports-from", str(prom[0]), "--wait-commit", "--stop-on-stdin-eof"]
    print("+ " + " ".join(cmd), flush=True)
    t0 = time.time()
    # stdin is our pipe: closing it stops the cluster; progress (stderr) goes to the test log.
    up = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ok = False
    state = None
    try:
        ready = None
        deadline = t0 + 300
        while ready is None:
            r, _, _ = select.select([up.stdout], [], [], max(0, deadline - time.time()))
            line = up.stdout.readline() if r else ""
            if not line:
                raise AssertionError("flink-cluster.py up exited (%s) or timed out before READY"
                                     % up.poll())
            print(line, end="", flush=True)
            if line.startswith("READY "):
                ready = line.split(" ", 1)[1].strip()
        t_ready = time.time() - t0
        with open(ready) as f:
            state = json.load(f)
        jid = state["job"]["id"]

        overview = json.loads(get(rest1, "/overview"))
        check(overview["taskmanagers"] == 3, "/overview: 3 TaskManagers (%s)" % overview["taskmanagers"])
        check(overview["slots-total"] == 12, "/overview: 12 slots (%s)" % overview["slots-total"])
        check(overview.get("flink-version") == a.flink_version,
              "/overview: flink-version %s" % overview.get("flink-version"))
        jobs = json.loads(get(rest2, "/jobs/overview"))["jobs"]  # the standby forwards
        check([(j["jid"], j["state"]) for j in jobs] == [(jid, "RUNNING")],
              "/jobs/overview (standby jm-2): one job RUNNING: %s" % [(j["jid"], j["state"]) for j in jobs])
        cpc = json.loads(get(rest1, "/jobs/%s/checkpoints/config" % jid))
        check(cpc["interval"] == 3000 and cpc["mode"].lower() == "exactly_once",
              "checkpoints exactly-once every 3000 ms (%s, %s)" % (cpc["mode"], cpc["interval"]))
        tms = json.loads(get(rest1, "/taskmanagers"))["taskmanagers"]
        check(sorted(t["slotsNumber"] - t["freeSlots"] for t in tms) == [1, 1, 1],
              "one task slot used on each TaskManager (evenly spread)")

        files = [f for f in glob.glob(os.path.join(state["output_dir"], "*", "part-*.csv"))]
        check(files, "a committed part-*.csv in %s" % state["output_dir"])
        check(re.fullmatch(r"\d{4}-\d\d-\d\d--\d\d", os.path.basename(os.path.dirname(files[0]))),
              "bucket directory yyyy-MM-dd--HH (%s)" % os.path.basename(os.path.dirname(files[0])))
        rows = [r for f in files for r in open(f).read().splitlines()]
        check(rows and all(ROW.match(r) for r in rows),
              "%d committed rows of the form seq,epoch_ms,key-N,value (e.g. %s)" % (len(rows), rows[:1]))

        base = state["ha_base"]
        check(base == "/flink/realtime-pipeline", "HA base " + base)
        deadline = time.time() + 60
        while True:
            tree = zk_ls(run_dir, base)
            cps = [p for p in tree if re.fullmatch(re.escape(base) + r"/jobs/%s/checkpoints/\d{19}" % jid, p)]
            if cps or time.time() > deadline:
                break
            time.sleep(2)
        print("ZooKeeper tree under %s:\n  %s" % (base, "\n  ".join(sorted(tree))), flush=True)
        check(cps, "checkpoint pointer jobs/%s/checkpoints/<%%019d> (%s)" % (jid, cps))
        for c in ("rest_server", "dispatcher", "resource_manager"):
            check(base + "/leader/%s/connection_info" % c in tree, "leader/%s/connection_info" % c)
        # The JobMaster's leader node is job-<jid> from 1.19, <jid> before.
        job_node = jid if a.flink_version.startswith("1.18.") else "job-" + jid
        check(base + "/leader/%s/connection_info" % job_node in tree, "leader/%s/connection_info" % job_node)
        latch = [p for p in tree if p.startswith(base + "/leader/latch/")]
        check(len(latch) == 2, "two JobManagers contend on leader/latch (%d children)" % len(latch))
        data = zk_get(run_dir, base + "/leader/rest_server/connection_info")
        # zkCli prints the bytes as text: the writeUTF'd address shows, the serialization header not.
        check(("http://127.0.0.1:%d" % rest1).encode() in data,
              "rest_server connection_info holds jm-1's address http://127.0.0.1:%d" % rest1)
        check("imok" in zk_4lw(zk_port, "ruok"), "ZooKeeper answers ruok")

        metrics = get(state["prom_ports"]["jm-1"], "/metrics")
        check(re.search(r"^flink_jobmanager_numRegisteredTaskManagers(\{[^}]*\})? 3\.0$", metrics, re.M),
              "jm-1 PrometheusReporter: flink_jobmanager_numRegisteredTaskManagers 3.0")
        metrics = get(state["prom_ports"]["tm-1"], "/metrics")
        check("flink_taskmanager_" in metrics, "tm-1 PrometheusReporter serves flink_taskmanager_*")
        t = state["timings"]
        print("TIMING flink %s: job RUNNING %.1fs, first committed file %.1fs, READY %.1fs after start"
              % (a.flink_version, t["running_s"], t["first_commit_s"], t_ready), flush=True)
        ok = True
    finally:
        t_stop = time.time()
        try:
            up.stdin.close()  # --stop-on-stdin-eof
            up.wait(60)
        except subprocess.TimeoutExpired:
            up.send_signal(signal.SIGTERM)
            up.wait(30)
        print("cluster stopped in %.1fs (exit %s)" % (time.time() - t_stop, up.returncode), flush=True)
        if state:
            pids = {n: p["pid"] for n, p in state["processes"].items()}
            time.sleep(0.5)
            left = [n for n, pid in pids.items() if alive(pid)]
            if left:
                for n in left:
                    os.kill(pids[n], signal.SIGKILL)
                ok = False
                print("FAIL: processes left after stop: %s" % left, flush=True)
            else:
                print("ok: no process of the cluster left", flush=True)
        if ok and up.returncode != 0:
            print("FAIL: flink-cluster.py up exited with %s" % up.returncode)
            ok = False
        if not ok:
            for log in sorted(glob.glob(os.path.join(run_dir, "log", "jm-1.log"))):
                print("--- tail of %s" % log)
                print("".join(open(log, errors="replace").readlines()[-30:]))
        if ok and not a.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print("run directory kept: " + run_dir)
    return 0 if ok else 1


def zk_4lw(port, cmd):
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(cmd.encode())
        return s.recv(100).decode()


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAIL: %s" % e, flush=True)
        sys.exit(1)
