// SharedBody: an immutable response body in pieces, shared by the cache that
// built it and every response sending it, so a scrape copies no bytes and a
// change copies only the pieces that changed.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace flinkha {

struct SharedBody {
  std::vector<std::shared_ptr<const std::string>> pieces;  // sent in order
  size_t size = 0;                                         // of all pieces

  // The pieces as one string (tests; nothing on the serve path).
  std::string Join() const {
    std::string out;
    out.reserve(size);
    for (const auto& p : pieces) out.append(*p);
    return out;
  }
};

using SharedBodyPtr = std::shared_ptr<const SharedBody>;

// One piece as a body.
inline SharedBodyPtr SingleBody(std::shared_ptr<const std::string> bytes) {
  auto b = std::make_shared<SharedBody>();
  b->size = bytes->size();
  b->pieces.push_back(std::move(bytes));
  return b;
}

}  // namespace flinkha
