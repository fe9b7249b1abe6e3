// Building a registered architecture from a config in a test, as the CLI's options would: the
// model class (`cls`; "" = the config's architectures[0]) and the attention implementation.
#pragma once

#include <memory>
#include <string>

#include "archs/arch_registry.h"

namespace calflops {

inline std::unique_ptr<Architecture> Build(const Config& c, const std::string& cls = "",
                                           AttnImpl impl = AttnImpl::kSdpa) {
  return BuildArchitecture(c, BuildOptions{.attn = impl, .model_class = cls});
}

}  // namespace calflops
