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

}  // namespace calflops
