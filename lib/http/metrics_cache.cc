// MetricsCache implementation: per-collector text and deflate pieces, joined
// into one body per snapshot.
#include "http/metrics_cache.h"

#include <prometheus/text_serializer.h>
#include <zlib.h>

#include <cctype>
#include <utility>

#include "util/memory.h"

namespace flinkha {
namespace {

constexpr size_t kTrimAfterBytes = 1 << 20;

// Raw deflate (no header) of text ending on a sync flush: the output ends on a
// byte boundary without a final block, so such pieces compressed separately
// concatenate into one valid deflate stream. False when zlib fails.
bool DeflatePiece(const std::string& text, std::string* out) {
  out->clear();
  if (text.empty()) return true;
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return false;
  }
  // The bound is for Z_FINISH; a sync flush adds an empty stored block.
  out->resize(deflateBound(&zs, text.size()) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  size_t done = 0;
  bool ok = true;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + done);
    zs.avail_out = static_cast<uInt>(out->size() - done);
    const int rc = deflate(&zs, Z_SYNC_FLUSH);
    done = out->size() - zs.avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      ok = false;
      break;
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) break;
    out->resize(out->size() * 2);
  }
  deflateEnd(&zs);
  out->resize(ok ? done : 0);
  return ok;
}

void AppendLittleEndian32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// q=0 (or 0.0, 0.000) in the parameters after a coding refuses it.
bool RefusedByQ(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view()
                                            : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    std::string_view v = Trim(p.substr(2));
    return !v.empty() && v.find_first_not_of("0.") == std::string_view::npos;
  }
  return false;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos
                          ? std::string_view()
                          : accept_encoding.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    if (!EqualsIgnoreCase(coding, "gzip")) continue;
    return semi == std::string_view::npos || !RefusedByQ(item.substr(semi + 1));
  }
  return false;
}

MetricsCache::MetricsCache(std::vector<std::unique_ptr<Collector>> collectors)
    : collectors_(std::move(collectors)), parts_(collectors_.size()) {
  for (Part& part : parts_) part.text = std::make_shared<const std::string>();
}

MetricsBody MetricsCache::Get(const SnapshotPtr& snapshot,
                              MetricsEncoding encoding) {
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshot != snapshot_ || !text_) RenderLocked(*snapshot);
  // Keep the snapshot only after rendering it: the keys now point into it.
  snapshot_ = snapshot;
  if (encoding == MetricsEncoding::kGzip) {
    if (auto gz = GzipLocked()) return MetricsBody{std::move(gz), true};
  }
  return MetricsBody{text_, false};
}

void MetricsCache::RenderLocked(const Snapshot& snapshot) {
  bool changed = !text_;
  size_t rendered = 0;
  for (size_t i = 0; i < collectors_.size(); ++i) {
    Part& part = parts_[i];
    RenderKey key;
    const bool keyed = collectors_[i]->Key(snapshot, &key);
    if (keyed && part.keyed && key == part.key && text_) continue;
    part.keyed = keyed;
    part.key = std::move(key);
    families_.clear();
    collectors_[i]->Collect(snapshot, &families_);
    std::string text = prometheus::TextSerializer().Serialize(families_);
    rendered += text.size();
    // An unkeyed collector often renders the same text again (nothing it
    // reads changed): its piece and deflated piece stay valid.
    if (text != *part.text) {
      part.text = std::make_shared<const std::string>(std::move(text));
      part.deflated_valid = false;
      changed = true;
    }
  }
  families_.clear();
  // The metric families behind a large text took several times its size.
  if (rendered > kTrimAfterBytes) ReleaseFreeMemory();
  if (!changed) return;
  auto body = std::make_shared<SharedBody>();
  for (const Part& part : parts_) {
    if (part.text->empty()) continue;
    body->size += part.text->size();
    body->pieces.push_back(part.text);
  }
  text_ = std::move(body);
  gzip_.reset();
}

SharedBodyPtr MetricsCache::GzipLocked() {
  if (gzip_) return gzip_;
  size_t size = 0;
  for (Part& part : parts_) {
    if (!part.deflated_valid) {
      if (!DeflatePiece(*part.text, &part.deflated)) return nullptr;
      part.crc = static_cast<uint32_t>(
          crc32(0, reinterpret_cast<const Bytef*>(part.text->data()),
                static_cast<uInt>(part.text->size())));
      part.deflated_valid = true;
    }
    size += part.deflated.size();
  }
  // RFC 1952 member: header (no name, no mtime, OS unix), the pieces, an
  // empty final fixed-Huffman block, then crc32 and length of the whole text.
  auto gz = std::make_shared<std::string>();
  gz->reserve(size + 20);
  gz->append("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  uLong crc = crc32(0, nullptr, 0);
  uint64_t length = 0;
  for (const Part& part : parts_) {
    gz->append(part.deflated);
    crc = crc32_combine(crc, part.crc, static_cast<z_off_t>(part.text->size()));
    length += part.text->size();
  }
  gz->append("\x03\x00", 2);
  AppendLittleEndian32(gz.get(), static_cast<uint32_t>(crc));
  AppendLittleEndian32(gz.get(), static_cast<uint32_t>(length));
  gzip_ = SingleBody(std::move(gz));
  return gzip_;
}

}  // namespace flinkha
