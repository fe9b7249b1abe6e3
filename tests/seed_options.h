// The seed's workload (docs/seed.md, ../shared/reference/seed-decoded.md): llama3-llava-next-8b,
// a 12-token prompt with one 360x640 image, 1,024 generate calls that re-encode the image at
// each, flash_attention_2, calflops convention, 4 decimals. One definition for the seed tests
// and bench/bench_seed.cc.
#pragma once

#include "calflops/calflops.h"

namespace calflops::seed {

inline Options SeedOptions() {
  Options o;
  o.model = "llava-next-8b";
  o.convention = Convention::kCalflops;
  o.attn_impl = AttnImpl::kFlashAttention2;
  o.mode = RunMode::kGenerate;
  o.prompt_tokens = 12;
  o.image_height = 360;
  o.image_width = 640;
  o.max_new_tokens = 1024;
  o.reencode_images = true;
  o.precision = 4;
  return o;
}

}  // namespace calflops::seed
