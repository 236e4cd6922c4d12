# A local stand-in for the official `flink` image, for the container tests (no image registry is
# reachable where they run): Flink's jars from Maven Central (scripts/flink-fetch.sh) on Debian's
# JRE, with the parts of the official image that compose files rely on: the `jobmanager` and
# `taskmanager` commands, FLINK_PROPERTIES appended to the configuration, user flink (9999),
# /opt/flink as the home. scripts/docker-bed.sh builds it from a context of the cached jars:
#   docker build -f flink.Dockerfile --build-arg FLINK_VERSION=1.20.5 -t flinkha-local/flink:1.20.5 CTX
# The JRE layer is the same as zookeeper.Dockerfile's, so the two images share it.
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 9999 flink \
 && useradd --system --uid 9999 --gid flink --home-dir /opt/flink --shell /bin/bash flink \
 && mkdir -p /opt/flink/lib /opt/flink/conf /opt/flink/log /opt/flink/output \
 && chown -R flink:flink /opt/flink
ARG FLINK_VERSION
ENV FLINK_HOME=/opt/flink FLINK_VERSION=${FLINK_VERSION}
COPY lib/ /opt/flink/lib/
COPY log4j-console.properties /opt/flink/conf/log4j-console.properties
COPY --chown=flink:flink flink-config.yaml /opt/flink/conf/config.yaml
COPY flink-entrypoint.sh /docker-entrypoint.sh
WORKDIR /opt/flink
USER flink
EXPOSE 6123 8081
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["help"]
