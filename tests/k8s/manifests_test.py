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
import os
import sys

import yaml

from manifest_support import (CONFIG_KEY, PATHS, ROOT, Checks, MockApiServer, config_check,
                              create_and_read_back, fetch_mock, one_of)

MANIFESTS = os.path.join(ROOT, "packaging", "kubernetes", "flink-ha-exporter.yaml")
KINDS = ["ConfigMap", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exporter", required=True)
    a = ap.parse_args()
    check = Checks()
    why = fetch_mock()
    if why:
        print(why)
        check(False, "the mock API server is built")
        return check.finish()
    with open(MANIFESTS) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    kinds = sorted(d["kind"] for d in docs)
    check(kinds == KINDS and set(KINDS) <= set(PATHS),
          "one document of each kind: %s" % ", ".join(kinds))

    role = one_of(docs, "Role")
    check(role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"],
                             "verbs": ["get", "list", "watch"]}],
          "the Role grants get, list, watch on configmaps and nothing more")
    dep = one_of(docs, "Deployment")
    c = dep["spec"]["template"]["spec"]["containers"][0]
    check(c["livenessProbe"]["httpGet"]["path"] == "/healthz" and
          c["readinessProbe"]["httpGet"]["path"] == "/ready",
          "liveness on /healthz, readiness on /ready")
    check(dep["spec"]["template"]["spec"]["serviceAccountName"] ==
          one_of(docs, "ServiceAccount")["metadata"]["name"],
          "the Deployment runs as the ServiceAccount the RoleBinding binds")

    ok, out = config_check(a.exporter, one_of(docs, "ConfigMap")["data"][CONFIG_KEY])
    check(ok, "the shipped exporter configuration passes --config.check (%s)" % out)

    with MockApiServer("flink") as mock:
        check(mock.url, "the mock API server starts (%s)" % mock.ready_line)
        if mock.url:
            create_and_read_back(check, mock.url, docs, "flink")
    return check.finish()

if __name__ == "__main__":
    sys.exit(main())
