// Java serialization of Flink's leader information: a strict, bounds-checked
// reader.
#include "model/leader_info.h"

#include <cstdint>
#include <cstdio>
#include <vector>

#include "model/java_stream.h"

namespace flinkha {
namespace {

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02llx", static_cast<unsigned long long>(v));
  return buf;
}

// A cursor over the input; every read checks the remaining length first.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == b_.size(); }
  size_t remaining() const { return b_.size() - pos_; }

  Status Need(size_t n, const char* what) const {
    if (remaining() < n) {
      return Error{"truncated at byte " + std::to_string(b_.size()) +
                   ": expected " + std::to_string(n) + " bytes of " + what +
                   " at offset " + std::to_string(pos_) + ", found " +
                   std::to_string(remaining())};
    }
    return Ok{};
  }
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint64_t Uint(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | U8();
    return v;
  }
  std::string_view Take(size_t n) {
    auto s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }

  // Reads one byte that must equal want.
  Status Expect(uint8_t want, const char* what) {
    if (auto st = Need(1, what); !st.ok()) return st;
    const size_t at = pos_;
    const uint8_t got = U8();
    if (got != want) {
      return Error{"expected " + std::string(what) + " (0x" + Hex(want) +
                   ") at offset " + std::to_string(at) + ", found 0x" +
                   Hex(got)};
    }
    return Ok{};
  }
  Status ExpectBytes(std::string_view want, const char* what) {
    if (auto st = Need(want.size(), what); !st.ok()) return st;
    const size_t at = pos_;
    if (Take(want.size()) != want) {
      return Error{"expected " + std::string(what) + " at offset " +
                   std::to_string(at) + ", found different bytes"};
    }
    return Ok{};
  }
  // A Java modified-UTF-8 string with a 2-byte length, compared to want.
  Status ExpectUtf(std::string_view want, const char* what) {
    if (auto st = Need(2, what); !st.ok()) return st;
    const size_t at = pos_;
    const uint64_t n = Uint(2);
    if (n != want.size()) {
      return Error{"expected " + std::string(what) + " \"" + std::string(want) +
                   "\" at offset " + std::to_string(at) +
                   ", found a name of length " + std::to_string(n)};
    }
    return ExpectBytes(want, what);
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Java's DataInput.readUTF decoding (UTF-16 units from 1-3 byte groups, as Java
// accepts them), converted to standard UTF-8. Surrogate pairs are joined; an
// unpaired surrogate is an error because it has no UTF-8 form. `base` is the
// offset of s in the whole payload, for messages.
Result<std::string> DecodeModifiedUtf8(std::string_view s, size_t base) {
  std::vector<uint16_t> units;
  units.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    auto bad = [&](const std::string& why) {
      return Error{"invalid modified utf-8 in the address at offset " +
                   std::to_string(base + i) + ": " + why};
    };
    auto cont = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
    switch (c >> 4) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
        units.push_back(c);
        i += 1;
        break;
      case 12:
      case 13:
        if (i + 2 > s.size())
          return bad("expected 2 bytes, found the end of the string");
        if ((cont(1) & 0xC0) != 0x80)
          return bad("expected a continuation byte 10xxxxxx");
        units.push_back(
            static_cast<uint16_t>(((c & 0x1F) << 6) | (cont(1) & 0x3F)));
        i += 2;
        break;
      case 14:
        if (i + 3 > s.size())
          return bad("expected 3 bytes, found the end of the string");
        if ((cont(1) & 0xC0) != 0x80 || (cont(2) & 0xC0) != 0x80) {
          return bad("expected continuation bytes 10xxxxxx");
        }
        units.push_back(static_cast<uint16_t>(
            ((c & 0x0F) << 12) | ((cont(1) & 0x3F) << 6) | (cont(2) & 0x3F)));
        i += 3;
        break;
      default:
        return bad("byte 0x" + Hex(c) + " cannot start a character");
    }
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const uint16_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() &&
        units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
      AppendUtf8(0x10000 + ((static_cast<uint32_t>(u - 0xD800) << 10) |
                            (units[i + 1] - 0xDC00)),
                 &out);
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      return Error{
          "invalid modified utf-8 in the address: unpaired surrogate 0x" +
          Hex(u)};
    } else {
      AppendUtf8(u, &out);
    }
  }
  return out;
}

std::string UuidText(uint64_t most, uint64_t least) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(most >> 32),
                static_cast<unsigned long long>((most >> 16) & 0xFFFF),
                static_cast<unsigned long long>(most & 0xFFFF),
                static_cast<unsigned long long>(least >> 48),
                static_cast<unsigned long long>(least & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace

Result<std::optional<LeaderInfo>> ParseLeaderInfo(std::string_view bytes) {
  if (bytes.empty()) return std::optional<LeaderInfo>();
  Reader r(bytes);
  if (auto st =
          r.ExpectBytes(std::string_view("\xAC\xED", 2), "stream magic AC ED");
      !st.ok()) {
    return st.error();
  }
  if (auto st = r.ExpectBytes(std::string_view("\x00\x05", 2),
                              "stream version 00 05");
      !st.ok()) {
    return st.error();
  }
  // Block data: one or more TC_BLOCKDATA / TC_BLOCKDATALONG records holding the
  // writeUTF.
  std::string block;
  bool any_block = false;
  while (true) {
    if (auto st = r.Need(1, "block data or TC_OBJECT"); !st.ok())
      return st.error();
    const size_t at = r.pos();
    const uint8_t tag = r.U8();
    size_t len = 0;
    if (tag == kTcBlockData) {
      if (auto st = r.Need(1, "block length"); !st.ok()) return st.error();
      len = r.U8();
    } else if (tag == kTcBlockDataLong) {
      if (auto st = r.Need(4, "block length"); !st.ok()) return st.error();
      const uint64_t l = r.Uint(4);
      if (l > 0x7FFFFFFF) {
        return Error{"expected a block length below 2^31 at offset " +
                     std::to_string(at + 1) + ", found " + std::to_string(l)};
      }
      len = static_cast<size_t>(l);
    } else if (tag == kTcObject && any_block) {
      break;
    } else {
      return Error{"expected " +
                   std::string(any_block ? "block data or TC_OBJECT (0x73)"
                                         : "block data (0x77 or 0x7a)") +
                   " at offset " + std::to_string(at) + ", found 0x" +
                   Hex(tag)};
    }
    if (auto st = r.Need(len, "block data"); !st.ok()) return st.error();
    block.append(r.Take(len));
    any_block = true;
  }
  if (block.size() < 2) {
    return Error{"expected the address length (2 bytes) in block data, found " +
                 std::to_string(block.size()) + " bytes"};
  }
  const size_t utf_len =
      (static_cast<size_t>(static_cast<uint8_t>(block[0])) << 8) |
      static_cast<uint8_t>(block[1]);
  if (block.size() != utf_len + 2) {
    return Error{"expected block data of " + std::to_string(utf_len + 2) +
                 " bytes for an address of " + std::to_string(utf_len) +
                 " bytes, found " + std::to_string(block.size())};
  }
  auto address = DecodeModifiedUtf8(std::string_view(block).substr(2), 6);
  if (!address.ok()) return address.error();

  // The UUID object with its class descriptor (TC_OBJECT was consumed above).
  if (auto st = r.Expect(kTcClassDesc, "TC_CLASSDESC"); !st.ok())
    return st.error();
  if (auto st = r.ExpectUtf("java.util.UUID", "class name"); !st.ok())
    return st.error();
  if (auto st = r.Need(8, "serialVersionUID"); !st.ok()) return st.error();
  if (const uint64_t uid = r.Uint(8); uid != kUuidSerialVersionUid) {
    return Error{
        "expected the serialVersionUID of java.util.UUID (0xbc9903f7986d852f), "
        "found 0x" +
        Hex(uid)};
  }
  if (auto st = r.Expect(kScSerializable, "class flags SC_SERIALIZABLE");
      !st.ok()) {
    return st.error();
  }
  if (auto st = r.ExpectBytes(std::string_view("\x00\x02", 2), "field count 2");
      !st.ok()) {
    return st.error();
  }
  if (auto st = r.Expect('J', "field type J (long)"); !st.ok())
    return st.error();
  if (auto st = r.ExpectUtf("leastSigBits", "field name"); !st.ok())
    return st.error();
  if (auto st = r.Expect('J', "field type J (long)"); !st.ok())
    return st.error();
  if (auto st = r.ExpectUtf("mostSigBits", "field name"); !st.ok())
    return st.error();
  if (auto st = r.Expect(kTcEndBlockData, "TC_ENDBLOCKDATA"); !st.ok())
    return st.error();
  if (auto st = r.Expect(kTcNull, "TC_NULL (no superclass)"); !st.ok())
    return st.error();
  if (auto st = r.Need(16, "the two UUID longs"); !st.ok()) return st.error();
  const uint64_t least = r.Uint(8);
  const uint64_t most = r.Uint(8);
  if (!r.at_end()) {
    return Error{"expected the end of the data at offset " +
                 std::to_string(r.pos()) + ", found " +
                 std::to_string(r.remaining()) + " more bytes"};
  }
  return std::optional<LeaderInfo>(
      LeaderInfo{std::move(address).value(), UuidText(most, least)});
}

}  // namespace flinkha
