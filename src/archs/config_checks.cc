#include "archs/config_checks.h"

#include "model/error.h"

namespace calflops {

void RequireDivides(const Config& c, const std::string& key, int64_t n, const std::string& of,
                    int64_t m) {
  if (m % n != 0) {
    throw BadInput(c.Where(key), "is " + std::to_string(n) + ", which does not divide " + of + " " +
                                     std::to_string(m));
  }
}

int64_t RotaryHeadDim(const Config& c, const std::string& heads_key, int64_t heads,
                      const std::string& hidden_key, int64_t hidden) {
  RequireDivides(c, heads_key, heads, hidden_key, hidden);
  int64_t head_dim = hidden / heads;
  if (head_dim % 2 != 0) {
    throw BadInput(c.Where(heads_key), "gives an odd head dimension " + std::to_string(head_dim) +
                                           "; rotary embeddings need an even one");
  }
  return head_dim;
}

}  // namespace calflops
