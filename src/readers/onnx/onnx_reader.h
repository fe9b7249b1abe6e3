// Reads an .onnx file: maps it, walks the protobuf wire format in place (onnx_model.h lists the
// fields read) and returns the graph without weight bytes. Memory is proportional to the graph;
// files over 2 GB and external-data models are read like any other (external data files are
// never opened). Errors name the file and the place: "model.onnx: graph 'main' node 12 'x'
// (MatMul) attribute 0 'alpha': offset 1234: ...".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "readers/onnx/onnx_model.h"

namespace calflops::onnx {

/// Maps and parses an .onnx file.
Model ReadOnnxFile(const std::string& path);

/// Parses a model held in memory; `name` labels errors; `keep_alive` owns `bytes` (when null,
/// the bytes are copied so the model never points into a buffer that goes away).
Model ParseOnnx(std::string_view bytes, std::string name,
                std::shared_ptr<const void> keep_alive = nullptr);

/// Parses one serialized TensorProto (the test-data files input_0.pb, output_0.pb), keeping
/// values of integer tensors up to `max_ints` and floating tensors up to `max_reals` elements.
Tensor ParseTensorProto(std::string_view bytes, const std::string& name,
                        int64_t max_ints = kMaxKeptInts, int64_t max_reals = kMaxKeptReals);

}  // namespace calflops::onnx
