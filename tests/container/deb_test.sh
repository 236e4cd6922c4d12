#!/usr/bin/env bash
# The Debian package, installed as an operator would: `apt-get install ./flink-ha-exporter_*.deb`
# in a clean Debian 12 container (the local debian:12 base, scripts/docker-bed.sh base). Checks
# that apt resolves every dependency from Debian's mirror, that --config.check passes on the
# shipped default configuration (/etc/flink-ha-exporter/flink-ha-exporter.yml), and that the
# daemon, started as the packaged user, serves /healthz.
#   deb_test.sh <build dir> [cpack]
# The container and its network are removed at the end, also on failure or interruption.
set -euo pipefail
build=$(cd "$1" && pwd)
DOCKER=${DOCKER:-$([[ -x /usr/bin/docker ]] && echo /usr/bin/docker || echo docker)}
name=flinkha-deb-$$
scratch=$(mktemp -d)
cleanup() {
  "$DOCKER" rm -f -v "$name" >/dev/null 2>&1 || true
  "$DOCKER" network rm "$name" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$DOCKER" version >/dev/null 2>&1 || fail "no Docker engine answers: run scripts/docker-bed.sh start"
"$DOCKER" image inspect debian:12 >/dev/null 2>&1 || fail "no debian:12 image: run scripts/docker-bed.sh base"
(cd "$build" && "${2:-cpack}" -G DEB --config CPackConfig.cmake -B "$scratch/out") >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
deb=$(cd "$scratch/out" && ls flink-ha-exporter_*.deb)
echo "package: $deb"

# A network of this test's own: apt reaches Debian's mirror through it, nothing else runs on it.
"$DOCKER" network create "$name" >/dev/null
"$DOCKER" run -d --name "$name" --network "$name" -v "$scratch/out:/deb:ro" debian:12 sleep 900 >/dev/null
t0=$SECONDS
"$DOCKER" exec -e DEBIAN_FRONTEND=noninteractive "$name" sh -c \
  "apt-get update -qq && apt-get install -y -q --no-install-recommends /deb/$deb" >"$scratch/apt.log" 2>&1 ||
  { tail -30 "$scratch/apt.log"; fail "apt-get install ./$deb in a clean Debian 12"; }
echo "ok: apt-get install ./$deb resolved its dependencies ($((SECONDS - t0)) s): $(grep -c '^Setting up' "$scratch/apt.log") packages set up"

conf=/etc/flink-ha-exporter/flink-ha-exporter.yml
out=$("$DOCKER" exec "$name" flink-ha-exporter --config.check --config.file=$conf 2>&1) ||
  { echo "$out"; fail "--config.check on the shipped $conf"; }
echo "ok: $out"
"$DOCKER" exec "$name" getent passwd flink-ha-exporter >/dev/null || fail "the package created no flink-ha-exporter user"
# No init system in the container: start the daemon as the unit would (its user, its config).
"$DOCKER" exec -d "$name" runuser -u flink-ha-exporter -- /usr/bin/flink-ha-exporter --config.file=$conf
healthz() {
  "$DOCKER" exec "$name" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9879 && printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>/dev/null
}
for ((i = 0; i < 30; i++)); do
  reply=$(healthz || true)
  [[ $reply == "HTTP/1.1 200"* ]] && break
  sleep 1
done
[[ $reply == "HTTP/1.1 200"* ]] || { "$DOCKER" exec "$name" sh -c 'cat /proc/[0-9]*/comm' | sort | uniq -c; fail "/healthz did not answer 200: $reply"; }
echo "ok: /healthz answers $(head -1 <<<"$reply" | tr -d '\r')"
user=$("$DOCKER" exec "$name" sh -c 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = flink-ha-export ] && stat -c %U $p; done; true')
[[ $user == flink-ha-exporter ]] || fail "the daemon runs as '$user', not flink-ha-exporter"
echo "ok: the daemon runs as $user"
echo "1 passed, 0 failed"
