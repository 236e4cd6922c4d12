// Errors as values: Result<T> holds either a T or an Error with its context.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace flinkha {

// An error message in lower case, without a final period, saying what was
// expected and found.
struct Error {
  std::string message;

  // Prefixes context, e.g. Wrap("GET /overview") -> "GET /overview: <message>".
  [[nodiscard]] Error Wrap(const std::string& context) const {
    return Error{context + ": " + message};
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error)
      : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T* operator->() const { return &std::get<T>(v_); }
  T* operator->() { return &std::get<T>(v_); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result for operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace flinkha
