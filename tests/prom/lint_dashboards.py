#!/usr/bin/env python3
"""Lints the Grafana dashboards and the Prometheus rules against the metric contract.

Checks: dashboards are valid JSON with the datasource and cluster variables, every panel queries
through ${datasource} and filters flink_cluster=~"$cluster"; every metric name in any dashboard
or rule expression is a contract metric (tests/prom/metric_names.txt), a recording rule of the
rules file or a series Prometheus makes itself; alerts carry severity, summary, description and
a runbook_url whose anchor exists in docs/runbook.md, which names only known metrics; every alert has a firing and a quiet case
in tests/prom/*.test.yml. Exit status 1 with one line per problem.
"""
import argparse
import json
import pathlib
import re
import sys

try:
    import yaml
except ImportError:  # a clear failure, never a skip
    print("lint_dashboards.py needs PyYAML (Debian: python3-yaml)", file=sys.stderr)
    sys.exit(2)

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Series Prometheus writes itself for every target (the exporter dashboard and alert use them).
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                     "scrape_samples_post_metric_relabeling", "scrape_series_added"}
# Metrics of the exporter itself, without a flink_cluster label (docs/metrics.md).
NO_CLUSTER_LABEL = {"flinkha_build_info", "flinkha_start_time_seconds",
                    "flinkha_config_last_reload_successful",
                    "flinkha_config_last_reload_success_timestamp_seconds",
                    "process_cpu_seconds_total", "process_resident_memory_bytes",
                    "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                    "process_start_time_seconds"} | PROMETHEUS_SERIES
SEVERITIES = {"critical", "warning", "info"}
PANELS_WITHOUT_QUERIES = {"row", "text", "news", "dashlist", "alertlist"}

AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
                "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end"}

TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
  | (?P<var>\$\{[^}]*\}|\$\w+)
  | (?P<number>(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(?:[a-zA-Z][0-9a-zA-Z]*)*)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=,(){}\[\]@])
""", re.VERBOSE)


class Selector:
    def __init__(self, name):
        self.name = name
        self.matchers = []  # (label, op, value)


def tokenize(expr):
    pos, out = 0, []
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read PromQL at {expr[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            out.append((kind, m.group()))
    return out


def unquote(s):
    return s[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def selectors(expr):
    """The vector selectors of a PromQL expression, with their label matchers."""
    toks = tokenize(expr)
    result, i = [], 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else None
        if kind == "ident" and text in GROUPING:
            i += 1
            if nxt == "(":  # skip the label list
                while toks[i][1] != ")":
                    i += 1
                i += 1
            continue
        if kind == "ident" and (nxt == "(" or text in AGGREGATIONS or text in KEYWORDS):
            i += 1
            continue
        if kind == "op" and text == "[":  # range or subquery duration
            while toks[i][1] != "]":
                i += 1
            i += 1
            continue
        if (kind == "ident") or (kind == "op" and text == "{"):
            sel = Selector(text if kind == "ident" else None)
            if kind == "ident":
                i += 1
            if i < len(toks) and toks[i][1] == "{":
                i += 1
                while toks[i][1] != "}":
                    if toks[i][1] == ",":
                        i += 1
                        continue
                    label, op, value = toks[i][1], toks[i + 1][1], toks[i + 2]
                    sel.matchers.append((label, op, unquote(value[1])))
                    i += 3
                i += 1
            if sel.name is None:
                for label, op, value in sel.matchers:
                    if label == "__name__" and op == "=":
                        sel.name = value
            result.append(sel)
            continue
        i += 1
    return result


def read_lines(path):
    return {line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


class Linter:
    def __init__(self, contract, rules_path):
        self.contract = contract
        self.problems = []
        self.rules = yaml.safe_load(rules_path.read_text())
        self.recorded = {r["record"] for g in self.rules["groups"] for r in g["rules"]
                         if "record" in r}
        self.known = contract | self.recorded | PROMETHEUS_SERIES

    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check_expr(self, where, expr, dashboard=False):
        expr = re.sub(r"\$\{?__\w+\}?", "1m", expr)  # Grafana's interval/range macros
        try:
            sels = selectors(expr)
        except (ValueError, IndexError) as e:
            self.problem(where, f"cannot parse expression {expr!r}: {e}")
            return []
        if not sels:
            self.problem(where, f"expression selects no metric: {expr!r}")
        for s in sels:
            if s.name is None:
                self.problem(where, f"selector without a metric name in {expr!r}")
                continue
            if s.name not in self.known:
                self.problem(where, f"unknown metric {s.name} (not in the contract, not a "
                                    f"recording rule)")
            if not dashboard:
                continue
            if s.name in NO_CLUSTER_LABEL:
                if ("instance", "=~", "$instance") not in s.matchers:
                    self.problem(where, f'{s.name} must filter instance=~"$instance"')
            elif not any(l == "flink_cluster" and op == "=~" and v in ("$cluster", "${cluster}")
                         for l, op, v in s.matchers):
                self.problem(where, f'{s.name} must filter flink_cluster=~"$cluster"')
        return sels

    # Dashboards -------------------------------------------------------------------------
    def check_dashboard(self, path):
        try:
            d = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            self.problem(path.name, f"invalid JSON: {e}")
            return
        for key in ("uid", "title"):
            if not d.get(key):
                self.problem(path.name, f"missing {key}")
        if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
            self.problem(path.name, f"schemaVersion must be >= 36, found {d.get('schemaVersion')}")
        variables = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
        ds = variables.get("datasource")
        if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
            self.problem(path.name, "needs a variable datasource of type datasource for "
                                    "prometheus")
        cl = variables.get("cluster")
        query = cl.get("query") if cl else None
        if isinstance(query, dict):
            query = query.get("query")
        if not cl or cl.get("type") != "query" or \
                re.sub(r"\s", "", query or "") != "label_values(flinkha_jobmanager_up,flink_cluster)":
            self.problem(path.name, "needs a query variable cluster = "
                                    "label_values(flinkha_jobmanager_up, flink_cluster)")
        for v in variables.values():
            if v.get("type") == "query":
                q = v.get("query")
                q = q.get("query") if isinstance(q, dict) else q
                m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\)\s*", q or "")
                if not m:
                    self.problem(path.name, f"variable {v['name']}: expected label_values(...)")
                else:
                    self.check_expr(f"{path.name} variable {v['name']}", m.group(1))
        uids = set()
        panels = list(self.walk_panels(d.get("panels", [])))
        if not panels:
            self.problem(path.name, "no panels")
        for p in panels:
            where = f"{path.name} panel {p.get('title')!r}"
            if p.get("id") in uids:
                self.problem(where, f"duplicate panel id {p.get('id')}")
            uids.add(p.get("id"))
            if p.get("type") in PANELS_WITHOUT_QUERIES:
                continue
            if (p.get("datasource") or {}).get("uid") != "${datasource}":
                self.problem(where, "panel datasource must be ${datasource}")
            targets = p.get("targets") or []
            if not targets:
                self.problem(where, "no targets")
            for t in targets:
                if (t.get("datasource") or {}).get("uid") != "${datasource}":
                    self.problem(where, f"target {t.get('refId')} datasource must be "
                                        f"${{datasource}}")
                if not t.get("expr"):
                    self.problem(where, f"target {t.get('refId')} has no expr")
                    continue
                self.check_expr(where, t["expr"], dashboard=True)

    @staticmethod
    def walk_panels(panels):
        for p in panels:
            yield p
            yield from Linter.walk_panels(p.get("panels", []))

    # Rules ------------------------------------------------------------------------------
    def check_rules(self, runbook_anchors):
        seen_alerts = set()
        for g in self.rules["groups"]:
            earlier = set()  # recording rules defined before this rule in the same group
            for r in g["rules"]:
                name = r.get("record") or r.get("alert")
                where = f"rules {g['name']}/{name}"
                sels = self.check_expr(where, r["expr"])
                if "record" in r:
                    earlier.add(r["record"])
                    continue
                seen_alerts.add(name)
                for s in sels:
                    if s.name in self.recorded and s.name not in earlier:
                        self.problem(where, f"uses {s.name}, which is not recorded earlier in "
                                            f"the same group (it would lag one interval)")
                labels = r.get("labels") or {}
                ann = r.get("annotations") or {}
                if labels.get("severity") not in SEVERITIES:
                    self.problem(where, f"severity must be one of {sorted(SEVERITIES)}")
                for key in ("summary", "description", "runbook_url"):
                    if not ann.get(key):
                        self.problem(where, f"missing annotation {key}")
                url = ann.get("runbook_url", "")
                anchor = url.partition("#")[2]
                if not url.startswith("docs/runbook.md#") or anchor != name.lower():
                    self.problem(where, f"runbook_url must be docs/runbook.md#{name.lower()}")
                elif anchor not in runbook_anchors:
                    self.problem(where, f"docs/runbook.md has no section {name}")
                if labels.get("severity") != "info" and "for" not in r:
                    self.problem(where, "a paging or warning alert needs a for: duration")
                # Metric names mentioned in template queries must exist too.
                for text in ann.values():
                    for m in re.findall(r"\bflinkha_[a-z0-9_]+", str(text)):
                        if m not in self.known:
                            self.problem(where, f"annotation mentions unknown metric {m}")
        return seen_alerts

    def check_rule_tests(self, alerts, test_files):
        fires, quiet = set(), set()
        for path in test_files:
            t = yaml.safe_load(path.read_text())
            for case in t.get("tests", []):
                for a in case.get("alert_rule_test", []) or []:
                    (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
        for a in sorted(alerts):
            if a not in fires:
                self.problem(f"tests/prom: alert {a}", "no test case where it fires")
            if a not in quiet:
                self.problem(f"tests/prom: alert {a}", "no test case where it stays quiet")


def runbook_anchors(path):
    """GitHub-style anchors of the runbook's headings."""
    anchors = set()
    for line in path.read_text().splitlines():
        m = re.match(r"#+\s+(.*)", line)
        if m:
            anchors.add(re.sub(r"[^a-z0-9 _-]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return anchors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", type=pathlib.Path,
                        default=ROOT / "tests/prom/metric_names.txt")
    parser.add_argument("--rules", type=pathlib.Path,
                        default=ROOT / "config/prometheus/flinkha-rules.yml")
    parser.add_argument("--runbook", type=pathlib.Path, default=ROOT / "docs/runbook.md")
    parser.add_argument("--tests", type=pathlib.Path, default=ROOT / "tests/prom",
                        help="directory of promtool *.test.yml files")
    parser.add_argument("dashboards", nargs="*", type=pathlib.Path,
                        help="dashboards to lint (default: dashboards/*.json)")
    args = parser.parse_args(argv)
    linter = Linter(read_lines(args.metrics), args.rules)
    dashboards = args.dashboards or sorted((ROOT / "dashboards").glob("*.json"))
    if not dashboards:
        linter.problem("dashboards", "no dashboard found")
    for path in dashboards:
        linter.check_dashboard(path)
    anchors = runbook_anchors(args.runbook) if args.runbook.exists() else set()
    if not args.runbook.exists():
        linter.problem(str(args.runbook), "missing")
    else:  # metric names the runbook mentions (prefixes of grep patterns end in "_")
        for m in sorted(set(re.findall(r"\bflinkha_[a-z0-9_]*", args.runbook.read_text()))):
            if not m.endswith("_") and m not in linter.known:
                linter.problem(args.runbook.name, f"mentions unknown metric {m}")
    alerts = linter.check_rules(anchors)
    linter.check_rule_tests(alerts, sorted(args.tests.glob("*.test.yml")))
    for p in linter.problems:
        print(p, file=sys.stderr)
    if linter.problems:
        return 1
    print(f"ok: {len(dashboards)} dashboards, {len(alerts)} alerts, "
          f"{len(linter.recorded)} recording rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
