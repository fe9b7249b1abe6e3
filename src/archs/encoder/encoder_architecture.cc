#include "archs/encoder/encoder_architecture.h"

#include "model/error.h"

namespace calflops {

std::vector<ForwardCall> EncoderArchitecture::Plan(const Workload& w) const {
  const std::string& cls = tree_[tree_.root()].class_name;
  if (w.mode != Mode::kForward) {
    throw Unsupported("--mode generate", cls +
                                             " is an encoder: it has no generation step (use "
                                             "--mode forward)");
  }
  ForwardCall c{.kind = CallKind::kForward, .batch = w.batch};
  if (inputs_.text) {
    c.new_tokens = w.seq_len;
    c.logits_tokens = w.seq_len;
  }
  if (inputs_.vision) {
    if (w.images < 1) {
      throw BadInput("workload", cls + " encodes images: --images must be at least 1, got " +
                                     std::to_string(w.images));
    }
    c.images = w.images;  // per sequence: batch x images pictures in all
    c.image_height = w.image_height > 0 ? w.image_height : inputs_.native_height;
    c.image_width = w.image_width > 0 ? w.image_width : inputs_.native_width;
    CheckImageSize(c.image_height, c.image_width);
  }
  return {c};
}

}  // namespace calflops
