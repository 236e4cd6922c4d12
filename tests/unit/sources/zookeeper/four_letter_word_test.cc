// SendFourLetterWord against loopback sockets: answers, refusals and a server
// that never answers.
#include "sources/zookeeper/four_letter_word.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

namespace flinkha {
namespace {

// A listener on 127.0.0.1 that accepts one connection and answers (or not).
class FakeServer {
 public:
  explicit FakeServer(std::string answer, bool silent = false)
      : answer_(std::move(answer)), silent_(silent) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    REQUIRE(listen(fd_, 4) == 0);
    thread_ = std::thread([this] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[16];
      (void)!read(c, buf, 4);
      if (silent_) {
        // Accepts and never answers, until the test is over.
        while (!done_)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      } else {
        (void)!write(c, answer_.data(), answer_.size());
      }
      close(c);
    });
  }
  ~FakeServer() {
    done_ = true;
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  std::string answer_;
  bool silent_;
  std::atomic<bool> done_{false};
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST_CASE("SendFourLetterWord reads the whole answer", "[sources][zk_health]") {
  FakeServer server("Mode: standalone\nNode count: 5\n");
  auto r = SendFourLetterWord("127.0.0.1", server.port(), "srvr",
                              std::chrono::seconds(2));
  REQUIRE(r.ok());
  CHECK(r.value() == "Mode: standalone\nNode count: 5\n");
}

TEST_CASE("SendFourLetterWord gives up on a server that never answers",
          "[sources][zk_health]") {
  FakeServer server("", true);
  const auto start = std::chrono::steady_clock::now();
  auto r = SendFourLetterWord("127.0.0.1", server.port(), "srvr",
                              std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("within 300 ms"));
  CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("SendFourLetterWord reports a refused connection",
          "[sources][zk_health]") {
  int port;
  {
    FakeServer gone("x");
    port = gone.port();
    // Connect once so the fake's accept returns, then it closes.
    (void)SendFourLetterWord("127.0.0.1", port, "srvr",
                             std::chrono::seconds(1));
  }
  auto r =
      SendFourLetterWord("127.0.0.1", port, "srvr", std::chrono::seconds(1));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("connect"));
}

}  // namespace
}  // namespace flinkha
