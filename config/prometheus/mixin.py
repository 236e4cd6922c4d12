#!/usr/bin/env python3
"""Writes the shipped alert rules with your scrape job selector and runbook location.

The monitoring-mixin convention: the selector of the exporter's scrape job and the base URL of
the runbook are settings, not literals. flinkha-rules.yml is the template and holds the
defaults, so it is what this script writes when given no setting:

  job selector   job="flink-ha-exporter"  (FlinkHaExporterDown: up{<selector>} == 0)
  runbook base   docs/runbook.md          (runbook_url: "<base>#<alert in lower case>")

Usage:
  mixin.py [--job-selector 'job="flink"'] [--runbook-base https://wiki.example.org/flink-ha/runbook]
           [RULES] [-o OUT]
  mixin.py --check [RULES]   the template uses the defaults everywhere and writes itself

The dashboards need no setting: they pick the exporter by the $instance variable
(label_values(flinkha_source_up, instance)), whatever the scrape job is called.
Standard library only.
"""
import argparse
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_JOB_SELECTOR = 'job="flink-ha-exporter"'
DEFAULT_RUNBOOK_BASE = "docs/runbook.md"

# Where the settings appear in the template, written with the defaults.
UP = "up{" + DEFAULT_JOB_SELECTOR + "}"
RUNBOOK = 'runbook_url: "' + DEFAULT_RUNBOOK_BASE + "#"
# Any selector on the job label, to find one that is not the setting.
JOB_MATCHER = re.compile(r'\bjob\s*(=|!=|=~|!~)\s*"')
RUNBOOK_LINE = re.compile(r'^\s*runbook_url:\s*"([^"#]*)#', re.M)


def problems(template):
    """Places where the template hard-codes something other than the default settings."""
    out = []
    for n, line in enumerate(template.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        if JOB_MATCHER.search(line.replace(UP, "")):
            out.append(f"line {n}: a job selector other than {UP}: {line.strip()}")
    for m in RUNBOOK_LINE.finditer(template):
        if m.group(1) != DEFAULT_RUNBOOK_BASE:
            n = template.count("\n", 0, m.start()) + 1
            out.append(f"line {n}: runbook_url not under {DEFAULT_RUNBOOK_BASE}#: {m.group(0).strip()}")
    if UP not in template:
        out.append(f"no {UP} in the template (FlinkHaExporterDown)")
    if RUNBOOK not in template:
        out.append(f"no {RUNBOOK} in the template")
    return out


def render(template, job_selector, runbook_base):
    text = template.replace(UP, "up{" + job_selector + "}")
    return text.replace(RUNBOOK, 'runbook_url: "' + runbook_base.rstrip("/") + "#")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("rules", nargs="?", default=str(HERE / "flinkha-rules.yml"),
                   help="the template (default: flinkha-rules.yml beside this script)")
    p.add_argument("--job-selector", default=DEFAULT_JOB_SELECTOR,
                   help=f"label matchers of the exporter's scrape job (default {DEFAULT_JOB_SELECTOR})")
    p.add_argument("--runbook-base", default=DEFAULT_RUNBOOK_BASE,
                   help=f"where the runbook is published (default {DEFAULT_RUNBOOK_BASE})")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--check", action="store_true",
                   help="check that the template uses the defaults everywhere")
    opts = p.parse_args()
    template = pathlib.Path(opts.rules).read_text(encoding="utf-8")
    found = problems(template)
    if opts.check:
        if render(template, DEFAULT_JOB_SELECTOR, DEFAULT_RUNBOOK_BASE) != template:
            found.append("the defaults do not reproduce the template")
        for f in found:
            print(f"{opts.rules}: {f}", file=sys.stderr)
        return 1 if found else 0
    if found:
        for f in found:
            print(f"{opts.rules}: {f}", file=sys.stderr)
        return 1
    if not re.fullmatch(r'\s*[a-zA-Z_]\w*\s*(=|!=|=~|!~)\s*"[^"]*"'
                        r'(\s*,\s*[a-zA-Z_]\w*\s*(=|!=|=~|!~)\s*"[^"]*")*\s*', opts.job_selector):
        print(f'--job-selector: expected label matchers such as job="flink", found '
              f'{opts.job_selector!r}', file=sys.stderr)
        return 2
    text = render(template, opts.job_selector, opts.runbook_base)
    if opts.output:
        pathlib.Path(opts.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
