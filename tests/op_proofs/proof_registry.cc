#include "op_proofs/proof.h"

namespace op_proofs {

std::set<OpKind>& ProvenKinds() {
  static std::set<OpKind> kinds;
  return kinds;
}

}  // namespace op_proofs
