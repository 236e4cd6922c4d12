#!/usr/bin/env bash
# Compiles the simulated Flink JobManager (Java, Curator and Jackson from Debian) into OUT_DIR/flinksim.jar
# and writes OUT_DIR/classpath for `java -cp`. Usage: tests/sim/build.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out/classes"
out=$(cd "$out" && pwd)  # absolute: the jar step runs in another directory
J=/usr/share/java
cp="$J/curator-framework.jar:$J/curator-client.jar:$J/curator-recipes.jar:$J/zookeeper.jar"
cp="$cp:$J/zookeeper-jute.jar:$J/guava.jar:$J/slf4j-api.jar:$J/slf4j-nop.jar"
# The REST API's JSON through Jackson (libjackson2-databind-java).
cp="$cp:$J/jackson-databind.jar:$J/jackson-core.jar:$J/jackson-annotations.jar"
for f in ${cp//:/ }; do [[ -f $f ]] || { echo "build.sh: missing $f (run scripts/setup.sh)" >&2; exit 1; }; done
javac -nowarn -encoding UTF-8 -d "$out/classes" -cp "$cp" $(find "$here/java" -name '*.java')
(cd "$out/classes" && jar cf "$out/flinksim.jar" .)
echo "$out/flinksim.jar:$cp" > "$out/classpath"
