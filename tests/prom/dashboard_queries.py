#!/usr/bin/env python3
"""Runs every query of the Grafana dashboards against a Prometheus and lists panels without data.

  dashboard_queries.py --prometheus http://localhost:9090 [--allow-empty UID/TITLE ...]

Variables are resolved the way Grafana does: label_values(...) through the Prometheus label API
(all values, as Grafana's "All" regex), ${datasource} dropped, $__rate_interval, $__interval
and $__range set to --interval. Exit 1 when a panel that is not allowed to be empty returns no
series, or a query fails; 0 otherwise. Only the Python standard library is used.
"""
import argparse
import json
import pathlib
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Prometheus:
    def __init__(self, base, timeout):
        self.base, self.timeout = base.rstrip("/"), timeout

    def get(self, path, params):
        url = f"{self.base}{path}?{urllib.parse.urlencode(params, doseq=True)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as r:
                body = json.load(r)
        except urllib.error.HTTPError as e:
            body = json.loads(e.read() or b"{}")
        if body.get("status") != "success":
            raise RuntimeError(f"{body.get('errorType', 'error')}: {body.get('error', body)}")
        return body["data"]

    def query(self, expr):
        return self.get("/api/v1/query", {"query": expr})["result"]

    def label_values(self, label, match=None):
        params = {"match[]": [match]} if match else {}
        return self.get(f"/api/v1/label/{urllib.parse.quote(label)}/values", params)


def substitute(text, values):
    """Replaces $name, ${name} and ${name:format} by values[name]; unknown names stay."""
    def repl(m):
        name = m.group(1) or m.group(2)
        return values.get(name, m.group(0))
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", repl, text)


def regex_of(values):
    """Grafana's multi-value format for Prometheus: (a|b), regex characters escaped with a
    backslash that is itself escaped for the PromQL string (a.b -> a\\\\.b)."""
    escaped = [re.sub(r"([\\.^$*+?()\[\]{}|'])", r"\\\\\1", v) for v in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def resolve_variables(dashboard, prom, macros):
    values = dict(macros)
    problems = []
    for v in dashboard.get("templating", {}).get("list", []):
        name, kind = v.get("name"), v.get("type")
        if kind == "datasource":
            values[name] = ""
        elif kind == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.fullmatch(r"\s*label_values\(\s*(?:(.*),\s*)?(\w+)\s*\)\s*",
                             substitute(q or "", values))
            if not m:
                problems.append(f"variable {name}: cannot resolve {q!r}")
                continue
            found = prom.label_values(m.group(2), m.group(1))
            if not found:
                problems.append(f"variable {name}: {q!r} returns no value")
                values[name] = "$^"  # matches nothing, so its panels report no data
            else:
                values[name] = regex_of(found)
        elif kind in ("custom", "constant", "textbox"):
            current = (v.get("current") or {}).get("value") or v.get("query", "")
            values[name] = current if isinstance(current, str) else regex_of(current)
    return values, problems


def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))


def check(dashboard_path, prom, macros, allowed, verbose):
    d = json.loads(dashboard_path.read_text())
    uid = d.get("uid", dashboard_path.stem)
    values, problems = resolve_variables(d, prom, macros)
    empty, ran = [], 0
    for p in panels(d.get("panels", [])):
        targets = [t for t in p.get("targets", []) if t.get("expr")]
        if not targets:
            continue
        key = f"{uid}/{p.get('title')}"
        series = 0
        for t in targets:
            expr = substitute(t["expr"], values)
            ran += 1
            try:
                n = len(prom.query(expr))
            except (RuntimeError, urllib.error.URLError, OSError) as e:
                problems.append(f"{key} [{t.get('refId')}]: query failed: {e}: {expr}")
                continue
            series += n
            if verbose:
                print(f"  {key} [{t.get('refId')}]: {n} series")
        if series == 0:
            (empty if key not in allowed else []).append(key)
            if key in allowed:
                print(f"allowed empty: {key}")
    return ran, empty, problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prometheus", required=True, help="base URL, e.g. http://localhost:9090")
    parser.add_argument("--interval", default="1m",
                        help="value for $__rate_interval, $__interval and $__range (default 1m)")
    parser.add_argument("--allow-empty", action="append", default=[], metavar="UID/TITLE",
                        help="a panel allowed to return nothing (e.g. one that needs a "
                             "failover); repeatable")
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("dashboards", nargs="*", type=pathlib.Path,
                        help="dashboards (default: dashboards/*.json)")
    args = parser.parse_args(argv)
    macros = {m: args.interval for m in ("__rate_interval", "__interval", "__range")}
    prom = Prometheus(args.prometheus, args.timeout)
    dashboards = args.dashboards or sorted((ROOT / "dashboards").glob("*.json"))
    all_empty, all_problems, total = [], [], 0
    for path in dashboards:
        try:
            ran, empty, problems = check(path, prom, macros, set(args.allow_empty), args.verbose)
        except (RuntimeError, urllib.error.URLError, OSError, ValueError) as e:
            all_problems.append(f"{path.name}: {e}")
            continue
        total += ran
        all_empty += empty
        all_problems += problems
    for e in all_empty:
        print(f"no data: {e}", file=sys.stderr)
    for p in all_problems:
        print(p, file=sys.stderr)
    if all_empty or all_problems:
        return 1
    print(f"ok: {total} queries of {len(dashboards)} dashboards returned data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
