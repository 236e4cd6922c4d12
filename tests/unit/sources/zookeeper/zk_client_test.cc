// The C client's session states, parsed once in its callback into ours.
#include "sources/zookeeper/zk_client.h"

#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

TEST_CASE("SessionStateFromC maps every C client state", "[zookeeper]") {
  CHECK(SessionStateFromC(ZOO_CONNECTED_STATE) == ZkSessionState::kConnected);
  CHECK(SessionStateFromC(ZOO_READONLY_STATE) == ZkSessionState::kConnected);
  CHECK(SessionStateFromC(ZOO_EXPIRED_SESSION_STATE) ==
        ZkSessionState::kExpired);
  CHECK(SessionStateFromC(ZOO_AUTH_FAILED_STATE) ==
        ZkSessionState::kAuthFailed);
  CHECK(SessionStateFromC(ZOO_CONNECTING_STATE) == ZkSessionState::kConnecting);
  CHECK(SessionStateFromC(ZOO_ASSOCIATING_STATE) ==
        ZkSessionState::kConnecting);
  CHECK(SessionStateFromC(ZOO_NOTCONNECTED_STATE) == ZkSessionState::kClosed);
  // A state this adapter does not know reads as closed.
  CHECK(SessionStateFromC(12345) == ZkSessionState::kClosed);
}

}  // namespace
}  // namespace flinkha
