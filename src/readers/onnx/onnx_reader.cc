#include "readers/onnx/onnx_reader.h"

#include "readers/file_bytes.h"
#include "readers/onnx/onnx_parser.h"

namespace calflops::onnx {

Model ParseOnnx(std::string_view bytes, std::string name, std::shared_ptr<const void> keep_alive) {
  if (!keep_alive) {  // the model's views must outlive the caller's buffer: keep a copy
    auto copy = std::make_shared<const std::string>(bytes);
    bytes = *copy;
    keep_alive = copy;
  }
  Parser p(name, bytes);
  Model m = p.ParseModel();
  m.file = std::move(name);
  m.file_size = bytes.size();
  m.storage = std::move(keep_alive);
  return m;
}

Model ReadOnnxFile(const std::string& path) {
  RegularFileSize(path);  // "<path>: no such file" / "not a regular file"
  auto f = std::make_shared<const MappedFile>(path);
  std::span<const uint8_t> b = f->bytes();
  return ParseOnnx(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), path, f);
}

Tensor ParseTensorProto(std::string_view bytes, const std::string& name, int64_t max_ints,
                        int64_t max_reals) {
  Parser p(name, bytes);
  return p.ParseTensorBytes(bytes, 0, 0, max_ints, max_reals);
}

}  // namespace calflops::onnx
