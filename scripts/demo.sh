#!/usr/bin/env bash
# The demo: installs and builds everything, starts the reference deployment with real Apache Flink
# (scripts/flink-cluster.py: ZooKeeper, two JobManagers, three TaskManagers, a CSV-writing job,
# from Maven Central jars), flink-ha-exporter watching it, and Debian's Prometheus (the shipped
# rules) and Alertmanager, then stays up until Ctrl-C. Run the failover drills it prints.
#
# Usage: scripts/demo.sh [--flink-version V] [--port PORT] [--duration SECONDS] [--no-build]
#                        [--no-setup] [--dir DIR] [--build-dir DIR]
#   --flink-version V  1.20.5 (default) or 2.3.0 (see flink/versions)
#   --port PORT        exporter port (default 9879, or a free one if taken)
#   --duration S       stop after S seconds instead of waiting for Ctrl-C, after checking that the
#                      exporter serves /metrics (leader, standby, RUNNING job, ZooKeeper, output)
#                      and that Prometheus scrapes it and has loaded the rules (exit status says so)
#   --no-build         use the existing build (no cmake)
#   --no-setup         skip scripts/setup.sh (Debian packages) and scripts/flink-fetch.sh (jars)
#   --dir DIR          where data, logs and the generated configs go (default .demo)
#   --build-dir DIR    the CMake build directory (default build)
set -euo pipefail

t_start=$(date +%s.%N)
root=$(cd "$(dirname "$0")/.." && pwd)
port="" duration="" build=1 setup=1 demo="$root/.demo" build_dir="$root/build" flink_version=1.20.5
while (($#)); do
  case "$1" in
    --flink-version) flink_version=${2:?--flink-version needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-setup) setup=0; shift ;;
    --dir) demo=${2:?--dir needs a value}; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n $duration && ! $duration =~ ^[0-9]+$ ]]; then
  echo "demo: --duration expects seconds, found \"$duration\"" >&2; exit 2
fi
if [[ -n $port && ! $port =~ ^[0-9]+$ ]]; then
  echo "demo: --port expects a number, found \"$port\"" >&2; exit 2
fi
if [[ ! -f $root/flink/versions/$flink_version/pom.xml ]]; then
  echo "demo: unknown --flink-version $flink_version (known: $(ls "$root/flink/versions" | tr '\n' ' '))" >&2
  exit 2
fi
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# ---- 1. packages, Flink jars and build ----
if ((setup)); then
  say "Installing packages (scripts/setup.sh)"
  "$root/scripts/setup.sh"
  say "Fetching Flink $flink_version from Maven Central (scripts/flink-fetch.sh; a no-op once cached)"
  "$root/scripts/flink-fetch.sh" "$flink_version"
fi
exporter="$build_dir/daemon/flink-ha-exporter"
if ((build)); then
  say "Building flink-ha-exporter into $build_dir (-j2)"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j2 --target flink-ha-exporter
fi
[[ -x $exporter ]] || die "$exporter is missing: build first (drop --no-build)"
for tool in java curl python3 /usr/bin/prometheus /usr/bin/prometheus-alertmanager; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/setup.sh (or drop --no-setup)"
done

# ---- 2. ports: the usual ones, or free ones when taken ----
taken=()
port_free() {
  local p=$1 t
  for t in "${taken[@]}"; do [[ $t == "$p" ]] && return 1; done
  ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}
pick_port() {  # pick_port PREFERRED NAME [COUNT] -> the first of COUNT free consecutive ports
  local p=$1 n=${3:-1} i ok
  while :; do
    ok=1
    for ((i = 0; i < n; i++)); do port_free $((p + i)) || { ok=0; break; }; done
    ((ok)) && break
    p=$((p + 1))
  done
  ((p == $1)) || echo "demo: port $1 ($2) is taken, using $p" >&2
  echo "$p"
}
zk_port=$(pick_port 2181 ZooKeeper); taken+=("$zk_port")
jm1_port=$(pick_port 8081 "jm-1 REST"); taken+=("$jm1_port")
jm2_port=$(pick_port 8082 "jm-2 REST"); taken+=("$jm2_port")
# Flink's PrometheusReporter: jm-1, jm-2, tm-1..tm-3 on consecutive ports.
flink_prom=$(pick_port 9250 "Flink PrometheusReporter 5 ports" 5)
for ((i = 0; i < 5; i++)); do taken+=($((flink_prom + i))); done
if [[ -n $port ]]; then
  port_free "$port" || die "port $port (--port) is taken: stop whatever listens there (ss -ltnp 'sport = :$port') or choose another --port (or drop --port for a free one)"
else
  port=$(pick_port 9879 flink-ha-exporter)
fi
taken+=("$port")
prom_port=$(pick_port 9090 Prometheus); taken+=("$prom_port")
am_port=$(pick_port 9093 Alertmanager); taken+=("$am_port")

# ---- 3. start everything; stop it all on exit ----
pids=() names=()
cluster_pid=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#pids[@]})) || [[ -n $cluster_pid ]]; then
    say "Stopping (Prometheus, Alertmanager, exporter, then the Flink cluster)"
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      kill "${pids[i]}" 2>/dev/null || true
      # Give each a moment to leave cleanly, then make sure.
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.3; done
      kill -9 "${pids[i]}" 2>/dev/null || true
      wait "${pids[i]}" 2>/dev/null || true
    done
    if [[ -n $cluster_pid ]]; then
      # flink-cluster.py stops its JVMs on SIGTERM (SIGKILL after a grace period); if it is
      # killed itself, its children die with it (PR_SET_PDEATHSIG).
      kill -TERM "$cluster_pid" 2>/dev/null || true
      for ((i = 0; i < 120; i++)); do kill -0 "$cluster_pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$cluster_pid" 2>/dev/null || true
      wait "$cluster_pid" 2>/dev/null || true
    fi
    echo "demo: stopped; logs stay in $demo/logs and $demo/flink/log"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo; exit 0' INT  # Ctrl-C is how the demo is meant to end
trap 'exit 143' TERM

# Each run starts afresh (flink-cluster.py also empties its own run directory).
rm -rf "$demo/logs" "$demo/prometheus" "$demo/alertmanager"
mkdir -p "$demo/logs" "$demo/prometheus" "$demo/alertmanager"
logs="$demo/logs"
flink_dir="$demo/flink"
cluster_json="$flink_dir/cluster.json"

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
start() {  # start NAME LOG COMMAND... : in the background, remembered for the clean-up
  local name=$1 log=$2; shift 2
  "$@" >"$log" 2>&1 </dev/null &
  pids+=("$!"); names+=("$name")
}

say "Starting Apache Flink $flink_version in ZooKeeper HA mode (scripts/flink-cluster.py; about a minute)"
echo "    ZooKeeper 127.0.0.1:$zk_port, jm-1 REST :$jm1_port (leads), jm-2 REST :$jm2_port (standby), 3 TaskManagers x 4 slots"
cluster_log="$logs/flink-cluster.log"
python3 "$root/scripts/flink-cluster.py" up --flink-version "$flink_version" --dir "$flink_dir" \
  --zk-port "$zk_port" --rest-ports "$jm1_port,$jm2_port" --prom-ports-from "$flink_prom" \
  --taskmanagers 3 --slots 4 --checkpoint-interval 10s --session-timeout-ms 6000 --wait-commit \
  >"$logs/flink-cluster.out" 2>"$cluster_log" </dev/null &
cluster_pid=$!
shown=0
show_progress() {  # the new lines of flink-cluster.py's progress, indented
  local n
  n=$(wc -l <"$cluster_log")
  if ((n > shown)); then sed -n "$((shown + 1)),${n}p" "$cluster_log" | sed 's/^/    /'; shown=$n; fi
}
until grep -qs '^READY ' "$logs/flink-cluster.out"; do
  show_progress
  if ! alive "$cluster_pid"; then
    show_progress
    wait "$cluster_pid" 2>/dev/null || true
    cluster_pid=""
    die "the Flink cluster did not start (scripts/flink-cluster.py exited; it stopped what it had started). Its output is above and in $cluster_log"
  fi
  sleep 0.5
done
show_progress
[[ -f $cluster_json ]] || die "$cluster_json is missing although flink-cluster.py said READY"
# cluster.json: the output directory and the start-up timings (seconds since flink-cluster.py began).
read -r output_dir up_started running_s commit_s < <(python3 - "$cluster_json" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))
t = st["timings"]
print(st["output_dir"], st["started_at"], t.get("running_s", 0), t.get("first_commit_s", 0))
EOF
)
startup=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) + float(sys.argv[2]) - float(sys.argv[3])))" \
  "$up_started" "$commit_s" "$t_start")

config="$demo/flink-ha-exporter.yml"
sed -e "s|@ZK_QUORUM@|127.0.0.1:$zk_port|g" -e "s|@DEMO_DIR@|$demo|g" -e "s|@FLINK_VERSION@|$flink_version|g" \
  -e "s|@JM1_URL@|http://127.0.0.1:$jm1_port|g" -e "s|@JM2_URL@|http://127.0.0.1:$jm2_port|g" \
  -e "s|@JM1_ADVERTISED@|127.0.0.1:$jm1_port|g" -e "s|@JM2_ADVERTISED@|127.0.0.1:$jm2_port|g" \
  -e "s|@OUTPUT@|$output_dir|g" -e "s|@LISTEN@|:$port|g" \
  "$root/config/demo/flink-ha-exporter.yml.in" >"$config"

say "Starting flink-ha-exporter on :$port ($config)"
start flink-ha-exporter "$logs/flink-ha-exporter.log" \
  "$exporter" --config.file "$config" --web.listen-address ":$port"
exporter_pid=${pids[-1]}
base="http://localhost:$port"
wait_for 60 "$exporter_pid" flink-ha-exporter "$logs/flink-ha-exporter.log" \
  curl -fs -o /dev/null --max-time 2 "$base/healthz"

# Alertmanager: one receiver that only shows the alerts in its UI (no mail, no webhook), the
# shipped example's grouping and inhibitions (config/alertmanager/alertmanager.yml).
am_dir="$demo/alertmanager"
{
  cat <<EOF
# Written by scripts/demo.sh: the inhibitions of config/alertmanager/alertmanager.yml, and one
# receiver without notifications (the alerts show on http://127.0.0.1:$am_port/).
route:
  receiver: demo-ui
  group_by: [flink_cluster, alertname]
  group_wait: 5s
  group_interval: 30s
  repeat_interval: 4h
receivers:
  - name: demo-ui
EOF
  sed -n '/^inhibit_rules:/,/^receivers:/p' "$root/config/alertmanager/alertmanager.yml" | sed '$d'
} >"$am_dir/alertmanager.yml"
if command -v amtool >/dev/null; then
  amtool check-config "$am_dir/alertmanager.yml" >"$logs/amtool.log" 2>&1 ||
    { cat "$logs/amtool.log" >&2; die "amtool check-config $am_dir/alertmanager.yml failed (above)"; }
fi
say "Starting Alertmanager on 127.0.0.1:$am_port ($am_dir/alertmanager.yml)"
start alertmanager "$logs/alertmanager.log" /usr/bin/prometheus-alertmanager \
  --config.file="$am_dir/alertmanager.yml" --storage.path="$am_dir/data" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address=
am_pid=${pids[-1]}

# Prometheus: scrapes the exporter every 5 s, evaluates the shipped rules every 5 s.
prom_dir="$demo/prometheus"
rules=("$root"/config/prometheus/*rules*.yml)
{
  cat <<EOF
# Written by scripts/demo.sh: the exporter every 5 s, the shipped rules, the demo's Alertmanager.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
EOF
  for r in "${rules[@]}"; do echo "  - $r"; done
  cat <<EOF
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$am_port"]
scrape_configs:
  - job_name: flink-ha-exporter  # the name the FlinkHaExporterDown alert expects
    scrape_interval: 5s
    scrape_timeout: 4s
    static_configs:
      - targets: ["127.0.0.1:$port"]
EOF
} >"$prom_dir/prometheus.yml"
if command -v promtool >/dev/null; then
  promtool check config "$prom_dir/prometheus.yml" >"$logs/promtool.log" 2>&1 ||
    { cat "$logs/promtool.log" >&2; die "promtool check config $prom_dir/prometheus.yml failed (above)"; }
fi
say "Starting Prometheus on 127.0.0.1:$prom_port ($prom_dir/prometheus.yml)"
start prometheus "$logs/prometheus.log" /usr/bin/prometheus \
  --config.file="$prom_dir/prometheus.yml" --storage.tsdb.path="$prom_dir/data" \
  --web.listen-address="127.0.0.1:$prom_port"
prom_pid=${pids[-1]}
wait_for 60 "$am_pid" Alertmanager "$logs/alertmanager.log" \
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$am_port/-/ready"
wait_for 60 "$prom_pid" Prometheus "$logs/prometheus.log" \
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$prom_port/-/ready"

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

fc="python3 scripts/flink-cluster.py"
cat <<EOF

The demo is running: Apache Flink $flink_version (ZooKeeper HA), flink-ha-exporter, Prometheus, Alertmanager.
Started in ${startup}s (demo start -> job RUNNING with a committed file; Flink's own start-up:
job RUNNING after ${running_s}s, first committed file after ${commit_s}s).
  exporter       $base/   $base/metrics   $base/api/v1/status
  Prometheus     http://127.0.0.1:$prom_port/alerts   (rules: ${rules[*]#"$root/"})
  Alertmanager   http://127.0.0.1:$am_port/
  JobManagers    http://127.0.0.1:$jm1_port (jm-1, leads)   http://127.0.0.1:$jm2_port (jm-2, standby)   (REST API and web UI)
  ZooKeeper      127.0.0.1:$zk_port, HA base /flink/realtime-pipeline   ($fc zk --dir $flink_dir)
  job output     $output_dir
  logs           $logs (exporter, Prometheus, Alertmanager) and $flink_dir/log (Flink, ZooKeeper)
  cluster        $cluster_json   ($fc status --dir $flink_dir)

$ flink-ha-exporter status --config.file $config
EOF
"$exporter" status --config.file "$config" 2>>"$logs/status.log" || true
cat <<EOF

Failover drill (in another terminal, from $root). ZooKeeper's session timeout is 6 s here
(Flink's default 60 s), Flink's heartbeat timeout 10 s (default 50 s).
  1. Kill the leading JobManager (SIGKILL; or --signal STOP to freeze it, --signal TERM to stop it cleanly):
       $fc kill --dir $flink_dir jm-1
     jm-1's REST refuses at once; jm-2 answers errors while it forwards to the dead leader that
     ZooKeeper still names, and takes over once jm-1's session expires (~6 s). Watch:
       watch -n1 "curl -s $base/metrics | grep -E '^flinkha_(jobmanager_up|leader_info|failover|last_failover|standby_available|job_state)'"
     FlinkFailoverHappened fires on http://127.0.0.1:$prom_port/alerts and http://127.0.0.1:$am_port/
     (FlinkJobManagerDown after 1 minute if jm-1 stays down).
  2. Bring it back as the standby:   $fc restart --dir $flink_dir jm-1
  3. Kill a TaskManager:             $fc kill --dir $flink_dir tm-2
     flinkha_taskmanagers 3 -> 2, flinkha_task_slots 12 -> 8 after Flink's heartbeat timeout, and the
     job restarts from its latest checkpoint (flinkha_checkpoints_restored +1); back with: $fc restart --dir $flink_dir tm-2
EOF

if [[ -n $duration ]]; then
  echo; say "Running for ${duration}s (--duration)"
  end=$((SECONDS + duration))
  while ((SECONDS < end)); do
    for i in "${!pids[@]}"; do
      alive "${pids[i]}" || die "${names[i]} (pid ${pids[i]}) exited early; logs in $logs"
    done
    alive "$cluster_pid" || die "scripts/flink-cluster.py up exited early; see $cluster_log"
    sleep 1
  done
  curl -fsS --max-time 5 "$base/healthz" >/dev/null || die "$base/healthz does not answer"
  metrics=$(curl -fsS --max-time 5 "$base/metrics") || die "$base/metrics does not answer"
  for want in '^flinkha_build_info' \
      '^flinkha_jobmanager_up\{[^}]*jobmanager="jm-1"\} 1$' \
      '^flinkha_jobmanager_up\{[^}]*jobmanager="jm-2"\} 1$' \
      '^flinkha_leader_known\{[^}]*component="rest_server"\} 1$' \
      '^flinkha_leader_info\{[^}]*component="rest_server"[^}]*jobmanager="jm-1"\} 1$' \
      '^flinkha_standby_available\{[^}]*\} 1$' \
      '^flinkha_job_state\{[^}]*state="RUNNING"\} 1$' \
      '^flinkha_zookeeper_up\{[^}]*\} 1$' \
      '^flinkha_output_directory_readable\{[^}]*\} 1$'; do
    grep -Eq "$want" <<<"$metrics" || die "$base/metrics has no series matching $want"
  done
  curl -fs -o /dev/null --max-time 5 "$base/ready" || die "$base/ready is not 200"
  # Prometheus scrapes every 5 s: give the first scrapes a moment.
  prom="http://127.0.0.1:$prom_port/api/v1"
  up_by=$((SECONDS + 30))
  until curl -fsS --max-time 5 "$prom/query?query=up%7Bjob%3D%22flink-ha-exporter%22%7D%3D%3D1" |
      grep -q '"result":\[{'; do
    ((SECONDS < up_by)) || die "Prometheus ($prom/targets) does not have the exporter target up"
    sleep 1
  done
  groups=$(curl -fsS --max-time 5 "$prom/rules" | grep -o '"type":"alerting"' | wc -l)
  ((groups > 0)) || die "Prometheus ($prom/rules) has loaded no alerting rules"
  say "The exporter serves /metrics (leader, standby, RUNNING job, ZooKeeper, output); Prometheus scrapes it and has $groups alert rules"
  exit 0
fi
echo; say "Press Ctrl-C to stop everything"
while :; do sleep 1; done
