#!/usr/bin/env python3
"""packaging/kubernetes/flink-ha-exporter.yaml (label kubernetes): every document is created in
fabric8's in-memory API server (flink/k8s-mock) and read back; the Role grants exactly get, list
and watch on configmaps; the Deployment probes /healthz and /ready on the metrics port; the
exporter configuration in the ConfigMap passes `flink-ha-exporter --config.check`.

The mock stores what it is given: this proves the documents' kinds, API paths and structure, not
a real API server's validation, admission or RBAC enforcement.

  manifests_test.py --exporter BIN
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("FLINKHA_CACHE") or os.path.expanduser("~/.cache/flink-ha-exporter")
MANIFESTS = os.path.join(ROOT, "packaging", "kubernetes", "flink-ha-exporter.yaml")
PATHS = {
    "ServiceAccount": "/api/v1/namespaces/%s/serviceaccounts",
    "ConfigMap": "/api/v1/namespaces/%s/configmaps",
    "Service": "/api/v1/namespaces/%s/services",
    "Role": "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/roles",
    "RoleBinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings",
    "Deployment": "/apis/apps/v1/namespaces/%s/deployments",
}
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok: " + what, flush=True)
    else:
        failed += 1
        print("FAIL: " + what, flush=True)


def request(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read().decode() or "null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exporter", required=True)
    a = ap.parse_args()
    r = subprocess.run([os.path.join(ROOT, "scripts", "k8s-mock-fetch.sh"), "--quiet"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("k8s-mock-fetch failed:\n" + r.stderr)
        print("0 passed, 1 failed")
        return 1
    with open(MANIFESTS) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    kinds = sorted(d["kind"] for d in docs)
    check(kinds == sorted(PATHS), "one document of each kind: %s" % ", ".join(kinds))

    role = next(d for d in docs if d["kind"] == "Role")
    check(role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"],
                             "verbs": ["get", "list", "watch"]}],
          "the Role grants get, list, watch on configmaps and nothing more")
    dep = next(d for d in docs if d["kind"] == "Deployment")
    c = dep["spec"]["template"]["spec"]["containers"][0]
    check(c["livenessProbe"]["httpGet"]["path"] == "/healthz" and
          c["readinessProbe"]["httpGet"]["path"] == "/ready",
          "liveness on /healthz, readiness on /ready")
    check(dep["spec"]["template"]["spec"]["serviceAccountName"] ==
          next(d for d in docs if d["kind"] == "ServiceAccount")["metadata"]["name"],
          "the Deployment runs as the ServiceAccount the RoleBinding binds")

    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "flink-ha-exporter.yml")
        with open(cfg, "w") as f:
            f.write(cm["data"]["flink-ha-exporter.yml"])
        r = subprocess.run([a.exporter, "--config.file", cfg, "--config.check"],
                           capture_output=True, text=True)
        check(r.returncode == 0, "the shipped exporter configuration passes --config.check "
              "(%s)" % (r.stdout + r.stderr).strip().replace("\n", " ")[:300])

        mock = os.path.join(CACHE, "k8s-mock")
        proc = subprocess.Popen(
            ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
             os.path.join(mock, "k8s-mock.jar") + ":" + os.path.join(mock, "lib") + "/*",
             "io.flinkha.k8smock.KubeApiMock", "--port", "0", "--namespace", "flink",
             "--stop-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = proc.stdout.readline()
            check(line.startswith("READY "), "the mock API server starts (%s)" % line.strip())
            url = line.split()[2] if line.startswith("READY ") else ""
            for d in docs if url else []:
                path = PATHS[d["kind"]] % "flink"
                status, _ = request(url + path, "POST", d)
                check(status == 201, "create %s %s: HTTP %s" % (d["kind"], d["metadata"]["name"],
                                                               status))
                status, got = request(url + path + "/" + d["metadata"]["name"])
                check(status == 200 and isinstance(got, dict) and
                      got.get("metadata", {}).get("name") == d["metadata"]["name"],
                      "read back %s %s" % (d["kind"], d["metadata"]["name"]))
        finally:
            proc.stdin.close()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
