#!/bin/sh
# Entry point of the local Flink image (flink.Dockerfile): what the official image's
# docker-entrypoint.sh does for a session cluster. `jobmanager` or `taskmanager` start that
# process in the foreground; FLINK_PROPERTIES (YAML lines) is appended to conf/config.yaml;
# anything else is executed as given.
set -e
conf=/opt/flink/conf/config.yaml
lib="/opt/flink/lib/*"
# Flink's default env.java.opts.all: what Flink needs opened on Java 17.
java_opts="-XX:+IgnoreUnrecognizedVMOptions --add-exports=java.base/sun.net.util=ALL-UNNAMED
 --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
 --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
 --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
 --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

case "$1" in
  jobmanager) main=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint; params=GET_JM_RESOURCE_PARAMS ;;
  taskmanager) main=org.apache.flink.runtime.taskexecutor.TaskManagerRunner; params=GET_TM_RESOURCE_PARAMS ;;
  help) echo "usage: jobmanager | taskmanager | COMMAND..."; exit 0 ;;
  *) exec "$@" ;;
esac
shift
if [ -n "$FLINK_PROPERTIES" ]; then
  # The image's config is rewritten at each start from the pristine copy plus FLINK_PROPERTIES.
  [ -f "$conf.orig" ] || cp "$conf" "$conf.orig"
  # A key given there replaces the image's line for it (config.yaml rejects duplicate keys).
  printf '%s\n' "$FLINK_PROPERTIES" | awk -F: 'NR == FNR { if (NF > 1) set[$1] = 1; next }
    !($1 in set)' - "$conf.orig" >"$conf"
  printf '%s\n' "$FLINK_PROPERTIES" >>"$conf"
fi
# bin/jobmanager.sh and bin/taskmanager.sh: BashJavaUtils turns the memory options into JVM
# flags and dynamic properties (its last two result lines).
out=$(java -cp "$lib" org.apache.flink.runtime.util.bash.BashJavaUtils $params --configDir /opt/flink/conf 2>&1) || {
  echo "$out" >&2; echo "flink-entrypoint: could not derive the memory settings (above)" >&2; exit 1; }
results=$(echo "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2)
jvm=$(echo "$results" | head -n 1)
dyn=$(echo "$results" | tail -n 1)
# shellcheck disable=SC2086  # flag lists split on spaces, as bin/*.sh do
exec java $jvm $java_opts -Dlog4j.configurationFile=/opt/flink/conf/log4j-console.properties \
  -cp "$lib" $main --configDir /opt/flink/conf $dyn "$@"
