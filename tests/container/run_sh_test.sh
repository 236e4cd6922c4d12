#!/usr/bin/env bash
# scripts/run.sh with a configuration monitors an existing Flink: it must install only what the
# daemon needs (scripts/setup.sh --daemon), none of the demo's servers or the tests' tools.
#   run_sh_test.sh <repository root>
set -euo pipefail
root=$1
fail() { echo "FAIL: $*"; exit 1; }
grep -q '^bash scripts/setup.sh --daemon$' "$root/scripts/run.sh" ||
  fail "scripts/run.sh does not install with setup.sh --daemon"
daemon=$(bash "$root/scripts/setup.sh" --daemon --list)
full=$(bash "$root/scripts/setup.sh" --test --list)
echo "setup.sh --daemon installs: $(tr '\n' ' ' <<<"$daemon")"
for p in zookeeper default-jdk-headless maven prometheus prometheus-alertmanager docker.io catch2 chromium; do
  grep -qx "$p" <<<"$daemon" && fail "setup.sh --daemon installs $p, which the daemon does not need"
  grep -qx "$p" <<<"$full" || fail "setup.sh --test lacks $p (the check above would be vacuous)"
done
# Every library the exporter's CMake build looks for comes from the daemon list.
for p in build-essential cmake pkg-config prometheus-cpp-dev libcpp-httplib-dev libzookeeper-mt-dev \
  libyaml-cpp-dev libspdlog-dev nlohmann-json3-dev libssl-dev; do
  grep -qx "$p" <<<"$daemon" || fail "setup.sh --daemon lacks $p, which building the daemon needs"
done
# The daemon's packages are the image's build stage's: the Dockerfile builds with them alone.
for p in $daemon; do
  grep -q "$p" "$root/packaging/container/Dockerfile" || fail "$p is not in the Dockerfile's build stage"
done
echo "1 passed, 0 failed"
