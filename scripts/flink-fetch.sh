#!/usr/bin/env bash
# Fetches real Apache Flink (jars from Maven Central, no flink-dist) for the versions pinned in
# flink/versions/<ver>/ and builds the project's streaming job (flink/job) against each.
#   scripts/flink-fetch.sh [--quiet] [VERSION...]     (default: every version in flink/versions)
# Result, per version, outside the source tree:
#   ${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}/flink-<ver>/lib/*.jar   the cluster classpath
#   .../flink-<ver>/job/realtime-pipeline-job.jar                           the job
# Idempotent and offline once complete: lib/ is checked against flink/versions/<ver>/manifest.txt
# (maven is skipped when it matches) and the job is rebuilt only when its sources change.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}
QUIET=0
if [[ "${1:-}" == "--quiet" ]]; then QUIET=1; shift; fi

say() { ((QUIET)) || echo "flink-fetch: $*" >&2; }
die() { echo "flink-fetch: $*" >&2; exit 1; }

versions=("$@")
if ((${#versions[@]} == 0)); then
  for d in "$ROOT"/flink/versions/*/; do versions+=("$(basename "$d")"); done
fi
command -v mvn >/dev/null || die "maven (mvn) is not installed; run scripts/setup.sh (Debian package maven)"

# Prints the manifest's jars missing from directory $2.
missing_jars() {
  local manifest=$1 dir=$2 jar
  while read -r jar; do
    [[ -z "$jar" || "$jar" == \#* ]] && continue
    [[ -s "$dir/$jar" ]] || echo "$jar"
  done <"$manifest"
}

# Runs maven offline first (everything may already be in ~/.m2), then online.
# Usage: mvn_twice LOG VERSION mvn-args...; on failure explains what could not be resolved.
mvn_twice() {
  local log=$1 ver=$2; shift 2
  if mvn -o -B -q "$@" >"$log" 2>&1; then return 0; fi
  say "not all in ~/.m2 yet; downloading from Maven Central"
  if mvn -B -q "$@" >"$log" 2>&1; then return 0; fi
  # Maven names the artifacts (or the plugin) it could not get, and why.
  local what why
  what=$(grep -oE "(could not be resolved: |Could not (find|transfer) artifact |Plugin )[A-Za-z0-9_.-]+:[A-Za-z0-9_.:-]+" "$log" |
    head -1 | sed -E 's/^(could not be resolved: |Could not (find|transfer) artifact |Plugin )//; s/:jar:/:/; s/:$//') || true
  why=$(grep -oE "(Connection refused|Unknown host [^ :]*|Network is unreachable|connect timed out|Read timed out|was not found in [^ ]*|Could not find artifact|status code: [0-9]+|PKIX path building failed|Compilation failure)" "$log" | head -1) || true
  grep -m1 "Failed to execute" "$log" | cut -c1-400 >&2 || true
  die "could not resolve ${what:-the Flink $ver jars} from Maven Central (${why:-see $log}); check network/proxy (~/.m2/settings.xml), then rerun scripts/flink-fetch.sh $ver"
}

fetch_lib() {
  local ver=$1 vdir="$ROOT/flink/versions/$1" out="$CACHE/flink-$1"
  local lib="$out/lib" manifest="$vdir/manifest.txt"
  [[ -f "$vdir/pom.xml" && -f "$manifest" ]] ||
    die "unknown Flink version $ver (known: $(ls "$ROOT/flink/versions" | tr '\n' ' '))"
  if [[ -d "$lib" && -z "$(missing_jars "$manifest" "$lib")" ]]; then
    say "flink-$ver jars complete in $lib"
    return
  fi
  mkdir -p "$out"
  local tmp="$out/lib.partial"
  rm -rf "$tmp"
  say "fetching Flink $ver jars into $lib"
  mvn_twice "$out/fetch.log" "$ver" -f "$vdir/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp"
  local missing
  missing=$(missing_jars "$manifest" "$tmp")
  [[ -z "$missing" ]] || die "maven finished but these Flink $ver jars are missing: $(echo $missing);" \
    "update flink/versions/$ver/manifest.txt if the pom changed, then rerun scripts/flink-fetch.sh $ver"
  rm -rf "$lib" && mv "$tmp" "$lib"  # only a complete lib/ is ever in place
}

build_job() {
  local ver=$1 out="$CACHE/flink-$1/job" stamp sum
  stamp="$out/sources.sha256"
  sum=$(cd "$ROOT/flink/job" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  if [[ -s "$out/realtime-pipeline-job.jar" && "$(cat "$stamp" 2>/dev/null)" == "$sum" ]]; then
    say "job for flink-$ver up to date ($out/realtime-pipeline-job.jar)"
    return
  fi
  say "building the job for Flink $ver"
  rm -f "$stamp"
  mkdir -p "$out"
  # A version whose pom pins an older flink-connector-files (Maven Central lacks the patch).
  local files
  files=$(sed -n 's:.*<files.version>\(.*\)</files.version>.*:\1:p' "$ROOT/flink/versions/$ver/pom.xml")
  mvn_twice "$out/build.log" "$ver" -f "$ROOT/flink/job/pom.xml" package \
    -Dflink.version="$ver" -Dfiles.version="${files:-$ver}" -Djob.out="$out"
  echo "$sum" >"$stamp"
}

for v in "${versions[@]}"; do
  fetch_lib "$v"
  build_job "$v"
done
