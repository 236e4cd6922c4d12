#!/usr/bin/env bash
# Runs each libFuzzer target for a given time or number of executions, one after the other,
# niced, and prints per target: executions, exec/s, coverage (libFuzzer's cov: edges, ft:
# features), corpus size, peak RSS, wall time and findings (crash-/leak-/timeout-/oom- files).
# Needs a fuzzing build: CC=clang CXX=clang++ cmake -S . -B build/fuzz -DFLINKHA_FUZZ=ON \
#   -DFLINKHA_BUILD_TESTS=OFF && cmake --build build/fuzz
# Usage: bench/fuzz.sh [-b BUILD_DIR] [-t SECONDS | -r RUNS] [-m MAX_LEN] [TARGET...]
#   -t: time per target (default 60); -r: executions per target instead (libFuzzer -runs);
#   -m: longest input (libFuzzer -max_len; default: the longest seed);
#   no TARGET: every *_fuzz binary in BUILD_DIR/fuzz. The working corpus
#   (BUILD_DIR/fuzz/corpus/<target>) starts from the seeds and keeps what libFuzzer finds, so a
#   second run continues; findings go to BUILD_DIR/fuzz/artifacts/<target>/. Move a finding into
#   fuzz/regressions/<target>/ once it is fixed, so the tests replay it. Exits 1 on any finding.
set -uo pipefail
cd "$(dirname "$0")/.."
build=build/fuzz
seconds=60
runs=
max_len=()
while getopts "b:t:r:m:" opt; do
  case $opt in
    b) build=$OPTARG ;;
    t) seconds=$OPTARG ;;
    r) runs=$OPTARG ;;
    m) max_len=(-max_len="$OPTARG") ;;
    *) sed -n '2,15p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in "$build"/fuzz/*_fuzz; do [[ -x $f ]] && targets+=("$(basename "$f")"); done
fi
((${#targets[@]})) || { echo "bench/fuzz.sh: no fuzz targets in $build/fuzz (build with -DFLINKHA_FUZZ=ON)" >&2; exit 2; }

seeds=$build/fuzz/seeds
python3 fuzz/seed_corpus.py "$seeds" >/dev/null || exit 2
# Leaks are findings (ASan's leak checker runs after every input that grew the heap). Heap
# reports keep 2 frames of the allocation stack: 15% more executions (znode_tree_fuzz); a finding
# is replayed with full stacks (the replay drivers, or the target on its input) anyway.
export ASAN_OPTIONS="detect_leaks=1:malloc_context_size=2:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

limit=(-max_total_time="$seconds")
[[ -n $runs ]] && limit=(-runs="$runs")
rows=()
status=0
for t in "${targets[@]}"; do
  bin=$build/fuzz/$t
  [[ -x $bin ]] || { echo "bench/fuzz.sh: $bin: not built" >&2; exit 2; }
  corpus=$build/fuzz/corpus/$t
  artifacts=$build/fuzz/artifacts/$t
  log=$build/fuzz/$t.log
  mkdir -p "$corpus" "$artifacts"
  regressions=()
  [[ -d fuzz/regressions/$t ]] && regressions=("fuzz/regressions/$t")
  echo "=== $t ($([[ -n $runs ]] && echo "$runs runs" || echo "$seconds s")), log: $log"
  before=$(find "$artifacts" -type f | wc -l)
  start=$SECONDS
  # -timeout: an input running 10 s is a hang; -rss_limit_mb: a bounded parser stays small.
  nice -n 19 "$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${max_len[@]}" -artifact_prefix="$artifacts/" "$corpus" "$seeds/$t" "${regressions[@]}" >"$log" 2>&1
  rc=$?
  wall=$((SECONDS - start))
  findings=$(($(find "$artifacts" -type f | wc -l) - before))
  ((rc != 0 || findings > 0)) && status=1
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  rows+=("$(printf '%-20s %12s %8s %6s %7s %6s %8s %6s %4s %s' "$t" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$(stat peak_rss_mb)MB" \
    "${wall}s" "$rc" "$findings")")
  tail -n 3 "$log" | sed 's/^/  /'
done
echo
printf '%-20s %12s %8s %6s %7s %6s %8s %6s %4s %s\n' target executions exec/s cov ft corpus peak_rss \
  time rc findings
printf '%s\n' "${rows[@]}"
exit $status
