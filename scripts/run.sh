#!/usr/bin/env bash
# The README's first command: set up, build, and run the exporter. With a configuration
# (FLINKHA_CONFIG=path, or /etc/flink-ha-exporter/flink-ha-exporter.yml) it monitors that real
# Flink; without one it starts the local demo HA cluster (scripts/demo.sh) and monitors that.
# Extra arguments go to the exporter (real Flink) or to demo.sh (demo).
set -euo pipefail
cd "$(dirname "$0")/.."
config=${FLINKHA_CONFIG:-}
if [[ -z "$config" && -f /etc/flink-ha-exporter/flink-ha-exporter.yml ]]; then
  config=/etc/flink-ha-exporter/flink-ha-exporter.yml
fi
if [[ -z "$config" ]]; then
  echo "run.sh: no Flink configured (FLINKHA_CONFIG unset): starting the local demo HA cluster"
  exec bash scripts/demo.sh "$@"
fi
# Monitoring a Flink that exists needs only the daemon: its compiler and libraries, no
# ZooKeeper, JDK, Maven, Prometheus or Alertmanager (those are the demo's).
bash scripts/setup.sh --daemon
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLINKHA_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target flink-ha-exporter
build/daemon/flink-ha-exporter --config.file="$config" --config.check
exec build/daemon/flink-ha-exporter --config.file="$config" "$@"
