// The ZooKeeper settings the config file names by text (layout,
// four_letter_words), parsed once by the loader into enums.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flinkha {

// Flink's HA znode layouts (model/zk_layout.h says where each keeps what).
enum class ZkLayout { k1_13, k1_14, k1_15, k1_19 };
// Which four-letter-word commands the health probe sends.
enum class FourLetterWords { kAuto, kSrvr, kMntr, kOff };

// The names taken, for "expected ..." messages: "auto, 1.13, 1.14, 1.15 or
// 1.19" ("auto" is no ZkLayout: the config's nullopt, detected from the
// znodes) and "auto, srvr, mntr or off".
std::string LayoutSettingNames();
std::string FourLetterWordsNames();

std::string_view LayoutName(ZkLayout layout);  // "1.13" | ... | "1.19"
// LayoutName's names; nullopt for any other text.
std::optional<ZkLayout> ParseLayout(std::string_view name);
std::string_view FourLetterWordsName(FourLetterWords words);  // "auto" | ...
// "auto" | "srvr" | "mntr" | "off"; nullopt for any other text.
std::optional<FourLetterWords> ParseFourLetterWords(std::string_view name);

}  // namespace flinkha
