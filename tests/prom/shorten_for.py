#!/usr/bin/env python3
"""Writes a copy of a Prometheus rules file with every alert's `for:` capped at a duration.

For failover drills and end-to-end tests that need alerts to fire within seconds:
  shorten_for.py --for 10s config/prometheus/flinkha-rules.yml -o /tmp/rules-drill.yml
Only `for:` lines change (text substitution keeps comments and layout); durations already
shorter stay. Range windows in expressions ([15m]) are left alone.
"""
import argparse
import pathlib
import re
import sys

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
FOR_LINE = re.compile(r"^(\s*for:\s*)(\S+)(\s*(?:#.*)?)$")


def seconds(text):
    """Seconds of a Prometheus duration such as 1h30m; ValueError when malformed."""
    parts = DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"expected a Prometheus duration such as 30s or 1h30m, found {text!r}")
    return sum(int(n) * UNITS[u] for n, u in parts)


def shorten(text, cap):
    """The rules text with every `for:` longer than cap replaced by cap; and the count."""
    limit = seconds(cap)
    out, changed = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        m = FOR_LINE.match(body)
        if m and seconds(m.group(2).strip("'\"")) > limit:
            body = f"{m.group(1)}{cap}{m.group(3)}"
            changed += 1
        out.append(body + ("\n" if line.endswith("\n") else ""))
    return "".join(out), changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules", type=pathlib.Path)
    parser.add_argument("--for", dest="cap", default="10s",
                        help="longest `for:` duration to keep (default 10s)")
    parser.add_argument("-o", "--output", type=pathlib.Path, required=True)
    args = parser.parse_args(argv)
    try:
        text, changed = shorten(args.rules.read_text(), args.cap)
    except (OSError, ValueError) as e:
        print(f"shorten_for.py: {e}", file=sys.stderr)
        return 1
    args.output.write_text(text)
    print(f"{args.output}: {changed} for: durations capped at {args.cap}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
