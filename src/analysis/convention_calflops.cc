// The calflops convention: each op kind's rule (OpDef::calflops, in ops/<family>.cc) applied.
// The rules, summarised (calflops-spec.md section 3, seed-decoded.md section 2):
//  1. Only what calflops patches is seen: torch.nn.functional calls looked up at run time,
//     torch.matmul / mul / add (and the Tensor methods), and Python operators + * @ (hooked by
//     the version that produced the seed). C++ kernels (SDPA, flash-attn, bmm), captured function
//     objects, unary torch math, reductions and Python - / are invisible: 0.
//  2. Its formulas, not ours: F.linear ignores the bias, torch.addmm adds the bias's own size;
//  LayerNorm 5 (4 without weight) per
//     element; activations and softmax 1 per element; + and * count the product of per-dimension
//     maxima with shapes aligned on the LEFT; matmul MACs = elements of a x last dim of b.
#include "analysis/convention.h"

namespace calflops {

OpCost CalflopsCost(const Op& op) { return GetOpDef(op.kind).calflops.cost(op); }

}  // namespace calflops
