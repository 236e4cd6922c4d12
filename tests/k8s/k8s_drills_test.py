#!/usr/bin/env python3
"""Kubernetes HA drills (ctest label kubernetes): the exporter against real Flink JobManagers
that keep their leaders in ConfigMaps of fabric8's in-memory Kubernetes API server
(scripts/flink-cluster.py up --ha kubernetes). One bed start per Flink version.

Drills, each with the truth from Flink (its logs, REST) and the ConfigMaps themselves next to
the exporter's figures (/metrics):
  steady       leaders per component, lock holder and renew time
  leader-kill  SIGKILL of the leading JobManager: the standby takes over when the lease expires
  leader-term  SIGTERM of the leader: it releases the lock, the standby takes over at once
  tm-kill      SIGKILL of the TaskManager: the job restarts, no leader changes
  api-restart  the API server stopped and started again (ConfigMaps kept)

  k8s_drills_test.py --flink-version 2.3.0 --exporter BIN [--work-dir DIR] [--report FILE]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ports import free_ports  # noqa: E402

CLUSTER = os.path.join(ROOT, "scripts", "flink-cluster.py")
LEASE_MS = 8000
T0 = time.time()


def log(msg):
    print("[%6.1fs] %s" % (time.time() - T0, msg), flush=True)


def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def try_json(url):
    try:
        return json.loads(http_get(url))
    except (OSError, ValueError):
        return None


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def parse_metrics(text):
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out.append((m.group(1), labels, float(m.group(3))))
    return out


class Failure(Exception):
    pass


class Bed:
    def __init__(self, a, work):
        self.a = a
        self.work = work
        self.run_dir = os.path.join(work, "run")
        self.rest = free_ports(2)
        self.k8s_port = free_ports(1)[0]
        self.prom = free_ports(3, consecutive=True)[0]
        self.exporter_port = free_ports(1)[0]
        self.up = None
        self.exporter = None
        self.state = None
        self.results = []  # (drill, truth, exporter, ok)

    # ---- the bed ----
    def start(self):
        cmd = [sys.executable, CLUSTER, "up", "--ha", "kubernetes",
               "--flink-version", self.a.flink_version, "--dir", self.run_dir,
               "--k8s-port", str(self.k8s_port), "--rest-ports", "%d,%d" % tuple(self.rest),
               "--prom-ports-from", str(self.prom), "--taskmanagers", "1", "--parallelism", "1",
               "--checkpoint-interval", "2s", "--k8s-lease-ms", str(LEASE_MS),
               "--stop-on-stdin-eof", "--start-timeout", "180"]
        self.up_log = open(os.path.join(self.work, "up.log"), "w")
        self.up = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=self.up_log, text=True)
        deadline = time.time() + 300
        while time.time() < deadline:
            line = self.up.stdout.readline()
            if not line:
                break
            if line.startswith("READY "):
                with open(line.split()[1]) as f:
                    self.state = json.load(f)
                log("bed ready: Flink %s, API server %s" % (self.a.flink_version,
                                                          self.state["k8s_url"]))
                return
        self.up_log.flush()
        raise Failure("the bed did not start; see %s/up.log:\n%s" % (
            self.work, open(os.path.join(self.work, "up.log")).read()[-4000:]))

    def stop(self):
        if self.exporter and self.exporter.poll() is None:
            self.exporter.terminate()
            try:
                self.exporter.wait(10)
            except subprocess.TimeoutExpired:
                self.exporter.kill()
        if self.up and self.up.poll() is None:
            try:
                self.up.stdin.close()
            except OSError:
                pass
            try:
                self.up.wait(60)
            except subprocess.TimeoutExpired:
                self.up.kill()
                self.up.wait()

    def proc(self, name):
        with open(os.path.join(self.run_dir, "cluster.json")) as f:
            return json.load(f)["processes"][name]

    def kill(self, name, sig="KILL"):
        subprocess.run([sys.executable, CLUSTER, "kill", "--dir", self.run_dir, "--signal", sig,
                        name], check=True, capture_output=True)

    def restart(self, name):
        subprocess.run([sys.executable, CLUSTER, "restart", "--dir", self.run_dir, name],
                       check=True, capture_output=True, timeout=60)

    def configmaps(self):
        """The cluster's ConfigMaps from the API server, by name (truth); None if unreachable."""
        st = self.state
        url = "%s/api/v1/namespaces/%s/configmaps?labelSelector=app%%3D%s" % (
            st["k8s_url"], st["k8s_namespace"], st["k8s_cluster_id"])
        j = try_json(url)
        if j is None:
            return None
        return {i["metadata"]["name"]: i for i in j.get("items", [])}

    def leader_record(self):
        cms = self.configmaps() or {}
        cm = cms.get(self.state["k8s_cluster_id"] + "-cluster-config-map")
        if not cm:
            return None, {}
        ann = (cm["metadata"].get("annotations") or {}).get(
            "control-plane.alpha.kubernetes.io/leader")
        return (json.loads(ann) if ann else None), cm.get("data") or {}

    def rest_leader_url(self):
        """The REST leader's URL as the cluster ConfigMap says (truth)."""
        _, data = self.leader_record()
        v = data.get("org.apache.flink.k8s.leader.restserver", "")
        return v.split(",", 1)[1] if "," in v else None

    def published_by(self, name):
        """True when the REST endpoint, dispatcher and resource manager keys of the cluster
        ConfigMap all hold one leader session and the REST address is NAME's (truth)."""
        _, data = self.leader_record()
        values = [data.get("org.apache.flink.k8s.leader." + k, "")
                  for k in ("restserver", "dispatcher", "resourcemanager")]
        if not all("," in v for v in values):
            return False
        sessions = {v.split(",", 1)[0] for v in values}
        return len(sessions) == 1 and self.jm_of_url(values[0].split(",", 1)[1]) == name

    def jm_of_url(self, url):
        for i, port in enumerate(self.rest, 1):
            if url == "http://127.0.0.1:%d" % port:
                return "jm-%d" % i
        return None

    # ---- the exporter ----
    def start_exporter(self):
        st = self.state
        cfg = os.path.join(self.work, "exporter.yml")
        with open(cfg, "w") as f:
            f.write("listen: \"127.0.0.1:%d\"\nstate_dir: \"\"\nlog:\n  level: info\n"
                    "clusters:\n  - name: k8s-bed\n    poll_interval: 1s\n"
                    "    request_timeout: 900ms\n    jobmanagers:\n" % self.exporter_port)
            for i, port in enumerate(self.rest, 1):
                f.write("      - name: jm-%d\n        url: http://127.0.0.1:%d\n"
                        "        advertised: 127.0.0.1:%d\n" % (i, port, port))
            f.write("    kubernetes:\n      kubeconfig: %s\n      namespace: %s\n"
                    "      cluster_id: %s\n" % (st["kubeconfig"], st["k8s_namespace"],
                                               st["k8s_cluster_id"]))
        self.exporter_log = open(os.path.join(self.work, "exporter.log"), "w")
        self.exporter = subprocess.Popen([self.a.exporter, "--config.file", cfg],
                                         stdout=self.exporter_log, stderr=subprocess.STDOUT)
        self.wait("the exporter's /metrics", lambda: self.metrics() is not None, 30)

    def metrics(self):
        try:
            return parse_metrics(http_get("http://127.0.0.1:%d/metrics" % self.exporter_port))
        except OSError:
            return None

    def metric(self, name, **labels):
        for n, l, v in self.metrics() or []:
            if n == name and all(l.get(k) == want for k, want in labels.items()):
                return v
        return None

    def exported_leader(self, component="rest_server"):
        for n, l, v in self.metrics() or []:
            if n == "flinkha_leader_info" and l.get("component") == component and v == 1:
                return l.get("jobmanager")
        return None

    # ---- helpers ----
    def wait(self, what, cond, timeout, step=0.2):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = cond()
            if v:
                return v
            time.sleep(step)
        raise Failure("timed out after %ds waiting for %s" % (timeout, what))

    def record(self, drill, truth, exporter, ok):
        self.results.append((drill, truth, exporter, ok))
        log("%s %s: truth %s | exporter %s" % ("ok" if ok else "FAIL", drill, truth, exporter))
        if not ok:
            raise Failure("%s: truth %s, exporter %s" % (drill, truth, exporter))

    def granted_at(self, name, since):
        """When NAME's log says its REST endpoint was granted leadership after `since` (truth)."""
        port = self.rest[int(name[-1]) - 1]
        pat = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*http://127\.0\.0\.1:%d was "
                         r"granted leadership" % port)
        with open(self.proc(name)["log"], errors="replace") as f:
            for line in f:
                m = pat.match(line)
                if m:
                    t = time.mktime(time.strptime(m.group(1)[:19], "%Y-%m-%d %H:%M:%S")) + \
                        int(m.group(1)[20:]) / 1000.0
                    if t >= since - 1:
                        return t
        return None

    # ---- drills ----
    def steady(self):
        rec, data = self.leader_record()
        truth = self.jm_of_url(self.rest_leader_url())
        exp = self.wait("the exporter to name the REST leader",
                        lambda: self.exported_leader("rest_server"), 30)
        self.record("steady: REST leader", truth, exp, truth == exp)
        for comp in ("dispatcher", "resource_manager"):
            known = self.metric("flinkha_leader_known", flink_cluster="k8s-bed", component=comp)
            key = {"dispatcher": "dispatcher", "resource_manager": "resourcemanager"}[comp]
            self.record("steady: %s leader known" % comp,
                        bool(data.get("org.apache.flink.k8s.leader." + key)), known == 1,
                        bool(data.get("org.apache.flink.k8s.leader." + key)) == (known == 1))
        held = self.metric("flinkha_kubernetes_lock_held", flink_cluster="k8s-bed")
        self.record("steady: lock held", bool(rec and rec.get("holderIdentity")), held == 1,
                    bool(rec and rec.get("holderIdentity")) == (held == 1))
        trans = self.metric("flinkha_kubernetes_lock_leader_transitions", flink_cluster="k8s-bed")
        self.record("steady: leaderTransitions", rec.get("leaderTransitions"), trans,
                    trans is not None and trans == rec.get("leaderTransitions"))
        jobs = try_json("http://127.0.0.1:%d/jobs/overview" % self.rest[0]) or {}
        jid = self.state["job"]["id"]
        known = self.metric("flinkha_job_leader_known", flink_cluster="k8s-bed", job_id=jid)
        truth_job = any(k.endswith(jid) for k in data)
        self.record("steady: job leader known", truth_job, known, truth_job == (known == 1))
        return jobs

    def leader_change(self, drill, sig):
        old = self.jm_of_url(self.rest_leader_url())
        new = "jm-2" if old == "jm-1" else "jm-1"
        before = self.metric("flinkha_failovers_total", flink_cluster="k8s-bed") or 0
        t_kill = time.time()
        self.kill(old, sig)
        log("%s: SIG%s to %s" % (drill, sig, old))
        self.wait("the ConfigMap to name %s for every component" % new,
                  lambda: self.published_by(new), 90, 0.05)
        t_cm = time.time()
        granted = self.wait("%s's log to say it was granted leadership" % new,
                            lambda: self.granted_at(new, t_kill), 30)
        truth_s = granted - t_kill
        self.wait("the exporter to count the failover",
                  lambda: (self.metric("flinkha_failovers_total", flink_cluster="k8s-bed") or 0)
                  > before, 30)
        exp_leader = self.wait("the exporter to name the new leader",
                               lambda: self.exported_leader("rest_server"), 30)
        dur = self.metric("flinkha_last_failover_duration_seconds", flink_cluster="k8s-bed")
        self.record("%s: new REST leader" % drill, new, exp_leader, exp_leader == new)
        self.record("%s: failovers_total" % drill, before + 1,
                    self.metric("flinkha_failovers_total", flink_cluster="k8s-bed"),
                    self.metric("flinkha_failovers_total", flink_cluster="k8s-bed") == before + 1)
        # The exporter sees leaderless time from the ConfigMaps: from the data keys going away
        # (SIGTERM) or never (SIGKILL: the old leader's keys stay until the new one writes).
        # The exporter's failover runs from its first evidence (the REST endpoint refusing, or
        # the leader keys gone) to the ConfigMap naming the new leader: within a poll interval
        # (1 s) and a request of Flink's own signal -> granted time; 3 s allows for the load.
        self.record("%s: takeover seconds (signal->granted in log | exporter's last failover "
                    "duration)" % drill, round(truth_s, 2), dur,
                    dur is not None and abs(dur - truth_s) <= 3.0)
        # The same takeover against the ConfigMap itself: when all three components' keys held
        # the new leader's session (polled every 50 ms). The exporter's failover starts at its
        # first evidence of the loss, within a poll interval and a request timeout (1.9 s) after
        # the signal, and ends when it sees the keys: on this bed at its next list, within a
        # poll interval (1 s), as fabric8's mock serves no chunked watch (docs/flink-facts.md).
        published_s = t_cm - t_kill
        self.record("%s: takeover seconds (signal->all components published in the ConfigMap | "
                    "exporter's last failover duration)" % drill, round(published_s, 2), dur,
                    dur is not None and published_s - 2.0 <= dur <= published_s + 1.5)
        self.restart(old)
        self.wait("%s's REST API again" % old,
                  lambda: try_json("http://127.0.0.1:%d/overview" % self.rest[int(old[-1]) - 1]),
                  120)
        return truth_s, dur

    def tm_kill(self):
        jid = self.state["job"]["id"]
        leader = self.jm_of_url(self.rest_leader_url())
        port = self.rest[int(leader[-1]) - 1]
        before = self.metric("flinkha_failovers_total", flink_cluster="k8s-bed") or 0
        changes = self.metric("flinkha_leader_changes_total", flink_cluster="k8s-bed",
                              component="rest_server") or 0
        self.kill("tm-1")
        log("tm-kill: SIGKILL to tm-1")
        self.restart("tm-1")

        def running_again():
            j = try_json("http://127.0.0.1:%d/jobs/%s" % (port, jid))
            return j and j.get("state") == "RUNNING" and all(
                v["status"] == "RUNNING" for v in j.get("vertices", []))
        time.sleep(2)
        self.wait("the job to run again", running_again, 120)
        self.record("tm-kill: REST leader unchanged", leader, self.exported_leader(),
                    self.exported_leader() == leader)
        after = self.metric("flinkha_failovers_total", flink_cluster="k8s-bed") or 0
        self.record("tm-kill: failovers_total unchanged", before, after, after == before)
        ch = self.metric("flinkha_leader_changes_total", flink_cluster="k8s-bed",
                         component="rest_server") or 0
        self.record("tm-kill: leader changes unchanged", changes, ch, ch == changes)

    def api_restart(self):
        self.kill("k8s-api", "TERM")
        t_stop = time.time()
        log("api-restart: SIGTERM to k8s-api")
        self.wait("the exporter to see the API server gone",
                  lambda: self.metric("flinkha_kubernetes_api_reachable",
                                      flink_cluster="k8s-bed") == 0, 30)
        seen = time.time() - t_stop
        self.record("api-restart: API server down", "unreachable",
                    "api_reachable 0 after %.1fs" % seen, True)
        time.sleep(max(0, 3 - seen))
        self.restart("k8s-api")
        self.wait("the API server again", lambda: self.configmaps() is not None, 60)
        back = self.wait("the exporter to reach the API server again",
                         lambda: self.metric("flinkha_kubernetes_api_reachable",
                                             flink_cluster="k8s-bed") == 1, 60)
        truth = self.jm_of_url(self.rest_leader_url() or "")
        exp = self.wait("a leader in the exporter",
                        lambda: self.exported_leader("rest_server"), 60)
        self.record("api-restart: REST leader after the restart", truth, exp,
                    truth is None or exp == truth)
        return back

    def report(self, path):
        with open(path, "w") as f:
            f.write("# Kubernetes HA drills, Flink %s\n\n| drill | truth | exporter | ok |\n"
                    "|---|---|---|---|\n" % self.a.flink_version)
            for d, t, e, ok in self.results:
                f.write("| %s | %s | %s | %s |\n" % (d, t, e, "yes" if ok else "NO"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flink-version", required=True)
    ap.add_argument("--exporter", required=True)
    ap.add_argument("--work-dir")
    ap.add_argument("--report")
    ap.add_argument("--drills", default="steady,leader-kill,leader-term,tm-kill,api-restart")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    work = a.work_dir or tempfile.mkdtemp(prefix="flinkha-k8s-")
    os.makedirs(work, exist_ok=True)
    bed = Bed(a, work)
    code = 0
    try:
        bed.start()
        bed.start_exporter()
        drills = a.drills.split(",")
        if "steady" in drills:
            bed.steady()
        if "leader-kill" in drills:
            bed.leader_change("leader-kill", "KILL")
        if "leader-term" in drills:
            bed.leader_change("leader-term", "TERM")
        if "tm-kill" in drills:
            bed.tm_kill()
        if "api-restart" in drills:
            bed.api_restart()
    except Failure as e:
        log("FAILED: %s" % e)
        code = 1
    finally:
        bed.stop()
        if a.report:
            bed.report(a.report)
        if code == 0 and not a.keep and not a.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    passed = sum(1 for r in bed.results if r[3])
    failed = len(bed.results) - passed + (1 if code and all(r[3] for r in bed.results) else 0)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
