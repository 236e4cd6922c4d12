// FileSink part-file classification and glob matching (see filesink.h for the
// naming rules).
#include "model/filesink.h"

namespace flinkha {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// Matches one bracket expression starting at pattern[p] == '['. Returns false
// in *valid when the bracket is not closed (then '[' is an ordinary character,
// as in fnmatch).
bool MatchBracket(std::string_view pattern, size_t* p, char c, bool* valid) {
  size_t i = *p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = pattern[i];
    if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
    ++i;
    char hi = lo;
    if (i + 1 < pattern.size() && pattern[i] == '-' && pattern[i + 1] != ']') {
      hi = pattern[i + 1];
      if (hi == '\\' && i + 2 < pattern.size()) {
        hi = pattern[i + 2];
        ++i;
      }
      i += 2;
    }
    const auto uc = static_cast<unsigned char>(c);
    if (static_cast<unsigned char>(lo) <= uc &&
        uc <= static_cast<unsigned char>(hi)) {
      matched = true;
    }
  }
  if (i >= pattern.size()) {
    *valid = false;
    return false;
  }
  *valid = true;
  *p = i + 1;  // past ']'
  return matched != negate;
}

}  // namespace

bool IsHiddenName(std::string_view name) {
  return !name.empty() && (name[0] == '.' || name[0] == '_');
}

PartFileName ClassifyPartFile(std::string_view name) {
  PartFileName out;
  if (name.empty() || name == "." || name == "..") return out;
  if (!IsHiddenName(name)) {
    out.cls = PartFileClass::kFinished;
    out.match_name = std::string(name);
    return out;
  }
  const std::string_view bare = name.substr(1);
  // FileSink: `.<committed name>.inprogress.<uuid>`; the committed name may
  // contain dots.
  constexpr std::string_view kInProgress = ".inprogress.";
  if (const size_t at = bare.rfind(kInProgress);
      at != std::string_view::npos && at > 0) {
    out.cls = PartFileClass::kInProgress;
    out.match_name = std::string(bare.substr(0, at));
    return out;
  }
  for (std::string_view suffix :
       {std::string_view(".inprogress"), std::string_view(".in-progress"),
        std::string_view(".pending")}) {
    if (EndsWith(bare, suffix) && bare.size() > suffix.size()) {
      out.cls = PartFileClass::kInProgress;
      out.match_name = std::string(bare.substr(0, bare.size() - suffix.size()));
      return out;
    }
  }
  return out;  // other hidden file
}

bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star_p = std::string_view::npos;  // position after the last '*'
  size_t star_n = 0;  // name position that '*' currently covers up to
  while (n < name.size()) {
    bool advanced = false;
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        while (p < pattern.size() && pattern[p] == '*') ++p;
        star_p = p;
        star_n = n;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++n;
        advanced = true;
      } else if (pc == '[') {
        size_t q = p;
        bool valid = true;
        const bool m = MatchBracket(pattern, &q, name[n], &valid);
        if (!valid) {
          if (name[n] == '[') {
            ++p;
            ++n;
            advanced = true;
          }
        } else if (m) {
          p = q;
          ++n;
          advanced = true;
        }
      } else {
        char lit = pc;
        size_t width = 1;
        if (pc == '\\') {
          // A trailing unpaired backslash can never be matched (fnmatch calls
          // it an error).
          if (p + 1 == pattern.size()) return false;
          lit = pattern[p + 1];
          width = 2;
        }
        if (lit == name[n]) {
          p += width;
          ++n;
          advanced = true;
        }
      }
    }
    if (advanced) continue;
    if (star_p == std::string_view::npos) return false;
    // Let the last '*' swallow one more character and retry from there.
    p = star_p;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string ValidateGlob(std::string_view pattern) {
  if (pattern.empty()) return "pattern must not be empty";
  size_t i = 0;
  while (i < pattern.size()) i += pattern[i] == '\\' ? 2 : 1;
  if (i > pattern.size()) {
    return "pattern must not end with an unpaired backslash, found \"" +
           std::string(pattern) + "\"";
  }
  if (pattern.find('/') != std::string_view::npos) {
    return "pattern must match a file name, found a '/' in \"" +
           std::string(pattern) + "\"";
  }
  return "";
}

}  // namespace flinkha
