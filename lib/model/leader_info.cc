// Java serialization of Flink's leader information: a strict, bounds-checked
// reader.
#include "model/leader_info.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace flinkha {
namespace {

// java.io.ObjectStreamConstants.
constexpr uint8_t kTcNull = 0x70;
constexpr uint8_t kTcClassDesc = 0x72;
constexpr uint8_t kTcObject = 0x73;
constexpr uint8_t kTcBlockData = 0x77;
constexpr uint8_t kTcEndBlockData = 0x78;
constexpr uint8_t kTcBlockDataLong = 0x7A;
constexpr uint8_t kScSerializable = 0x02;
// ObjectOutputStream's block buffer: longer block data is split into blocks of
// this size.
constexpr size_t kMaxBlockSize = 1024;
constexpr uint64_t kUuidSerialVersionUid = 0xBC9903F7986D852FULL;

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

Result<std::string> EncodeLeaderInfo(std::string_view address,
                                     std::string_view uuid) {
  // UUID text -> two longs.
  std::string digits;
  for (char c : uuid) {
    if (c != '-') digits.push_back(c);
  }
  if (uuid.size() != 36 || digits.size() != 32 || uuid[8] != '-' ||
      uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-') {
    return Error{"expected a uuid like 8-4-4-4-12 hex digits, found \"" +
                 std::string(uuid) + "\""};
  }
  uint64_t halves[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    const char c = digits[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return Error{"expected hex digits in the uuid, found \"" +
                   std::string(uuid) + "\""};
    }
    halves[i / 16] = (halves[i / 16] << 4) | static_cast<uint64_t>(v);
  }
  // UTF-8 -> UTF-16 -> modified UTF-8 (NUL as C0 80, supplementary chars as
  // surrogate pairs).
  std::string mutf;
  auto put16 = [&](uint32_t u) {
    if (u != 0 && u < 0x80) {
      mutf.push_back(static_cast<char>(u));
    } else if (u < 0x800) {
      mutf.push_back(static_cast<char>(0xC0 | (u >> 6)));
      mutf.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    } else {
      mutf.push_back(static_cast<char>(0xE0 | (u >> 12)));
      mutf.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
      mutf.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
  };
  for (size_t i = 0; i < address.size();) {
    const auto c = static_cast<uint8_t>(address[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c, n = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F, n = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F, n = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07, n = 4;
    } else {
      return Error{"expected utf-8 in the address, found byte 0x" + Hex(c)};
    }
    if (i + n > address.size())
      return Error{"expected utf-8 in the address, found a cut char"};
    for (size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<uint8_t>(address[i + k]);
      if ((cc & 0xC0) != 0x80)
        return Error{"expected utf-8 in the address, found a bad byte"};
      cp = (cp << 6) | (cc & 0x3F);
    }
    i += n;
    if (cp >= 0x10000) {
      put16(0xD800 + ((cp - 0x10000) >> 10));
      put16(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put16(cp);
    }
  }
  if (mutf.size() > 0xFFFF) {
    return Error{"expected an address of at most 65535 encoded bytes, found " +
                 std::to_string(mutf.size())};
  }
  std::string payload;
  payload.push_back(static_cast<char>(mutf.size() >> 8));
  payload.push_back(static_cast<char>(mutf.size() & 0xFF));
  payload += mutf;

  auto put_uint = [](std::string* out, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i)
      out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  std::string out("\xAC\xED\x00\x05", 4);
  for (size_t off = 0; off < payload.size(); off += kMaxBlockSize) {
    const size_t n = std::min(kMaxBlockSize, payload.size() - off);
    if (n <= 0xFF) {
      out.push_back(static_cast<char>(kTcBlockData));
      out.push_back(static_cast<char>(n));
    } else {
      out.push_back(static_cast<char>(kTcBlockDataLong));
      put_uint(&out, n, 4);
    }
    out.append(payload, off, n);
  }
  out.push_back(static_cast<char>(kTcObject));
  out.push_back(static_cast<char>(kTcClassDesc));
  put_uint(&out, 14, 2);
  out += "java.util.UUID";
  put_uint(&out, kUuidSerialVersionUid, 8);
  out.push_back(static_cast<char>(kScSerializable));
  put_uint(&out, 2, 2);
  out.push_back('J');
  put_uint(&out, 12, 2);
  out += "leastSigBits";
  out.push_back('J');
  put_uint(&out, 11, 2);
  out += "mostSigBits";
  out.push_back(static_cast<char>(kTcEndBlockData));
  out.push_back(static_cast<char>(kTcNull));
  put_uint(&out, halves[1], 8);
  put_uint(&out, halves[0], 8);
  return out;
}

}  // namespace flinkha
