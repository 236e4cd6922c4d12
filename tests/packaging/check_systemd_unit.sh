#!/usr/bin/env bash
# Checks packaging/systemd/flink-ha-exporter.service with systemd's own tools.
#   check_systemd_unit.sh verify   <source dir> <built binary>   # systemd-analyze verify
#   check_systemd_unit.sh security <source dir> <max exposure>   # systemd-analyze security
set -euo pipefail
mode=$1 src=$2 arg=$3
unit=$src/packaging/systemd/flink-ha-exporter.service
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

case $mode in
verify)
  arg=$(readlink -f "$arg")
  # The unit names /usr/bin/flink-ha-exporter; verify a copy that runs the built binary, so the
  # check covers an executable that exists (verify fails on a missing ExecStart binary).
  sed "s|/usr/bin/flink-ha-exporter|$arg|" "$unit" >"$scratch/flink-ha-exporter.service"
  grep -q "ExecStart=$arg " "$scratch/flink-ha-exporter.service"
  out=$(systemd-analyze verify "$scratch/flink-ha-exporter.service" 2>&1) || {
    echo "$out"; echo "FAIL: systemd-analyze verify"; exit 1; }
  # Anything printed is a warning (unknown directive, bad value): the unit must be clean.
  if [[ -n "$out" ]]; then echo "$out"; echo "FAIL: systemd-analyze verify printed warnings"; exit 1; fi
  # The flags in the shipped environment file parse (an unknown flag exits 2).
  ARGS=""
  # shellcheck disable=SC1091
  source "$src/packaging/systemd/flink-ha-exporter.default"
  [[ -n "$ARGS" ]] || { echo "FAIL: flink-ha-exporter.default sets no ARGS"; exit 1; }
  # shellcheck disable=SC2086
  "$arg" $ARGS --version >/dev/null
  echo "OK: systemd-analyze verify is clean; ARGS=\"$ARGS\" parse"
  ;;
security)
  cp "$unit" "$scratch/"
  report=$(systemd-analyze security --offline=true --no-pager "$scratch/flink-ha-exporter.service" 2>&1) || {
    echo "$report"; echo "FAIL: systemd-analyze security"; exit 1; }
  score=$(sed -n 's/.*Overall exposure level for flink-ha-exporter.service: \([0-9.]*\).*/\1/p' <<<"$report")
  [[ -n "$score" ]] || { echo "$report"; echo "FAIL: no exposure level in the report"; exit 1; }
  grep '✗' <<<"$report" || true
  echo "exposure level: $score (threshold $arg)"
  awk -v s="$score" -v t="$arg" 'BEGIN { exit !(s <= t) }' || {
    echo "FAIL: exposure $score is above $arg"; exit 1; }
  ;;
*) echo "usage: $0 verify|security <source dir> <arg>" >&2; exit 2 ;;
esac
