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

// "host:port" -> (host, port); "[v6]:port" too; the port defaults to 2181.
Result<std::pair<std::string, int>> SplitHostPort(const std::string& server);

}  // namespace flinkha
