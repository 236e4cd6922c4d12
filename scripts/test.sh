#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every tier in
# three builds (warnings as errors; ASan+UBSan; TSan). Exits non-zero on the first failure.
# Options: --quick (one build, no sanitizers), --keep-going (run every stage, report at the end).
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
keep_going=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --keep-going) keep_going=1 ;;
    *) echo "usage: scripts/test.sh [--quick] [--keep-going]" >&2; exit 2 ;;
  esac
done
jobs=$(nproc 2>/dev/null || echo 2)
failed=()
stage() {  # stage NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
    ((keep_going)) || { echo "scripts/test.sh: failed at $name"; exit 1; }
  fi
}

build_and_test() {  # build_and_test DIR LABEL_REGEX CMAKE_ARGS...
  local dir=$1 labels=$2; shift 2
  cmake -S . -B "$dir" -DFLINKHA_WERROR=ON "$@" >"$dir.cmake.log" 2>&1 || { cat "$dir.cmake.log"; return 1; }
  # The filter may print nothing (grep then exits 1): only the build's own status counts.
  local build_rc
  cmake --build "$dir" -j"$jobs" 2>&1 | { grep -vE '^\[ *[0-9]+%\]|^(Consolidate|Scanning|Built target)' || true; }
  build_rc=${PIPESTATUS[0]}
  ((build_rc == 0)) || { echo "cmake --build $dir failed (exit $build_rc)"; return 1; }
  (cd "$dir" && ctest -L "$labels" -j"$jobs" --timeout 300 --output-on-failure --no-tests=error)
}

format_check() {
  local files
  files=$(git ls-files '*.cc' '*.h')
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files
}

mkdir -p build
stage setup scripts/setup.sh --test
stage format format_check
stage "build+test (warnings as errors)" build_and_test build/ci 'unit|e2e|zk|prom|demo|flink|container|kubernetes' -DCMAKE_BUILD_TYPE=RelWithDebInfo
if ((!quick)); then
  stage "build+test (ASan+UBSan)" build_and_test build/asan 'unit|e2e|zk' \
    -DCMAKE_BUILD_TYPE=Debug -DFLINKHA_SANITIZE=address,undefined
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
  stage "build+test (TSan)" build_and_test build/tsan 'unit|e2e|zk' \
    -DCMAKE_BUILD_TYPE=Debug -DFLINKHA_SANITIZE=thread
fi
if ((${#failed[@]})); then
  echo "scripts/test.sh: failed stages: ${failed[*]}"
  exit 1
fi
echo "scripts/test.sh: all stages passed"
