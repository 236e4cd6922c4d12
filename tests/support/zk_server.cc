// ZkServer: ZooKeeperServerMain with a generated zoo.cfg (short ticks so tests
// stay fast).
#include "support/zk_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace flinkha::testing {
namespace {

std::string ZkClasspath() {
  const std::string j = "/usr/share/java/";
  std::string cp;
  for (const char* jar :
       {"zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
        "netty-handler.jar", "netty-common.jar", "netty-transport.jar",
        "netty-buffer.jar", "netty-codec.jar", "netty-resolver.jar",
        "netty-transport-native-epoll.jar",
        "netty-transport-native-unix-common.jar", "commons-io.jar",
        "commons-cli.jar"}) {
    if (!cp.empty()) cp += ":";
    cp += j + jar;
  }
  return cp;
}

}  // namespace

ClusterConfig TwoJobManagerCluster(const ZkServer& zk, const std::string& name,
                                   const std::string& cluster_id,
                                   std::optional<ZkLayout> layout) {
  ClusterConfig c;
  c.name = name;
  c.jobmanagers = {{"jm-1", "http://127.0.0.1:1", "jm1:8081"},
                   {"jm-2", "http://127.0.0.1:2", "jm2:8081"}};
  ZooKeeperConfig z;
  z.quorum = zk.connect_string();
  z.root = "/flink";
  z.cluster_id = cluster_id;
  z.layout = layout;
  c.zookeeper = z;
  return c;
}

std::string FourLetterWord(int port, const std::string& cmd) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      write(fd, cmd.data(), cmd.size()) == static_cast<ssize_t>(cmd.size())) {
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
      out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

ZkServer::ZkServer(std::string whitelist) : whitelist_(std::move(whitelist)) {}

ZkServer::~ZkServer() { Kill(); }

bool ZkServer::Start() {
  if (port_ == 0) port_ = FreePort();
  const std::string cfg = dir_.path() + "/zoo.cfg";
  {
    std::ofstream f(cfg);
    f << "tickTime=200\n"
      << "initLimit=10\nsyncLimit=5\n"
      << "dataDir=" << dir_.path() << "/data\n"
      << "clientPort=" << port_ << "\n"
      << "clientPortAddress=127.0.0.1\n"
      << "admin.enableServer=false\n"
      << "minSessionTimeout=400\nmaxSessionTimeout=60000\n"
      << "4lw.commands.whitelist=" << whitelist_ << "\n";
  }
  proc_ = std::make_unique<Subprocess>(
      std::vector<std::string>{
          "java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-cp", ZkClasspath(),
          "org.apache.zookeeper.server.ZooKeeperServerMain", cfg},
      dir_.path() + "/zookeeper.log");
  const bool ok = Eventually(
      [&] {
        return !proc_->running()
                   ? true
                   : FourLetterWord(port_, "srvr").find("Mode:") !=
                         std::string::npos;
      },
      std::chrono::seconds(30));
  if (!ok || !proc_->running()) {
    error_ = "zookeeper did not start: " + proc_->Log();
    return false;
  }
  return true;
}

void ZkServer::Stop() {
  if (proc_) proc_->Stop();
  proc_.reset();
}

void ZkServer::Kill() {
  proc_.reset();  // the destructor SIGKILLs
}

bool ZkServer::Restart() {
  Stop();
  return Start();
}

std::string SimClasspath() {
  std::string cp = ReadFile(std::string(FLINKHA_BINARY_DIR) + "/sim/classpath");
  while (!cp.empty() && (cp.back() == '\n' || cp.back() == ' ')) cp.pop_back();
  return cp;
}

}  // namespace flinkha::testing
