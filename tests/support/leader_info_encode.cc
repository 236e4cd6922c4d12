// Java serialization of Flink's leader information, as a JVM writes it.
#include "support/leader_info_encode.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "model/java_stream.h"

namespace flinkha::testing {

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
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned>(c));
      return Error{"expected utf-8 in the address, found byte 0x" +
                   std::string(hex)};
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

}  // namespace flinkha::testing
