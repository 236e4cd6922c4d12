// An enum's text names as one table, read both ways: the name printed and the
// name parsed cannot drift apart.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace flinkha {

template <typename T, size_t N>
using EnumNames = std::array<std::pair<T, std::string_view>, N>;

// The name of value ("" if the table lacks it).
template <typename T, size_t N>
constexpr std::string_view NameOf(const EnumNames<T, N>& names, T value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "";
}

// The value named name; nullopt for any other text.
template <typename T, size_t N>
constexpr std::optional<T> ParseName(const EnumNames<T, N>& names,
                                     std::string_view name) {
  for (const auto& [v, n] : names) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// "a, b or c" for an "expected ..." message: the names in `before` (taken but
// not in the table, like "auto"), then the table's, in order.
template <typename T, size_t N>
std::string NameList(const EnumNames<T, N>& names,
                     std::initializer_list<std::string_view> before = {}) {
  std::string out;
  size_t i = 0;
  const size_t count = before.size() + N;
  auto add = [&](std::string_view name) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += name;
    ++i;
  };
  for (std::string_view name : before) add(name);
  for (const auto& [v, name] : names) add(name);
  return out;
}

}  // namespace flinkha
