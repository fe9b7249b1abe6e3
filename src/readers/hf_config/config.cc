#include "readers/hf_config/config.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "model/error.h"

namespace calflops {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a float";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    default: return "an unknown value";
  }
}

/// Line and column (1-based) of a byte offset, for parse errors.
std::string LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

Config::Config(std::shared_ptr<const json> j, std::string source, std::string prefix)
    : json_(std::move(j)), source_(std::move(source)), prefix_(std::move(prefix)) {}

Config Config::Parse(std::string_view text, std::string source) {
  if (text.size() > kMaxConfigBytes) {
    throw BadInput(source, "file is " + std::to_string(text.size()) + " bytes, above the " +
                               std::to_string(kMaxConfigBytes) + "-byte limit for a config");
  }
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw BadInput(source, "invalid JSON at " + LineColumn(text, e.byte > 0 ? e.byte - 1 : 0) +
                               ": " + detail);
  } catch (const json::exception& e) {
    // A number out of range ("1e999") is reported as out_of_range, not parse_error.
    std::string what = e.what();
    auto end = what.find("] ");
    throw BadInput(source, "invalid JSON: " + (end == std::string::npos ? what : what.substr(end + 2)));
  }
  if (!j.is_object()) {
    throw BadInput(source, std::string("expected a JSON object, found ") + TypeName(j));
  }
  return Config(std::make_shared<const json>(std::move(j)), std::move(source), "");
}

Config Config::Load(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) p /= "config.json";
  if (!fs::exists(p, ec)) throw BadInput(p.string(), "no such file");
  if (!fs::is_regular_file(p, ec)) throw BadInput(p.string(), "not a regular file");
  auto size = fs::file_size(p, ec);
  if (ec) throw BadInput(p.string(), "cannot read: " + ec.message());
  if (size > kMaxConfigBytes) {
    throw BadInput(p.string(), "file is " + std::to_string(size) + " bytes, above the " +
                                   std::to_string(kMaxConfigBytes) + "-byte limit for a config");
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) throw BadInput(p.string(), "cannot open for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), p.string());
}

const json* Config::Find(std::string_view key) const {
  auto it = json_->find(key);
  return it == json_->end() ? nullptr : &*it;
}

bool Config::Has(std::string_view key) const { return Find(key) != nullptr; }
bool Config::IsSet(std::string_view key) const {
  const json* j = Find(key);
  return j && !j->is_null();
}

std::string Config::Where(std::string_view key) const {
  return source_ + ": key '" + prefix_ + std::string(key) + "'";
}

void Config::TypeError(std::string_view key, const char* expected) const {
  throw BadInput(Where(key), std::string("is ") + TypeName(*Find(key)) + ", expected " + expected);
}

std::optional<int64_t> Config::OptInt(std::string_view key, int64_t min, int64_t max) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return std::nullopt;
  int64_t v = 0;
  if (j->is_number_unsigned()) {
    auto u = j->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) {
      throw BadInput(Where(key), "is " + std::to_string(u) + ", expected at most " +
                                     std::to_string(max));
    }
    v = static_cast<int64_t>(u);
  } else if (j->is_number_integer()) {
    v = j->get<int64_t>();
  } else if (j->is_number_float() && j->get<double>() == static_cast<double>(static_cast<int64_t>(j->get<double>()))) {
    v = static_cast<int64_t>(j->get<double>());  // 4096.0 is accepted as 4096
  } else {
    TypeError(key, "an integer");
  }
  if (v < min || v > max) {
    throw BadInput(Where(key), "is " + std::to_string(v) + ", expected an integer in [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

int64_t Config::Int(std::string_view key, int64_t min, int64_t max) const {
  auto v = OptInt(key, min, max);
  if (!v) throw BadInput(Where(key), "is missing (required)");
  return *v;
}

int64_t Config::Int(std::string_view key, int64_t fallback, int64_t min, int64_t max) const {
  return OptInt(key, min, max).value_or(fallback);
}

double Config::Float(std::string_view key, double fallback) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return fallback;
  if (!j->is_number()) TypeError(key, "a number");
  return j->get<double>();
}

bool Config::Bool(std::string_view key, bool fallback) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return fallback;
  if (!j->is_boolean()) TypeError(key, "true or false");
  return j->get<bool>();
}

std::string Config::String(std::string_view key, std::string fallback) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return fallback;
  if (!j->is_string()) TypeError(key, "a string");
  return j->get<std::string>();
}

std::vector<std::string> Config::Strings(std::string_view key) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return {};
  if (!j->is_array()) TypeError(key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& e : *j) {
    if (!e.is_string()) TypeError(key, "an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<std::vector<int64_t>> Config::IntPairs(std::string_view key) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return {};
  if (!j->is_array()) TypeError(key, "an array of [height, width] pairs");
  std::vector<std::vector<int64_t>> out;
  for (const auto& e : *j) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number_integer()) {
      TypeError(key, "an array of [height, width] pairs");
    }
    out.push_back({e[0].get<int64_t>(), e[1].get<int64_t>()});
  }
  return out;
}

std::vector<int64_t> Config::Ints(std::string_view key) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return {};
  if (!j->is_array()) TypeError(key, "an array of integers");
  std::vector<int64_t> out;
  for (const auto& e : *j) {
    if (!e.is_number_integer()) TypeError(key, "an array of integers");
    out.push_back(e.get<int64_t>());
  }
  return out;
}

Config Config::Sub(std::string_view key) const {
  const json* j = Find(key);
  if (!j || j->is_null()) {
    return Config(std::make_shared<const json>(json::object()), source_,
                  prefix_ + std::string(key) + ".");
  }
  if (!j->is_object()) TypeError(key, "an object");
  return Config(std::make_shared<const json>(*j), source_, prefix_ + std::string(key) + ".");
}

Config Config::With(std::string_view key, const json& value) const {
  auto j = std::make_shared<json>(*json_);
  (*j)[std::string(key)] = value;
  return Config(std::move(j), source_, prefix_);
}

}  // namespace calflops
