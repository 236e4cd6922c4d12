#!/bin/bash
# The compose file's `job` service: submits the project's CSV job (flink/job) to the Flink
# session cluster once it has free slots, unless a realtime-pipeline job already runs there
# (ZooKeeper HA recovers it after a restart: submitting again would run it twice).
# Runs in the Flink image (official or local): bash and java only, no curl.
# Environment: FLINK_REST ("host:port ..."), JOB_ARGS (RealtimePipelineJob's arguments).
set -u
get() {  # get HOST:PORT PATH -> response body on stdout (HTTP/1.0: the server closes)
  timeout 5 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1##*:}" &&
    printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "${1%:*}" >&3 && sed "1,/^\r$/d" <&3' _ "$1" "$2"
}
# Flink's default env.java.opts.all: what its client needs opened on Java 17.
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
 --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
 --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
for ((i = 0; i < 120; i++)); do
  for rest in $FLINK_REST; do
    overview=$(get "$rest" /overview 2>/dev/null) || continue
    free=$(sed -n 's/.*"slots-available":\([0-9]*\).*/\1/p' <<<"$overview")
    [[ -n "$free" && "$free" -ge 3 ]] || continue
    jobs=$(get "$rest" /jobs/overview 2>/dev/null) || continue
    if grep -Eq '"name":"realtime-pipeline"[^}]*"state":"(CREATED|INITIALIZING|RUNNING|RESTARTING)"' <<<"$jobs"; then
      echo "submit-job: a realtime-pipeline job is already on the cluster: nothing to do"
      exit 0
    fi
    echo "submit-job: submitting through $rest"
    # shellcheck disable=SC2086  # opens and JOB_ARGS are lists of words
    exec java -Xmx256m $opens -cp "/opt/flink/lib/*:/job/realtime-pipeline-job.jar" io.flinkha.job.RealtimePipelineJob \
      --jar /job/realtime-pipeline-job.jar --rest-host "${rest%:*}" --rest-port "${rest##*:}" $JOB_ARGS
  done
  sleep 2
done
echo "submit-job: no JobManager of $FLINK_REST offered 3 free slots within 240 s" >&2
exit 1
