#!/bin/sh
# Container health check: is flink-ha-exporter serving HTTP(S) on its port? 200 is healthy, and
# so is 401 (basic auth from --web.config.file guards /healthz too). TLS is tried without
# verification: this checks liveness on localhost, not the certificate.
port=${FLINKHA_HEALTHCHECK_PORT:-9879}
for scheme in http https; do
  code=$(curl -ks --max-time 4 -o /dev/null -w '%{http_code}' "$scheme://127.0.0.1:$port/healthz")
  case $code in 200|401) exit 0 ;; esac
done
exit 1
