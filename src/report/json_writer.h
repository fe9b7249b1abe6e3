// A minimal streaming JSON writer: ordered keys, exact 128-bit integers, escaped strings.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "model/count.h"

namespace calflops {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, int indent = 2) : out_(out), indent_(indent) {}
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Number(Count v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();

  static std::string Escape(std::string_view s);

 private:
  void BeforeValue();
  void Newline();
  std::ostream& out_;
  int indent_;
  std::vector<bool> first_;  ///< per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace calflops
