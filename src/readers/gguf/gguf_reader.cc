#include "readers/gguf/gguf_reader.h"

#include <algorithm>
#include <cstring>

#include "readers/byte_reader.h"
#include "readers/gguf/ggml_types.h"

namespace calflops {
namespace {

constexpr uint8_t kMagic[4] = {'G', 'G', 'U', 'F'};
// Smallest encodings, to reject counts the remaining bytes cannot hold before looping over them.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;              // empty key, type, one-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;  // empty name, n_dims 0, type, offset

/// Bytes of one element of a fixed-size value type; 0 for string and array.
uint64_t FixedSize(GgufValueType t) {
  switch (t) {
    case GgufValueType::kU8:
    case GgufValueType::kI8:
    case GgufValueType::kBool:
      return 1;
    case GgufValueType::kU16:
    case GgufValueType::kI16:
      return 2;
    case GgufValueType::kU32:
    case GgufValueType::kI32:
    case GgufValueType::kF32:
      return 4;
    case GgufValueType::kU64:
    case GgufValueType::kI64:
    case GgufValueType::kF64:
      return 8;
    case GgufValueType::kString:
    case GgufValueType::kArray:
      return 0;
  }
  return 0;
}

/// Smallest encoding of one element: what each array element must at least consume.
uint64_t MinSize(GgufValueType t) {
  if (t == GgufValueType::kString) return 8;
  if (t == GgufValueType::kArray) return 12;
  return FixedSize(t);
}

class Parser {
 public:
  Parser(std::span<const uint8_t> bytes, const std::string& source)
      : r_(bytes.first(std::min<size_t>(bytes.size(), kMaxHeaderBytes)), source) {
    if (bytes.size() > kMaxHeaderBytes) {
      r_.set_end_description("the header limit of " + std::to_string(kMaxHeaderBytes) +
                             " bytes is reached");
    }
  }

  GgufValueType ReadType() {
    uint64_t at = r_.offset();
    uint32_t t = r_.Read<uint32_t>();
    if (t > static_cast<uint32_t>(GgufValueType::kF64)) {
      r_.FailAt(at, "unknown value type " + std::to_string(t) + " (known: 0..12)");
    }
    return static_cast<GgufValueType>(t);
  }

  GgufValue ReadValue(GgufValueType type, int depth) {
    GgufValue v;
    v.type = type;
    v.offset = r_.offset();
    switch (type) {
      case GgufValueType::kU8:
        v.u = r_.Read<uint8_t>();
        break;
      case GgufValueType::kU16:
        v.u = r_.Read<uint16_t>();
        break;
      case GgufValueType::kU32:
        v.u = r_.Read<uint32_t>();
        break;
      case GgufValueType::kU64:
        v.u = r_.Read<uint64_t>();
        break;
      case GgufValueType::kI8:
        v.i = r_.Read<int8_t>();
        break;
      case GgufValueType::kI16:
        v.i = r_.Read<int16_t>();
        break;
      case GgufValueType::kI32:
        v.i = r_.Read<int32_t>();
        break;
      case GgufValueType::kI64:
        v.i = r_.Read<int64_t>();
        break;
      case GgufValueType::kF32:
        v.f = r_.Read<float>();
        break;
      case GgufValueType::kF64:
        v.f = r_.Read<double>();
        break;
      case GgufValueType::kBool: {
        uint8_t b = r_.Read<uint8_t>();
        if (b > 1) r_.FailAt(v.offset, "bool value " + std::to_string(b) + " is neither 0 nor 1");
        v.u = b;
        break;
      }
      case GgufValueType::kString:
        v.s = std::string(r_.ReadString(kMaxStringBytes, "string"));
        break;
      case GgufValueType::kArray:
        ReadArray(v, depth);
        break;
    }
    return v;
  }

  void ReadArray(GgufValue& v, int depth) {
    if (depth >= kMaxNestingDepth) {
      r_.Fail("arrays nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    v.elem_type = ReadType();
    uint64_t count_at = r_.offset();
    v.count = r_.Read<uint64_t>();
    if (v.count > kMaxArrayElements) {
      r_.FailAt(count_at, "array count " + std::to_string(v.count) + " exceeds the limit of " +
                              std::to_string(kMaxArrayElements));
    }
    auto need = CheckedMul(v.count, MinSize(v.elem_type));
    if (!need || *need > r_.remaining()) {
      r_.FailAt(count_at, "array of " + std::to_string(v.count) + " " +
                              std::string(GgufValueTypeName(v.elem_type)) +
                              " elements runs past the end of the input (" +
                              std::to_string(r_.remaining()) + " bytes left)");
    }
    uint64_t fixed = FixedSize(v.elem_type);
    v.items_kept = fixed > 0 && v.count <= kMaxKeptArrayItems;
    if (v.items_kept) {
      v.items.reserve(v.count);
      for (uint64_t k = 0; k < v.count; ++k) v.items.push_back(ReadValue(v.elem_type, depth + 1));
    } else if (fixed > 0) {
      r_.Skip(*need);
    } else if (v.elem_type == GgufValueType::kString) {
      for (uint64_t k = 0; k < v.count; ++k) r_.ReadString(kMaxStringBytes, "string");
    } else {
      for (uint64_t k = 0; k < v.count; ++k) {
        GgufValue inner;
        ReadArray(inner, depth + 1);
      }
    }
  }

  ByteReader& reader() { return r_; }

 private:
  ByteReader r_;
};

void ReadMetadata(Parser& p, GgufFile& f, uint64_t n_kv) {
  ByteReader& r = p.reader();
  f.metadata.reserve(static_cast<size_t>(n_kv));
  f.key_index.reserve(static_cast<size_t>(n_kv));
  for (uint64_t k = 0; k < n_kv; ++k) {
    GgufKv kv;
    kv.offset = r.offset();
    r.set_context("metadata pair " + std::to_string(k));
    kv.key = std::string(r.ReadString(kMaxKeyBytes, "key"));
    if (!IsCleanUtf8(kv.key))
      r.FailAt(kv.offset, "key " + QuoteName(kv.key) + " is not printable UTF-8");
    r.set_context("key '" + kv.key + "'");
    // One hash operation a key (10^6 keys, within the limits, took 1.5 s with count + emplace
    // into a table grown by rehashing).
    auto [it, fresh] = f.key_index.try_emplace(kv.key, f.metadata.size());
    if (!fresh) {
      r.FailAt(kv.offset, "duplicate key (first at offset " +
                              std::to_string(f.metadata[it->second].offset) + ")");
    }
    kv.value = p.ReadValue(p.ReadType(), 0);
    f.metadata.push_back(std::move(kv));
  }
  if (const GgufKv* a = f.Find("general.alignment")) {
    r.set_context("key 'general.alignment'");
    if (a->value.type != GgufValueType::kU32) {
      r.FailAt(a->offset, std::string("is ") + std::string(GgufValueTypeName(a->value.type)) +
                              ", expected u32");
    }
    uint64_t al = a->value.u;
    if (al == 0 || (al & (al - 1)) != 0) {
      r.FailAt(a->offset, "is " + std::to_string(al) + ", expected a power of two");
    }
    f.alignment = al;
  }
}

void ReadTensorInfos(Parser& p, GgufFile& f, uint64_t n_tensors) {
  ByteReader& r = p.reader();
  std::unordered_map<std::string, size_t> names;
  names.reserve(static_cast<size_t>(n_tensors));
  f.tensors.reserve(static_cast<size_t>(n_tensors));
  for (uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensor t;
    t.info_offset = r.offset();
    r.set_context("tensor info " + std::to_string(k));
    t.name = std::string(r.ReadString(kMaxNameBytes, "tensor name"));
    if (!IsCleanUtf8(t.name)) {
      r.FailAt(t.info_offset, "tensor name " + QuoteName(t.name) + " is not printable UTF-8");
    }
    r.set_context("tensor '" + t.name + "'");
    uint64_t dims_at = r.offset();
    uint32_t n_dims = r.Read<uint32_t>();
    if (n_dims > kMaxGgufDims) {
      r.FailAt(dims_at, "has " + std::to_string(n_dims) + " dims, at most " +
                            std::to_string(kMaxGgufDims) + " are allowed");
    }
    uint64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      uint64_t at = r.offset();
      uint64_t ne = r.Read<uint64_t>();
      if (ne > static_cast<uint64_t>(INT64_MAX)) {
        r.FailAt(at, "dim " + std::to_string(d) + " is " + std::to_string(ne) + ", above 2^63-1");
      }
      auto e = CheckedMul(elements, ne);
      if (!e || *e > static_cast<uint64_t>(INT64_MAX)) {
        r.FailAt(at, "element count overflows 2^63-1 at dim " + std::to_string(d));
      }
      elements = *e;
      t.dims.push_back(ne);
    }
    uint64_t type_at = r.offset();
    t.type = r.Read<uint32_t>();
    const GgmlType* gt = FindGgmlType(t.type);
    if (!gt) {
      r.FailAt(type_at, "unknown ggml type " + std::to_string(t.type) +
                            " (removed from ggml or newer than this reader)");
    }
    uint64_t ne0 = t.dims.empty() ? 1 : t.dims[0];
    if (ne0 % gt->block_elements != 0) {
      r.FailAt(type_at, "dim 0 (" + std::to_string(ne0) + ") is not a multiple of the " +
                            std::string(gt->name) + " block size " +
                            std::to_string(gt->block_elements));
    }
    t.elements = Count(elements);
    t.bytes = Count(elements / gt->block_elements) * Count(gt->block_bytes);
    uint64_t offset_at = r.offset();
    t.offset = r.Read<uint64_t>();
    if (t.offset % f.alignment != 0) {
      r.FailAt(offset_at, "data offset " + std::to_string(t.offset) +
                              " is not a multiple of the alignment " + std::to_string(f.alignment));
    }
    auto [it, fresh] = names.try_emplace(t.name, f.tensors.size());
    if (!fresh) {
      r.FailAt(t.info_offset, "duplicate tensor name (first at offset " +
                                  std::to_string(f.tensors[it->second].info_offset) + ")");
    }
    f.tensors.push_back(std::move(t));
  }
}

/// Extents: no two tensors overlap; each ends inside the file unless header_only.
void CheckExtents(const GgufFile& f, const ReadOptions& options) {
  std::vector<const GgufTensor*> order;
  for (const auto& t : f.tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(),
            [](const GgufTensor* a, const GgufTensor* b) { return a->offset < b->offset; });
  const GgufTensor* prev = nullptr;
  u128 prev_end = 0;
  for (const GgufTensor* t : order) {
    std::string where =
        f.source + ": tensor '" + t->name + "' at offset " + std::to_string(t->info_offset);
    u128 end = static_cast<u128>(t->offset) + t->bytes.value();
    if (prev && t->offset < prev_end) {
      throw BadInput(where, "data [" + std::to_string(t->offset) + ", " +
                                Count::FromU128(end).ToString() + ") overlaps tensor '" +
                                prev->name + "' [" + std::to_string(prev->offset) + ", " +
                                Count::FromU128(prev_end).ToString() + ")");
    }
    u128 file_end = static_cast<u128>(f.data_offset) + end;
    if (file_end > UINT64_MAX) {
      throw BadInput(
          where, "data offset " + std::to_string(t->offset) + " puts the tensor past 2^64 bytes");
    }
    if (!options.header_only && file_end > f.file_size) {
      throw BadInput(where, "data ends at byte " + Count::FromU128(file_end).ToString() +
                                ", past the end of the file (" + std::to_string(f.file_size) +
                                " bytes; --header-only accepts header-only files)");
    }
    prev = t;
    prev_end = end;
  }
}

}  // namespace

std::string_view GgufValueTypeName(GgufValueType t) {
  static constexpr std::string_view kNames[] = {"u8",  "i8",  "u16",  "i16",    "u32",
                                                "i32", "f32", "bool", "string", "array",
                                                "u64", "i64", "f64"};
  auto i = static_cast<uint32_t>(t);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

bool GgufValue::is_integer() const {
  switch (type) {
    case GgufValueType::kU8:
    case GgufValueType::kU16:
    case GgufValueType::kU32:
    case GgufValueType::kU64:
    case GgufValueType::kI8:
    case GgufValueType::kI16:
    case GgufValueType::kI32:
    case GgufValueType::kI64:
      return true;
    default:
      return false;
  }
}

std::optional<int64_t> GgufValue::AsInt() const {
  switch (type) {
    case GgufValueType::kU8:
    case GgufValueType::kU16:
    case GgufValueType::kU32:
    case GgufValueType::kU64:
      if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
      return static_cast<int64_t>(u);
    case GgufValueType::kI8:
    case GgufValueType::kI16:
    case GgufValueType::kI32:
    case GgufValueType::kI64:
      return i;
    default:
      return std::nullopt;
  }
}

std::optional<double> GgufValue::AsDouble() const {
  if (type == GgufValueType::kF32 || type == GgufValueType::kF64) return f;
  if (type == GgufValueType::kU8 || type == GgufValueType::kU16 || type == GgufValueType::kU32 ||
      type == GgufValueType::kU64) {
    return static_cast<double>(u);
  }
  if (is_integer()) return static_cast<double>(i);
  return std::nullopt;
}

const GgufKv* GgufFile::Find(std::string_view key) const {
  auto it = key_index.find(std::string(key));
  return it == key_index.end() ? nullptr : &metadata[it->second];
}

std::string GgufFile::Where(const GgufKv& kv) const {
  return source + ": key '" + kv.key + "' at offset " + std::to_string(kv.offset);
}

bool LooksLikeGguf(std::span<const uint8_t> prefix) {
  return prefix.size() >= 4 && std::memcmp(prefix.data(), kMagic, 4) == 0;
}

GgufFile ReadGguf(std::span<const uint8_t> bytes, uint64_t file_size, const std::string& source,
                  const ReadOptions& options) {
  GgufFile f;
  f.source = source;
  f.file_size = file_size;
  Parser p(bytes, source);
  ByteReader& r = p.reader();
  r.set_context("header");
  std::string_view magic = r.ReadBytes(4);
  if (std::memcmp(magic.data(), kMagic, 4) != 0) {
    r.FailAt(0, "bad magic " + QuoteName(magic) + ", expected 'GGUF'");
  }
  f.version = r.Read<uint32_t>();
  if (f.version == 0x02000000u || f.version == 0x03000000u) {
    r.FailAt(4, "big-endian GGUF files are not supported");
  }
  if (f.version == 1)
    r.FailAt(4, "version 1 (32-bit counts) is not supported; versions 2 and 3 are");
  if (f.version == 0 || f.version > 3) {
    r.FailAt(4, "version " + std::to_string(f.version) + " is not supported; versions 2 and 3 are");
  }
  uint64_t n_tensors = r.Read<uint64_t>();
  uint64_t n_kv = r.Read<uint64_t>();
  if (n_tensors > kMaxTensors) {
    r.FailAt(8, "tensor count " + std::to_string(n_tensors) + " exceeds the limit of " +
                    std::to_string(kMaxTensors));
  }
  if (n_kv > kMaxMetadataPairs) {
    r.FailAt(16, "metadata pair count " + std::to_string(n_kv) + " exceeds the limit of " +
                     std::to_string(kMaxMetadataPairs));
  }
  // Both counts are below 2^20, so these products cannot overflow.
  uint64_t min_bytes = n_kv * kMinKvBytes + n_tensors * kMinTensorInfoBytes;
  if (min_bytes > r.remaining()) {
    r.FailAt(8, std::to_string(n_tensors) + " tensors and " + std::to_string(n_kv) +
                    " metadata pairs need at least " + std::to_string(min_bytes) + " bytes, only " +
                    std::to_string(r.remaining()) + " follow");
  }
  ReadMetadata(p, f, n_kv);
  ReadTensorInfos(p, f, n_tensors);
  auto data = CheckedAlignUp(r.offset(), f.alignment);
  if (!data) r.Fail("data region offset overflows");
  f.data_offset = *data;
  CheckExtents(f, options);
  return f;
}

TensorSet GgufTensorSet(const GgufFile& f) {
  TensorSet s;
  s.format = "gguf";
  s.files.push_back(TensorFile{f.source, f.file_size, f.data_offset, f.tensors.size()});
  s.facts = {{"gguf_version", std::to_string(f.version)},
             {"alignment", std::to_string(f.alignment)},
             {"metadata_pairs", std::to_string(f.metadata.size())}};
  if (const GgufKv* a = f.Find("general.architecture");
      a && a->value.type == GgufValueType::kString) {
    if (IsCleanUtf8(a->value.s)) s.facts.emplace_back("architecture", a->value.s);
  }
  for (const auto& t : f.tensors) {
    TensorInfo ti;
    ti.name = t.name;
    ti.dtype = std::string(FindGgmlType(t.type)->name);
    for (auto it = t.dims.rbegin(); it != t.dims.rend(); ++it)
      ti.shape.push_back(static_cast<int64_t>(*it));
    ti.elements = t.elements;
    ti.bytes = t.bytes;
    ti.offset = f.data_offset + t.offset;
    s.tensors.push_back(std::move(ti));
  }
  return s;
}

}  // namespace calflops
