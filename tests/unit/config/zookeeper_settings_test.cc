// The layout and four-letter-word names: each parses to its enum and prints
// back the same; other text is rejected, here and by the loader.
#include "config/zookeeper_settings.h"

#include <catch2/catch.hpp>
#include <string>

#include "config/loader.h"

namespace flinkha {
namespace {

// A one-cluster config whose zookeeper mapping has `key: value`.
Result<Config> WithZooKeeperKey(const std::string& key,
                                const std::string& value) {
  return ParseConfig(
      "clusters:\n"
      "  - name: a\n"
      "    jobmanagers:\n"
      "      - {name: jm-1, url: \"http://localhost:8081\", advertised: "
      "\"jm:8081\"}\n"
      "    zookeeper:\n"
      "      quorum: zookeeper:2181\n"
      "      " +
          key + ": \"" + value + "\"\n",
      "inline.yml");
}

TEST_CASE("LayoutName and ParseLayout round-trip every layout", "[config]") {
  for (ZkLayout l :
       {ZkLayout::k1_13, ZkLayout::k1_14, ZkLayout::k1_15, ZkLayout::k1_19}) {
    const std::string name(LayoutName(l));
    INFO(name);
    CHECK(ParseLayout(name) == l);
    auto config = WithZooKeeperKey("layout", name);
    REQUIRE(config.ok());
    CHECK(config->clusters.at(0).zookeeper->layout == l);
  }
  CHECK(LayoutName(ZkLayout::k1_13) == "1.13");
  CHECK(LayoutName(ZkLayout::k1_19) == "1.19");
  // "auto" is the config's unset layout, no ZkLayout of its own.
  CHECK_FALSE(ParseLayout("auto").has_value());
  auto detected = WithZooKeeperKey("layout", "auto");
  REQUIRE(detected.ok());
  CHECK_FALSE(detected->clusters.at(0).zookeeper->layout.has_value());
  CHECK_FALSE(ParseLayout("1.16").has_value());
  CHECK_FALSE(ParseLayout("").has_value());
  auto bad = WithZooKeeperKey("layout", "1.20");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "inline.yml:7:15: error: layout: expected auto, 1.13, 1.14, 1.15 or "
        "1.19, found \"1.20\"");
}

TEST_CASE("FourLetterWordsName and ParseFourLetterWords round-trip each mode",
          "[config]") {
  for (FourLetterWords w : {FourLetterWords::kAuto, FourLetterWords::kSrvr,
                            FourLetterWords::kMntr, FourLetterWords::kOff}) {
    const std::string name(FourLetterWordsName(w));
    INFO(name);
    CHECK(ParseFourLetterWords(name) == w);
    auto config = WithZooKeeperKey("four_letter_words", name);
    REQUIRE(config.ok());
    CHECK(config->clusters.at(0).zookeeper->four_letter_words == w);
  }
  CHECK(FourLetterWordsName(FourLetterWords::kOff) == "off");
  CHECK_FALSE(ParseFourLetterWords("ruok").has_value());
  CHECK_FALSE(ParseFourLetterWords("OFF").has_value());
  auto bad = WithZooKeeperKey("four_letter_words", "stat");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "inline.yml:7:26: error: four_letter_words: expected auto, srvr, "
        "mntr or off, found \"stat\"");
}

}  // namespace
}  // namespace flinkha
