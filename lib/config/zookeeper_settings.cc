// Names of the ZooKeeper layout and four-letter-word settings.
#include "config/zookeeper_settings.h"

#include "util/enum_names.h"

namespace flinkha {
namespace {

constexpr EnumNames<ZkLayout, 4> kLayouts = {{
    {ZkLayout::k1_13, "1.13"},
    {ZkLayout::k1_14, "1.14"},
    {ZkLayout::k1_15, "1.15"},
    {ZkLayout::k1_19, "1.19"},
}};
constexpr EnumNames<FourLetterWords, 4> kFourLetterWords = {{
    {FourLetterWords::kAuto, "auto"},
    {FourLetterWords::kSrvr, "srvr"},
    {FourLetterWords::kMntr, "mntr"},
    {FourLetterWords::kOff, "off"},
}};

}  // namespace

std::string_view LayoutName(ZkLayout layout) {
  return NameOf(kLayouts, layout);
}

std::optional<ZkLayout> ParseLayout(std::string_view name) {
  return ParseName(kLayouts, name);
}

std::string LayoutSettingNames() { return NameList(kLayouts, {"auto"}); }

std::string FourLetterWordsNames() { return NameList(kFourLetterWords); }

std::string_view FourLetterWordsName(FourLetterWords words) {
  return NameOf(kFourLetterWords, words);
}

std::optional<FourLetterWords> ParseFourLetterWords(std::string_view name) {
  return ParseName(kFourLetterWords, name);
}

}  // namespace flinkha
