#include "readers/safetensors/safetensors_reader.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>

#include "readers/byte_reader.h"
#include "readers/file_bytes.h"
#include "readers/safetensors/safetensors_dtypes.h"
#include "readers/strict_json.h"

namespace calflops {
using nlohmann::json;

namespace safetensors_reader {
namespace {

constexpr uint64_t kPrefixBytes = 8;

struct Entry {
  TensorInfo info;
  uint64_t begin = 0;
  uint64_t end = 0;
};

class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  /// "<file>: tensor 'x' at offset N". Searching the header for the name costs a scan, so this
  /// is only called once an error is certain.
  std::string Where(const std::string& name) const {
    return source_ + ": tensor " + QuoteName(name) + " at offset " +
           std::to_string(KeyOffset(text_, name, kPrefixBytes));
  }

  Entry ParseEntry(const std::string& name, const json& v) {
    Entry e;
    auto where = [&] { return Where(name); };
    if (name.size() > kMaxNameBytes) {
      throw BadInput(
          source_ + ": tensor at offset " + std::to_string(KeyOffset(text_, name, kPrefixBytes)),
          "name of " + std::to_string(name.size()) + " bytes, above the limit of " +
              std::to_string(kMaxNameBytes));
    }
    e.info.name = name;
    if (!v.is_object()) {
      throw BadInput(where(), std::string("is ") + JsonTypeName(v) +
                                  ", expected an object with dtype, shape and data_offsets");
    }
    auto field = [&](const char* key) -> const json& {
      auto it = v.find(key);
      if (it == v.end()) throw BadInput(where(), std::string("'") + key + "' is missing");
      return *it;
    };
    const json& dtype = field("dtype");
    if (!dtype.is_string()) {
      throw BadInput(where(),
                     std::string("dtype is ") + JsonTypeName(dtype) + ", expected a string");
    }
    const SafetensorsDtype* dt = FindSafetensorsDtype(dtype.get_ref<const std::string&>());
    if (!dt) {
      std::string known;
      for (const auto& d : AllSafetensorsDtypes())
        known += (known.empty() ? "" : ", ") + std::string(d.name);
      throw BadInput(where(), "unknown dtype " + QuoteName(dtype.get_ref<const std::string&>()) +
                                  " (known: " + known + ")");
    }
    e.info.dtype = std::string(dt->name);

    const json& shape = field("shape");
    if (!shape.is_array()) {
      throw BadInput(where(), std::string("shape is ") + JsonTypeName(shape) +
                                  ", expected an array of integers");
    }
    if (shape.size() > static_cast<size_t>(kMaxTensorRank)) {
      throw BadInput(where(), "shape has " + std::to_string(shape.size()) + " dims, at most " +
                                  std::to_string(kMaxTensorRank) + " are allowed");
    }
    uint64_t elements = 1;
    for (const json& d : shape) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        throw BadInput(
            where(), "shape " + shape.dump() + " has a dim that is not an integer in [0, 2^63-1]");
      }
      auto p = CheckedMul(elements, d.get<uint64_t>());
      if (!p) throw BadInput(where(), "shape " + shape.dump() + " has more than 2^64 elements");
      elements = *p;
      e.info.shape.push_back(d.get<int64_t>());
    }
    e.info.elements = Count(elements);

    const json& offsets = field("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      throw BadInput(where(),
                     "data_offsets " + offsets.dump() + " is not [begin, end] with integers >= 0");
    }
    e.begin = offsets[0].get<uint64_t>();
    e.end = offsets[1].get<uint64_t>();
    if (e.end < e.begin) {
      throw BadInput(where(), "data_offsets " + offsets.dump() + " end before they begin");
    }
    u128 bits = static_cast<u128>(elements) * static_cast<u128>(dt->bits);
    if (bits % 8 != 0) {
      throw BadInput(where(), std::to_string(elements) + " elements of " + e.info.dtype + " (" +
                                  std::to_string(dt->bits) +
                                  " bits) are not a whole number of bytes");
    }
    e.info.bytes = Count::FromU128(bits / 8);
    if (e.info.bytes != Count(e.end - e.begin)) {
      throw BadInput(where(), "data_offsets " + offsets.dump() + " hold " +
                                  std::to_string(e.end - e.begin) + " bytes, but shape " +
                                  shape.dump() + " of " + e.info.dtype + " needs " +
                                  e.info.bytes.ToString());
    }
    return e;
  }

 private:
  std::string_view text_;
  const std::string& source_;
};

}  // namespace
}  // namespace safetensors_reader

bool LooksLikeSafetensors(std::span<const uint8_t> prefix) {
  if (prefix.size() < safetensors_reader::kPrefixBytes + 1 ||
      prefix[safetensors_reader::kPrefixBytes] != '{')
    return false;
  return std::find(prefix.begin(), prefix.begin() + safetensors_reader::kPrefixBytes, 0) !=
         prefix.begin() + safetensors_reader::kPrefixBytes;
}

TensorSet ReadSafetensors(std::span<const uint8_t> bytes, uint64_t file_size,
                          const std::string& source, const ReadOptions& options) {
  ByteReader r(bytes, source);
  r.set_context("header length");
  if (file_size < safetensors_reader::kPrefixBytes) {
    r.FailAt(0, "the file is " + std::to_string(file_size) +
                    " bytes, too short for the 8-byte header length");
  }
  uint64_t n = r.Read<uint64_t>();
  if (n > kMaxHeaderBytes) {
    r.FailAt(0, "header length " + std::to_string(n) + " exceeds the limit of " +
                    std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (n > file_size - safetensors_reader::kPrefixBytes) {
    r.FailAt(0, "header length " + std::to_string(n) + " runs past the end of the file (" +
                    std::to_string(file_size) + " bytes)");
  }
  r.set_context("header");
  auto text = r.ReadBytes(n);
  TensorSet s;
  s.format = "safetensors";
  uint64_t data_start = safetensors_reader::kPrefixBytes + n;
  s.files.push_back(TensorFile{source, file_size, data_start, 0});
  safetensors_reader::HeaderParser p(text, source);
  std::vector<safetensors_reader::Entry> entries;
  size_t members = 0;
  bool metadata_seen = false;
  // Member by member: each tensor's entry is checked and kept as an Entry, its JSON dropped.
  bool is_object = ForEachStrictJsonMember(
      text, source, safetensors_reader::kPrefixBytes, [&](std::string& name, json& v) {
        if (++members > kMaxTensors + 1) {
          r.FailAt(safetensors_reader::kPrefixBytes,
                   "more than " + std::to_string(kMaxTensors + 1) +
                       " entries exceed the limit of " + std::to_string(kMaxTensors) + " tensors");
        }
        if (name == "__metadata__") {
          if (metadata_seen) {
            uint64_t first = KeyOffset(text, name, 0);
            throw BadInput(source + ": key '__metadata__' at offset " +
                               std::to_string(KeyOffset(
                                   text, name, safetensors_reader::kPrefixBytes, first + 1)),
                           "duplicate key");
          }
          metadata_seen = true;
          if (!v.is_object()) {
            throw BadInput(
                source + ": key '__metadata__' at offset " +
                    std::to_string(KeyOffset(text, name, safetensors_reader::kPrefixBytes)),
                std::string("is ") + JsonTypeName(v) + ", expected an object of strings");
          }
          for (const auto& [k, mv] : v.items()) {
            if (!mv.is_string()) {
              throw BadInput(
                  source + ": key '__metadata__." + k + "' at offset " +
                      std::to_string(KeyOffset(text, k, safetensors_reader::kPrefixBytes)),
                  std::string("is ") + JsonTypeName(mv) + ", expected a string");
            }
          }
          s.facts.emplace_back("metadata_entries", std::to_string(v.size()));
          if (auto f = v.find("format"); f != v.end())
            s.facts.emplace_back("metadata.format", f->get<std::string>());
          return;
        }
        entries.push_back(p.ParseEntry(name, v));
      });
  if (!is_object) {
    json header =
        ParseStrictJson(text, source, safetensors_reader::kPrefixBytes);  // for the error's wording
    r.FailAt(safetensors_reader::kPrefixBytes,
             std::string("the header is ") + JsonTypeName(header) + ", expected a JSON object");
  }
  // A repeated tensor name (the top level is not checked while streaming).
  {
    std::unordered_set<std::string_view> names;
    names.reserve(entries.size());
    for (const safetensors_reader::Entry& e : entries) {
      if (!names.insert(e.info.name).second) {
        uint64_t first = KeyOffset(text, e.info.name, 0);
        uint64_t second = KeyOffset(text, e.info.name, safetensors_reader::kPrefixBytes,
                                    static_cast<size_t>(first) + 1);
        throw BadInput(
            source + ": key " + QuoteName(e.info.name) + " at offset " + std::to_string(second),
            "duplicate key");
      }
    }
  }

  // The data region holds the tensors back to back from offset 0, in some order.
  std::vector<const safetensors_reader::Entry*> order;
  for (const auto& e : entries) order.push_back(&e);
  auto by_offsets = [](const safetensors_reader::Entry* a, const safetensors_reader::Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  };
  // Writers usually list tensors in data order: then there is nothing to sort.
  if (!std::is_sorted(order.begin(), order.end(), by_offsets)) {
    std::stable_sort(order.begin(), order.end(), by_offsets);
  }
  uint64_t expected = 0;
  const safetensors_reader::Entry* prev = nullptr;
  uint64_t data_bytes = file_size - data_start;
  for (const safetensors_reader::Entry* e : order) {
    auto where = [&] { return p.Where(e->info.name); };
    std::string offsets =
        "data_offsets [" + std::to_string(e->begin) + ", " + std::to_string(e->end) + "]";
    if (e->begin < expected) {
      throw BadInput(where(), offsets + " overlap tensor " + QuoteName(prev->info.name) + " [" +
                                  std::to_string(prev->begin) + ", " + std::to_string(prev->end) +
                                  "]");
    }
    if (e->begin > expected) {
      throw BadInput(
          where(), offsets + " leave a gap of " + std::to_string(e->begin - expected) +
                       " bytes after " +
                       (prev ? "tensor " + QuoteName(prev->info.name) : std::string("the header")));
    }
    if (!options.header_only && e->end > data_bytes) {
      throw BadInput(where(), offsets + " end past the end of the file: the data region holds " +
                                  std::to_string(data_bytes) +
                                  " bytes (--header-only accepts header-only files)");
    }
    expected = e->end;
    prev = e;
  }
  if (!options.header_only && expected != data_bytes) {
    throw BadInput(source + ": offset " + std::to_string(data_start + expected),
                   "the tensors fill " + std::to_string(expected) + " bytes of the " +
                       std::to_string(data_bytes) +
                       "-byte data region; the rest is unaccounted for");
  }
  for (auto& e : entries) {
    e.info.offset = data_start + e.begin;
    s.tensors.push_back(std::move(e.info));
  }
  // File order = data order, as the format lays tensors out.
  auto by_offset = [](const TensorInfo& a, const TensorInfo& b) { return a.offset < b.offset; };
  if (!std::is_sorted(s.tensors.begin(), s.tensors.end(), by_offset)) {
    std::stable_sort(s.tensors.begin(), s.tensors.end(), by_offset);
  }
  s.files[0].tensors = s.tensors.size();
  return s;
}

TensorSet ReadSafetensorsFile(const std::string& path, const ReadOptions& options) {
  uint64_t size = RegularFileSize(path);
  std::vector<uint8_t> prefix = ReadFileRange(path, 0, safetensors_reader::kPrefixBytes);
  uint64_t n = 0;
  if (prefix.size() == safetensors_reader::kPrefixBytes) {
    for (int i = 7; i >= 0; --i) n = (n << 8) | prefix[static_cast<size_t>(i)];
  }
  // Read the header only when its length is sane; otherwise ReadSafetensors reports why.
  if (prefix.size() == safetensors_reader::kPrefixBytes && n <= kMaxHeaderBytes &&
      n <= size - safetensors_reader::kPrefixBytes) {
    prefix = ReadFileRange(path, 0, safetensors_reader::kPrefixBytes + n);
  }
  return ReadSafetensors(prefix, size, path, options);
}

}  // namespace calflops
