#!/usr/bin/env python3
"""The reference deployment in containers (packaging/container/compose.yaml), drilled.

Starts the compose stack with local images (scripts/docker-bed.sh builds them): ZooKeeper,
jobmanager + jobmanager-standby (host ports 8081/8082), taskmanager x3 (4 slots each), the CSV
job, flink-ha-exporter, Prometheus and Alertmanager. Ground truth comes from Flink itself: its
REST API, its logs (`docker logs`) and its znodes (zkCli.sh in the ZooKeeper container); files and
rows from the output volume. Each drill prints the truth next to the exporter's figures:
  steady      leaders named jobmanager/jobmanager-standby, 2 contenders, 3 TMs / 12 slots, job
              RUNNING, committed files and rows; the exporter healthy, non-root, read-only root
  kill        `docker-compose kill` of the leader's container: one failover, the new leader, job
              RUNNING again, the restored checkpoint
  taskmanager `docker stop` of one TaskManager container: 3 -> 2, job recovers; started: 3
  restart     the exporter's container restarted: same cluster state
  fragment    packaging/container/exporter-compose.yaml as a second project joining the stack
  docker-run  the manual's `docker run` against the stack
  host-view   the exporter binary on the host with config/flink-ha-exporter.yml (the Debian
              package's configuration): JobManagers on 8081/8082 (--exporter-binary)
Everything the test makes (containers, networks, volumes) is removed at the end, also on failure
or SIGTERM/SIGINT (the finally below); images are a cache and stay.

  drills.py --flink-version 1.20.5 [--keep-on-failure] [--only steady,kill,...]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ports import free_ports, port_free  # noqa: E402
CONTAINER_DIR = os.path.join(ROOT, "packaging", "container")
COMPOSE = os.path.join(CONTAINER_DIR, "compose.yaml")
FRAGMENT = os.path.join(CONTAINER_DIR, "exporter-compose.yaml")
CACHE = os.environ.get("FLINKHA_CACHE") or os.path.expanduser("~/.cache/flink-ha-exporter")
DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"
COMPONENTS = ("dispatcher", "resource_manager", "rest_server")
ALL_DRILLS = ("steady", "kill", "taskmanager", "restart", "fragment", "docker-run", "host-view")
T0 = time.time()


class Fail(Exception):
    pass


def log(msg):
    print("[%6.1fs] %s" % (time.time() - T0, msg), flush=True)


def run(cmd, check=True, env=None, timeout=300):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=env, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise Fail("%s failed (exit %d):\n%s" % (" ".join(cmd), r.returncode, r.stdout[-3000:]))
    return r.stdout


def http(port, path, timeout=4):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError):
        return None, ""


def rest(port, path):
    code, body = http(port, path)
    if code != 200:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def wait(what, cond, timeout, step=1.0):
    deadline = time.time() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.time() > deadline:
            raise Fail("timed out after %ds waiting for %s" % (timeout, what))
        time.sleep(step)


def parse_metrics(text):
    """{(name, frozenset(labels)): value} of a Prometheus text page."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)', line)
        if not m:
            continue
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        try:
            out[(m.group(1), labels)] = float(m.group(4))
        except ValueError:
            pass
    return out


def series(metrics, name, **want):
    """[(labels dict, value)] of a metric whose labels include `want`."""
    res = []
    for (n, labels), v in metrics.items():
        d = dict(labels)
        if n == name and all(d.get(k) == w for k, w in want.items()):
            res.append((d, v))
    return res


def one(metrics, name, **want):
    s = series(metrics, name, **want)
    return s[0][1] if len(s) == 1 else None


class Stack:
    def __init__(self, a):
        self.a = a
        self.project = "flinkha-ct-%d" % os.getpid()
        self.addon = self.project + "-addon"
        self.run_name = self.project + "-run"
        # Published by Docker on every address, hence checked on 0.0.0.0.
        names = ["exporter", "prometheus", "alertmanager", "zookeeper", "addon", "run"]
        self.ports = dict(zip(names, free_ports(len(names), host="0.0.0.0")))
        jar = os.path.join(CACHE, "flink-" + a.flink_version, "job", "realtime-pipeline-job.jar")
        self.env = dict(os.environ,
                        FLINK_IMAGE="flinkha-local/flink:" + a.flink_version,
                        ZOOKEEPER_IMAGE="flinkha-local/zookeeper:3.8",
                        PROMETHEUS_IMAGE="flinkha-local/prometheus:2.42",
                        ALERTMANAGER_IMAGE="flinkha-local/alertmanager:0.25",
                        FLINKHA_EXPORTER_IMAGE=a.exporter_image,
                        FLINK_JOB_JAR=jar,
                        FLINK_PUBLISH_ADDRESS="127.0.0.1", FLINKHA_PUBLISH_ADDRESS="127.0.0.1",
                        ZOOKEEPER_PUBLISH_ADDRESS="127.0.0.1",
                        FLINKHA_EXPORTER_PORT=str(self.ports["exporter"]),
                        PROMETHEUS_PORT=str(self.ports["prometheus"]),
                        ALERTMANAGER_PORT=str(self.ports["alertmanager"]),
                        ZOOKEEPER_PORT=str(self.ports["zookeeper"]))
        self.jar = jar
        self.results = []  # (drill, what, truth, exporter)

    # ---- docker ----
    def compose(self, *args, project=None, file=COMPOSE, check=True, env=None, timeout=300):
        return run(["docker-compose", "-p", project or self.project, "-f", file] + list(args),
                   check=check, env=env or self.env, timeout=timeout)

    def cname(self, service, index=1):
        return "%s_%s_%d" % (self.project, service, index)

    def docker(self, *args, check=True, timeout=120):
        return run([DOCKER] + list(args), check=check, timeout=timeout)

    def logs_tail(self, container, lines=40):
        return run([DOCKER, "logs", "--tail", str(lines), container], check=False)

    # ---- preflight ----
    def preflight(self):
        out = run([DOCKER, "version", "--format", "{{.Server.Version}}"], check=False)
        if "permission denied" in out.lower():
            raise Fail("the Docker socket refuses this user: run as root or join the docker group")
        if not re.match(r"^\d+\.", out.strip()):
            raise Fail("no Docker engine answers (%s): run scripts/docker-bed.sh start" % out.strip()[:200])
        missing = [i for i in (self.env["FLINK_IMAGE"], self.env["ZOOKEEPER_IMAGE"], self.env["PROMETHEUS_IMAGE"],
                               self.env["ALERTMANAGER_IMAGE"], self.env["FLINKHA_EXPORTER_IMAGE"])
                   if subprocess.run([DOCKER, "image", "inspect", i], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL).returncode != 0]
        if missing:
            raise Fail("images missing: %s: run scripts/docker-bed.sh base images" % ", ".join(missing))
        if not os.path.isfile(self.jar):
            raise Fail("%s is missing: run scripts/flink-fetch.sh %s" % (self.jar, self.a.flink_version))
        taken = [p for p in (8081, 8082) if not port_free(p, "0.0.0.0")]
        if taken:
            raise Fail("host port(s) %s taken: the reference topology publishes the JobManagers on "
                       "8081 and 8082; stop what holds them (ss -ltnp 'sport = :8081')"
                       % ", ".join(map(str, taken)))

    # ---- truth ----
    def rest_ports(self):
        return {"jobmanager": 8081, "jobmanager-standby": 8082}

    def any_rest(self, path):
        for port in (8081, 8082):
            v = rest(port, path)
            if v is not None:
                return v
        return None

    def zk(self, *args):
        """zkCli.sh in the ZooKeeper container; its stdout (the client logs to stderr)."""
        r = subprocess.run([DOCKER, "exec", self.cname("zookeeper"), "zkCli.sh", "-server",
                            "127.0.0.1:2181"] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True, timeout=60)
        return r.stdout

    def zk_truth(self):
        """{component: host name} of the leaders in ZooKeeper, and the latch's contenders."""
        base = "/flink/realtime-pipeline"
        leaders = {}
        for c in COMPONENTS:
            out = self.zk("get", "%s/leader/%s/connection_info" % (base, c))
            m = re.search(r"(?:http://|@)(jobmanager(?:-standby)?)[:/]", out)
            leaders[c] = m.group(1) if m else None
        out = self.zk("ls", base + "/leader/latch")
        m = re.search(r"^\[(.*)\]\s*$", out, re.M)
        contenders = len([x for x in m.group(1).split(",") if x.strip()]) if m else None
        return leaders, contenders

    def log_leader(self):
        """The JobManager whose log last says its REST endpoint was granted leadership."""
        best = (None, "")
        for svc in ("jobmanager", "jobmanager-standby"):
            out = run([DOCKER, "logs", "--timestamps", self.cname(svc)], check=False)
            for line in out.splitlines():
                if "was granted leadership" in line and "http://" in line:
                    ts = line.split()[0]
                    if ts > best[1]:
                        best = (svc, ts)
        return best[0]

    def volume_truth(self):
        out = self.docker("run", "--rm", "--network", "none", "-v",
                          "%s_flink-output:/o:ro" % self.project, "--entrypoint", "sh",
                          self.env["ZOOKEEPER_IMAGE"], "-c",
                          "find /o -type f -name 'part-*.csv' ! -path '*/.*' | sort > /tmp/f; "
                          "echo files $(wc -l < /tmp/f) rows $(cat $(cat /tmp/f) /dev/null | wc -l)")
        m = re.search(r"files (\d+) rows (\d+)", out)
        if not m:
            raise Fail("could not count the output volume: " + out)
        return int(m.group(1)), int(m.group(2))

    def job(self):
        j = self.any_rest("/jobs/overview")
        for job in (j or {}).get("jobs", []):
            if job["name"] == "realtime-pipeline" and job["state"] not in ("FINISHED", "CANCELED", "FAILED"):
                return job
        return None

    def exporter_metrics(self, port=None):
        code, body = http(port or self.ports["exporter"], "/metrics")
        return parse_metrics(body) if code == 200 else None

    def record(self, drill, what, truth, exporter, ok=None):
        ok = (truth == exporter) if ok is None else ok
        self.results.append((drill, what, truth, exporter, ok))
        log("%-11s %-34s truth=%-28s exporter=%-28s %s" % (drill, what, truth, exporter, "ok" if ok else "MISMATCH"))
        if not ok:
            raise Fail("%s: %s: Flink says %r, the exporter %r" % (drill, what, truth, exporter))

    def exporter_view(self, m):
        leaders = {}
        for d, v in series(m, "flinkha_leader_info"):
            if v == 1:
                leaders[d["component"]] = d.get("jobmanager")
        return {
            "leaders": {c: leaders.get(c) for c in COMPONENTS},
            "contenders": one(m, "flinkha_contenders"),
            "taskmanagers": one(m, "flinkha_taskmanagers"),
            "slots": one(m, "flinkha_task_slots"),
            "running": one(m, "flinkha_job_state", state="RUNNING", job_name="realtime-pipeline"),
            "files": one(m, "flinkha_output_files", state="finished"),
            "rows": one(m, "flinkha_output_rows_total"),
            "failovers": one(m, "flinkha_failovers_total"),
            "restored": one(m, "flinkha_failover_restored_checkpoint_id"),
        }

    def converge(self, what, truth_fn, exp_fn, timeout=90):
        """Waits until the exporter's figure equals the truth; records both (a mismatch fails)."""
        deadline = time.time() + timeout
        while True:
            t, e = truth_fn(), exp_fn()
            if t == e and t is not None or time.time() > deadline:
                return t, e
            time.sleep(2)

    # ---- the stack ----
    def up(self):
        log("docker-compose -p %s up -d (Flink %s)" % (self.project, self.a.flink_version))
        t_up = time.time()
        self.compose("up", "-d", "--no-build", "--scale", "taskmanager=3", timeout=600)
        self.t_up = t_up
        try:
            wait("the job RUNNING", lambda: (self.job() or {}).get("state") == "RUNNING", 300, 2)
            t_run = time.time() - t_up
            wait("a committed part-*.csv on the output volume", lambda: self.volume_truth()[0] > 0, 120, 3)
            t_commit = time.time() - t_up
            wait("Docker to report the exporter healthy", lambda: self.health() == "healthy", 90, 2)
        except Fail as e:
            for svc in ("jobmanager", "jobmanager-standby", "taskmanager", "job", "flink-ha-exporter"):
                print("--- last lines of %s ---\n%s" % (svc, self.logs_tail(self.cname(svc), 25)))
            raise
        self.timings = {"up_to_running_s": round(t_run, 1), "up_to_committed_file_s": round(t_commit, 1)}
        log("job RUNNING %.1f s and a committed file %.1f s after `up -d`" % (t_run, t_commit))

    def health(self, container=None):
        out = self.docker("inspect", "--format", "{{.State.Health.Status}}",
                          container or self.cname("flink-ha-exporter"), check=False)
        return out.strip()

    def down(self):
        for proj, f in ((self.addon, FRAGMENT), (self.project, COMPOSE)):
            self.compose("down", "-v", "--remove-orphans", "--timeout", "5", project=proj, file=f,
                         check=False, env=dict(self.env, FLINK_NETWORK=self.project + "_default",
                                               FLINK_OUTPUT_VOLUME=self.project + "_flink-output"))
        run([DOCKER, "rm", "-f", "-v", self.run_name], check=False)
        left = run([DOCKER, "ps", "-aq", "--filter", "label=com.docker.compose.project=" + self.project],
                   check=False).split()
        left += run([DOCKER, "ps", "-aq", "--filter", "name=" + self.project], check=False).split()
        vols = run([DOCKER, "volume", "ls", "-q", "--filter", "name=" + self.project], check=False).split()
        nets = run([DOCKER, "network", "ls", "-q", "--filter", "name=" + self.project], check=False).split()
        if left:
            run([DOCKER, "rm", "-f", "-v"] + left, check=False)
        if vols:
            run([DOCKER, "volume", "rm", "-f"] + vols, check=False)
        if nets:
            run([DOCKER, "network", "rm"] + nets, check=False)
        still = [x for cmd in (["ps", "-aq", "--filter", "name=" + self.project],
                               ["volume", "ls", "-q", "--filter", "name=" + self.project],
                               ["network", "ls", "-q", "--filter", "name=" + self.project])
                 for x in run([DOCKER] + cmd, check=False).split()]
        if still:
            raise Fail("could not remove %s" % " ".join(still))
        return left, vols, nets

    # ---- drills ----
    def steady(self, drill="steady", want_tms=3, rows=True):
        leaders, contenders = self.zk_truth()
        log_leader = self.log_leader()
        if any(v not in ("jobmanager", "jobmanager-standby") for v in leaders.values()):
            raise Fail("ZooKeeper names leaders %r, not by service name" % leaders)
        if log_leader != leaders["rest_server"]:
            raise Fail("the logs say %s leads REST, ZooKeeper %s" % (log_leader, leaders["rest_server"]))
        ov = self.any_rest("/overview")
        job = self.job()

        def ex():
            m = self.exporter_metrics()
            return self.exporter_view(m) if m else None
        t, e = self.converge("leaders", lambda: self.zk_truth()[0], lambda: (ex() or {}).get("leaders"))
        self.record(drill, "leader per component (ZooKeeper)", t, e)
        t, e = self.converge("contenders", lambda: self.zk_truth()[1], lambda: (ex() or {}).get("contenders"))
        self.record(drill, "contenders (latch children)", t, e)
        self.record(drill, "contenders == 2", 2, t)
        t, e = self.converge("TMs", lambda: (self.any_rest("/overview") or {}).get("taskmanagers"),
                             lambda: (ex() or {}).get("taskmanagers"))
        self.record(drill, "TaskManagers (REST /overview)", t, e)
        self.record(drill, "TaskManagers == %d" % want_tms, want_tms, t)
        t, e = self.converge("slots", lambda: (self.any_rest("/overview") or {}).get("slots-total"),
                             lambda: (ex() or {}).get("slots"))
        self.record(drill, "task slots (REST /overview)", t, e)
        self.record(drill, "task slots == %d" % (4 * want_tms), 4 * want_tms, t)
        t, e = self.converge("job", lambda: (self.job() or {}).get("state"),
                             lambda: "RUNNING" if (ex() or {}).get("running") == 1 else None)
        self.record(drill, "job state (REST /jobs/overview)", t, e)
        # Files and rows: files commit on each checkpoint; count, scrape, count again.
        for _ in range(10):
            f1, r1 = self.volume_truth()
            e = ex()
            f2, r2 = self.volume_truth()
            if (f1, r1) == (f2, r2) and e and e["files"] == f1 and (not rows or e["rows"] == r1):
                break
            time.sleep(1)
        self.record(drill, "committed files (volume)", f2, int(e["files"]) if e and e["files"] is not None else None)
        if rows:  # rows are counted in files that appear while the exporter runs
            self.record(drill, "rows in committed files (volume)", r2,
                        int(e["rows"]) if e and e["rows"] is not None else None)
        if f2 < 1 or r2 < 1:
            raise Fail("no committed rows on the volume")
        return leaders

    def steady_prometheus(self):
        """Prometheus scrapes the exporter by service name, loaded the shipped rules, and
        reaches Alertmanager (its own APIs say so)."""
        port = self.ports["prometheus"]

        def target():
            t = rest(port, "/api/v1/targets") or {}
            for x in (t.get("data") or {}).get("activeTargets", []):
                if x["labels"].get("job") == "flink-ha-exporter":
                    return x.get("health")
            return None
        health = wait("Prometheus to scrape the exporter", lambda: target() == "up" and "up", 60, 2)
        self.record("steady", "Prometheus target flink-ha-exporter", "up", health)
        groups = ((rest(port, "/api/v1/rules") or {}).get("data") or {}).get("groups", [])
        rules = sum(len(g.get("rules", [])) for g in groups)
        self.record("steady", "shipped rules loaded (> 0)", True, rules > 0, ok=rules > 0)
        ams = wait("Prometheus to find Alertmanager", lambda: ((rest(port, "/api/v1/alertmanagers") or {})
                   .get("data") or {}).get("activeAlertmanagers"), 60, 2)
        self.record("steady", "Alertmanager discovered", True, bool(ams))
        log("Prometheus: %d rules in %d groups, alertmanagers %s" % (rules, len(groups), [a["url"] for a in ams]))

    def steady_container(self):
        c = self.cname("flink-ha-exporter")
        self.record("steady", "Docker health of the exporter", "healthy", self.health())
        info = json.loads(self.docker("inspect", c))[0]
        uid = self.docker("exec", c, "id", "-u").strip()
        self.record("steady", "exporter uid != 0", True, uid not in ("0", ""), ok=uid not in ("0", ""))
        log("exporter runs as uid %s (image user %r)" % (uid, info["Config"]["User"]))
        ro = info["HostConfig"]["ReadonlyRootfs"]
        probe = run([DOCKER, "exec", c, "sh", "-c", "touch /probe 2>&1; echo rc=$?"], check=False)
        self.record("steady", "read-only root file system", True, ro and "rc=0" not in probe, ok=ro and "rc=0" not in probe)

    def kill(self):
        leaders, _ = self.zk_truth()
        old = leaders["rest_server"]
        new = "jobmanager-standby" if old == "jobmanager" else "jobmanager"
        m0 = self.exporter_metrics()
        before = self.exporter_view(m0)["failovers"] or 0
        jid = self.job()["jid"]
        log("docker-compose kill %s (the leader)" % old)
        t_kill = time.time()
        self.compose("kill", old)
        port = self.rest_ports()[new]

        def recovered():
            ls, _ = self.zk_truth()
            if set(ls.values()) != {new}:
                return False
            j = rest(port, "/jobs/%s" % jid)
            return j is not None and j.get("state") == "RUNNING"
        wait("%s to lead every component and the job to run again" % new, recovered, 240, 2)
        t_rec = time.time() - t_kill
        log("new leader %s, job RUNNING %.1f s after the kill" % (new, t_rec))

        def restored():
            cp = rest(port, "/jobs/%s/checkpoints" % jid)
            r = ((cp or {}).get("latest") or {}).get("restored")
            return r["id"] if r else None
        rid = wait("Flink's REST to report the restored checkpoint", restored, 60, 2)

        def ex():
            m = self.exporter_metrics()
            return self.exporter_view(m) if m else {}
        t, e = self.converge("leaders", lambda: {c: new for c in COMPONENTS}, lambda: ex().get("leaders"))
        self.record("kill", "new leader per component", t, e)
        t, e = self.converge("failovers", lambda: before + 1, lambda: ex().get("failovers"))
        self.record("kill", "failovers (one kill)", t, e)
        t, e = self.converge("restored", lambda: rid, lambda: int(ex().get("restored") or -1))
        self.record("kill", "restored checkpoint id (REST)", t, e)
        t, e = self.converge("job", lambda: (rest(port, "/jobs/%s" % jid) or {}).get("state"),
                             lambda: "RUNNING" if ex().get("running") == 1 else None)
        self.record("kill", "job state after failover", t, e)
        self.timings["kill_to_running_s"] = round(t_rec, 1)
        # Back to two contenders for the drills that follow.
        self.compose("start", old)
        wait("%s to contend again" % old, lambda: self.zk_truth()[1] == 2, 180, 2)
        t, e = self.converge("contenders", lambda: self.zk_truth()[1], lambda: ex().get("contenders"), 120)
        self.record("kill", "contenders after restart of %s" % old, 2, e)

    def restarts(self, jid):
        """Flink's numRestarts of the job (REST job metrics), or None."""
        m = self.any_rest("/jobs/%s/metrics?get=numRestarts" % jid)
        for x in m or []:
            if x.get("id") == "numRestarts":
                return int(float(x["value"]))
        return None

    def taskmanager(self):
        jid = self.job()["jid"]
        before = wait("Flink's numRestarts of the job", lambda: self.restarts(jid) is not None
                      and self.restarts(jid) + 1, 60, 2) - 1
        victim = self.cname("taskmanager", 3)
        log("docker stop %s" % victim)
        self.docker("stop", "-t", "10", victim)
        wait("Flink to count 2 TaskManagers",
             lambda: (self.any_rest("/overview") or {}).get("taskmanagers") == 2, 120, 1)

        def ex():
            m = self.exporter_metrics()
            return self.exporter_view(m) if m else {}
        t, e = self.converge("TMs", lambda: (self.any_rest("/overview") or {}).get("taskmanagers"),
                             lambda: ex().get("taskmanagers"), 120)
        self.record("taskmanager", "TaskManagers after stop", t, e)
        self.record("taskmanager", "TaskManagers == 2", 2, t)
        # The stopped TaskManager ran one of the job's tasks (slots spread out): Flink restarts it.
        wait("the job to restart and run again on 2 TaskManagers",
             lambda: (self.restarts(jid) or 0) > before and
             (self.any_rest("/jobs/%s" % jid) or {}).get("state") == "RUNNING", 180, 2)
        t, e = self.converge("restarts", lambda: self.restarts(jid),
                             lambda: one(self.exporter_metrics() or {}, "flinkha_job_restarts"), 90)
        self.record("taskmanager", "job restarts (REST numRestarts)", t, e)
        t, e = self.converge("job", lambda: (self.job() or {}).get("state"),
                             lambda: "RUNNING" if ex().get("running") == 1 else None)
        self.record("taskmanager", "job state on 2 TaskManagers", t, e)
        self.docker("start", victim)
        wait("Flink to count 3 TaskManagers again",
             lambda: (self.any_rest("/overview") or {}).get("taskmanagers") == 3, 180, 1)
        t, e = self.converge("TMs", lambda: (self.any_rest("/overview") or {}).get("taskmanagers"),
                             lambda: ex().get("taskmanagers"), 180)
        self.record("taskmanager", "TaskManagers after start", t, e)
        self.record("taskmanager", "TaskManagers == 3", 3, t)

    def restart(self):
        c = self.cname("flink-ha-exporter")
        log("docker-compose restart flink-ha-exporter")
        self.compose("restart", "flink-ha-exporter")
        wait("the restarted exporter to serve", lambda: self.exporter_metrics() is not None, 60, 1)
        wait("Docker to report the restarted exporter healthy", lambda: self.health(c) == "healthy", 90, 2)
        self.steady("restart", rows=False)

    def scrape_view(self, port, drill, output=True):
        def ex():
            m = self.exporter_metrics(port)
            return self.exporter_view(m) if m else {}
        wait("%s to serve /metrics" % drill, lambda: self.exporter_metrics(port) is not None, 60, 1)
        t, e = self.converge("leaders", lambda: self.zk_truth()[0], lambda: ex().get("leaders"))
        self.record(drill, "leader per component", t, e)
        t, e = self.converge("contenders", lambda: self.zk_truth()[1], lambda: ex().get("contenders"))
        self.record(drill, "contenders", t, e)
        t, e = self.converge("TMs", lambda: (self.any_rest("/overview") or {}).get("taskmanagers"),
                             lambda: ex().get("taskmanagers"))
        self.record(drill, "TaskManagers", t, e)
        t, e = self.converge("job", lambda: (self.job() or {}).get("state"),
                             lambda: "RUNNING" if ex().get("running") == 1 else None)
        self.record(drill, "job state", t, e)
        if not output:
            return
        m = self.exporter_metrics(port)
        readable = one(m, "flinkha_output_directory_readable")
        self.record(drill, "output volume readable", 1, readable)
        t, e = self.converge("files", lambda: self.volume_truth()[0],
                             lambda: int(ex().get("files") or -1))
        self.record(drill, "committed files", t, e)

    def fragment(self):
        env = dict(self.env, FLINK_NETWORK=self.project + "_default",
                   FLINK_OUTPUT_VOLUME=self.project + "_flink-output",
                   FLINKHA_EXPORTER_PORT=str(self.ports["addon"]))
        log("docker-compose -p %s -f exporter-compose.yaml up -d" % self.addon)
        self.compose("up", "-d", "--no-build", project=self.addon, file=FRAGMENT, env=env)
        c = "%s_flink-ha-exporter_1" % self.addon
        info = json.loads(self.docker("inspect", c))[0]
        nets = list(info["NetworkSettings"]["Networks"])
        self.record("fragment", "networks joined", [self.project + "_default"], nets)
        mounts = {m["Destination"]: m for m in info["Mounts"]}
        out = mounts.get("/data/output", {})
        self.record("fragment", "output volume read-only", (self.project + "_flink-output", False),
                    (out.get("Name"), out.get("RW")))
        cfg = mounts.get("/etc/flink-ha-exporter/flink-ha-exporter.yml", {})
        self.record("fragment", "config from a mounted file", "bind", cfg.get("Type"))
        self.scrape_view(self.ports["addon"], "fragment")
        self.compose("down", "-v", "--timeout", "5", project=self.addon, file=FRAGMENT, env=env)

    def host_view(self):
        """The shipped host-view configuration (config/flink-ha-exporter.yml, what the Debian
        package and scripts/run.sh use) with the exporter binary on the host: JobManagers on
        the published 8081/8082, ZooKeeper on its published port (the test's free one instead
        of 2181, the only edit besides the listen address)."""
        import tempfile
        port = free_ports(1)[0]
        with open(os.path.join(ROOT, "config", "flink-ha-exporter.yml")) as f:
            text = f.read()
        d = tempfile.mkdtemp(prefix="flinkha-host-view-")
        for old, new in (('listen: ":9879"', 'listen: "127.0.0.1:%d"' % port),
                         ("quorum: localhost:2181", "quorum: localhost:%d" % self.ports["zookeeper"]),
                         ("state_dir: /var/lib/flink-ha-exporter", "state_dir: %s/state" % d)):
            if old not in text:
                raise Fail("config/flink-ha-exporter.yml has no %r" % old)
            text = text.replace(old, new)
        cfg = os.path.join(d, "flink-ha-exporter.yml")
        with open(cfg, "w") as f:
            f.write(text)
        log("%s --config.file=<config/flink-ha-exporter.yml, ZooKeeper port %d> on the host"
            % (self.a.exporter_binary, self.ports["zookeeper"]))
        with open(os.path.join(d, "exporter.log"), "w") as out:
            proc = subprocess.Popen([self.a.exporter_binary, "--config.file=" + cfg], cwd=d,
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            self.scrape_view(port, "host-view", output=False)
        finally:
            proc.terminate()
            proc.wait(10)
            shutil.rmtree(d, ignore_errors=True)

    def docker_run(self):
        # The manual's command (docs/docker.md), with a test port and name.
        cfg = os.path.join(CONTAINER_DIR, "flink-ha-exporter.yml")
        cmd = [DOCKER, "run", "-d", "--name", self.run_name,
               "--network", self.project + "_default",
               "-p", "127.0.0.1:%d:9879" % self.ports["run"],
               "-v", "%s_flink-output:/data/output:ro" % self.project,
               "-v", "%s:/etc/flink-ha-exporter/flink-ha-exporter.yml:ro" % cfg,
               "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
               self.env["FLINKHA_EXPORTER_IMAGE"]]
        log(" ".join(cmd))
        run(cmd)
        self.scrape_view(self.ports["run"], "docker-run")
        run([DOCKER, "rm", "-f", "-v", self.run_name])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flink-version", required=True)
    ap.add_argument("--exporter-image", default="flink-ha-exporter:local")
    ap.add_argument("--exporter-binary", help="this build's exporter, for the host-view drill")
    ap.add_argument("--only", default=",".join(ALL_DRILLS))
    ap.add_argument("--report", help="write the truth/exporter table and timings here (JSON)")
    ap.add_argument("--keep-on-failure", action="store_true", help="leave the stack up to look at")
    a = ap.parse_args()
    if a.exporter_binary:
        a.exporter_binary = os.path.abspath(a.exporter_binary)
        if not os.access(a.exporter_binary, os.X_OK):
            sys.exit("drills.py: no exporter binary at %s (build it first)" % a.exporter_binary)
    drills = a.only.split(",")
    s = Stack(a)
    stop = {"sig": None}

    def on_signal(sig, _):
        stop["sig"] = sig
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    code = 1
    started = False
    try:
        s.preflight()
        started = True
        s.up()
        if "steady" in drills:
            s.steady()
            s.steady_container()
            s.steady_prometheus()
        if "fragment" in drills:
            s.fragment()
        if "docker-run" in drills:
            s.docker_run()
        if "host-view" in drills and a.exporter_binary:
            s.host_view()
        if "taskmanager" in drills:
            s.taskmanager()
        if "kill" in drills:
            s.kill()
        if "restart" in drills:
            s.restart()
        code = 0
    except Fail as e:
        log("FAIL: %s" % e)
    except KeyboardInterrupt:
        log("interrupted (%s)" % (stop["sig"] or "SIGINT"))
    finally:
        if started and not (code and a.keep_on_failure):
            try:
                left, vols, nets = s.down()
                log("stack taken down (and %d containers, %d volumes, %d networks left by "
                    "compose removed)" % (len(left), len(vols), len(nets)))
            except Fail as e:
                log("FAIL: clean-up: %s" % e)
                code = 1
        if a.report:
            with open(a.report, "w") as f:
                json.dump({"flink_version": a.flink_version, "timings": getattr(s, "timings", {}),
                           "results": s.results}, f, indent=1)
    print("%d passed, %d failed" % (sum(1 for r in s.results if r[4]), 0 if code == 0 else 1))
    return code


if __name__ == "__main__":
    sys.exit(main())
