// ObjectReader and body parsing: the only place the REST parsers touch
// nlohmann::json errors.
#include "model/json_reader.h"

#include <cmath>
#include <limits>

namespace flinkha {
namespace {

std::string WithPath(const std::string& path, const std::string& message) {
  return path.empty() ? message : path + ": " + message;
}

}  // namespace

Result<Json> ParseJsonBody(std::string_view body) {
  bool blank = true;
  for (char c : body) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      blank = false;
      break;
    }
  }
  if (blank) return Error{"invalid JSON: empty body"};
  try {
    return Json::parse(body.begin(), body.end());
  } catch (const Json::exception& e) {
    // nlohmann prefixes "[json.exception.parse_error.101] "; keep the readable
    // rest.
    std::string what = e.what();
    if (auto close = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
      what = what.substr(close + 2);
    }
    return Error{"invalid JSON: " + what};
  }
}

std::string JsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a fractional number";
    default:
      return "an unknown value";
  }
}

std::optional<int64_t> JsonToInt64(const Json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned())
    return value.get<int64_t>();
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (value.is_number_float()) {
    // Some serializers write longs as 1.0E9; accept integral values that fit.
    const double d = value.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d || d < -9.2e18 || d > 9.2e18)
      return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

ObjectReader::ObjectReader(const Json& value, std::string path)
    : value_(&value), path_(std::move(path)) {
  if (!value.is_object()) {
    Fail(path_, (path_.empty() ? "expected a JSON object, found "
                               : "expected an object, found ") +
                    JsonTypeName(value));
  }
}

std::string ObjectReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ObjectReader::Fail(const std::string& path, const std::string& message) {
  if (!error_) error_ = Error{WithPath(path, message)};
}

void ObjectReader::Absorb(const ObjectReader& child) {
  if (!error_ && child.error_) error_ = child.error_;
}

const Json* ObjectReader::Find(const char* key) const {
  if (!value_->is_object()) return nullptr;
  auto it = value_->find(key);
  return it == value_->end() ? nullptr : &*it;
}

int64_t ObjectReader::Int(const char* key) {
  const Json* v = Find(key);
  if (!v) {
    if (value_->is_object())
      Fail(PathOf(key), "expected an integer, the field is missing");
    return 0;
  }
  auto i = JsonToInt64(*v);
  if (!i) {
    std::string found = JsonTypeName(*v);
    if (v->is_number_float()) {
      const double d = v->get<double>();
      found =
          (std::isfinite(d) && std::trunc(d) == d ? "out of range number "
                                                  : "a fractional number ") +
          v->dump();
    } else if (v->is_number()) {
      found = "out of range number " + v->dump();
    }
    Fail(PathOf(key), "expected an integer, found " + found);
    return 0;
  }
  return *i;
}

std::optional<int64_t> ObjectReader::OptInt(const char* key) {
  const Json* v = Find(key);
  if (!v || v->is_null()) return std::nullopt;
  return Int(key);
}

std::string ObjectReader::String(const char* key) {
  const Json* v = Find(key);
  if (!v) {
    if (value_->is_object())
      Fail(PathOf(key), "expected a string, the field is missing");
    return "";
  }
  if (!v->is_string()) {
    Fail(PathOf(key), "expected a string, found " + JsonTypeName(*v));
    return "";
  }
  return v->get<std::string>();
}

std::optional<std::string> ObjectReader::OptString(const char* key) {
  const Json* v = Find(key);
  if (!v || v->is_null()) return std::nullopt;
  return String(key);
}

std::optional<bool> ObjectReader::OptBool(const char* key) {
  const Json* v = Find(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(PathOf(key), "expected a boolean, found " + JsonTypeName(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* ObjectReader::Object(const char* key) {
  const Json* v = Find(key);
  if (!v) {
    if (value_->is_object())
      Fail(PathOf(key), "expected an object, the field is missing");
    return nullptr;
  }
  if (!v->is_object()) {
    Fail(PathOf(key), "expected an object, found " + JsonTypeName(*v));
    return nullptr;
  }
  return v;
}

const Json* ObjectReader::OptObject(const char* key) {
  const Json* v = Find(key);
  if (!v || v->is_null()) return nullptr;
  return Object(key);
}

const Json* ObjectReader::OptArray(const char* key) {
  const Json* v = Find(key);
  if (!v || v->is_null()) return nullptr;
  return Array(key);
}

const Json* ObjectReader::Array(const char* key) {
  const Json* v = Find(key);
  if (!v) {
    if (value_->is_object())
      Fail(PathOf(key), "expected an array, the field is missing");
    return nullptr;
  }
  if (!v->is_array()) {
    Fail(PathOf(key), "expected an array, found " + JsonTypeName(*v));
    return nullptr;
  }
  return v;
}

}  // namespace flinkha
