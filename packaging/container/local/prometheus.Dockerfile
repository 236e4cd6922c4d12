# Local stand-ins for the official prom/prometheus and prom/alertmanager images, for the
# container tests: Debian 12's prometheus (2.42) and prometheus-alertmanager (0.25) packages,
# the versions the compose file's defaults name. Same entry points and data directories as the
# official images; two targets share one package layer:
#   docker build -f prometheus.Dockerfile --target prometheus -t flinkha-local/prometheus:2.42 .
#   docker build -f prometheus.Dockerfile --target alertmanager -t flinkha-local/alertmanager:0.25 .
FROM debian:12-slim AS packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      prometheus prometheus-alertmanager \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus /alertmanager \
 && chown nobody:nogroup /prometheus /alertmanager

FROM packages AS prometheus
USER nobody
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]

FROM packages AS alertmanager
USER nobody
EXPOSE 9093
ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
