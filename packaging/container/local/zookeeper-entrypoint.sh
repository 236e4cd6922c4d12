#!/bin/sh
# Entry point of the local ZooKeeper image: a standalone server on 2181 with its data in /data,
# four-letter words from ZOO_4LW_COMMANDS_WHITELIST (as the official image), logs on the console.
set -e
# zkCli.sh (on PATH, as in the official image) runs the command-line client.
if [ "$(basename "$0")" = zkCli.sh ]; then
  main=org.apache.zookeeper.ZooKeeperMain
else
  main=org.apache.zookeeper.server.ZooKeeperServerMain
fi
[ "$main" = org.apache.zookeeper.ZooKeeperMain ] || cat >/tmp/zoo.cfg <<CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=/data
clientPort=2181
admin.enableServer=false
4lw.commands.whitelist=${ZOO_4LW_COMMANDS_WHITELIST:-srvr}
CFG
cp=""
for j in zookeeper zookeeper-jute slf4j-api slf4j-simple netty-handler netty-common netty-transport \
  netty-buffer netty-codec netty-resolver netty-transport-native-epoll \
  netty-transport-native-unix-common commons-io commons-cli; do
  [ -f "/usr/share/java/$j.jar" ] && cp="$cp/usr/share/java/$j.jar:"
done
if [ "$main" = org.apache.zookeeper.ZooKeeperMain ]; then
  exec java -Xmx128m -Dzookeeper.jmx.log4j.disable=true -cp "$cp" "$main" "$@"
fi
exec java -Xmx256m -cp "$cp" "$main" /tmp/zoo.cfg
