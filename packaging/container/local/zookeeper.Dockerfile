# A local stand-in for the official `zookeeper` image, for the container tests: Debian's
# zookeeper package on Debian's JRE (the same JRE layer as flink.Dockerfile). Like the official
# image it serves on 2181, keeps data in /data and reads ZOO_4LW_COMMANDS_WHITELIST.
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends zookeeper \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown zookeeper:zookeeper /data
COPY zookeeper-entrypoint.sh /docker-entrypoint.sh
RUN ln -s /docker-entrypoint.sh /usr/local/bin/zkCli.sh
USER zookeeper
EXPOSE 2181
ENTRYPOINT ["/docker-entrypoint.sh"]
