#!/usr/bin/env python3
"""packaging/helm/flink-ha-exporter (label kubernetes), with the pinned helm
(scripts/helm-fetch.sh): `helm lint --strict`; `helm template` with the defaults and with the
ServiceMonitor and PrometheusRule on, checked: the Role grants exactly get, list and watch on
configmaps; the probes are /healthz and /ready on the metrics port; the ConfigMap's configuration
is the plain manifests' (packaging/kubernetes) and passes `flink-ha-exporter --config.check`;
the PrometheusRule's groups are the shipped rules' (config/prometheus/flinkha-rules.yml, whose
copy in the chart's files/ must equal it byte for byte), label templates untouched; the
ServiceMonitor selects the Service by its labels and port name and names the job as the rules
expect. Overrides render what they should (rbac.create=false: no Role; a bad configuration
fails --config.check; another port moves the container, probes and Service). Every rendered
document is then created in fabric8's in-memory API server (flink/k8s-mock), the two
monitoring.coreos.com kinds included, and read back as created.

The mock stores what it is given: this proves the documents' kinds, API paths and structure,
not a real API server's schema validation, admission or RBAC enforcement, nor that
prometheus-operator accepts the ServiceMonitor and PrometheusRule (no CRD schema is checked).

  helm_chart_test.py --exporter BIN
"""

import argparse
import os
import subprocess
import sys

import yaml

from manifest_support import (CONFIG_KEY, PATHS, ROOT, Checks, MockApiServer, config_check,
                              create_and_read_back, fetch_mock, one_of)

CHART = os.path.join(ROOT, "packaging", "helm", "flink-ha-exporter")
RULES = os.path.join(ROOT, "config", "prometheus", "flinkha-rules.yml")
MANIFESTS = os.path.join(ROOT, "packaging", "kubernetes", "flink-ha-exporter.yaml")
NAMESPACE = "flink"
RELEASE = "flinkha"
BASE_KINDS = ["ConfigMap", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"]
MONITORING = ["PrometheusRule", "ServiceMonitor"]
ROLE_RULES = [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]


def helm(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr.strip()


def template(check, binary, what, *sets):
    """helm template of the chart with --set overrides: its documents, or None."""
    args = ["template", RELEASE, CHART, "--namespace", NAMESPACE]
    for s in sets:
        args += ["--set", s]
    rc, out, err = helm(binary, *args)
    if not check(rc == 0, "helm template (%s)%s" % (what, "" if rc == 0 else ": " + err[:300])):
        return None
    return [d for d in yaml.safe_load_all(out) if d]


def container(docs):
    return one_of(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def check_defaults(check, a, docs):
    kinds = sorted(d["kind"] for d in docs)
    check(kinds == BASE_KINDS, "defaults: one document of each kind, no monitoring ones: %s"
          % ", ".join(kinds))
    check(one_of(docs, "Role")["rules"] == ROLE_RULES,
          "the Role grants get, list, watch on configmaps and nothing more")
    binding = one_of(docs, "RoleBinding")
    sa = one_of(docs, "ServiceAccount")["metadata"]["name"]
    check(binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                 "name": one_of(docs, "Role")["metadata"]["name"]} and
          binding["subjects"] == [{"kind": "ServiceAccount", "name": sa,
                                   "namespace": NAMESPACE}],
          "the RoleBinding binds that Role to the chart's ServiceAccount")
    dep = one_of(docs, "Deployment")
    pod = dep["spec"]["template"]["spec"]
    check(pod["serviceAccountName"] == sa, "the Deployment runs as that ServiceAccount")
    c = container(docs)
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    check(ports == {"metrics": 9879} and "--web.listen-address=:9879" in c["args"],
          "the exporter listens on the metrics port 9879 (%s)" % c["args"])
    live, ready = c["livenessProbe"]["httpGet"], c["readinessProbe"]["httpGet"]
    check((live["path"], live["port"], ready["path"], ready["port"]) ==
          ("/healthz", "metrics", "/ready", "metrics"),
          "liveness on /healthz, readiness on /ready, both on the metrics port")
    with open(MANIFESTS) as f:
        plain = [d for d in yaml.safe_load_all(f) if d]
    plain_c = container(plain)
    check(pod["securityContext"] == one_of(plain, "Deployment")["spec"]["template"]["spec"][
        "securityContext"] and c["securityContext"] == plain_c["securityContext"],
          "non-root, read-only root file system, no capabilities: as the plain manifests")
    check(dep["spec"]["selector"]["matchLabels"].items() <=
          dep["spec"]["template"]["metadata"]["labels"].items(),
          "the Deployment's selector selects its pods")
    svc = one_of(docs, "Service")
    check(svc["spec"]["selector"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
          and svc["spec"]["ports"] == [{"name": "metrics", "port": 9879, "targetPort": "metrics",
                                        "protocol": "TCP"}],
          "the Service selects the pods, port 9879 to the metrics port")
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    check(mounts.get("config") == "/etc/flink-ha-exporter" and
          "--config.file=/etc/flink-ha-exporter/" + CONFIG_KEY in c["args"] and
          pod["volumes"][0]["configMap"]["name"] == one_of(docs, "ConfigMap")["metadata"]["name"],
          "the ConfigMap is mounted where --config.file reads it")

    text = one_of(docs, "ConfigMap")["data"][CONFIG_KEY]
    cfg = yaml.safe_load(text)
    plain_cfg = yaml.safe_load(one_of(plain, "ConfigMap")["data"][CONFIG_KEY])
    listen = plain_cfg.pop("listen", None)
    check(cfg == plain_cfg and listen == ":9879",
          "the configuration is the plain manifests' (listen %s there, the flag here)" % listen)
    check(mounts.get("state") == cfg["state_dir"], "the state_dir is the writable volume")
    ok, out = config_check(a.exporter, text)
    check(ok, "the chart's configuration passes --config.check (%s)" % out)


def check_monitoring(check, docs):
    kinds = sorted(d["kind"] for d in docs)
    check(kinds == sorted(BASE_KINDS + MONITORING),
          "with serviceMonitor and prometheusRule on: %s" % ", ".join(kinds))
    svc, sm = one_of(docs, "Service"), one_of(docs, "ServiceMonitor")
    rule = one_of(docs, "PrometheusRule")
    if not (sm and rule):
        return
    sel = sm["spec"]["selector"]["matchLabels"]
    check(sel.items() <= svc["metadata"]["labels"].items() and
          sm["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]},
          "the ServiceMonitor selects the Service by its labels, in the release's namespace")
    check([e["port"] for e in sm["spec"]["endpoints"]] == [svc["spec"]["ports"][0]["name"]] and
          sm["spec"]["endpoints"][0]["path"] == "/metrics",
          "the ServiceMonitor scrapes the Service's port by name, on /metrics")
    job = svc["metadata"]["labels"].get(sm["spec"].get("jobLabel"))
    with open(RULES) as f:
        shipped_text = f.read()
    check('up{job="%s"}' % job in shipped_text,
          "the scrape job (job=%s, by jobLabel) is the one the shipped rules select" % job)
    shipped = yaml.safe_load(shipped_text)
    check(rule["spec"] == {"groups": shipped["groups"]},
          "the PrometheusRule's groups are exactly the shipped rules' groups (%d groups, %d rules)"
          % (len(shipped["groups"]), sum(len(g["rules"]) for g in shipped["groups"])))
    def templated(groups):
        return [v for g in groups for r in g["rules"] for v in r.get("annotations", {}).values()
                if "{{" in v]

    want, got = templated(shipped["groups"]), templated(rule["spec"]["groups"])
    check(want and got == want and any("{{ $value" in v for v in got) and
          any("{{ $labels." in v for v in got),
          "the rules' %d annotations with {{ $labels.x }} / {{ $value }} templates survive "
          "helm's templating unchanged" % len(want))


def check_overrides(check, a, binary):
    docs = template(check, binary, "rbac.create=false, serviceAccount.create=false",
                    "rbac.create=false", "serviceAccount.create=false",
                    "serviceAccount.name=flink-reader")
    if docs is not None:
        check(sorted(d["kind"] for d in docs) == ["ConfigMap", "Deployment", "Service"] and
              one_of(docs, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] ==
              "flink-reader",
              "without rbac and service account: no Role, RoleBinding or ServiceAccount; the pod "
              "runs as the named account")
    rc, _, err = helm(binary, "template", RELEASE, CHART, "--set", "serviceAccount.create=false")
    check(rc != 0 and "serviceAccount.name is required" in err,
          "serviceAccount.create=false without a name is refused (%s)" % err[:200])
    docs = template(check, binary, "port=9900", "port=9900")
    if docs is not None:
        c = container(docs)
        check(c["ports"][0]["containerPort"] == 9900 and
              "--web.listen-address=:9900" in c["args"] and
              one_of(docs, "Service")["spec"]["ports"][0]["port"] == 9900,
              "port=9900 moves the listen address, the container port and the Service")
    docs = template(check, binary, "a bad configuration", "config.state_dri=/var/lib/x")
    if docs is not None:
        ok, out = config_check(a.exporter, one_of(docs, "ConfigMap")["data"][CONFIG_KEY])
        check(not ok and "state_dri" in out,
              "a misspelt key in config fails --config.check (%s)" % out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exporter", required=True)
    a = ap.parse_args()
    check = Checks()
    r = subprocess.run([os.path.join(ROOT, "scripts", "helm-fetch.sh"), "--quiet"],
                       capture_output=True, text=True)
    binary = r.stdout.strip()
    if not check(r.returncode == 0 and binary,
                 "helm is built (scripts/helm-fetch.sh)%s" % (
                     "" if r.returncode == 0 else ": " + r.stderr.strip()[-400:])):
        return check.finish()

    with open(RULES, "rb") as f, open(os.path.join(CHART, "files", "flinkha-rules.yml"), "rb") as g:
        check(f.read() == g.read(), "the chart's files/flinkha-rules.yml equals "
              "config/prometheus/flinkha-rules.yml byte for byte (copy it over when it differs)")
    with open(os.path.join(CHART, "Chart.yaml")) as f:
        chart = yaml.safe_load(f)
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        version = next(l.split("VERSION")[1].split()[0] for l in f if l.startswith("project("))
    check(chart["apiVersion"] == "v2" and chart["version"] == version and
          chart["appVersion"] == version,
          "Chart.yaml: apiVersion v2, version and appVersion %s (CMakeLists.txt)" % version)

    for sets in [[], ["serviceMonitor.enabled=true", "prometheusRule.enabled=true"]]:
        rc, out, err = helm(binary, "lint", "--strict", CHART, *[x for s in sets for x in
                                                                 ("--set", s)])
        check(rc == 0, "helm lint --strict %s%s" % (" ".join(sets) or "(defaults)",
                                                     "" if rc == 0 else ": " + (out + err)[-400:]))

    defaults = template(check, binary, "defaults")
    if defaults is not None:
        check_defaults(check, a, defaults)
    full = template(check, binary, "ServiceMonitor and PrometheusRule",
                    "serviceMonitor.enabled=true", "prometheusRule.enabled=true")
    if full is not None:
        check_monitoring(check, full)
    check_overrides(check, a, binary)

    why = fetch_mock()
    if not check(why is None, "the mock API server is built%s" % ("" if why is None else
                                                                   ": " + why[-400:])):
        return check.finish()
    if full is not None:
        check(set(d["kind"] for d in full) <= set(PATHS), "every rendered kind has an API path")
        with MockApiServer(NAMESPACE) as mock:
            check(mock.url, "the mock API server starts (%s)" % mock.ready_line)
            if mock.url:
                create_and_read_back(check, mock.url, full, NAMESPACE)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
