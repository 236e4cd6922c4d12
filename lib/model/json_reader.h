// Typed, path-tracking access to parsed JSON for the REST parsers: errors name
// the field path (e.g. `jobs[2].start-time: expected an integer, found string`)
// and no exception escapes.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace flinkha {

using Json = nlohmann::json;

// Parses a whole response body. Errors say where the JSON broke; an empty body
// is its own error.
Result<Json> ParseJsonBody(std::string_view body);

// Describes a JSON value's type for messages: "string", "null", "object",
// "array", "boolean", "an integer", "a fractional number".
std::string JsonTypeName(const Json& value);

// Reads fields of one JSON object. The first failure is kept (later reads
// return defaults), so a parser reads everything and checks error() once. Holds
// a pointer: the Json must outlive it.
class ObjectReader {
 public:
  // path is the object's own path ("" for the top level, "jobs[2]" for an
  // element).
  ObjectReader(const Json& value, std::string path);

  // Required fields: absent, null or ill-typed is an error.
  int64_t Int(const char* key);
  std::string String(const char* key);
  const Json* Object(const char* key);  // nullptr on error
  const Json* Array(const char* key);   // nullptr on error

  // Optional fields: absent or null gives nullopt / nullptr; present but
  // ill-typed is an error.
  std::optional<int64_t> OptInt(const char* key);
  std::optional<std::string> OptString(const char* key);
  std::optional<bool> OptBool(const char* key);
  const Json* OptObject(const char* key);
  const Json* OptArray(const char* key);

  // Path of a member, for child readers and messages: "jobs[2]" + "tasks" ->
  // "jobs[2].tasks".
  std::string PathOf(std::string_view key) const;

  // Records an error at path (when none is recorded yet).
  void Fail(const std::string& path, const std::string& message);
  // Takes over a child reader's error.
  void Absorb(const ObjectReader& child);

  bool ok() const { return !error_.has_value(); }
  const std::optional<Error>& error() const { return error_; }

 private:
  const Json* Find(const char* key) const;  // nullptr: absent or not an object

  const Json* value_;
  std::string path_;
  std::optional<Error> error_;
};

// Converts a JSON number to int64 when it is integral and in range.
std::optional<int64_t> JsonToInt64(const Json& value);

}  // namespace flinkha
