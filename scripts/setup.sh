#!/usr/bin/env bash
# Installs everything the project needs from Debian 12's packages (run as root, or with sudo).
# --daemon: only what building the exporter needs; --test: also everything the tests need;
# --list (after the mode): print the mode's packages and install nothing.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

# The daemon alone (setup.sh --daemon, what scripts/run.sh installs to monitor an existing Flink):
# a compiler and the libraries the exporter links, nothing to run Flink or the tests.
DAEMON_PKGS=(build-essential cmake pkg-config
  prometheus-cpp-dev libcpp-httplib-dev libzookeeper-mt-dev libyaml-cpp-dev libspdlog-dev
  nlohmann-json3-dev libssl-dev libcrypt-dev libcli11-dev libboost1.81-dev)
BUILD_PKGS=("${DAEMON_PKGS[@]}" git clang-format catch2 libbenchmark-dev
  dpkg-dev file)  # the last two: cpack -G DEB (dpkg-shlibdeps)
# The demo cluster and the ZooKeeper tests: a real ZooKeeper server and Curator's LeaderLatch;
# the simulated JobManager (tests/sim) writes its REST JSON with Jackson.
# Real Flink (scripts/flink-fetch.sh, scripts/flink-cluster.py): jars from Maven Central via maven.
# The demo (scripts/demo.sh) also runs Prometheus with the shipped rules and Alertmanager.
RUN_PKGS=(zookeeper default-jdk-headless libcurator-framework-java libcurator-recipes-java
  libcurator-client-java libjackson2-databind-java curl procps maven python3 prometheus
  prometheus-alertmanager)
# Alert rules, scraping and alert delivery tests; sanitizer runtimes; packaging checks; the
# status page in a headless browser driven by Selenium (tests/support/status_page_browser.py).
TEST_PKGS=(prometheus prometheus-alertmanager libclang-rt-14-dev clang python3 openssl
  apache2-utils systemd dpkg-dev file docker-compose python3-yaml chromium chromium-driver
  python3-selenium
  docker.io mmdebstrap)  # the container tests (tests/container/, scripts/docker-bed.sh)

list=0
if [[ "${2:-}" == "--list" || "${1:-}" == "--list" ]]; then list=1; fi
case "${1:-}" in
  --daemon) want=("${DAEMON_PKGS[@]}") ;;
  --test) want=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  ""|--list) want=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}") ;;
  *) echo "usage: scripts/setup.sh [--daemon | --test] [--list]" >&2; exit 2 ;;
esac
# --list: print the packages this mode ensures, one a line, and install nothing.
if ((list)); then printf '%s\n' "${want[@]}" | sort -u; exit 0; fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Debian's prometheus/alertmanager/zookeeper packages would start services where an init
  # system runs; the tests start their own servers on free ports instead.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "setup: all packages present"
if [[ "${1:-}" == "--test" ]]; then
  # The flink tests' Flink versions: jars into the invoking user's ~/.cache/flink-ha-exporter
  # (FLINKHA_CACHE), never into the source tree. A no-op once complete.
  "$(dirname "$0")/flink-fetch.sh"
  # The kubernetes tests' API server (fabric8's mock) and flink-kubernetes per version.
  "$(dirname "$0")/k8s-mock-fetch.sh"
  # The kubernetes tests' helm (lint and template of packaging/helm), pinned, built with Go from
  # the Go module proxy.
  "$(dirname "$0")/helm-fetch.sh" >/dev/null
fi
