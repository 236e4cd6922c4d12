// MetricsCache: the /metrics body rendered once per snapshot change, each
// collector only when what it reads changed, and compressed once per rendering.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "http/shared_body.h"
#include "model/state.h"

namespace flinkha {

enum class MetricsEncoding { kIdentity, kGzip };

// An immutable body, shared with the cache and every response sending it: the
// text in one piece per collector, gzip in one piece.
struct MetricsBody {
  SharedBodyPtr bytes;
  bool gzip = false;  // false also when gzip was asked but compression failed
};

// Whether an Accept-Encoding header value accepts gzip (a "gzip" token
// without q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// Owns the collectors. Thread-safe: Get() holds one mutex, so concurrent
// scrapes of a new snapshot wait for a single rendering instead of each
// rendering their own; scrapes of an unchanged snapshot copy a shared_ptr.
//
// The body of a snapshot is each collector's TextSerializer output, one after
// another (byte for byte what RenderMetrics() returns), sent as pieces: a
// change renders and copies only the pieces of the collectors it touches (one
// 3.6 MB body copied again took 2.5 ms, mostly page faults, at 1,000 jobs). A
// collector whose Key() equals its key for the previous snapshot keeps its
// text; the others (and collectors without a key) are rendered again. Nothing
// in the output depends on the wall clock at scrape time (collectors export
// timestamps, not ages), so a body is valid for as long as its snapshot is
// current. Gzip is one member: each collector's text is deflated on its own
// (ending on a sync flush, so the pieces join into one deflate stream) when a
// gzip body is first asked for after it changed.
class MetricsCache {
 public:
  explicit MetricsCache(std::vector<std::unique_ptr<Collector>> collectors);

  MetricsBody Get(const SnapshotPtr& snapshot, MetricsEncoding encoding);

 private:
  struct Part {
    bool keyed = false;
    RenderKey key;
    std::shared_ptr<const std::string> text;  // never null
    std::string deflated;  // raw deflate of text ending on a sync flush
    uint32_t crc = 0;      // crc32 of text
    bool deflated_valid = false;
  };

  void RenderLocked(const Snapshot& snapshot);
  // Null when zlib fails (out of memory).
  SharedBodyPtr GzipLocked();

  const std::vector<std::unique_ptr<Collector>> collectors_;
  std::mutex mu_;
  std::vector<Part> parts_;  // one per collector
  // The snapshot parts_ were rendered from: holding it keeps alive every
  // object a stored key points to, so no new object can reuse an address.
  SnapshotPtr snapshot_;
  SharedBodyPtr text_;
  SharedBodyPtr gzip_;                              // null until asked for
  std::vector<prometheus::MetricFamily> families_;  // reused scratch space
};

}  // namespace flinkha
