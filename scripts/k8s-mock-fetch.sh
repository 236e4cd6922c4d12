#!/usr/bin/env bash
# Fetches what the Kubernetes HA test bed needs (scripts/flink-cluster.py up --ha kubernetes):
#   ${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}/k8s-mock/{k8s-mock.jar,lib/}
#       fabric8's kubernetes-server-mock (flink/k8s-mock/pom.xml) and its small main
#   .../flink-<ver>/k8s-lib/flink-kubernetes-<v>.jar   per flink/k8s-mock/flink-kubernetes.txt
#   scripts/k8s-mock-fetch.sh [--quiet] [VERSION...]   (default: every version in that file)
# Idempotent; offline once complete (maven is tried offline first).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}
QUIET=0
if [[ "${1:-}" == "--quiet" ]]; then QUIET=1; shift; fi
say() { ((QUIET)) || echo "k8s-mock-fetch: $*" >&2; }
die() { echo "k8s-mock-fetch: $*" >&2; exit 1; }
command -v mvn >/dev/null || die "maven (mvn) is not installed; run scripts/setup.sh"

mvn_twice() {  # LOG mvn-args...
  local log=$1; shift
  mvn -o -B -q "$@" >"$log" 2>&1 && return 0
  say "not all in ~/.m2 yet; downloading from Maven Central"
  mvn -B -q "$@" >"$log" 2>&1 && return 0
  grep -m3 -E "ERROR|Could not" "$log" >&2 || true
  die "maven failed (log: $log)"
}

# The mock server: rebuilt when its sources change.
out="$CACHE/k8s-mock"
sum=$(cd "$ROOT/flink/k8s-mock" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ -s "$out/k8s-mock.jar" && "$(cat "$out/sources.sha256" 2>/dev/null)" == "$sum" ]]; then
  say "mock API server up to date ($out)"
else
  say "building the mock API server into $out"
  mkdir -p "$out"
  rm -rf "$out/lib" "$out/sources.sha256"
  mvn_twice "$out/build.log" -f "$ROOT/flink/k8s-mock/pom.xml" -Dmock.out="$out" package \
    dependency:copy-dependencies -DoutputDirectory="$out/lib" -DincludeScope=runtime
  echo "$sum" >"$out/sources.sha256"
fi

versions=("$@")
while read -r flink kube; do
  [[ -z "$flink" || "$flink" == \#* ]] && continue
  if ((${#versions[@]})) && [[ " ${versions[*]} " != *" $flink "* ]]; then continue; fi
  dir="$CACHE/flink-$flink/k8s-lib"
  if [[ -s "$dir/flink-kubernetes-$kube.jar" ]]; then
    say "flink-kubernetes $kube for Flink $flink present"
    continue
  fi
  say "fetching flink-kubernetes $kube for Flink $flink"
  mkdir -p "$dir"
  mvn_twice "$CACHE/flink-$flink/k8s-fetch.log" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.apache.flink:flink-kubernetes:$kube" -DoutputDirectory="$dir"
done <"$ROOT/flink/k8s-mock/flink-kubernetes.txt"
