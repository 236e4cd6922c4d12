// Sends one ZooKeeper four-letter word over TCP with a hard deadline.
#pragma once

#include <chrono>
#include <string>

#include "util/result.h"

namespace flinkha {

// Connects to host:port, sends cmd and reads until the server closes. The whole
// exchange is bounded by timeout, so a server that accepts and never answers
// cannot hold the caller.
Result<std::string> SendFourLetterWord(const std::string& host, int port,
                                       const std::string& cmd,
                                       std::chrono::milliseconds timeout);

}  // namespace flinkha
