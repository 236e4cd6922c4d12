// FileSink part-file classification and glob matching, as tables and against
// fnmatch(3).
#include "model/filesink.h"

#include <fnmatch.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

namespace flinkha {
namespace {

TEST_CASE(
    "ClassifyPartFile tells finished, in-progress and ignored files apart",
    "[model]") {
  struct Case {
    const char* name;
    PartFileClass cls;
    const char* match_name;
  };
  const Case cases[] = {
      // FileSink / StreamingFileSink, with and without a configured suffix.
      {"part-81fc4980-a6af-41c8-9937-9939408a734b-0", PartFileClass::kFinished,
       "part-81fc4980-a6af-41c8-9937-9939408a734b-0"},
      {".part-81fc4980-a6af-41c8-9937-9939408a734b-0.inprogress.3a4a5e7c-1c2f-"
       "4b59-8d4b-6e2a4f0d5e11",
       PartFileClass::kInProgress,
       "part-81fc4980-a6af-41c8-9937-9939408a734b-0"},
      {"data-81fc4980-0.csv", PartFileClass::kFinished, "data-81fc4980-0.csv"},
      {".data-81fc4980-0.csv.inprogress.0f1e", PartFileClass::kInProgress,
       "data-81fc4980-0.csv"},
      // Legacy pending and BucketingSink names.
      {".part-0-0.pending", PartFileClass::kInProgress, "part-0-0"},
      {"_part-0-0.in-progress", PartFileClass::kInProgress, "part-0-0"},
      {"_part-0-0.pending", PartFileClass::kInProgress, "part-0-0"},
      {".part-0-0.in-progress", PartFileClass::kInProgress, "part-0-0"},
      // Other hidden files are not part files.
      {"_part-0-0.valid-length", PartFileClass::kIgnored, ""},
      {"_SUCCESS", PartFileClass::kIgnored, ""},
      {".part-0-0.crc", PartFileClass::kIgnored, ""},
      {".inprogress.abc", PartFileClass::kIgnored, ""},
      {".pending", PartFileClass::kIgnored, ""},
      {".", PartFileClass::kIgnored, ""},
      {"..", PartFileClass::kIgnored, ""},
      {"", PartFileClass::kIgnored, ""},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const PartFileName got = ClassifyPartFile(c.name);
    CHECK(got.cls == c.cls);
    CHECK(got.match_name == c.match_name);
  }
}

TEST_CASE("IsHiddenName: dot and underscore prefixes", "[model]") {
  CHECK(IsHiddenName(".flink"));
  CHECK(IsHiddenName("_temporary"));
  CHECK_FALSE(IsHiddenName("2024-05-01--13"));
  CHECK_FALSE(IsHiddenName(""));
}

TEST_CASE("GlobMatch matches whole file names like fnmatch", "[model]") {
  struct Case {
    const char* pattern;
    const char* name;
    bool match;
  };
  const Case cases[] = {
      {"*", "part-1-0", true},
      {"*", "", true},
      {"*.csv", "part-1-0.csv", true},
      {"*.csv", "part-1-0.csv.gz", false},
      {"*.csv", "part-1-0", false},
      {"part-*-[0-9]", "part-abc-7", true},
      {"part-*-[0-9]", "part-abc-x", false},
      {"part-?", "part-1", true},
      {"part-?", "part-12", false},
      {"[!.]*", "x", true},
      {"[!.]*", ".x", false},
      {"[^a]", "b", true},
      {"[]]", "]", true},
      {"[a-]", "-", true},
      {"\\*", "*", true},
      {"\\*", "a", false},
      {"[", "[", true},
      {"a[", "a[", true},
      {"*a*b*c*", "xxaxxbxxc", true},
      {"*a*b*c*", "xxaxxcxxb", false},
      {"**x", "yyx", true},
  };
  for (const Case& c : cases) {
    INFO(c.pattern << " vs " << c.name);
    CHECK(GlobMatch(c.pattern, c.name) == c.match);
  }
}

TEST_CASE("GlobMatch agrees with fnmatch(3) on random patterns", "[model]") {
  std::mt19937 rng(12345);
  const std::string pattern_chars = "ab*?[]!-\\";
  const std::string name_chars = "ab[]-!\\";
  auto random_string = [&](const std::string& alphabet, size_t max_len) {
    std::string s(rng() % (max_len + 1), ' ');
    for (char& ch : s) ch = alphabet[rng() % alphabet.size()];
    return s;
  };
  int disagreements = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string p = random_string(pattern_chars, 7);
    const std::string n = random_string(name_chars, 7);
    const bool want = fnmatch(p.c_str(), n.c_str(), 0) == 0;
    if (GlobMatch(p, n) != want) {
      if (++disagreements <= 5) {
        UNSCOPED_INFO("pattern \"" << p << "\" name \"" << n
                                   << "\" fnmatch=" << want);
      }
    }
  }
  CHECK(disagreements == 0);
}

TEST_CASE("ValidateGlob rejects empty patterns and slashes", "[model]") {
  CHECK(ValidateGlob("*.csv").empty());
  CHECK(ValidateGlob("") == "pattern must not be empty");
  CHECK(ValidateGlob("a/*.csv") ==
        "pattern must match a file name, found a '/' in \"a/*.csv\"");
  CHECK(ValidateGlob("a\\\\").empty());  // an escaped backslash
  CHECK(ValidateGlob("a\\") ==
        "pattern must not end with an unpaired backslash, found \"a\\\"");
}

}  // namespace
}  // namespace flinkha
