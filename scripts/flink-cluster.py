#!/usr/bin/env python3
"""Runs the reference Flink HA deployment as real local processes (python3 stdlib only).

One ZooKeeper (Debian's package), two JobManagers (jm-1 leads, jm-2 stands by), N TaskManagers,
all from Maven Central jars (scripts/flink-fetch.sh), and the project's streaming job
(flink/job: generated rows -> CSV files committed on each checkpoint).

  flink-cluster.py up --flink-version VERSION --dir RUN_DIR [options]   (foreground; flink/versions)
  flink-cluster.py restart --dir RUN_DIR NAME     start a stopped/killed process again
  flink-cluster.py kill --dir RUN_DIR NAME [--signal KILL|TERM|STOP|CONT]
  flink-cluster.py status --dir RUN_DIR [--json]
  flink-cluster.py zk --dir RUN_DIR [-- ZKCLI-COMMAND...]   (default: ls -R of the HA base)

`up` prints `READY <RUN_DIR/cluster.json>` on stdout once the job is RUNNING (and, with
--wait-commit, a committed part-*.csv exists), then stays until SIGINT/SIGTERM, stdin EOF
(--stop-on-stdin-eof) or the death of its parent, and stops every process it started.
Process names: zookeeper, jm-1, jm-2, tm-1..tm-N. Progress goes to stderr.
With --zk-servers 3 (or 5), ZooKeeper is an ensemble on loopback instead: zk-1..zk-N (zk-1 on
--zk-port, the others on free ports; cluster.json "zk_ports"), each killed and restarted on its
own with `kill`/`restart` like any other process; Flink's quorum string lists them all.

With --ha kubernetes, Flink's Kubernetes HA replaces ZooKeeper: process `k8s-api` is fabric8's
in-memory Kubernetes API server (CRUD mode, flink/k8s-mock, plain HTTP on 127.0.0.1, ConfigMaps
kept across its own restart in RUN_DIR/k8s-state.json), the JobManagers get
kubernetes.config.file=RUN_DIR/kubeconfig, and `flink-cluster.py k8s --dir RUN_DIR` prints the
cluster's ConfigMaps. The classpath adds flink-kubernetes (scripts/k8s-mock-fetch.sh).
"""

import argparse
import ctypes
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
import time
import urllib.error
import urllib.request

from ports import free_ports, port_free  # scripts/ports.py, beside this script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("FLINKHA_CACHE") or os.path.expanduser("~/.cache/flink-ha-exporter")
JOB_CLASS = "io.flinkha.job.RealtimePipelineJob"
ZK_JARS = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
           "netty-handler.jar", "netty-common.jar", "netty-transport.jar", "netty-buffer.jar",
           "netty-codec.jar", "netty-resolver.jar", "netty-transport-native-epoll.jar",
           "netty-transport-native-unix-common.jar", "commons-io.jar", "commons-cli.jar"]
# env.java.opts.all of Flink's default config: what Flink needs opened on Java 17.
JAVA17_OPTS = [
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.text=ALL-UNNAMED",
    "--add-opens=java.base/java.time=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
]
# Six JVMs share a small machine: serial GC and C1 only start faster and cost less CPU.
SMALL_JVM = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
LOG4J = """\
# One file per process (log.file); appends, so a restarted process keeps its history.
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = ERROR
logger.shaded_netty.name = org.apache.flink.shaded.netty4
logger.shaded_netty.level = WARN
"""


class Fail(Exception):
    """A startup problem, already explained for the user."""


T0 = time.time()


def log(msg):
    print("flink-cluster: [%5.1fs] %s" % (time.time() - T0, msg), file=sys.stderr, flush=True)


def duration_ms(text):
    m = re.fullmatch(r"\s*(\d+)\s*(ms|s|sec|m|min|h)?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError("expected e.g. 3000ms, 10s, 5min, found %r" % text)
    return int(m.group(1)) * {None: 1000, "ms": 1, "s": 1000, "sec": 1000, "m": 60000,
                              "min": 60000, "h": 3600000}[m.group(2)]


def next_free(start, count, avoid):
    """The first port above start that begins `count` free consecutive ports."""
    p = start + 1
    while not all(q not in avoid and port_free(q) for q in range(p, p + count)):
        p += 1
    return p


def http_json(port, path, timeout=3):
    """GET http://127.0.0.1:port/path as JSON; None if unreachable or not 200."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
            return json.loads(r.read().decode())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def four_letter(port, cmd, timeout=2):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(cmd.encode())
            out = b""
            while True:
                b = s.recv(4096)
                if not b:
                    return out.decode(errors="replace")
                out += b
    except OSError:
        return ""


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log at %s)\n" % path


def pid_alive(pid):
    """True if pid runs and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def load_state(run_dir):
    path = os.path.join(run_dir, "cluster.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("flink-cluster: cannot read %s (%s): is `flink-cluster.py up --dir %s` running?"
                 % (path, e, run_dir))


def _die_with_parent():
    # Runs in the child between fork and exec: SIGKILL it if `up` dies (even by SIGKILL).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# What differs between the pinned versions in how a process is configured, by minor version
# (the default: config.yaml). Flink 1.18 reads only flink-conf.yaml, whose line parser takes
# `key: value` literally (quotes would stay in the value); 1.19 added config.yaml (standard YAML).
CONFIG_FILE = {"1.18": ("flink-conf.yaml", False)}  # minor -> (file name, quote values)


def config_file(version):
    return CONFIG_FILE.get(".".join(version.split(".")[:2]), ("config.yaml", True))


def is_zk(name):
    """ZooKeeper processes: `zookeeper` alone, or zk-1..zk-N of an ensemble."""
    return name == "zookeeper" or name.startswith("zk-")


def is_coordinator(name):
    """What Flink's HA services talk to (ZooKeeper or the Kubernetes API mock): started first,
    stopped last."""
    return is_zk(name) or name == "k8s-api"


def flink_yaml(conf, quote=True):
    # Flat dotted keys: valid config.yaml for Flink 1.19+ and 2.x. Values are quoted YAML
    # strings so Flink's parser sees exactly the text given (the legacy flink-conf.yaml: plain).
    return "".join("%s: %s\n" % (k, json.dumps(str(v)) if quote else v) for k, v in conf.items())


class Cluster:
    def __init__(self, a):
        self.a = a
        self.run_dir = os.path.abspath(a.dir)
        self.state_path = os.path.join(self.run_dir, "cluster.json")
        self.procs = {}  # name -> Popen
        self.saved = False  # cluster.json is ours (not another run's) once we wrote it
        self.stop_reason = None
        self.t0 = T0
        ver = a.flink_version
        self.lib = os.path.join(CACHE, "flink-" + ver, "lib")
        self.k8s = a.ha == "kubernetes"
        # flink-kubernetes (and its shaded fabric8 client) only on a Kubernetes HA run
        self.classpath = self.lib + "/*" + (
            ":" + os.path.join(CACHE, "flink-" + ver, "k8s-lib") + "/*" if self.k8s else "")
        self.job_jar = os.path.join(CACHE, "flink-" + ver, "job", "realtime-pipeline-job.jar")
        self.output = os.path.abspath(a.output or os.path.join(self.run_dir, "output"))
        self.state = {
            "flink_version": ver, "run_dir": self.run_dir, "up_pid": os.getpid(),
            "ready": False, "started_at": round(self.t0, 3),
            "zk_port": a.zk_port, "zk_quorum": "127.0.0.1:%d" % a.zk_port,
            "zk_path_root": "/flink", "cluster_id": a.cluster_id,
            "ha_base": "/flink" + a.cluster_id,
            "rest_ports": a.rest_ports, "prom_ports": {},
            "output_dir": self.output,
            "checkpoint_dir": os.path.join(self.run_dir, "checkpoints"),
            "ha_storage_dir": os.path.join(self.run_dir, "ha"),
            "lib_dir": self.lib, "job_jar": self.job_jar,
            "job": None, "timings": {}, "processes": {},
            "ha": a.ha,
        }
        if self.k8s:
            kid = a.cluster_id.strip("/").replace("/", "-")
            self.state.update({
                "k8s_port": a.k8s_port, "k8s_url": "http://127.0.0.1:%d" % a.k8s_port,
                "k8s_namespace": a.k8s_namespace, "k8s_cluster_id": kid,
                "kubeconfig": os.path.join(self.run_dir, "kubeconfig"),
                "k8s_state": os.path.join(self.run_dir, "k8s-state.json"),
                "zk_port": None, "zk_quorum": None, "zk_path_root": None, "ha_base": None})

    # ---- bookkeeping ----
    def save(self):
        self.saved = True
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.state, f, indent=2)
            f.write("\n")
        os.replace(tmp, self.state_path)

    def spawn(self, name):
        p = self.state["processes"][name]
        with open(p["log"] if is_coordinator(name) else p["stdout"], "ab") as out:
            proc = subprocess.Popen(p["cmd"], stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, cwd=self.run_dir,
                                    start_new_session=True,  # Ctrl-C reaches `up` only
                                    preexec_fn=_die_with_parent)
        self.procs[name] = proc
        p.update(pid=proc.pid, running=True, exit_code=None, starts=p.get("starts", 0) + 1)
        self.save()
        return proc

    def reap(self):
        changed = False
        for name, proc in self.procs.items():
            p = self.state["processes"][name]
            if p["running"] and proc.poll() is not None:
                p.update(running=False, exit_code=proc.returncode)
                changed = True
                if self.state["ready"] and not self.stop_reason:
                    log("%s (pid %d) exited with %s" % (name, proc.pid, proc.returncode))
        if changed:
            self.save()

    def check_signals(self):
        if self.stop_reason:
            raise Fail("stopping: " + self.stop_reason)
        if os.getppid() != self.ppid:
            self.stop_reason = "parent process died"
            raise Fail("stopping: parent process died")

    def wait_for(self, what, cond, timeout, watch=()):
        """Polls cond() until true; fails if a watched process exits or time runs out."""
        deadline = time.time() + timeout
        while True:
            self.check_signals()
            v = cond()
            if v:
                return v
            for name in watch:
                proc = self.procs[name]
                if proc.poll() is not None:
                    rc = proc.returncode
                    self.explain(name, "%s while waiting for %s" % (
                        "was killed by signal %d" % -rc if rc < 0 else "exited with status %d" % rc, what))
            if time.time() > deadline:
                self.explain(watch[0] if watch else None,
                             "timed out after %ds waiting for %s" % (timeout, what))
            time.sleep(0.3)

    def explain(self, name, problem):
        if name is None:
            raise Fail(problem)
        p = self.state["processes"][name]
        text = tail(p["log"])
        out = p.get("stdout")
        if out and os.path.exists(out) and os.path.getsize(out):  # JVM errors land here
            text += "--- stdout/stderr (%s) ---\n%s" % (p["stdout"], tail(p["stdout"], 20))
        raise Fail("%s %s. Last lines of %s:\n%s" % (name, problem, p["log"], text))

    def stop_all(self):
        live = [(n, pr) for n, pr in self.procs.items() if pr.poll() is None]
        if live:
            log("stopping " + ", ".join(n for n, _ in live))
        # Flink first (SIGTERM, then SIGKILL after a grace period), ZooKeeper last so the
        # JobManagers can close their sessions.
        for group in ([x for x in live if not is_coordinator(x[0])],
                      [x for x in live if is_coordinator(x[0])]):
            for _, pr in group:
                try:
                    pr.terminate()
                except OSError:
                    pass
            deadline = time.time() + self.a.stop_grace
            for _, pr in group:
                try:
                    pr.wait(max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    pr.kill()
                    pr.wait()
        self.reap()

    # ---- configuration ----
    def check_ports(self):
        a = self.a
        wanted = [("--k8s-port" if self.k8s else "--zk-port", a.k8s_port if self.k8s else a.zk_port)] + \
                 [("--rest-ports", p) for p in a.rest_ports] + \
                 [("--prom-ports-from", p) for p in self.prom_ports.values()]
        seen = {}
        for flag, port in wanted:
            if port in seen:
                raise Fail("port %d is used twice (%s and %s); choose distinct ports" % (port, seen[port], flag))
            seen[port] = flag
        taken = [(f, p) for f, p in wanted if not port_free(p)]
        if taken:
            flags = {f for f, _ in taken}
            fix = []
            if "--k8s-port" in flags:
                fix.append("--k8s-port %d" % next_free(a.k8s_port, 1, seen))
            if "--zk-port" in flags:
                fix.append("--zk-port %d" % next_free(a.zk_port, 1, seen))
            if "--rest-ports" in flags:
                fix.append("--rest-ports " + ",".join(
                    str(p if port_free(p) else next_free(p, 1, seen)) for p in a.rest_ports))
            if "--prom-ports-from" in flags:
                fix.append("--prom-ports-from %d" % next_free(a.prom_ports_from, len(self.prom_ports), seen))
            raise Fail("port(s) already in use on 127.0.0.1: %s. Stop whatever holds them "
                       "(ss -ltnp) or choose others, e.g. %s" % (
                           ", ".join("%d (%s)" % (p, f) for f, p in taken), " ".join(fix)))
        return set(seen)

    def fetch(self):
        r = subprocess.run([os.path.join(ROOT, "scripts", "flink-fetch.sh"), "--quiet",
                            self.a.flink_version], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode != 0:
            raise Fail("the Flink %s jars or the job are not ready:\n%s"
                       % (self.a.flink_version, r.stderr.strip()))
        if self.k8s:
            r = subprocess.run([os.path.join(ROOT, "scripts", "k8s-mock-fetch.sh"), "--quiet",
                                self.a.flink_version], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise Fail("the Kubernetes bed (mock API server, flink-kubernetes) is not ready:\n%s"
                           % r.stderr.strip())
        if not os.path.isfile(self.job_jar):
            raise Fail("%s is missing; run scripts/flink-fetch.sh %s" % (self.job_jar, self.a.flink_version))

    def common_conf(self):
        conf = self.zk_conf()
        if self.k8s:
            st = self.state
            for k in [k for k in conf if k.startswith("high-availability.")]:
                del conf[k]
            conf.update({
                "high-availability.type": "kubernetes",
                "high-availability.cluster-id": st["k8s_cluster_id"],
                "high-availability.storageDir": "file://" + st["ha_storage_dir"],
                "kubernetes.cluster-id": st["k8s_cluster_id"],
                "kubernetes.namespace": st["k8s_namespace"],
                "kubernetes.config.file": st["kubeconfig"],
                "high-availability.kubernetes.leader-election.lease-duration": "%d ms" % self.a.k8s_lease_ms,
                "high-availability.kubernetes.leader-election.renew-deadline": "%d ms" % self.a.k8s_lease_ms,
                "high-availability.kubernetes.leader-election.retry-period": "%d ms" % max(1000, self.a.k8s_lease_ms // 3),
            })
        return conf

    def zk_conf(self):
        a = self.a
        st = self.state
        return {
            "high-availability.type": "zookeeper",
            "high-availability.zookeeper.quorum": st["zk_quorum"],
            "high-availability.zookeeper.path.root": st["zk_path_root"],
            "high-availability.cluster-id": a.cluster_id,
            "high-availability.storageDir": "file://" + st["ha_storage_dir"],
            "high-availability.zookeeper.client.session-timeout": a.session_timeout_ms,
            "heartbeat.interval": a.heartbeat_interval_ms,
            "heartbeat.timeout": a.heartbeat_timeout_ms,
            "jobmanager.rpc.address": "127.0.0.1",
            "jobmanager.bind-host": "127.0.0.1",
            "rest.address": "127.0.0.1",
            "rest.bind-address": "127.0.0.1",
            "execution.checkpointing.interval": "%d ms" % a.checkpoint_interval,
            "execution.checkpointing.mode": "EXACTLY_ONCE",
            "execution.checkpointing.dir": "file://" + st["checkpoint_dir"],  # 1.20+ name
            "state.checkpoints.dir": "file://" + st["checkpoint_dir"],  # 1.x name
            "restart-strategy.type": "fixed-delay",
            "restart-strategy.fixed-delay.attempts": 2147483647,
            "restart-strategy.fixed-delay.delay": "%d ms" % a.restart_delay_ms,
            # One task per TaskManager for a parallelism-3 job: killing any TM restarts the job.
            "cluster.evenly-spread-out-slots": "true",  # 1.x name
            "taskmanager.load-balance.mode": "SLOTS",  # 1.20+ / 2.x name
            "metrics.reporter.prom.factory.class":
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "env.java.opts.all": " ".join(JAVA17_OPTS),
        }

    def tmp_dir(self):
        d = os.path.join(self.run_dir, "tmp")
        os.makedirs(d, exist_ok=True)
        return d

    def java(self, name, main, conf, heap_opts, args=()):
        """Writes NAME's config dir and registers its command line."""
        cdir = os.path.join(self.run_dir, "conf", name)
        os.makedirs(cdir, exist_ok=True)
        # Flink's spill, blob, JAAS and job store files go to io.tmp.dirs, its web uploads to
        # java.io.tmpdir: both in the run dir, which `down` removes, not in /tmp.
        conf = dict(conf, **{"io.tmp.dirs": self.tmp_dir()})
        fname, quote = config_file(self.a.flink_version)
        with open(os.path.join(cdir, fname), "w") as f:
            f.write("# Generated by scripts/flink-cluster.py for %s.\n" % name + flink_yaml(conf, quote))
        with open(os.path.join(cdir, "log4j.properties"), "w") as f:
            f.write(LOG4J)
        logf = os.path.join(self.run_dir, "log", name + ".log")
        cmd = (["java"] + heap_opts + SMALL_JVM + JAVA17_OPTS +
               ["-Djava.io.tmpdir=" + self.tmp_dir(), "-Dlog.file=" + logf, "-Dlog4j.configurationFile=file:" + cdir + "/log4j.properties",
                "-cp", self.classpath, main, "--configDir", cdir] + list(args))
        self.state["processes"][name] = {
            "pid": None, "running": False, "log": logf,
            "stdout": os.path.join(self.run_dir, "log", name + ".out"),
            "config_dir": cdir, "cmd": cmd, "ports": {}, "starts": 0}
        return self.state["processes"][name]

    def configure(self, used):
        a, st = self.a, self.state
        os.makedirs(os.path.join(self.run_dir, "log"), exist_ok=True)
        if self.k8s:
            self.configure_k8s_api()
        else:
            self.configure_zookeeper(used)
        self.configure_flink(used)

    def configure_k8s_api(self):
        st = self.state
        mock = os.path.join(CACHE, "k8s-mock")
        if not os.path.isfile(os.path.join(mock, "k8s-mock.jar")):
            raise Fail("%s/k8s-mock.jar is missing: run scripts/k8s-mock-fetch.sh" % mock)
        st["processes"]["k8s-api"] = {
            "pid": None, "running": False, "log": os.path.join(self.run_dir, "log", "k8s-api.log"),
            "config_dir": None, "ports": {"api": st["k8s_port"]}, "starts": 0,
            "cmd": ["java", "-Xmx256m"] + SMALL_JVM +
                   ["-cp", os.path.join(mock, "k8s-mock.jar") + ":" + os.path.join(mock, "lib") + "/*",
                    "io.flinkha.k8smock.KubeApiMock", "--port", str(st["k8s_port"]),
                    "--kubeconfig", st["kubeconfig"], "--namespace", st["k8s_namespace"],
                    "--state", st["k8s_state"]]}

    def configure_zookeeper(self, used):
        a, st = self.a, self.state
        # ZooKeeper: tickTime bounds the session timeouts it grants (2..20 ticks by default).
        zdir = os.path.join(self.run_dir, "conf", "zookeeper")
        os.makedirs(zdir, exist_ok=True)
        tick = 500
        with open(os.path.join(zdir, "zoo.cfg"), "w") as f:
            f.write("tickTime=%d\ninitLimit=10\nsyncLimit=5\ndataDir=%s\nclientPort=%d\n"
                    "clientPortAddress=127.0.0.1\nadmin.enableServer=false\n"
                    "minSessionTimeout=%d\nmaxSessionTimeout=%d\n"
                    "4lw.commands.whitelist=srvr,mntr,ruok,conf\n"
                    % (tick, os.path.join(self.run_dir, "zookeeper-data"), a.zk_port,
                       2 * tick, max(60000, 2 * a.session_timeout_ms)))
        st["processes"]["zookeeper"] = {
            "pid": None, "running": False, "log": os.path.join(self.run_dir, "log", "zookeeper.log"),
            "config_dir": zdir, "ports": {"client": a.zk_port}, "starts": 0,
            "cmd": ["java", "-Xmx256m"] + SMALL_JVM +
                   ["-cp", ":".join("/usr/share/java/" + j for j in ZK_JARS),
                    "org.apache.zookeeper.server.ZooKeeperServerMain", os.path.join(zdir, "zoo.cfg")]}
        if a.zk_servers > 1:
            self.configure_ensemble(used)
        missing = [j for j in ZK_JARS if not os.path.exists("/usr/share/java/" + j)]
        if missing:
            raise Fail("ZooKeeper jars missing from /usr/share/java (%s): run scripts/setup.sh"
                       % ", ".join(missing))

    def configure_flink(self, used):
        a, st = self.a, self.state

        for i, rest in enumerate(a.rest_ports, 1):
            name = "jm-%d" % i
            rpc = free_ports(1, avoid=used)[0]
            conf = self.common_conf()
            conf.update({
                "rest.port": rest,
                "high-availability.jobmanager.port": rpc,
                "jobmanager.memory.heap.size": "512m",
                "metrics.reporter.prom.port": self.prom_ports[name],
            })
            if self.k8s:
                # Kubernetes HA reads no high-availability.jobmanager.port: the RPC port it
                # publishes is jobmanager.rpc.port (else both JobManagers want 6123).
                conf["jobmanager.rpc.port"] = rpc
            p = self.java(name, "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                          conf, ["-Xms256m", "-Xmx512m", "-XX:MaxMetaspaceSize=256m"])
            p["ports"] = {"rest": rest, "rpc": rpc, "prom": self.prom_ports[name]}

        # Explicit TaskManager memory, as bin/taskmanager.sh would compute it: TaskManagerRunner
        # refuses to start without it. JVM flags follow from the sizes (heap = framework + task).
        mem = {"framework.heap": 64, "task.heap": 160, "framework.off-heap": 64, "task.off-heap": 16,
               "network": 32, "managed": 32, "jvm-metaspace": 192, "jvm-overhead": 64}
        for i in range(1, a.taskmanagers + 1):
            name = "tm-%d" % i
            conf = self.common_conf()
            conf.update({
                "taskmanager.host": "127.0.0.1",
                "taskmanager.bind-host": "127.0.0.1",
                "taskmanager.numberOfTaskSlots": a.slots,
                "taskmanager.cpu.cores": a.slots,
                "taskmanager.memory.framework.heap.size": "%dm" % mem["framework.heap"],
                "taskmanager.memory.task.heap.size": "%dm" % mem["task.heap"],
                "taskmanager.memory.framework.off-heap.size": "%dm" % mem["framework.off-heap"],
                "taskmanager.memory.task.off-heap.size": "%dm" % mem["task.off-heap"],
                "taskmanager.memory.network.min": "%dm" % mem["network"],
                "taskmanager.memory.network.max": "%dm" % mem["network"],
                "taskmanager.memory.managed.size": "%dm" % mem["managed"],
                "taskmanager.memory.jvm-metaspace.size": "%dm" % mem["jvm-metaspace"],
                "taskmanager.memory.jvm-overhead.min": "%dm" % mem["jvm-overhead"],
                "taskmanager.memory.jvm-overhead.max": "%dm" % mem["jvm-overhead"],
                "metrics.reporter.prom.port": self.prom_ports[name],
            })
            heap = mem["framework.heap"] + mem["task.heap"]
            direct = mem["framework.off-heap"] + mem["task.off-heap"] + mem["network"]
            p = self.java(name, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", conf,
                          ["-Xms%dm" % heap, "-Xmx%dm" % heap, "-XX:MaxDirectMemorySize=%dm" % direct,
                           "-XX:MaxMetaspaceSize=%dm" % mem["jvm-metaspace"]])
            p["ports"] = {"prom": self.prom_ports[name]}
        st["prom_ports"] = dict(self.prom_ports)
        self.save()

    def configure_ensemble(self, used):
        """zk-1..zk-N instead of `zookeeper`: one quorum on loopback (QuorumPeerMain)."""
        a, st = self.a, self.state
        del st["processes"]["zookeeper"]
        n = a.zk_servers
        picked = free_ports(3 * n - 1, avoid=used)
        clients = [a.zk_port] + picked[:n - 1]
        peers = list(zip(picked[n - 1::2], picked[n::2]))
        servers = "".join("server.%d=127.0.0.1:%d:%d\n" % (i, q, e)
                          for i, (q, e) in enumerate(peers, 1))
        tick = 500
        for i in range(1, n + 1):
            name = "zk-%d" % i
            zdir = os.path.join(self.run_dir, "conf", name)
            data = os.path.join(self.run_dir, "zookeeper-data", name)
            os.makedirs(zdir, exist_ok=True)
            os.makedirs(data, exist_ok=True)
            with open(os.path.join(data, "myid"), "w") as f:
                f.write("%d\n" % i)
            # syncLimit 4 ticks: a follower notices a dead leader within 2 s.
            with open(os.path.join(zdir, "zoo.cfg"), "w") as f:
                f.write("tickTime=%d\ninitLimit=10\nsyncLimit=4\ndataDir=%s\nclientPort=%d\n"
                        "clientPortAddress=127.0.0.1\nadmin.enableServer=false\n"
                        "minSessionTimeout=%d\nmaxSessionTimeout=%d\n"
                        "4lw.commands.whitelist=srvr,mntr,ruok,conf\n%s"
                        % (tick, data, clients[i - 1], 2 * tick,
                           max(60000, 2 * a.session_timeout_ms), servers))
            st["processes"][name] = {
                "pid": None, "running": False, "log": os.path.join(self.run_dir, "log", name + ".log"),
                "config_dir": zdir, "starts": 0,
                "ports": {"client": clients[i - 1], "peer": peers[i - 1][0],
                          "election": peers[i - 1][1]},
                "cmd": ["java", "-Xmx128m"] + SMALL_JVM +
                       ["-cp", ":".join("/usr/share/java/" + j for j in ZK_JARS),
                        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                        os.path.join(zdir, "zoo.cfg")]}
        st["zk_ports"] = clients
        st["zk_quorum"] = ",".join("127.0.0.1:%d" % p for p in clients)

    # ---- start-up ----
    def rest_leader_granted(self, name):
        port = self.state["processes"][name]["ports"]["rest"]
        try:
            with open(self.state["processes"][name]["log"], errors="replace") as f:
                return ("http://127.0.0.1:%d was granted leadership" % port) in f.read()
        except OSError:
            return False

    def up(self):
        a = self.a
        self.ppid = os.getppid()
        names = ["jm-%d" % i for i in range(1, len(a.rest_ports) + 1)] + \
                ["tm-%d" % i for i in range(1, a.taskmanagers + 1)]
        self.prom_ports = {n: a.prom_ports_from + i for i, n in enumerate(names)}
        used = self.check_ports()
        if os.path.exists(self.state_path):
            old = load_state(self.run_dir)
            if pid_alive(old.get("up_pid", 0)) and old.get("up_pid") != os.getpid():
                raise Fail("%s is in use by a running `up` (pid %d)" % (self.run_dir, old["up_pid"]))
        for sub in ("conf", "log", "zookeeper-data", "ha", "checkpoints", "control", "tmp"):
            shutil.rmtree(os.path.join(self.run_dir, sub), ignore_errors=True)
        for f in ("k8s-state.json", "kubeconfig"):
            if os.path.exists(os.path.join(self.run_dir, f)):
                os.unlink(os.path.join(self.run_dir, f))
        os.makedirs(os.path.join(self.run_dir, "control"))
        if self.output == os.path.join(self.run_dir, "output"):  # ours: a fresh run starts empty
            shutil.rmtree(self.output, ignore_errors=True)
        os.makedirs(self.output, exist_ok=True)
        self.fetch()
        self.configure(used)

        log("Flink %s in %s" % (a.flink_version, self.run_dir))
        if self.k8s:
            self.spawn("k8s-api")
            self.wait_for("the Kubernetes API mock on port %d" % a.k8s_port,
                          lambda: http_json(a.k8s_port, "/api/v1/namespaces/%s/configmaps" % a.k8s_namespace),
                          60, ["k8s-api"])
            log("k8s-api up on 127.0.0.1:%d (namespace %s, cluster id %s)" % (
                a.k8s_port, a.k8s_namespace, self.state["k8s_cluster_id"]))
            coordinators = ["k8s-api"]
        else:
            zks = [n for n in self.state["processes"] if is_zk(n)]
            for n in zks:
                self.spawn(n)
            for n in zks:
                port = self.state["processes"][n]["ports"]["client"]
                self.wait_for("ZooKeeper %s on port %d" % (n, port),
                              lambda: "Mode:" in four_letter(port, "srvr"), 60, zks)
            log("%s up on %s" % (", ".join(zks), self.state["zk_quorum"]))
            coordinators = zks

        jms = [n for n in names if n.startswith("jm-")]
        self.spawn(jms[0])
        self.wait_for("%s to be granted leadership" % jms[0],
                      lambda: self.rest_leader_granted(jms[0]), a.start_timeout, [jms[0]] + coordinators)
        self.wait_for("%s's REST API" % jms[0],
                      lambda: http_json(a.rest_ports[0], "/overview"), a.start_timeout, [jms[0]])
        log("%s leads (REST %d)" % (jms[0], a.rest_ports[0]))
        # The standby and the TaskManagers start together: the TaskManagers need only the leader.
        tms = [n for n in names if n.startswith("tm-")]
        for n in jms[1:] + tms:
            self.spawn(n)
        for i, jm in enumerate(jms[1:], 1):
            self.wait_for("%s's REST API" % jm, lambda: http_json(a.rest_ports[i], "/overview"),
                          a.start_timeout, [jm])
            log("%s stands by (REST %d)" % (jm, a.rest_ports[i]))

        def registered():
            o = http_json(a.rest_ports[0], "/overview")
            return o and o.get("taskmanagers") == len(tms)
        self.wait_for("%d TaskManagers to register" % len(tms), registered, a.start_timeout, tms + jms)
        log("%d TaskManagers registered" % len(tms))

        jid = self.submit()
        self.state["job"] = {"id": jid, "name": a.job_name, "parallelism": a.parallelism,
                             "checkpoint_interval_ms": a.checkpoint_interval,
                             "rows_per_second": a.rows_per_second}
        self.save()

        def running():
            j = http_json(a.rest_ports[0], "/jobs/overview")
            for job in (j or {}).get("jobs", []):
                if job["jid"] == jid and job["state"] == "RUNNING":
                    t = job.get("tasks", {})
                    return t.get("running", 0) == t.get("total", -1)
            return False
        self.wait_for("job %s to run" % jid, running, a.start_timeout, jms[:1] + tms)
        self.state["timings"]["running_s"] = round(time.time() - self.t0, 1)
        log("job %s RUNNING after %.1fs" % (jid, time.time() - self.t0))
        if a.wait_commit:
            self.wait_for("a committed part-*.csv in %s" % self.output, self.committed_file,
                          max(a.start_timeout, 4 * a.checkpoint_interval / 1000), jms[:1] + tms)
            self.state["timings"]["first_commit_s"] = round(time.time() - self.t0, 1)
            log("first committed file after %.1fs: %s" % (time.time() - self.t0, self.committed_file()))
        self.state["ready"] = True
        self.save()
        print("READY " + self.state_path, flush=True)
        self.summary()

    def committed_file(self):
        # Only this run's files count (a given --output may hold older ones).
        files = sorted(f for f in glob.glob(os.path.join(self.output, "*", "part-*.csv"))
                       if os.path.getmtime(f) >= self.submitted_at - 1)
        return files[0] if files else None

    def submit(self):
        a = self.a
        cmd = (["java", "-Xmx256m"] + SMALL_JVM + JAVA17_OPTS +
               ["-Djava.io.tmpdir=" + self.tmp_dir(),
                "-Dlog4j.configurationFile=file:" + self.state["processes"]["jm-1"]["config_dir"]
                + "/log4j.properties", "-Dlog.file=" + os.path.join(self.run_dir, "log", "submit.log"),
                "-cp", self.classpath + ":" + self.job_jar, JOB_CLASS,
                "--jar", self.job_jar, "--rest-host", "127.0.0.1", "--rest-port", str(a.rest_ports[0]),
                "--output", self.output, "--parallelism", str(a.parallelism),
                "--rows-per-second", str(a.rows_per_second),
                "--checkpoint-interval-ms", str(a.checkpoint_interval), "--job-name", a.job_name]
               + (["--marker-dir", a.marker_dir] if a.marker_dir else []))
        self.submitted_at = time.time()
        log("submitting the job (parallelism %d, checkpoint every %d ms)" % (a.parallelism, a.checkpoint_interval))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                cwd=self.run_dir, preexec_fn=_die_with_parent)
        deadline = time.time() + a.start_timeout
        while proc.poll() is None:
            try:
                self.check_signals()
            except Fail:
                proc.kill()
                raise
            if time.time() > deadline:
                proc.kill()
            time.sleep(0.2)
        out = proc.stdout.read()
        m = re.search(r"^JobID ([0-9a-f]{32})$", out, re.M)
        if proc.returncode != 0 or not m:
            raise Fail("job submission failed (exit %s):\n%s\n%s" % (
                proc.returncode, out[-3000:], tail(os.path.join(self.run_dir, "log", "submit.log"), 30)))
        return m.group(1)

    def summary(self):
        st = self.state
        print("Flink %s HA cluster up in %.1fs (job RUNNING after %ss%s)" % (
            st["flink_version"], time.time() - self.t0, st["timings"]["running_s"],
            ", first committed file after %ss" % st["timings"]["first_commit_s"]
            if "first_commit_s" in st["timings"] else ""))
        if self.k8s:
            print("  Kubernetes API %s  namespace %s  cluster id %s" % (
                st["k8s_url"], st["k8s_namespace"], st["k8s_cluster_id"]))
        else:
            print("  ZooKeeper  %s  HA base %s" % (st["zk_quorum"], st["ha_base"]))
        for n, p in st["processes"].items():
            print("  %-10s pid %-7d %s  log %s" % (n, p["pid"], " ".join(
                "%s=%s" % kv for kv in p["ports"].items()), p["log"]))
        print("  job %s -> %s" % (st["job"]["id"], st["output_dir"]))
        print("  REST: " + ", ".join("http://127.0.0.1:%d" % p for p in st["rest_ports"]), flush=True)

    # ---- running ----
    def serve(self):
        a = self.a
        ctl = os.path.join(self.run_dir, "control")
        while not self.stop_reason:
            if os.getppid() != self.ppid:
                self.stop_reason = "parent process died"
                break
            self.reap()
            for req in sorted(glob.glob(os.path.join(ctl, "restart-*.req"))):
                self.handle_restart(req)
            if a.stop_on_stdin_eof:
                r, _, _ = select.select([sys.stdin], [], [], 0.5)
                if r and not sys.stdin.buffer.read1(4096):
                    self.stop_reason = "stdin closed"
            else:
                time.sleep(0.5)
        log("stopping: " + self.stop_reason)

    def handle_restart(self, req):
        name = os.path.basename(req)[len("restart-"):-len(".req")]
        done = req[:-4] + ".done"
        p = self.state["processes"].get(name)
        if p is None:
            reply = {"error": "no process %r (known: %s)" % (name, ", ".join(self.state["processes"]))}
        elif self.procs[name].poll() is None:
            reply = {"error": "%s is still running (pid %d); kill it first" % (name, self.procs[name].pid)}
        else:
            self.reap()
            reply = {"pid": self.spawn(name).pid}
            log("restarted %s: pid %d" % (name, reply["pid"]))
        with open(done + ".tmp", "w") as f:
            json.dump(reply, f)
        os.replace(done + ".tmp", done)
        os.unlink(req)


def cmd_up(a):
    if len(a.rest_ports) < 1:
        sys.exit("flink-cluster: --rest-ports needs at least one port")
    c = Cluster(a)

    def on_signal(sig, _):
        c.stop_reason = c.stop_reason or signal.Signals(sig).name
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    code = 0
    try:
        os.makedirs(c.run_dir, exist_ok=True)
        c.up()
        c.serve()
    except Fail as e:
        log(str(e))
        code = 1
    except BaseException:
        c.stop_all()
        raise
    c.stop_all()
    if c.saved:
        c.state["ready"] = False
        c.state["stopped_at"] = round(time.time(), 3)
        c.save()
    if code == 0:
        log("all processes stopped")
    return code


def cmd_restart(a):
    st = load_state(a.dir)
    if not pid_alive(st.get("up_pid", 0)):
        sys.exit("flink-cluster: `up` (pid %s) is not running for %s" % (st.get("up_pid"), a.dir))
    if a.name not in st["processes"]:
        sys.exit("flink-cluster: no process %r (known: %s)" % (a.name, ", ".join(st["processes"])))
    ctl = os.path.join(os.path.abspath(a.dir), "control")
    done = os.path.join(ctl, "restart-%s.done" % a.name)
    if os.path.exists(done):
        os.unlink(done)
    open(os.path.join(ctl, "restart-%s.req" % a.name), "w").close()
    deadline = time.time() + 30
    while not os.path.exists(done):
        if time.time() > deadline or not pid_alive(st["up_pid"]):
            sys.exit("flink-cluster: `up` did not answer the restart request")
        time.sleep(0.1)
    with open(done) as f:
        reply = json.load(f)
    os.unlink(done)
    if "error" in reply:
        sys.exit("flink-cluster: " + reply["error"])
    print("%s restarted: pid %d" % (a.name, reply["pid"]))
    return 0


def cmd_kill(a):
    st = load_state(a.dir)
    p = st["processes"].get(a.name)
    if p is None:
        sys.exit("flink-cluster: no process %r (known: %s)" % (a.name, ", ".join(st["processes"])))
    if not p.get("pid") or not pid_alive(p["pid"]):
        sys.exit("flink-cluster: %s is not running" % a.name)
    os.kill(p["pid"], getattr(signal, "SIG" + a.signal.upper()))
    print("sent SIG%s to %s (pid %d)" % (a.signal.upper(), a.name, p["pid"]))
    return 0


def zk_command(quorum, args):
    """ZooKeeper's own CLI (Debian's jars) running one command, e.g. ["ls", "-R", "/flink"]."""
    return (["java", "-Xmx128m"] + SMALL_JVM +
            ["-cp", ":".join("/usr/share/java/" + j for j in ZK_JARS),
             "org.apache.zookeeper.ZooKeeperMain", "-server", quorum] + list(args))


def cmd_zk(a):
    st = load_state(a.dir)
    args = a.args[1:] if a.args[:1] == ["--"] else a.args
    return subprocess.run(zk_command(st["zk_quorum"], args or ["ls", "-R", st["ha_base"]])).returncode


def cmd_k8s(a):
    st = load_state(a.dir)
    if st.get("ha") != "kubernetes":
        sys.exit("flink-cluster: %s is not a --ha kubernetes run" % a.dir)
    path = a.path or "/api/v1/namespaces/%s/configmaps?labelSelector=app%%3D%s" % (
        st["k8s_namespace"], st["k8s_cluster_id"])
    try:
        with urllib.request.urlopen(st["k8s_url"] + path, timeout=5) as r:
            sys.stdout.write(r.read().decode() + "\n")
    except (urllib.error.URLError, OSError) as e:
        sys.exit("flink-cluster: GET %s%s: %s" % (st["k8s_url"], path, e))
    return 0


def cmd_status(a):
    st = load_state(a.dir)
    for p in st["processes"].values():
        p["running"] = bool(p.get("pid")) and pid_alive(p["pid"])
    up_alive = pid_alive(st.get("up_pid", 0))
    overview, jobs = None, None
    for port in st["rest_ports"]:
        overview = http_json(port, "/overview")
        if overview:
            jobs = http_json(port, "/jobs/overview")
            break
    if a.json:
        json.dump({"up_running": up_alive, "processes": st["processes"], "overview": overview,
                   "jobs": (jobs or {}).get("jobs")}, sys.stdout, indent=2)
        print()
    else:
        print("Flink %s, %s, up pid %s %s" % (st["flink_version"], st["run_dir"], st.get("up_pid"),
                                             "running" if up_alive else "NOT running"))
        for n, p in st["processes"].items():
            print("  %-10s pid %-7s %s" % (n, p.get("pid"), "running" if p["running"] else "stopped"))
        if overview:
            print("  overview: %d TaskManagers, %d/%d slots free, %d jobs running" % (
                overview["taskmanagers"], overview["slots-available"], overview["slots-total"],
                overview["jobs-running"]))
            for j in (jobs or {}).get("jobs", []):
                print("  job %s %s %s" % (j["jid"], j["name"], j["state"]))
        else:
            print("  REST: no answer on " + ", ".join(map(str, st["rest_ports"])))
    return 0 if up_alive else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="start the cluster and the job; stay in the foreground")
    u.add_argument("--flink-version", required=True,
                   choices=sorted(os.listdir(os.path.join(ROOT, "flink", "versions"))))
    u.add_argument("--dir", required=True, help="run directory (configs, logs, data, cluster.json)")
    u.add_argument("--ha", choices=["zookeeper", "kubernetes"], default="zookeeper",
                   help="HA services: ZooKeeper (default) or Flink's Kubernetes HA on a mock API server")
    u.add_argument("--zk-port", type=int, default=2181)
    u.add_argument("--zk-servers", type=int, default=1, choices=[1, 3, 5],
                   help="ZooKeeper servers: 1 (`zookeeper`) or an ensemble zk-1..zk-N on loopback")
    u.add_argument("--k8s-port", type=int, default=6443, help="--ha kubernetes: the API server's port")
    u.add_argument("--k8s-namespace", default="flink")
    u.add_argument("--k8s-lease-ms", type=int, default=15000,
                   help="--ha kubernetes: leader-election lease duration and renew deadline "
                        "(Flink's default 15 s; the retry period is a third of it)")
    u.add_argument("--rest-ports", type=lambda s: [int(x) for x in s.split(",")], default=[8081, 8082],
                   help="one REST port per JobManager (default 8081,8082)")
    u.add_argument("--taskmanagers", type=int, default=3)
    u.add_argument("--slots", type=int, default=4, help="slots per TaskManager")
    u.add_argument("--parallelism", type=int, default=3)
    u.add_argument("--checkpoint-interval", type=duration_ms, default=duration_ms("10s"),
                   help="e.g. 3s, 10s, 5min (the reference deployment uses 5min)")
    u.add_argument("--session-timeout-ms", type=int, default=6000,
                   help="high-availability.zookeeper.client.session-timeout")
    u.add_argument("--heartbeat-interval-ms", type=int, default=1000)
    u.add_argument("--heartbeat-timeout-ms", type=int, default=10000)
    u.add_argument("--restart-delay-ms", type=int, default=1000)
    u.add_argument("--rows-per-second", type=float, default=100)
    u.add_argument("--output", help="where the job writes CSV files (default RUN_DIR/output)")
    u.add_argument("--cluster-id", default="/realtime-pipeline")
    u.add_argument("--job-name", default="realtime-pipeline")
    u.add_argument("--marker-dir", help="drill control: marker files here (fail, fail-checkpoint, slow)"
                   " make the job fail or slow down on demand (flink/job)")
    u.add_argument("--prom-ports-from", type=int, default=9250,
                   help="PrometheusReporter ports: jm-1, jm-2, tm-1.. get consecutive ports")
    u.add_argument("--wait-commit", action="store_true",
                   help="READY only once a committed part-*.csv exists")
    u.add_argument("--stop-on-stdin-eof", action="store_true")
    u.add_argument("--start-timeout", type=int, default=120, help="seconds per start-up step")
    u.add_argument("--stop-grace", type=float, default=5, help="seconds from SIGTERM to SIGKILL")
    r = sub.add_parser("restart", help="start a stopped/killed process again (while up runs)")
    r.add_argument("--dir", required=True)
    r.add_argument("name")
    k = sub.add_parser("kill", help="send a signal to one process")
    k.add_argument("--dir", required=True)
    k.add_argument("--signal", default="KILL", choices=["KILL", "TERM", "STOP", "CONT", "INT"])
    k.add_argument("name")
    s = sub.add_parser("status", help="processes, TaskManagers, jobs")
    s.add_argument("--dir", required=True)
    s.add_argument("--json", action="store_true")
    z = sub.add_parser("zk", help="run one ZooKeeper CLI command (default: ls -R the HA base)")
    z.add_argument("--dir", required=True)
    z.add_argument("args", nargs=argparse.REMAINDER)
    k8 = sub.add_parser("k8s", help="--ha kubernetes: GET the cluster's ConfigMaps (or --path)")
    k8.add_argument("--dir", required=True)
    k8.add_argument("--path", help="another API path, e.g. /api/v1/namespaces/flink/configmaps")
    a = ap.parse_args()
    return {"up": cmd_up, "restart": cmd_restart, "kill": cmd_kill, "status": cmd_status,
            "zk": cmd_zk, "k8s": cmd_k8s}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
