#!/usr/bin/env python3
"""Checks that the documentation matches the code it describes.

  metrics       docs/metrics.md lists exactly the metric families of the golden /metrics files
                (tests/fixtures/golden/*.txt, `# TYPE` lines), each once, with the same type,
                and exactly the declared families (tests/fixtures/golden/metric_descriptors.tsv,
                written from the collectors' tables by metric_desc_test) with the same type
                and label names (`flink_cluster` is implied unless a row says it is absent).
  links         every relative link in docs/*.md, docs/zh-CN/*.md, README.md and CHANGELOG.md
                names an existing file, and an existing heading or explicit anchor where it has
                a #part.
  translations  docs/zh-CN/ holds translations of files in docs/ (at least manual.md and
                runbook.md) with the same heading structure; every alert's runbook_url anchor
                (config/prometheus/flinkha-rules.yml) exists in both runbooks.
  flags         every flag and command of `flink-ha-exporter --help` is in docs/configuration.md,
                and so is every key of config/examples/all-keys.yml.
  selftest      each check above reports a seeded mistake in a scratch copy.

Usage: check_docs.py CHECK --source-dir DIR [--exporter BINARY]
Exit status 0 when the check passes; otherwise every problem is printed, one per line.
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

TRANSLATED_AT_LEAST = ("manual.md", "runbook.md")

TYPE_LINE = re.compile(r"^# TYPE (\S+) (\S+)\s*$")
# A metrics table row: | `flinkha_name` | gauge | labels | ... (or a client library's
# `process_name`)
METRIC_ROW = re.compile(r"^\|\s*`((?:flinkha|process)_[a-z0-9_]+)`\s*\|\s*([a-z]+)\s*\|([^|]*)\|")
NO_CLUSTER = "(no `flink_cluster`)"


def documented_labels(name, cell):
    """The label names a row's Labels cell gives: the names in backticks, plus flink_cluster
    unless the cell says "(no `flink_cluster`)" or the metric is a process_* one."""
    labels = set(re.findall(r"`([a-zA-Z_][a-zA-Z0-9_]*)`", cell.replace(NO_CLUSTER, "")))
    if NO_CLUSTER not in cell and not name.startswith("process_"):
        labels.add("flink_cluster")
    return labels
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"\s*>", re.I)
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`+[^`]*`+")


# ---- markdown helpers ------------------------------------------------------------------------

def prose_lines(text):
    """(line number, line) outside fenced code blocks."""
    fenced = False
    for n, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield n, line


def headings(text):
    """[(level, title)] of ATX headings outside code blocks."""
    out = []
    for _, line in prose_lines(text):
        m = HEADING.match(line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


def slug(title):
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # links -> their text
    title = EXPLICIT_ANCHOR.sub("", title)
    title = re.sub(r"<[^>]+>", "", title)
    title = title.replace("`", "").strip().lower()
    title = re.sub(r"[^\w\- ]", "", title)
    return title.replace(" ", "-")


def anchors(text):
    """Every anchor a link may name in this file: heading slugs (GitHub numbers repeats
    -1, -2, ...) and explicit <a id=...> anchors."""
    seen = {}
    out = set()
    for _, title in headings(text):
        s = slug(title)
        if s in seen:
            seen[s] += 1
            out.add(f"{s}-{seen[s]}")
        else:
            seen[s] = 0
            out.add(s)
    for _, line in prose_lines(text):
        out.update(EXPLICIT_ANCHOR.findall(line))
    return out


def links(text):
    """(line number, target) of inline links outside code."""
    for n, line in prose_lines(text):
        for m in LINK.finditer(INLINE_CODE.sub("", line)):
            yield n, m.group(1)


# ---- checks ----------------------------------------------------------------------------------

def check_metrics(root):
    problems = []
    golden = {}
    files = sorted((root / "tests/fixtures/golden").glob("*.txt"))
    if not files:
        return ["tests/fixtures/golden: expected golden /metrics files (*.txt), found none"]
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            m = TYPE_LINE.match(line)
            if not m:
                continue
            name, kind = m.groups()
            if golden.setdefault(name, kind) != kind:
                problems.append(f"{f.name}: {name} has type {kind}, another golden file {golden[name]}")
    doc = root / "docs/metrics.md"
    documented = {}
    labels = {}
    for n, line in prose_lines(doc.read_text(encoding="utf-8")):
        m = METRIC_ROW.match(line)
        if not m:
            continue
        name, kind, cell = m.groups()
        if name in documented:
            problems.append(f"docs/metrics.md:{n}: {name} is listed twice")
        documented[name] = kind
        labels[name] = (n, documented_labels(name, cell))
    for name in sorted(set(golden) - set(documented)):
        problems.append(f"docs/metrics.md: missing {name} ({golden[name]}), which the golden files expose")
    for name in sorted(set(documented) - set(golden)):
        problems.append(f"docs/metrics.md: lists {name}, which no golden file exposes")
    for name in sorted(set(golden) & set(documented)):
        if golden[name] != documented[name]:
            problems.append(f"docs/metrics.md: {name} is documented as {documented[name]}, "
                            f"the golden files say {golden[name]}")
    declared_file = root / "tests/fixtures/golden/metric_descriptors.tsv"
    if not declared_file.exists():
        return problems + [f"{declared_file}: missing (metric_desc_test writes it)"]
    declared = {}
    for line in declared_file.read_text(encoding="utf-8").splitlines():
        name, kind, label_list = line.split("\t")[:3]
        declared[name] = (kind, set(filter(None, label_list.split(","))))
    for name in sorted(set(declared) - set(documented)):
        problems.append(f"docs/metrics.md: missing {name}, declared in a collector")
    for name in sorted(set(documented) - set(declared)):
        problems.append(f"docs/metrics.md: lists {name}, which no collector declares")
    for name in sorted(set(declared) & set(documented)):
        kind, want = declared[name]
        n, have = labels[name]
        if kind != documented[name]:
            problems.append(f"docs/metrics.md:{n}: {name} is documented as {documented[name]}, "
                            f"declared as {kind}")
        if want != have:
            problems.append(f"docs/metrics.md:{n}: {name} has labels {sorted(have)}, "
                            f"declared with {sorted(want)}")
    return problems


def doc_files(root):
    files = sorted((root / "docs").glob("*.md")) + sorted((root / "docs/zh-CN").glob("*.md"))
    tops = [root / "README.md", root / "CHANGELOG.md"]
    return files + [t for t in tops if t.exists()]


def check_links(root):
    problems = []
    cache = {}

    def anchors_of(path):
        if path not in cache:
            cache[path] = anchors(path.read_text(encoding="utf-8"))
        return cache[path]

    for f in doc_files(root):
        rel = f.relative_to(root)
        for n, target in links(f.read_text(encoding="utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto: ...
            path_part, _, anchor = target.partition("#")
            dest = (f.parent / path_part).resolve() if path_part else f.resolve()
            try:
                dest.relative_to(root.resolve())
            except ValueError:
                problems.append(f"{rel}:{n}: link {target} leaves the repository")
                continue
            if not dest.exists():
                problems.append(f"{rel}:{n}: link {target}: {path_part} does not exist")
                continue
            if anchor and dest.suffix == ".md" and anchor not in anchors_of(dest):
                problems.append(f"{rel}:{n}: link {target}: no heading or anchor "
                                f"#{anchor} in {dest.relative_to(root.resolve())}")
    return problems


def runbook_anchors(root):
    rules = (root / "config/prometheus/flinkha-rules.yml").read_text(encoding="utf-8")
    return re.findall(r"runbook_url:\s*\"?docs/runbook\.md#([a-z0-9_-]+)\"?", rules)


def check_translations(root):
    problems = []
    zh = root / "docs/zh-CN"
    if not zh.is_dir():
        return ["docs/zh-CN: expected the Chinese translation, found no directory"]
    english = {p.name for p in (root / "docs").glob("*.md")}
    chinese = {p.name for p in zh.glob("*.md")}
    for name in TRANSLATED_AT_LEAST:
        if name not in chinese:
            problems.append(f"docs/zh-CN: expected {name}, found none")
    for name in sorted(chinese - english):
        problems.append(f"docs/zh-CN/{name}: no docs/{name} it translates")
    for name in sorted(chinese & english):
        en = headings((root / "docs" / name).read_text(encoding="utf-8"))
        cn = headings((zh / name).read_text(encoding="utf-8"))
        en_levels = [lvl for lvl, _ in en]
        cn_levels = [lvl for lvl, _ in cn]
        if en_levels != cn_levels:
            for level in range(1, 7):
                a, b = en_levels.count(level), cn_levels.count(level)
                if a != b:
                    problems.append(f"docs/zh-CN/{name}: {b} level-{level} headings, "
                                    f"docs/{name} has {a}")
            if not problems:
                problems.append(f"docs/zh-CN/{name}: headings in another order than docs/{name}")
    wanted = runbook_anchors(root)
    if not wanted:
        problems.append("config/prometheus/flinkha-rules.yml: expected runbook_url annotations, found none")
    for path in (root / "docs/runbook.md", zh / "runbook.md"):
        if not path.exists():
            continue
        have = anchors(path.read_text(encoding="utf-8"))
        for a in wanted:
            if a not in have:
                problems.append(f"{path.relative_to(root)}: no section for runbook_url anchor #{a}")
    return problems


def check_flags(root, exporter):
    problems = []
    doc = (root / "docs/configuration.md").read_text(encoding="utf-8")
    try:
        run = subprocess.run([exporter, "--help"], capture_output=True, text=True, timeout=30)
    except OSError as e:
        return [f"{exporter}: cannot run: {e}"]
    if run.returncode != 0:
        return [f"{exporter} --help: exit status {run.returncode}: {run.stderr.strip()}"]
    flags = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9.-]*)", run.stdout)))
    if len(flags) < 5:
        problems.append(f"{exporter} --help: expected a list of flags, found {flags}")
    commands = re.findall(r"^\s{2}(\w+)(?: \(default\))?\s{2,}", run.stdout.split("flags:")[0], re.M)
    if not commands:
        problems.append(f"{exporter} --help: expected a list of commands, found none")
    for flag in flags:
        if not re.search(r"`" + re.escape(flag) + r"(?:[= ][^`]*)?`", doc):
            problems.append(f"docs/configuration.md: flag {flag} (from --help) is not documented")
    for command in commands:
        if f"`{command}`" not in doc:
            problems.append(f"docs/configuration.md: command {command} (from --help) is not documented")
    example = (root / "config/examples/all-keys.yml").read_text(encoding="utf-8")
    keys = sorted(set(re.findall(r"^\s*(?:-\s+)?([a-z_]+):", example, re.M)))
    for key in keys:
        if f"`{key}`" not in doc:
            problems.append(f"docs/configuration.md: key {key} (config/examples/all-keys.yml) "
                            f"is not documented")
    return problems


# ---- self test -------------------------------------------------------------------------------

def selftest(root, exporter):
    """Seeds one mistake per check into a scratch copy and expects it reported."""
    import shutil
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = pathlib.Path(tmp) / "repo"
        # Everything the docs link to, so the unmodified copy checks clean.
        for part in ("docs", "tests/fixtures/golden", "tests/container", "config",
                     "packaging", "scripts", "flink", "dashboards"):
            if (root / part).exists():
                shutil.copytree(root / part, scratch / part,
                                ignore=shutil.ignore_patterns("__pycache__", "target"))
        for top in ("README.md", "CHANGELOG.md", "LICENSE"):
            if (root / top).exists():
                shutil.copy(root / top, scratch / top)

        def expect(check, args, needle, why):
            found = check(scratch, *args)
            if not any(needle in p for p in found):
                failures.append(f"{why}: expected a problem containing {needle!r}, found {found}")

        def edit(rel, old, new):
            p = scratch / rel
            text = p.read_text(encoding="utf-8")
            if old not in text:
                failures.append(f"selftest: {rel} has no {old!r} to change")
            p.write_text(text.replace(old, new), encoding="utf-8")
            return text

        for check, args in ((check_metrics, ()), (check_links, ()), (check_translations, ()),
                            (check_flags, (exporter,))):
            if check(scratch, *args):
                failures.append(f"selftest: {check.__name__} fails on the unmodified copy")

        golden = sorted((scratch / "tests/fixtures/golden").glob("*.txt"))[0]
        saved = golden.read_text(encoding="utf-8")
        golden.write_text(saved + "# HELP flinkha_new_thing x\n# TYPE flinkha_new_thing gauge\n",
                          encoding="utf-8")
        expect(check_metrics, (), "missing flinkha_new_thing", "metric not documented")
        golden.write_text(saved.replace("# TYPE flinkha_build_info gauge",
                                        "# TYPE flinkha_build_info counter"), encoding="utf-8")
        expect(check_metrics, (), "flinkha_build_info is documented as gauge", "type mismatch")
        golden.write_text(saved, encoding="utf-8")
        saved = edit("docs/metrics.md", "| `flinkha_zookeeper_up` | gauge | `server` |",
                     "| `flinkha_zookeeper_up` | gauge | `server`, `mode` |")
        expect(check_metrics, (), "flinkha_zookeeper_up has labels", "label not declared")
        (scratch / "docs/metrics.md").write_text(saved, encoding="utf-8")

        saved = edit("docs/manual.md", "(configuration.md#default-port)",
                     "(configuration.md#no-such-heading)")
        expect(check_links, (), "#no-such-heading", "broken anchor")
        (scratch / "docs/manual.md").write_text(saved + "\n[x](no-such-file.md)\n", encoding="utf-8")
        expect(check_links, (), "no-such-file.md does not exist", "broken file link")
        (scratch / "docs/manual.md").write_text(saved, encoding="utf-8")

        saved = (scratch / "docs/zh-CN/manual.md").read_text(encoding="utf-8")
        (scratch / "docs/zh-CN/manual.md").write_text(saved + "\n## 多余的一节\n", encoding="utf-8")
        expect(check_translations, (), "level-2 headings", "extra heading in a translation")
        (scratch / "docs/zh-CN/manual.md").write_text(saved, encoding="utf-8")
        saved = edit("docs/zh-CN/runbook.md", "## FlinkNoLeader", "## 没有领导者")
        expect(check_translations, (), "#flinknoleader", "alert anchor lost in the translation")
        (scratch / "docs/zh-CN/runbook.md").write_text(saved, encoding="utf-8")

        edit("docs/configuration.md", "`--status.timeout", "`--status-timeout")
        expect(check_flags, (exporter,), "flag --status.timeout", "undocumented flag")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("check", choices=["metrics", "links", "translations", "flags", "selftest"])
    ap.add_argument("--source-dir", required=True, type=pathlib.Path)
    ap.add_argument("--exporter", help="the flink-ha-exporter binary (flags, selftest)")
    args = ap.parse_args()
    root = args.source_dir.resolve()
    if args.check in ("flags", "selftest") and not args.exporter:
        ap.error(f"{args.check} needs --exporter")
    problems = {
        "metrics": lambda: check_metrics(root),
        "links": lambda: check_links(root),
        "translations": lambda: check_translations(root),
        "flags": lambda: check_flags(root, args.exporter),
        "selftest": lambda: selftest(root, args.exporter),
    }[args.check]()
    for p in problems:
        print(p)
    if not problems:
        print(f"docs {args.check}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
