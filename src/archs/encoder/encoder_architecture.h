// Models that encode their inputs in one pass (BERT, RoBERTa, ViT, SigLIP): the workload is a
// single forward call over `seq_len` tokens and/or the images; there is no decoding, so the
// generate mode is an error.
#pragma once

#include "model/architecture.h"

namespace calflops {

struct EncoderInputs {
  bool text = false;          ///< takes input_ids (batch x seq_len)
  bool vision = false;        ///< takes pixel_values (batch x images, channels, H, W)
  int64_t native_height = 0;  ///< the config's image_size, used when the workload says 0
  int64_t native_width = 0;
};

class EncoderArchitecture : public Architecture {
 public:
  EncoderArchitecture(DType dtype, EncoderInputs inputs) : Architecture(dtype), inputs_(inputs) {}

  /// One call: `batch` sequences of `seq_len` tokens (text) and `images` images per sequence of
  /// the workload's size, or the config's image_size when it says 0 (vision).
  std::vector<ForwardCall> Plan(const Workload& w) const override;
  uint32_t kinds() const override {
    return (inputs_.text ? uint32_t{kEncoder} : 0u) | (inputs_.vision ? uint32_t{kVision} : 0u);
  }

 protected:
  /// Rejects an image size the model cannot take (called by Plan before any work).
  virtual void CheckImageSize(int64_t /*height*/, int64_t /*width*/) const {}

  EncoderInputs inputs_;
};

}  // namespace calflops
