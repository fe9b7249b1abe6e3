#include "readers/hf_config/config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/error.h"
#include "model/input_files.h"
#include "model/py_format.h"
#include "readers/hf_config/config_json.h"

namespace calflops {
namespace fs = std::filesystem;
using nlohmann::json;

namespace config {
namespace {
const char* TypeName(const json& j) { return ConfigJsonTypeName(j); }
}  // namespace
}  // namespace config

Config::Config(std::shared_ptr<const json> j, std::string source, std::string prefix)
    : json_(std::move(j)), source_(std::move(source)), prefix_(std::move(prefix)) {}

Config Config::Parse(std::string_view text, std::string source) {
  json j = ParseConfigJson(text, source);
  if (!j.is_object()) {
    throw BadInput(source, std::string("expected a JSON object, found ") + config::TypeName(j));
  }
  return Config(std::make_shared<const json>(std::move(j)), std::move(source), "");
}

Config Config::Load(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  NoteInputFile(path);
  if (fs::is_directory(p, ec)) p /= "config.json";
  NoteInputFile(p.string());
  if (!fs::exists(p, ec)) throw BadInput(p.string(), "no such file");
  if (!fs::is_regular_file(p, ec)) throw BadInput(p.string(), "not a regular file");
  auto size = fs::file_size(p, ec);
  if (ec) throw BadInput(p.string(), "cannot read: " + ec.message());
  if (size > kMaxConfigBytes) {
    throw BadInput(p.string(), "file is " + std::to_string(size) + " bytes, above the " +
                                   std::to_string(kMaxConfigBytes) + "-byte limit for a config");
  }
  // Read-only, and never more than the limit even if the file grows meanwhile.
  std::ifstream in(p, std::ios::binary);
  if (!in) throw BadInput(p.string(), "cannot open for reading");
  std::string text(static_cast<size_t>(size) + 1, '\0');  // one more: a file that grew is cut
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw BadInput(p.string(), "cannot read");
  text.resize(static_cast<size_t>(in.gcount()));
  return Parse(text, p.string());
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
  throw BadInput(Where(key),
                 std::string("is ") + config::TypeName(*Find(key)) + ", expected " + expected);
}

std::optional<int64_t> Config::OptInt(std::string_view key, int64_t min, int64_t max) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return std::nullopt;
  auto out_of_range = [&](const std::string& found) {
    return BadInput(Where(key), "is " + found + ", expected an integer in [" + std::to_string(min) +
                                    ", " + std::to_string(max) + "]");
  };
  int64_t v = 0;
  if (j->is_number_unsigned()) {
    auto u = j->get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) throw out_of_range(std::to_string(u));
    v = static_cast<int64_t>(u);
  } else if (j->is_number_integer()) {
    v = j->get<int64_t>();
  } else if (j->is_number_float()) {
    // 4096.0 is accepted as 4096; anything else a float holds is checked before any conversion.
    double d = j->get<double>();
    if (d != std::trunc(d)) TypeError(key, "an integer");
    if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max) &&
          std::fabs(d) < 0x1p63)) {
      throw out_of_range(PyFloatRepr(d));
    }
    v = static_cast<int64_t>(d);
  } else {
    TypeError(key, "an integer");
  }
  if (v < min || v > max) throw out_of_range(std::to_string(v));
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
  return j->get<double>();  // NaN and +-Infinity too, as Python's json reads them
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

std::vector<std::vector<int64_t>> Config::IntPairs(std::string_view key, int64_t min,
                                                   int64_t max) const {
  const json* j = Find(key);
  if (!j || j->is_null()) return {};
  if (!j->is_array()) TypeError(key, "an array of [height, width] pairs");
  std::vector<std::vector<int64_t>> out;
  for (const auto& e : *j) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number_integer()) {
      TypeError(key, "an array of [height, width] pairs");
    }
    std::vector<int64_t> pair;
    for (const auto& x : e) {
      bool in_range = x.is_number_unsigned() ? x.get<uint64_t>() <= static_cast<uint64_t>(max) &&
                                                   static_cast<int64_t>(x.get<uint64_t>()) >= min
                                             : x.get<int64_t>() >= min && x.get<int64_t>() <= max;
      if (!in_range) {
        throw BadInput(Where(key), "holds " + x.dump() + ", expected integers in [" +
                                       std::to_string(min) + ", " + std::to_string(max) + "]");
      }
      pair.push_back(x.get<int64_t>());
    }
    out.push_back(std::move(pair));
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
