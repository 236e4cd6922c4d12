#!/usr/bin/env bash
# The demo: installs and builds everything, starts ZooKeeper, a simulated Flink HA cluster (two
# JobManagers, tests/sim) and flink-ha-exporter watching it, then stays up until Ctrl-C.
#
# Usage: scripts/demo.sh [--port PORT] [--duration SECONDS] [--no-build] [--no-setup]
#                        [--dir DIR] [--build-dir DIR]
#   --port PORT        exporter port (default 9879, or a free one if taken)
#   --duration S       stop after S seconds instead of waiting for Ctrl-C, after checking that
#                      the exporter still serves /metrics and /healthz (exit status says so)
#   --no-build         use the existing build (no cmake)
#   --no-setup         skip scripts/setup.sh (the Debian packages)
#   --dir DIR          where data, logs and the generated config go (default .demo)
#   --build-dir DIR    the CMake build directory (default build)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port="" duration="" build=1 setup=1 demo="$root/.demo" build_dir="$root/build"
while (($#)); do
  case "$1" in
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-setup) setup=0; shift ;;
    --dir) demo=${2:?--dir needs a value}; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n $duration && ! $duration =~ ^[0-9]+$ ]]; then
  echo "demo: --duration expects seconds, found \"$duration\"" >&2; exit 2
fi
if [[ -n $port && ! $port =~ ^[0-9]+$ ]]; then
  echo "demo: --port expects a number, found \"$port\"" >&2; exit 2
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# ---- 1. packages and build ----
if ((setup)); then
  say "Installing packages (scripts/setup.sh)"
  "$root/scripts/setup.sh"
fi
exporter="$build_dir/daemon/flink-ha-exporter"
if ((build)); then
  say "Building flink-ha-exporter and the simulated Flink cluster into $build_dir (-j2)"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j2 --target flink-ha-exporter
  # The simulator is a test target; build it directly so the demo does not need the test tree.
  "$root/tests/sim/build.sh" "$build_dir/sim"
fi
[[ -x $exporter ]] || die "$exporter is missing: build first (drop --no-build)"
[[ -f $build_dir/sim/classpath ]] || die "$build_dir/sim/classpath is missing: build first (drop --no-build)"
sim_cp=$(<"$build_dir/sim/classpath")
command -v java >/dev/null || die "java is missing: run scripts/setup.sh"
command -v curl >/dev/null || die "curl is missing: run scripts/setup.sh"

# ---- 2. ports: the usual ones, or free ones when taken ----
taken=()
port_free() {
  local p=$1 t
  for t in "${taken[@]}"; do [[ $t == "$p" ]] && return 1; done
  ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}
pick_port() {  # pick_port PREFERRED NAME -> prints a free port, the preferred one if possible
  local p=$1
  while ! port_free "$p"; do p=$((p + 1)); done
  ((p == $1)) || echo "demo: port $1 ($2) is taken, using $p" >&2
  echo "$p"
}
zk_port=$(pick_port 2181 ZooKeeper); taken+=("$zk_port")
jm1_port=$(pick_port 8081 jm-1); taken+=("$jm1_port")
jm2_port=$(pick_port 8082 jm-2); taken+=("$jm2_port")
if [[ -n $port ]]; then
  port_free "$port" || die "port $port (--port) is taken"
else
  port=$(pick_port 9879 flink-ha-exporter)
fi

# ---- 3. start everything; stop it all on exit ----
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    say "Stopping (exporter, JobManagers, ZooKeeper)"
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      kill "${pids[i]}" 2>/dev/null || true
      # Give each a moment to leave cleanly, then make sure.
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.3; done
      kill -9 "${pids[i]}" 2>/dev/null || true
      wait "${pids[i]}" 2>/dev/null || true
    done
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo; exit 0' INT  # Ctrl-C is how the demo is meant to end
trap 'exit 143' TERM

# Each run starts afresh: no ZooKeeper state, checkpoints or output of an earlier run.
rm -rf "$demo/logs" "$demo/zookeeper" "$demo/output" "$demo/checkpoints"
mkdir -p "$demo/logs" "$demo/zookeeper/data" "$demo/output"
logs="$demo/logs"

alive() { kill -0 "$1" 2>/dev/null; }
wait_for() {  # wait_for SECONDS PID DESCRIPTION LOG COMMAND... : until COMMAND succeeds
  local secs=$1 pid=$2 what=$3 log=$4; shift 4
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ! alive "$pid"; then
      echo "demo: $what exited; the end of $log:" >&2; tail -n 30 "$log" >&2; exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "demo: $what not ready after ${secs}s; the end of $log:" >&2; tail -n 30 "$log" >&2; exit 1
    fi
    sleep 0.3
  done
}

say "Starting ZooKeeper on 127.0.0.1:$zk_port"
J=/usr/share/java
zk_cp=""
for jar in zookeeper zookeeper-jute slf4j-api slf4j-nop netty-handler netty-common netty-transport \
  netty-buffer netty-codec netty-resolver netty-transport-native-epoll \
  netty-transport-native-unix-common commons-io commons-cli; do
  [[ -f $J/$jar.jar ]] || die "$J/$jar.jar is missing: run scripts/setup.sh"
  zk_cp="$zk_cp${zk_cp:+:}$J/$jar.jar"
done
# srvr is ZooKeeper's default 4lw whitelist; the demo also allows mntr and ruok so the exporter
# can show everything it knows how to read.
cat >"$demo/zookeeper/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$demo/zookeeper/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
minSessionTimeout=4000
4lw.commands.whitelist=srvr,mntr,ruok
EOF
java -Xmx256m -XX:+UseSerialGC -cp "$zk_cp" org.apache.zookeeper.server.ZooKeeperServerMain \
  "$demo/zookeeper/zoo.cfg" >"$logs/zookeeper.log" 2>&1 &
zk_pid=$!; pids+=("$zk_pid")
zk_ok() { [[ $( (exec 3<>"/dev/tcp/127.0.0.1/$zk_port" && printf srvr >&3 && cat <&3) 2>/dev/null) == *Mode:* ]]; }
wait_for 60 "$zk_pid" ZooKeeper "$logs/zookeeper.log" zk_ok

start_jm() {  # start_jm NAME PORT RPC_PORT
  java -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$sim_cp" flinksim.JobManager \
    --zk "127.0.0.1:$zk_port" --namespace flink/realtime-pipeline \
    --rest-port "$2" --advertised-host 127.0.0.1 --rpc-port "$3" \
    --output "$demo/output" --checkpoint-dir "$demo/checkpoints" \
    --checkpoint-interval-ms 10000 --taskmanagers 3 --parallelism 2 \
    --job-name "Kafka orders -> CSV" --rows-per-second 20 --session-timeout-ms 6000 \
    >"$logs/$1.log" 2>&1 &
  pids+=("$!")
  wait_for 60 "$!" "JobManager $1" "$logs/$1.log" grep -qs '^STARTED' "$logs/$1.log"
}
say "Starting the simulated Flink cluster realtime-pipeline: jm-1 on :$jm1_port, jm-2 on :$jm2_port"
start_jm jm-1 "$jm1_port" 6123
start_jm jm-2 "$jm2_port" 6124
job_running() { grep -qs '^JOB RUNNING' "$logs/jm-1.log" "$logs/jm-2.log"; }
wait_for 60 "${pids[1]}" "the job" "$logs/jm-1.log" job_running

config="$demo/flink-ha-exporter.yml"
sed -e "s|@ZK_QUORUM@|127.0.0.1:$zk_port|g" -e "s|@DEMO_DIR@|$demo|g" \
  -e "s|@JM1_URL@|http://127.0.0.1:$jm1_port|g" -e "s|@JM2_URL@|http://127.0.0.1:$jm2_port|g" \
  -e "s|@JM1_ADVERTISED@|127.0.0.1:$jm1_port|g" -e "s|@JM2_ADVERTISED@|127.0.0.1:$jm2_port|g" \
  -e "s|@OUTPUT@|$demo/output|g" -e "s|@LISTEN@|:$port|g" \
  "$root/config/demo/flink-ha-exporter.yml.in" >"$config"

say "Starting flink-ha-exporter on :$port ($config)"
"$exporter" --config.file "$config" --web.listen-address ":$port" >"$logs/flink-ha-exporter.log" 2>&1 &
exporter_pid=$!; pids+=("$exporter_pid")
base="http://localhost:$port"
wait_for 60 "$exporter_pid" flink-ha-exporter "$logs/flink-ha-exporter.log" \
  curl -fs -o /dev/null --max-time 2 "$base/healthz"
# Ready once every source (REST, ZooKeeper, output) has reported; a broken one should not
# hide the rest of the demo, so only warn.
ready_by=$((SECONDS + 30))
until curl -fs -o /dev/null --max-time 2 "$base/ready"; do
  if ((SECONDS >= ready_by)); then
    echo "demo: warning: $base/ready still says not ready (some source never reported: see $base/api/v1/status)" >&2
    break
  fi
  sleep 0.3
done

cat <<EOF

The demo is running (data and logs in $demo):
  metrics        $base/metrics
  status page    $base/
  status (JSON)  $base/api/v1/status
  JobManagers    http://127.0.0.1:$jm1_port (jm-1)   http://127.0.0.1:$jm2_port (jm-2)

$ flink-ha-exporter status --config.file $config
EOF
"$exporter" status --config.file "$config" 2>>"$logs/status.log" || true
leader=$jm1_port
if curl -fsS --max-time 2 "http://127.0.0.1:$jm2_port/sim/status" 2>/dev/null | grep -q '"leader":true'; then
  leader=$jm2_port
fi
cat <<EOF

Failover drill: kill the leading JobManager (like SIGKILL) and watch the standby take over
after the ZooKeeper session timeout (6 s), the job restore and the checkpoints resume:
  curl -X POST http://127.0.0.1:$leader/sim/kill
  curl -s $base/metrics | grep -E 'flinkha_(leader_info|failover|job_state|checkpoints_restored)'
More drills: POST /sim/hang, /sim/fail-checkpoints?on=1, /sim/stop-output?on=1,
/sim/taskmanagers?n=1 on a JobManager (see the header of $config).
EOF

if [[ -n $duration ]]; then
  echo; say "Running for ${duration}s (--duration)"
  end=$((SECONDS + duration))
  while ((SECONDS < end)); do
    for p in "${pids[@]}"; do alive "$p" || die "a demo process ($p) exited early; logs in $logs"; done
    sleep 1
  done
  curl -fsS --max-time 5 "$base/healthz" >/dev/null || die "$base/healthz does not answer"
  metrics=$(curl -fsS --max-time 5 "$base/metrics") || die "$base/metrics does not answer"
  for want in '^flinkha_build_info' \
      '^flinkha_jobmanager_up\{[^}]*jobmanager="jm-1"\} 1$' \
      '^flinkha_jobmanager_up\{[^}]*jobmanager="jm-2"\} 1$' \
      '^flinkha_leader_known\{[^}]*component="rest_server"\} 1$' \
      '^flinkha_contenders\{[^}]*\} 2$' \
      '^flinkha_job_state\{[^}]*state="RUNNING"\} 1$' \
      '^flinkha_zookeeper_up\{[^}]*\} 1$' \
      '^flinkha_output_directory_readable\{[^}]*\} 1$'; do
    grep -Eq "$want" <<<"$metrics" || die "$base/metrics has no series matching $want"
  done
  curl -fs -o /dev/null --max-time 5 "$base/ready" || die "$base/ready is not 200"
  say "The exporter serves /metrics (leader, standby, job, ZooKeeper, output), /healthz and /ready"
  exit 0
fi
echo; say "Press Ctrl-C to stop everything"
while :; do sleep 1; done
