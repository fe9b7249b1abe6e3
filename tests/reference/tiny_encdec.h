// What the tiny BART and Whisper references share, written once: their attention (k, v, q,
// out_proj; Whisper's k_proj without bias) and the encoder/decoder layer's weights, the K/V
// projections, the scaled dot-product with an optional additive mask, and fc1 -> gelu -> fc2.
// Independent of the production code (src/archs/encdec/encdec_layer.*): a reference shares only
// with other references.
#pragma once

#include <random>
#include <string>
#include <utility>

#include "reference/nn_ops.h"

namespace reference::encdec {

struct Attn {
  Tensor k, v, q, o, kb, vb, qb, ob;
  bool k_bias = true;
};

struct Layer {
  Attn self, cross;
  Tensor ln1w, ln1b, ln2w, ln2b, ln3w, ln3b, fc1, fc1b, fc2, fc2b;
  Tensor k_cache, v_cache, cross_k, cross_v;  ///< (B, S, E)
};

/// The config keys both families name alike, as JSON members ("\"d_model\": 8, ...", no
/// braces): the same heads and feed-forward width in encoder and decoder, gelu, pad id 1.
std::string DimsJson(int64_t d_model, int64_t enc_layers, int64_t dec_layers, int64_t heads,
                     int64_t ffn, int64_t vocab);

/// Random weights for a layer of width `e` and feed-forward width `f`.
Layer RandomLayer(int64_t e, int64_t f, bool k_bias, std::mt19937& rng);

/// nn.LayerNorm (eps 1e-5) under `scope`.
Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b);

/// k_proj(x), v_proj(x) under the attention's scope `name`.
std::pair<Tensor, Tensor> ProjectKv(const std::string& name, const Attn& a, const Tensor& x);

/// The attention `name` over queries `x` and projected keys/values `k`, `v` (B, S, E): eager
/// scales q, adds the mask when `mask` and runs softmax(q k^T) v; SDPA is the dense composition
/// given the mask. The mask is 0 everywhere, -1e9 above the diagonal when `causal`.
Tensor Attention(const std::string& name, const Attn& a, const Tensor& x, const Tensor& k,
                 const Tensor& v, int64_t heads, bool eager, bool mask, bool causal);

/// fc2(gelu(fc1(x))): the feed-forward of both families (residual and norm are the caller's).
Tensor FeedForward(const Layer& l, const Tensor& x);

}  // namespace reference::encdec
