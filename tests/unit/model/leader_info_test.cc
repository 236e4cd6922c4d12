// Tests for ParseLeaderInfo: JVM-written golden payloads, every truncation,
// every deviation.
#include "model/leader_info.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/leader_info_encode.h"

namespace flinkha {
namespace {

using testing::EncodeLeaderInfo;

const std::string kFixtures =
    std::string(FLINKHA_SOURCE_DIR) + "/tests/fixtures/zookeeper";
const std::string kUuid = "123e4567-e89b-12d3-a456-426614174000";

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

struct Golden {
  std::string name, address, uuid, bytes;
};

std::vector<Golden> LoadGolden() {
  std::ifstream f(kFixtures + "/golden_leader_info.tsv");
  std::vector<Golden> out;
  for (std::string line; std::getline(f, line);) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    if (cols.size() == 3)
      cols.insert(cols.begin() + 1, "");  // empty address column
    REQUIRE(cols.size() == 4);
    out.push_back({cols[0], cols[1], cols[2], FromHex(cols[3])});
  }
  return out;
}

std::string Bytes(const std::string& address, const std::string& uuid = kUuid) {
  auto r = EncodeLeaderInfo(address, uuid);
  REQUIRE(r.ok());
  return r.value();
}

TEST_CASE("ParseLeaderInfo reads every JVM-written golden payload",
          "[model][leader_info]") {
  const auto golden = LoadGolden();
  REQUIRE(golden.size() >= 12);
  for (const auto& g : golden) {
    INFO(g.name);
    auto r = ParseLeaderInfo(g.bytes);
    REQUIRE(r.ok());
    REQUIRE(r.value().has_value());
    CHECK(r.value()->address == g.address);
    CHECK(r.value()->session_id == g.uuid);
    // The encoder writes exactly what the JVM writes, so its output can serve
    // as test input.
    CHECK(Bytes(g.address, g.uuid) == g.bytes);
  }
}

TEST_CASE(
    "ParseLeaderInfo: the block header switches to 0x7a above 253 address "
    "bytes",
    "[model][leader_info]") {
  CHECK(static_cast<uint8_t>(Bytes(std::string(253, 'a'))[4]) == 0x77);
  CHECK(static_cast<uint8_t>(Bytes(std::string(254, 'a'))[4]) == 0x7A);
  // Over 1022 bytes the JVM splits the block data into 1024-byte blocks.
  const std::string long_address(5000, 'x');
  auto r = ParseLeaderInfo(Bytes(long_address));
  REQUIRE(r.ok());
  CHECK(r.value()->address == long_address);
}

TEST_CASE("ParseLeaderInfo: empty data means no leader, not an error",
          "[model][leader_info]") {
  auto r = ParseLeaderInfo("");
  REQUIRE(r.ok());
  CHECK_FALSE(r.value().has_value());
}

TEST_CASE("ParseLeaderInfo rejects every truncation with an error",
          "[model][leader_info]") {
  for (const std::string& full :
       {Bytes("http://jobmanager:8081"), Bytes(std::string(300, 'z')),
        Bytes(std::string(2100, 'y'))}) {
    for (size_t n = 1; n < full.size(); ++n) {
      INFO("length " << n << " of " << full.size());
      auto r = ParseLeaderInfo(std::string_view(full).substr(0, n));
      REQUIRE_FALSE(r.ok());
      CHECK_FALSE(r.error().message.empty());
    }
  }
}

TEST_CASE("ParseLeaderInfo names what deviates", "[model][leader_info]") {
  const std::string good = Bytes("http://jm:8081");
  const size_t addr_end =
      4 + 2 + 2 + 14;  // magic, block header, utf length, address
  auto with = [&](size_t offset, uint8_t value) {
    std::string b = good;
    b[offset] = static_cast<char>(value);
    return b;
  };
  struct Case {
    std::string name;
    std::string bytes;
    std::string want;  // substring of the error
  };
  const std::vector<Case> cases = {
      {"wrong magic", with(0, 0xAB), "stream magic"},
      {"wrong version", with(3, 0x04), "stream version"},
      {"no block data", with(4, 0x73), "block data (0x77 or 0x7a)"},
      {"block shorter than utf length", with(7, 20), "expected block data of"},
      {"utf length below block size", with(7, 2), "expected block data of"},
      {"block swallows the object", with(5, 20), "block data or TC_OBJECT"},
      {"not TC_OBJECT after block", with(addr_end, 0x74), "found 0x74"},
      {"not TC_CLASSDESC", with(addr_end + 1, 0x71), "TC_CLASSDESC"},
      {"other class", with(addr_end + 4, 'X'), "class name"},
      {"other serialVersionUID", with(addr_end + 2 + 2 + 14, 0x00),
       "serialVersionUID"},
      {"not serializable flags", with(addr_end + 2 + 16 + 8, 0x03),
       "SC_SERIALIZABLE"},
      {"three fields", with(addr_end + 2 + 16 + 8 + 2, 0x03), "field count"},
      {"int field", with(addr_end + 2 + 16 + 8 + 3, 'I'), "field type J"},
      {"trailing byte", good + "x", "expected the end of the data"},
      {"invalid utf start byte", with(8, 0xFF), "cannot start a character"},
      {"invalid continuation", with(8, 0xC3), "continuation byte"},
  };
  for (const auto& tc : cases) {
    INFO(tc.name);
    auto r = ParseLeaderInfo(tc.bytes);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains(tc.want));
  }
}

TEST_CASE("ParseLeaderInfo decodes modified UTF-8 as Java does",
          "[model][leader_info]") {
  // C0 80 is Java's NUL; a surrogate pair becomes one 4-byte UTF-8 character.
  std::string b =
      Bytes("a\xC3\xA9");  // "aé": encoded C3 A9 in modified UTF-8 too
  auto r = ParseLeaderInfo(b);
  REQUIRE(r.ok());
  CHECK(r.value()->address == "a\xC3\xA9");
  auto nul = ParseLeaderInfo(Bytes(std::string("a\0b", 3)));
  REQUIRE(nul.ok());
  CHECK(nul.value()->address == std::string("a\0b", 3));
  auto emoji = ParseLeaderInfo(Bytes("\xF0\x9F\x98\x80"));
  REQUIRE(emoji.ok());
  CHECK(emoji.value()->address == "\xF0\x9F\x98\x80");
  // A lone high surrogate (ED A0 80) has no UTF-8 form.
  std::string lone = Bytes("abc");
  lone.replace(8, 3, "\xED\xA0\x80");
  auto bad = ParseLeaderInfo(lone);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("unpaired surrogate"));
}

TEST_CASE("ParseLeaderInfo prints UUIDs most significant half first",
          "[model][leader_info]") {
  for (const std::string& id : std::vector<std::string>{
           "00000000-0000-0000-0000-000000000001",
           "80000000-0000-0000-8000-000000000000", kUuid}) {
    auto r = ParseLeaderInfo(Bytes("x", id));
    REQUIRE(r.ok());
    CHECK(r.value()->session_id == id);
  }
}

TEST_CASE("EncodeLeaderInfo rejects malformed input", "[model][leader_info]") {
  CHECK_FALSE(EncodeLeaderInfo("x", "not-a-uuid").ok());
  CHECK_FALSE(
      EncodeLeaderInfo("x", "123e4567-e89b-12d3-a456-42661417400g").ok());
  CHECK_FALSE(EncodeLeaderInfo(std::string(70000, 'a'), kUuid).ok());
  CHECK_FALSE(EncodeLeaderInfo("\xFF", kUuid).ok());
}

// The fuzz corpus replayed in normal unit runs: golden_* seeds parse, nothing
// crashes.
TEST_CASE("ParseLeaderInfo replays the fuzz corpus",
          "[model][leader_info][fuzz]") {
  size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(kFixtures + "/corpus")) {
    std::ifstream f(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), {});
    const std::string name = entry.path().filename().string();
    INFO(name);
    auto r = ParseLeaderInfo(bytes);
    if (name.rfind("golden_", 0) == 0) {
      CHECK(r.ok());
    } else if (r.ok() && r.value()) {
      // Whatever parses must survive a round trip through the encoder.
      auto again =
          ParseLeaderInfo(Bytes(r.value()->address, r.value()->session_id));
      REQUIRE(again.ok());
      CHECK(again.value() == r.value());
    }
    ++files;
  }
  CHECK(files >= 12);
}

}  // namespace
}  // namespace flinkha
