#!/usr/bin/env bash
# The container test bed: a Docker engine and the local images the container tests use.
#   scripts/docker-bed.sh install   apt-get install docker.io docker-compose mmdebstrap
#   scripts/docker-bed.sh start     start dockerd when no engine answers (pidfile + log)
#   scripts/docker-bed.sh stop      sweep, then stop dockerd, only if `start` started it
#   scripts/docker-bed.sh sweep     remove what killed container tests left (by their pid)
#   scripts/docker-bed.sh base      debian:12 and debian:12-slim from an mmdebstrap minbase root
#   scripts/docker-bed.sh images    the exporter (packaging/container/Dockerfile), and ZooKeeper,
#                                   Prometheus, Alertmanager, Flink 1.20.5 / 2.3.0 stand-ins for
#                                   the official images (packaging/container/local/)
#   scripts/docker-bed.sh all       start + base + images, with timings
# No image registry is reachable here: base images are made locally and tagged with the names
# the Dockerfiles use, so the shipped Dockerfile builds unchanged. Images are kept as a cache
# (a second run reuses every layer); they are not test state. Build containers reach Debian's
# mirror through the default bridge for apt; nothing else does.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}
STATE=${FLINKHA_DOCKERD_STATE:-/run/flinkha-dockerd}
# Debian's docker.io client talks the engine's API version; another `docker` earlier on PATH
# (a newer static client) is not needed.
DOCKER=${DOCKER:-$([[ -x /usr/bin/docker ]] && echo /usr/bin/docker || command -v docker || echo docker)}
FLINK_VERSIONS=(${FLINKHA_CONTAINER_FLINK_VERSIONS:-1.20.5 2.3.0})
EXPORTER_IMAGE=${FLINKHA_EXPORTER_IMAGE:-flink-ha-exporter:local}
ZOOKEEPER_IMAGE=${FLINKHA_ZOOKEEPER_IMAGE:-flinkha-local/zookeeper:3.8}
PROMETHEUS_IMAGE=${FLINKHA_PROMETHEUS_IMAGE:-flinkha-local/prometheus:2.42}
ALERTMANAGER_IMAGE=${FLINKHA_ALERTMANAGER_IMAGE:-flinkha-local/alertmanager:0.25}

say() { echo "docker-bed: $*" >&2; }
die() { echo "docker-bed: error: $*" >&2; exit 1; }

cmd_install() {
  local missing=() p
  for p in docker.io docker-compose mmdebstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || { say "docker.io, docker-compose and mmdebstrap present"; return; }
  [[ $(id -u) -eq 0 ]] || die "installing ${missing[*]} needs root: sudo $0 install"
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}"; }
}

# 0: an engine answers; 1: none runs; 2: one runs but the socket refuses us (message printed).
engine_state() {
  command -v "$DOCKER" >/dev/null 2>&1 || die "no docker client: run scripts/docker-bed.sh install"
  local out
  if out=$("$DOCKER" version --format '{{.Server.Version}}' 2>&1); then return 0; fi
  if grep -qi "permission denied" <<<"$out"; then
    say "the Docker socket refuses this user ($(id -un)): $out"
    say "fix: run as root, or add the user to the docker group (usermod -aG docker $(id -un); log in again)"
    return 2
  fi
  return 1
}

cmd_start() {
  local rc=0
  engine_state || rc=$?
  ((rc == 0)) && { say "Docker engine $("$DOCKER" version --format '{{.Server.Version}}') already runs"; return; }
  ((rc == 2)) && exit 1
  command -v dockerd >/dev/null || die "no Docker engine runs and dockerd is not installed: run scripts/docker-bed.sh install (apt-get install docker.io)"
  [[ $(id -u) -eq 0 ]] || die "no Docker engine runs and starting dockerd needs root: sudo $0 start"
  mkdir -p "$STATE"
  say "no Docker engine answers: starting dockerd (log $STATE/dockerd.log)"
  # No init system runs here: dockerd in the background, its own session, pidfile and log.
  # Inherited descriptors are closed first: dockerd outlives its caller and must not keep a
  # caller's lock (flock /tmp/flinkha-heavy.lock ...) or pipe open.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid dockerd --pidfile "$STATE/dockerd.pid" >"$STATE/dockerd.log" 2>&1 </dev/null
  ) &
  local pid=$!
  echo "$pid" >"$STATE/started-by-bed"
  local i
  for ((i = 0; i < 120; i++)); do
    if "$DOCKER" version >/dev/null 2>&1; then say "dockerd (pid $pid) ready"; return; fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$STATE/dockerd.log" >&2; rm -f "$STATE/started-by-bed"; die "dockerd exited (log above, $STATE/dockerd.log)"; }
    sleep 0.5
  done
  tail -20 "$STATE/dockerd.log" >&2
  die "dockerd did not answer on its socket within 60 s (log above)"
}

# Containers, volumes and networks of container tests whose process is gone (killed before its
# own clean-up ran, e.g. by a ctest timeout): names carry the test's pid (flinkha-ct-PID...,
# flinkha-deb-PID).
cmd_sweep() {
  engine_state >/dev/null 2>&1 || return 0
  local name pid kind
  for kind in container volume network; do
    local list
    case $kind in
      container) list=$("$DOCKER" ps -a --format '{{.Names}}') ;;
      volume) list=$("$DOCKER" volume ls -q) ;;
      network) list=$("$DOCKER" network ls --format '{{.Name}}') ;;
    esac
    for name in $list; do
      [[ $name =~ ^flinkha-(ct|deb)-([0-9]+) ]] || continue
      pid=${BASH_REMATCH[2]}
      kill -0 "$pid" 2>/dev/null && continue
      say "removing $kind $name left by a test that is gone (pid $pid)"
      case $kind in
        container) "$DOCKER" rm -f "$name" >/dev/null ;;
        volume) "$DOCKER" volume rm -f "$name" >/dev/null ;;
        network) "$DOCKER" network rm "$name" >/dev/null ;;
      esac
    done
  done
}

cmd_stop() {
  cmd_sweep
  [[ -f "$STATE/started-by-bed" ]] || { say "dockerd was not started by docker-bed.sh: left running"; return; }
  local pid
  pid=$(cat "$STATE/started-by-bed")
  rm -f "$STATE/started-by-bed"
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping dockerd (pid $pid), which docker-bed.sh started"
    kill -TERM "$pid"
    local i
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

cmd_base() {
  require_engine
  if have_image debian:12 && have_image debian:12-slim; then say "debian:12 and debian:12-slim present"; return; fi
  command -v mmdebstrap >/dev/null || die "debian:12 is missing and mmdebstrap is not installed: run scripts/docker-bed.sh install"
  local t0=$SECONDS tar
  tar=$(mktemp --suffix=.tar)
  say "building debian:12 from an mmdebstrap minbase root (about 80 s)"
  if ! mmdebstrap --quiet --variant=minbase bookworm "$tar" >&2; then
    rm -f "$tar"
    die "mmdebstrap could not build a Debian 12 root file system (is Debian's mirror reachable? apt-get update must work)"
  fi
  "$DOCKER" import --change 'CMD ["bash"]' "$tar" debian:12 >/dev/null
  rm -f "$tar"
  "$DOCKER" tag debian:12 debian:12-slim
  say "debian:12 and debian:12-slim built in $((SECONDS - t0)) s"
}

require_engine() {
  local rc=0
  engine_state || rc=$?
  ((rc == 0)) && return
  ((rc == 2)) && exit 1
  die "no Docker engine answers: run scripts/docker-bed.sh start (as root), or start yours"
}

build() {  # build TAG DOCKERFILE CONTEXT [ARGS...]
  local tag=$1 file=$2 ctx=$3 t0=$SECONDS
  shift 3
  if ! "$DOCKER" build -q -f "$file" -t "$tag" "$@" "$ctx" >"$STATE/build.log" 2>&1; then
    tail -30 "$STATE/build.log" >&2
    die "building $tag ($file) failed (log above); the base image must exist (scripts/docker-bed.sh base) and Debian's mirror be reachable"
  fi
  say "$tag built in $((SECONDS - t0)) s ($(image_size "$tag"))"
}

image_size() { "$DOCKER" image inspect --format '{{.Size}}' "$1" | awk '{printf "%d MB", $1 / 1e6}'; }

cmd_images() {
  require_engine
  have_image debian:12-slim || die "debian:12-slim is missing: run scripts/docker-bed.sh base"
  mkdir -p "$STATE"
  # The exporter: the shipped Dockerfile, the repository as context (.dockerignore trims it).
  build "$EXPORTER_IMAGE" "$ROOT/packaging/container/Dockerfile" "$ROOT"
  local v
  CTX=$(mktemp -d)
  trap 'rm -rf "$CTX"' EXIT
  local ctx=$CTX
  cp "$ROOT/packaging/container/local/zookeeper.Dockerfile" "$ROOT/packaging/container/local/zookeeper-entrypoint.sh" "$ctx/"
  build "$ZOOKEEPER_IMAGE" "$ctx/zookeeper.Dockerfile" "$ctx"
  cp "$ROOT/packaging/container/local/prometheus.Dockerfile" "$ctx/"
  build "$PROMETHEUS_IMAGE" "$ctx/prometheus.Dockerfile" "$ctx" --target prometheus
  build "$ALERTMANAGER_IMAGE" "$ctx/prometheus.Dockerfile" "$ctx" --target alertmanager
  for v in "${FLINK_VERSIONS[@]}"; do
    [[ -f "$CACHE/flink-$v/job/realtime-pipeline-job.jar" ]] || "$ROOT/scripts/flink-fetch.sh" --quiet "$v" ||
      die "the Flink $v jars are not cached: run scripts/flink-fetch.sh $v"
    rm -rf "$ctx/flink"
    mkdir -p "$ctx/flink/lib"
    cp "$CACHE/flink-$v/lib/"*.jar "$ctx/flink/lib/"
    cp "$ROOT/packaging/container/local/flink.Dockerfile" "$ROOT/packaging/container/local/flink-entrypoint.sh" \
      "$ROOT/packaging/container/local/flink-config.yaml" "$ROOT/packaging/container/local/log4j-console.properties" "$ctx/flink/"
    # Same mtimes every run: COPY's cache key is the content, but keep the context stable.
    find "$ctx/flink" -exec touch -d @0 {} +
    build "flinkha-local/flink:$v" "$ctx/flink/flink.Dockerfile" "$ctx/flink" --build-arg "FLINK_VERSION=$v"
  done
}

cmd_all() {
  local t0=$SECONDS
  cmd_start
  cmd_base
  cmd_images
  say "test bed ready in $((SECONDS - t0)) s"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  sweep) cmd_sweep ;;
  base) cmd_base ;;
  images) cmd_images ;;
  all) cmd_all ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
