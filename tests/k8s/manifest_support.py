"""Shared by the kubernetes tests of what the project ships for Kubernetes (manifests_test.py:
packaging/kubernetes; helm_chart_test.py: packaging/helm): counted checks with a closing
"N passed, N failed" line, the exporter's --config.check, and fabric8's in-memory API server
(flink/k8s-mock, built by scripts/k8s-mock-fetch.sh) to create objects in and read them back.
"""

import json
import os
import subprocess
import tempfile
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("FLINKHA_CACHE") or os.path.expanduser("~/.cache/flink-ha-exporter")
# Where each kind the project ships lives in the API (namespaced).
PATHS = {
    "ServiceAccount": "/api/v1/namespaces/%s/serviceaccounts",
    "ConfigMap": "/api/v1/namespaces/%s/configmaps",
    "Service": "/api/v1/namespaces/%s/services",
    "Role": "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/roles",
    "RoleBinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings",
    "Deployment": "/apis/apps/v1/namespaces/%s/deployments",
    "ServiceMonitor": "/apis/monitoring.coreos.com/v1/namespaces/%s/servicemonitors",
    "PrometheusRule": "/apis/monitoring.coreos.com/v1/namespaces/%s/prometheusrules",
}
CONFIG_KEY = "flink-ha-exporter.yml"


class Checks:
    """Counts checks; each prints ok: or FAIL: and what it checked."""

    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, cond, what):
        if cond:
            self.passed += 1
            print("ok: " + what, flush=True)
        else:
            self.failed += 1
            print("FAIL: " + what, flush=True)
        return cond

    def finish(self):
        """Prints the closing line; the process's exit status."""
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 1 if self.failed else 0


def one_of(docs, kind):
    return next((d for d in docs if d["kind"] == kind), None)


def config_check(exporter, text):
    """Runs `exporter --config.check` on configuration text: (passed, its output on one line)."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, CONFIG_KEY)
        with open(cfg, "w") as f:
            f.write(text)
        r = subprocess.run([exporter, "--config.file", cfg, "--config.check"],
                           capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr).strip().replace("\n", " ")[:300]


def fetch_mock():
    """Builds the mock API server if needed (scripts/k8s-mock-fetch.sh): None, or why not."""
    r = subprocess.run([os.path.join(ROOT, "scripts", "k8s-mock-fetch.sh"), "--quiet"],
                       capture_output=True, text=True)
    return None if r.returncode == 0 else "k8s-mock-fetch failed:\n" + r.stderr


def request(url, method="GET", body=None):
    """(HTTP status, the JSON body or the error text)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read().decode() or "null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class MockApiServer:
    """fabric8's mock API server in CRUD mode on 127.0.0.1, a free port; stopped on exit (stdin
    EOF, then a kill after 20 s). `url` is empty when it did not start; `ready_line` says why."""

    def __init__(self, namespace):
        mock = os.path.join(CACHE, "k8s-mock")
        self.proc = subprocess.Popen(
            ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
             os.path.join(mock, "k8s-mock.jar") + ":" + os.path.join(mock, "lib") + "/*",
             "io.flinkha.k8smock.KubeApiMock", "--port", "0", "--namespace", namespace,
             "--stop-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.ready_line = self.proc.stdout.readline().strip()
        self.url = self.ready_line.split()[2] if self.ready_line.startswith("READY ") else ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def differences(want, got, where=""):
    """Where `got` lacks or changes what `want` holds (the server may add fields, such as
    metadata.uid or resourceVersion): a list of paths, empty when `got` holds all of `want`."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [where or "/"]
        out = []
        for k, v in want.items():
            out += differences(v, got.get(k), where + "/" + str(k)) if k in got else [
                where + "/" + str(k) + " missing"]
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [where + " (a list of %d)" % len(want)]
        out = []
        for i, (w, g) in enumerate(zip(want, got)):
            out += differences(w, g, "%s[%d]" % (where, i))
        return out
    return [] if want == got else [where + ": %r != %r" % (want, got)]


def create_and_read_back(check, url, docs, namespace):
    """Creates each document in the API server at url (POST to its kind's path) and reads it
    back: HTTP 201, then 200 with everything that was sent."""
    for d in docs:
        path = PATHS[d["kind"]] % namespace
        name = d["metadata"]["name"]
        status, body = request(url + path, "POST", d)
        check(status == 201, "create %s %s: HTTP %s%s" % (
            d["kind"], name, status, "" if status == 201 else " " + str(body)[:200]))
        status, got = request(url + path + "/" + name)
        diff = differences(d, got) if status == 200 else ["HTTP %s" % status]
        check(not diff, "read back %s %s as created%s" % (
            d["kind"], name, "" if not diff else ": " + "; ".join(diff)[:300]))
