#!/usr/bin/env python3
"""Unit tests of the prom test tools: the dashboard/rule lint and shorten_for.py.

Each case feeds a small bad input and asserts the exact problem is reported, so a lint that
silently passes everything fails here. Run: python3 tests/prom/tools_test.py
"""
import contextlib
import copy
import io
import json
import pathlib
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import dashboard_queries  # noqa: E402
import lint_dashboards  # noqa: E402
import shorten_for  # noqa: E402

import yaml  # noqa: E402

DS = {"type": "prometheus", "uid": "${datasource}"}

GOOD_DASHBOARD = {
    "uid": "t", "title": "T", "schemaVersion": 38,
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus"},
        {"name": "cluster", "type": "query", "datasource": DS,
         "query": "label_values(flinkha_jobmanager_up, flink_cluster)"},
        {"name": "instance", "type": "query", "datasource": DS,
         "query": 'label_values(flinkha_source_up{flink_cluster=~"$cluster"}, instance)'},
    ]},
    "panels": [
        {"id": 1, "type": "row", "title": "Row", "panels": []},
        {"id": 2, "type": "timeseries", "title": "Up", "datasource": DS,
         "targets": [{"refId": "A", "datasource": DS,
                      "expr": 'sum by (flink_cluster) (rate(flinkha_source_errors_total'
                              '{flink_cluster=~"$cluster"}[$__rate_interval]))'}]},
        {"id": 3, "type": "stat", "title": "Build", "datasource": DS,
         "targets": [{"refId": "A", "datasource": DS,
                      "expr": 'flinkha_build_info{instance=~"$instance"}'}]},
    ],
}

RULES = {"groups": [
    {"name": "rec", "rules": [
        {"record": "flink_cluster:flinkha_x:sum", "expr": "sum by (flink_cluster) (flinkha_jobs)"}]},
    {"name": "alerts", "rules": [
        {"record": "flink_cluster:flinkha_y:sum",
         "expr": "sum by (flink_cluster) (flinkha_taskmanagers)"},
        {"alert": "FlinkGood", "expr": "flink_cluster:flinkha_y:sum == 0", "for": "1m",
         "labels": {"severity": "warning"},
         "annotations": {"summary": "s", "description": "d",
                         "runbook_url": "docs/runbook.md#flinkgood"}}]},
]}

RULE_TEST = {"tests": [{"alert_rule_test": [
    {"alertname": "FlinkGood", "exp_alerts": [{"exp_labels": {"severity": "warning"}}]},
    {"alertname": "FlinkGood", "exp_alerts": []}]}]}


class LintTest(unittest.TestCase):
    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="flinkha-lint-"))
        (self.dir / "metric_names.txt").write_text(
            "flinkha_jobs\nflinkha_taskmanagers\nflinkha_jobmanager_up\nflinkha_source_up\n"
            "flinkha_source_errors_total\nflinkha_build_info\n")
        (self.dir / "runbook.md").write_text("# Runbook\n\n## FlinkGood\n\ntext\n")
        (self.dir / "tests").mkdir()

    def tearDown(self):
        for p in sorted(self.dir.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        self.dir.rmdir()

    def lint(self, dashboard=None, rules=None, rule_test=None):
        (self.dir / "d.json").write_text(json.dumps(dashboard or GOOD_DASHBOARD))
        (self.dir / "rules.yml").write_text(yaml.safe_dump(rules or RULES))
        (self.dir / "tests/a.test.yml").write_text(yaml.safe_dump(rule_test or RULE_TEST))
        linter = lint_dashboards.Linter(
            lint_dashboards.read_lines(self.dir / "metric_names.txt"), self.dir / "rules.yml")
        linter.check_dashboard(self.dir / "d.json")
        alerts = linter.check_rules(lint_dashboards.runbook_anchors(self.dir / "runbook.md"))
        linter.check_rule_tests(alerts, [self.dir / "tests/a.test.yml"])
        return linter.problems

    def test_good_inputs_pass(self):
        self.assertEqual(self.lint(), [])

    def test_unknown_metric(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["panels"][1]["targets"][0]["expr"] = 'flinkha_not_a_metric{flink_cluster=~"$cluster"}'
        self.assertEqual(self.lint(d), [
            "d.json panel 'Up': unknown metric flinkha_not_a_metric (not in the contract, "
            "not a recording rule)"])

    def test_missing_cluster_filter(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["panels"][1]["targets"][0]["expr"] = 'flinkha_jobs{state="RUNNING"}'
        self.assertEqual(self.lint(d), [
            "d.json panel 'Up': flinkha_jobs must filter flink_cluster=~\"$cluster\""])

    def test_series_without_cluster_label_needs_instance_filter(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["panels"][2]["targets"][0]["expr"] = "flinkha_build_info"
        self.assertEqual(self.lint(d), [
            "d.json panel 'Build': flinkha_build_info must filter instance=~\"$instance\""])

    def test_target_datasource(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["panels"][1]["targets"][0]["datasource"] = {"type": "prometheus", "uid": "abc"}
        self.assertEqual(self.lint(d), [
            "d.json panel 'Up': target A datasource must be ${datasource}"])

    def test_panel_without_targets(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["panels"][1]["targets"] = []
        self.assertEqual(self.lint(d), ["d.json panel 'Up': no targets"])

    def test_variables_required(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["templating"]["list"] = d["templating"]["list"][2:]
        problems = self.lint(d)
        self.assertIn("d.json: needs a variable datasource of type datasource for prometheus",
                      problems)
        self.assertIn("d.json: needs a query variable cluster = "
                      "label_values(flinkha_jobmanager_up, flink_cluster)", problems)

    def test_schema_version(self):
        d = copy.deepcopy(GOOD_DASHBOARD)
        d["schemaVersion"] = 27
        self.assertEqual(self.lint(d), ["d.json: schemaVersion must be >= 36, found 27"])

    def test_recording_rule_from_another_group(self):
        r = copy.deepcopy(RULES)
        r["groups"][1]["rules"][1]["expr"] = "flink_cluster:flinkha_x:sum == 0"
        self.assertEqual(self.lint(rules=r), [
            "rules alerts/FlinkGood: uses flink_cluster:flinkha_x:sum, which is not recorded "
            "earlier in the same group (it would lag one interval)"])

    def test_alert_needs_severity_and_runbook(self):
        r = copy.deepcopy(RULES)
        alert = r["groups"][1]["rules"][1]
        alert["labels"]["severity"] = "page"
        alert["annotations"]["runbook_url"] = "docs/runbook.md#other"
        self.assertEqual(self.lint(rules=r), [
            "rules alerts/FlinkGood: severity must be one of ['critical', 'info', 'warning']",
            "rules alerts/FlinkGood: runbook_url must be docs/runbook.md#flinkgood"])

    def test_runbook_section_must_exist(self):
        (self.dir / "runbook.md").write_text("# Runbook\n")
        self.assertEqual(self.lint(), [
            "rules alerts/FlinkGood: docs/runbook.md has no section FlinkGood"])

    def test_alert_needs_firing_and_quiet_test(self):
        t = {"tests": [{"alert_rule_test": [{"alertname": "FlinkGood", "exp_alerts": []}]}]}
        self.assertEqual(self.lint(rule_test=t), [
            "tests/prom: alert FlinkGood: no test case where it fires"])

    def test_runbook_mentions_only_known_metrics(self):
        self.lint()  # writes the inputs
        (self.dir / "runbook.md").write_text(
            "## FlinkGood\n\n`flinkha_jobs` and `grep flinkha_source_` but flinkha_bogus_total\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = lint_dashboards.main([
                "--metrics", str(self.dir / "metric_names.txt"),
                "--rules", str(self.dir / "rules.yml"), "--runbook", str(self.dir / "runbook.md"),
                "--tests", str(self.dir / "tests"), str(self.dir / "d.json")])
        self.assertEqual(rc, 1)
        self.assertEqual(err.getvalue(), "runbook.md: mentions unknown metric flinkha_bogus_total\n")

    def test_selectors_skip_functions_grouping_and_strings(self):
        sels = lint_dashboards.selectors(
            'label_replace(sum by (a) (rate(m1{a="x"}[5m])) > on (a) group_left m2, '
            '"b", "$1", "a", "(.*)") unless ignoring (c) m3 offset 1h')
        self.assertEqual([s.name for s in sels], ["m1", "m2", "m3"])
        self.assertEqual(sels[0].matchers, [("a", "=", "x")])


class FixtureTest(unittest.TestCase):
    def test_fixture_exposes_every_contract_metric(self):
        here = pathlib.Path(__file__).resolve().parent
        names = lint_dashboards.read_lines(here / "metric_names.txt")
        exposed = set()
        for line in (here / "fixtures/metrics.prom").read_text().splitlines():
            if line and not line.startswith("#"):
                exposed.add(line.split("{")[0].split(" ")[0])
        self.assertEqual(sorted(names - exposed), [])
        self.assertEqual(sorted(exposed - names), [])


class ShortenForTest(unittest.TestCase):
    def test_caps_long_durations_and_keeps_the_rest(self):
        text = ("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
                "        for: 5m  # why\n      - alert: B\n        expr: up == 0\n"
                "        for: 5s\n      - alert: C\n        expr: up == 0\n        for: 1h30m\n")
        out, changed = shorten_for.shorten(text, "10s")
        self.assertEqual(changed, 2)
        self.assertIn("        for: 10s  # why\n", out)
        self.assertIn("        for: 5s\n", out)
        self.assertNotIn("1h30m", out)
        self.assertEqual(out.count("\n"), text.count("\n"))

    def test_bad_duration(self):
        with self.assertRaisesRegex(ValueError, "expected a Prometheus duration"):
            shorten_for.shorten("for: 5m\n", "10 seconds")

    def test_seconds(self):
        self.assertEqual(shorten_for.seconds("1h30m"), 5400)
        self.assertEqual(shorten_for.seconds("250ms"), 0.25)


class DashboardQueriesTest(unittest.TestCase):
    def test_substitute(self):
        values = {"cluster": "(a|b)", "datasource": "", "__rate_interval": "1m"}
        self.assertEqual(
            dashboard_queries.substitute(
                'rate(x{flink_cluster=~"$cluster"}[$__rate_interval]) ${cluster:regex} $other',
                values),
            'rate(x{flink_cluster=~"(a|b)"}[1m]) (a|b) $other')

    def test_regex_of_escapes_for_a_promql_string(self):
        self.assertEqual(dashboard_queries.regex_of(["127.0.0.1:9879"]), r"127\\.0\\.0\\.1:9879")
        self.assertEqual(dashboard_queries.regex_of(["a", "b-c"]), "(a|b-c)")


if __name__ == "__main__":
    unittest.main()
