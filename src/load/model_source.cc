#include "load/model_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>

#include "load/hub_source.h"
#include "model/error.h"
#include "model/input_files.h"
#include "readers/byte_reader.h"
#include "readers/file_bytes.h"
#include "readers/gguf/gguf_reader.h"
#include "readers/gguf/gguf_to_hf.h"
#include "readers/hf_config/config_json.h"
#include "readers/safetensors/safetensors_index.h"
#include "readers/safetensors/safetensors_reader.h"
#include "readers/zoo/zoo.h"

namespace calflops {
namespace model_source {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kSniffBytes = 64;

/// Whether a file the tool looks for is there. Noted as an input whatever the answer (--output
/// may not create it either). Something by that name that is not a regular file (a directory,
/// FIFO, device, broken or looping link) is an error, never silently absent.
bool IsFile(const fs::path& p) {
  NoteInputFile(p.string());
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return false;  // nothing by that name
  if (::stat(p.c_str(), &st) != 0) {
    throw BadInput(p.string(),
                   std::string("is a link that cannot be followed: ") + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    throw BadInput(p.string(), S_ISDIR(st.st_mode)
                                   ? "is a directory, expected a file"
                                   : "is not a regular file (a FIFO, socket or device)");
  }
  return true;
}

/// The config.json in the same directory as a weights file, if there is one.
void AddConfigBeside(const std::string& path, ModelSource& s) {
  fs::path c = fs::path(path).parent_path() / "config.json";
  if (IsFile(c)) {
    s.config = Config::Load(c.string());
  } else {
    s.no_config_reason = "no config.json beside " + path;
  }
}

bool SniffJson(std::span<const uint8_t> prefix) {
  size_t i = 0;
  if (prefix.size() >= 3 && prefix[0] == 0xef && prefix[1] == 0xbb && prefix[2] == 0xbf)
    i = 3;  // BOM
  while (i < prefix.size() &&
         (prefix[i] == ' ' || prefix[i] == '\n' || prefix[i] == '\r' || prefix[i] == '\t'))
    ++i;
  return i < prefix.size() && prefix[i] == '{';
}

/// The GGUF header, read (pread) rather than mapped: a file truncated while mapped raised SIGBUS
/// (campaign 3: 14 runs in 15 died so). The reader looks at no more than kMaxHeaderBytes (one
/// byte more tells that limit from the end of the file), so a prefix of that much parses exactly
/// as the whole file; it grows from 8 MiB until the header parses or the prefix is that long.
GgufFile ReadGgufHeader(const std::string& path, const ReadOptions& options,
                        std::vector<uint8_t>& bytes) {
  uint64_t size = RegularFileSize(path);
  uint64_t cap = std::min<uint64_t>(size, kMaxHeaderBytes + 1);
  for (uint64_t want = std::min<uint64_t>(cap, uint64_t{8} << 20);;
       want = std::min(cap, want * 4)) {
    bytes = ReadFileRange(path, 0, want);
    try {
      return ReadGguf(bytes, size, path, options);
    } catch (const Error&) {
      if (want >= cap) throw;  // the whole header was there: the error stands
    }
  }
}

ModelSource LoadGguf(const std::string& path, const ReadOptions& options) {
  std::vector<uint8_t> bytes;  // outlives g, whose strings may point into it
  GgufFile g = ReadGgufHeader(path, options, bytes);
  ModelSource s;
  s.format = "gguf";
  s.weights = GgufTensorSet(g);
  if (auto hf = SynthesizeHfConfig(g, options.gguf_mappings, &s.no_config_reason)) {
    s.config = Config::Parse(hf->json, path + " (config synthesized from gguf metadata)");
    MapGgufTensorNames(*hf->mapping, *s.weights);
  }
  return s;
}

ModelSource LoadSafetensors(const std::string& path, const ReadOptions& options) {
  ModelSource s;
  s.format = "safetensors";
  s.weights = ReadSafetensorsFile(path, options);
  AddConfigBeside(path, s);
  return s;
}

ModelSource LoadJson(const std::string& path, const ReadOptions& options) {
  uint64_t size = RegularFileSize(path);
  // An index can be larger than a config; each reader applies its own limit to its own kind.
  if (size <= kMaxHeaderBytes) {
    std::vector<uint8_t> bytes = ReadFileRange(path, 0, size);
    // A streaming look for the key: building the document here would put up to kMaxHeaderBytes
    // of arbitrary JSON in memory (tens of bytes per byte of "[[],[],...]") before any limit.
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (JsonHasTopLevelKey(text, "weight_map")) {
      ModelSource s;
      s.format = "safetensors";
      s.weights = ReadSafetensorsIndex(path, options);
      AddConfigBeside(path, s);
      return s;
    }
  }
  ModelSource s;
  s.format = "config.json";
  s.config = Config::Load(path);
  return s;
}

struct Detector {
  const char* name;
  bool (*sniff)(std::span<const uint8_t> prefix);
  ModelSource (*load)(const std::string& path, const ReadOptions& options);
};

// The one list of file formats, tried in order on the first bytes of the file.
constexpr Detector kDetectors[] = {
    {"gguf", LooksLikeGguf, LoadGguf},
    {"safetensors", LooksLikeSafetensors, LoadSafetensors},
    {"json (config.json or safetensors index)", SniffJson, LoadJson},
};

ModelSource LoadFile(const std::string& path, const ReadOptions& options) {
  std::vector<uint8_t> prefix = ReadFileRange(path, 0, kSniffBytes);
  // JSON may start with any amount of whitespace: when the whole prefix is whitespace, append the
  // first byte that is not (read in blocks, never past the config limit), for SniffJson to see.
  auto is_ws = [](uint8_t b) { return b == ' ' || b == '\n' || b == '\r' || b == '\t'; };
  if (prefix.size() == kSniffBytes && std::all_of(prefix.begin(), prefix.end(), is_ws)) {
    for (uint64_t at = kSniffBytes; at < kMaxConfigBytes; at += 65536) {
      std::vector<uint8_t> block = ReadFileRange(path, at, 65536);
      auto it = std::find_if_not(block.begin(), block.end(), is_ws);
      if (it != block.end()) {
        prefix.push_back(*it);
        break;
      }
      if (block.size() < 65536) break;
    }
  }
  for (const Detector& d : kDetectors) {
    if (d.sniff(prefix)) return d.load(path, options);
  }
  std::string tried, head;
  for (const Detector& d : kDetectors) tried += (tried.empty() ? "" : ", ") + std::string(d.name);
  for (size_t i = 0; i < std::min<size_t>(prefix.size(), 8); ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%s%02x", i ? " " : "", prefix[i]);
    head += b;
  }
  throw BadInput(path,
                 "unknown model format (tried: " + tried + "); it starts with " +
                     (prefix.empty() ? std::string("nothing (empty file)") : "bytes " + head));
}

ModelSource LoadDirectory(const std::string& dir, const ReadOptions& options) {
  fs::path d(dir);
  ModelSource s;
  s.format = "safetensors";
  bool has_config = IsFile(d / "config.json");
  if (has_config) s.config = Config::Load((d / "config.json").string());
  if (IsFile(d / "model.safetensors.index.json")) {
    s.weights = ReadSafetensorsIndex((d / "model.safetensors.index.json").string(), options);
  } else if (IsFile(d / "model.safetensors")) {
    s.weights = ReadSafetensorsFile((d / "model.safetensors").string(), options);
  } else {
    std::vector<std::string> files;
    NoteInputFile(d.string(), ".safetensors");  // a scan: any *.safetensors here would be read
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      if (e.path().extension() == ".safetensors" && IsFile(e.path()))  // throws for a non-file
        files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    if (!files.empty()) s.weights = ReadSafetensorsFiles(files, options);
  }
  if (!s.weights) {
    if (!has_config) {
      throw BadInput(
          dir, "the directory holds no config.json, model.safetensors.index.json or *.safetensors");
    }
    s.format = "config.json";
  } else if (!has_config) {
    s.no_config_reason = "no config.json in " + dir;
  }
  return s;
}

}  // namespace
}  // namespace model_source

ModelSource LoadModelSource(const std::string& model, const ReadOptions& options) {
  if (const ZooEntry* z = FindZoo(model)) {
    ModelSource s;
    s.format = "zoo";
    s.config = Config::Parse(z->json, "zoo/" + std::string(z->name) + ".json");
    return s;
  }
  std::error_code ec;
  NoteInputFile(model);
  if (model_source::fs::is_directory(model, ec)) return model_source::LoadDirectory(model, options);
  if (model_source::fs::exists(model, ec)) return model_source::LoadFile(model, options);
  // ORG/NAME[@REV] or a huggingface.co URL: the Hugging Face cache, then the Hub.
  if (auto hub_name = hub::ParseHubName(model)) return hub::LoadHubModel(*hub_name, options);
  bool looks_like_path =
      model.find('/') != std::string::npos || model.find('.') != std::string::npos;
  if (looks_like_path) throw BadInput(model, "no such file");
  std::string hint;
  for (const auto& n : ClosestZooNames(model)) hint += std::string(hint.empty() ? "" : ", ") + n;
  throw BadInput(model, "not a file, a directory or a bundled model name (closest: " + hint +
                            "; see --list-models)");
}

Config LoadModelConfig(const std::string& model, const ReadOptions& options) {
  ModelSource s = LoadModelSource(model, options);
  if (!s.config) throw Unsupported(model, "no architecture can be built: " + s.no_config_reason);
  return std::move(*s.config);
}

// --- ONNX (graph files) -----------------------------------------------------------------------
bool onnx::IsOnnxModel(const std::string& model) {
  auto dot = model.rfind('.');
  if (dot != std::string::npos) {
    std::string ext = model.substr(dot);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".onnx") return true;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model, ec)) return false;
  std::vector<uint8_t> first = ReadFileRange(model, 0, 1);
  return !first.empty() && first[0] == 0x08;  // ModelProto field 1 (ir_version), varint
}
// ----------------------------------------------------------------------------------------------

}  // namespace calflops
