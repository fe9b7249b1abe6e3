#include "reference/tiny_qwen2_vl.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {
namespace {

/// rotate_half(x) with x's last dimension split in two: cat(-x2, x1).
Tensor RotateHalf(const Tensor& x) {
  int last = x.rank() - 1;
  int64_t d = x.dim(-1), half = d / 2;
  return Cat({Map(x.Slice(last, half, d), Neg), x.Slice(last, 0, half)}, last);
}

Tensor Rope(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  return Binary(Binary(x, cos, Mul), Binary(RotateHalf(x), sin, Mul), Add);
}

}  // namespace

std::string TinyQwen2VlConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  if (v2_5) {
    std::string full;
    for (int64_t b : full_blocks) full += (full.empty() ? "" : ", ") + i(b);
    return "{\"architectures\": [\"Qwen2_5_VLForConditionalGeneration\"], \"model_type\": "
           "\"qwen2_5_vl\", \"hidden_size\": " +
           i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
           ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
           ", \"num_key_value_heads\": " + i(kv_heads) + ", \"vocab_size\": " + i(vocab) +
           ", \"rms_norm_eps\": 1e-06, \"tie_word_embeddings\": false, \"rope_scaling\": "
           "{\"type\": \"mrope\", \"mrope_section\": [1, 1, 1]}, \"vision_config\": "
           "{\"depth\": " +
           i(depth) + ", \"hidden_size\": " + i(embed) + ", \"num_heads\": " + i(vision_heads) +
           ", \"intermediate_size\": " + i(mlp) + ", \"in_channels\": " + i(channels) +
           ", \"out_hidden_size\": " + i(hidden) + ", \"window_size\": " + i(window) +
           ", \"fullatt_block_indexes\": [" + full + "], \"hidden_act\": \"silu\"}}";
  }
  return "{\"architectures\": [\"Qwen2VLForConditionalGeneration\"], \"model_type\": "
         "\"qwen2_vl\", \"hidden_size\": " +
         i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
         ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
         ", \"num_key_value_heads\": " + i(kv_heads) + ", \"vocab_size\": " + i(vocab) +
         ", \"rms_norm_eps\": 1e-06, \"tie_word_embeddings\": false, \"rope_scaling\": {\"type\": "
         "\"mrope\", \"mrope_section\": [1, 1, 1]}, \"vision_config\": {\"depth\": " +
         i(depth) + ", \"embed_dim\": " + i(embed) + ", \"num_heads\": " + i(vision_heads) +
         ", \"mlp_ratio\": " + i(mlp / embed) + ", \"in_channels\": " + i(channels) +
         ", \"hidden_size\": " + i(hidden) + "}}";
}

TinyQwen2Vl::TinyQwen2Vl(const TinyQwen2VlConfig& c, std::string attn, unsigned seed)
    : TinyCachedLm(std::move(attn), seed, c.layers, 1e-6), c_(c) {}

Tensor TinyQwen2Vl::VisionAttention(const Tensor& x, const Tensor& freqs, int64_t images,
                                    int64_t per_image) {
  const int64_t n = x.dim(0), h = c_.vision_heads, d = c_.embed / h;
  Tensor qkv = Lin("qkv", x, 3 * c_.embed, true);
  Tensor q = qkv.Slice(1, 0, c_.embed).Reshape({1, n, h, d});
  Tensor k = qkv.Slice(1, c_.embed, 2 * c_.embed).Reshape({1, n, h, d});
  Tensor v = qkv.Slice(1, 2 * c_.embed, 3 * c_.embed).Reshape({n, h, d});
  // apply_rotary_pos_emb_vision for q, then for k, each with its own freqs.cos() / freqs.sin().
  for (Tensor* t : {&q, &k}) {
    Tensor cos = Map(freqs, Cos), sin = Map(freqs, Sin);  // (N, d / 2)
    cos = Cat({cos, cos}, 1).Reshape({1, n, 1, d});       // .repeat(1, 1, 2)
    sin = Cat({sin, sin}, 1).Reshape({1, n, 1, d});
    *t = Rope(*t, cos, sin);
  }
  // Every patch against every patch of the call, -inf outside its own image.
  Tensor mask({1, n, n});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) mask.at(i * n + j) = i / per_image == j / per_image ? 0 : -1e30;
  (void)images;
  Tensor out =
      AttentionRef(q.Reshape({n, h, d}).Transpose(0, 1), k.Reshape({n, h, d}).Transpose(0, 1),
                   v.Transpose(0, 1), Scale::kDivSqrt, &mask);  // (H, N, d)
  return Lin("proj", out.Transpose(0, 1).Reshape({n, h * d}), c_.embed, true);
}

Tensor TinyQwen2Vl::VisionAttention25(const Tensor& x, const Tensor& cos, const Tensor& sin,
                                      const std::vector<std::vector<int64_t>>& chunks) {
  const int64_t n = x.dim(0), h = c_.vision_heads, d = c_.embed / h;
  Tensor qkv = Lin("qkv", x, 3 * c_.embed, true);
  Tensor q = Rope(qkv.Slice(1, 0, c_.embed).Reshape({n, h, d}), cos, sin);
  Tensor k = Rope(qkv.Slice(1, c_.embed, 2 * c_.embed).Reshape({n, h, d}), cos, sin);
  Tensor v = qkv.Slice(1, 2 * c_.embed, 3 * c_.embed).Reshape({n, h, d});
  Tensor out({n, h, d});
  for (const auto& idx : chunks) {  // no mask: the chunk is the attention's whole sequence
    auto gather = [&](const Tensor& t) {
      std::vector<Tensor> rows;
      for (int64_t p : idx) rows.push_back(t.Slice(0, p, p + 1));
      return Cat(rows, 0).Transpose(0, 1);  // (H, L, d)
    };
    Tensor o = AttentionRef(gather(q), gather(k), gather(v), Scale::kMulInvSqrt, nullptr);
    for (size_t r = 0; r < idx.size(); ++r)
      for (int64_t hh = 0; hh < h; ++hh)
        for (int64_t j = 0; j < d; ++j)
          out.at((idx[r] * h + hh) * d + j) =
              o.at((hh * static_cast<int64_t>(idx.size()) + static_cast<int64_t>(r)) * d + j);
  }
  return Lin("proj", out.Reshape({n, h * d}), c_.embed, true);
}

Tensor TinyQwen2Vl::Vision(int64_t images, int64_t grid_h, int64_t grid_w) {
  const int64_t per = grid_h * grid_w, n = images * per, e = c_.embed, d = e / c_.vision_heads;
  Tensor x;
  {
    Scope pe("patch_embed");
    Scope proj("proj");  // Conv3d with stride = kernel: one dot product per patch and channel
    x = Linear(W({n, c_.channels * 2 * 14 * 14}), W({e, c_.channels * 2 * 14 * 14}), nullptr);
  }
  // rotary_pos_emb(max side) = outer(arange, inv_freq), d / 4 frequencies; each patch gathers
  // the row of its (row, column) position: freqs (N, d / 2).
  const int64_t side = std::max(grid_h, grid_w), nf = d / 4;
  Tensor table({side, nf});
  {
    Scope r("rotary_pos_emb");
    for (int64_t i = 0; i < side; ++i)
      for (int64_t j = 0; j < nf; ++j)
        table.at(i * nf + j) =
            Mul(static_cast<double>(i),
                1.0 / std::pow(10000.0, 2.0 * static_cast<double>(j) / static_cast<double>(d / 2)));
  }
  Tensor freqs({n, 2 * nf});
  for (int64_t p = 0; p < n; ++p) {
    int64_t row = (p % per) / grid_w, col = (p % per) % grid_w;
    for (int64_t j = 0; j < nf; ++j) {
      freqs.at(p * 2 * nf + j) = table.at(row * nf + j);
      freqs.at(p * 2 * nf + nf + j) = table.at(col * nf + j);
    }
  }
  // Qwen2.5-VL: the tower's (cos, sin) of cat(freqs, freqs), and the attention chunks: every
  // patch joins the window of its merged token (window / 28 tokens a side) or its image.
  Tensor cos25, sin25;
  std::vector<std::vector<int64_t>> windows, whole;
  if (c_.v2_5) {
    Tensor emb = Cat({freqs, freqs}, 1);
    cos25 = Map(emb, Cos).Reshape({n, 1, d});
    sin25 = Map(emb, Sin).Reshape({n, 1, d});
    const int64_t ws = c_.window / 28, per_w = (grid_w / 2 + ws - 1) / ws;
    for (int64_t img = 0; img < images; ++img) {
      std::map<int64_t, std::vector<int64_t>> by_window;
      whole.emplace_back();
      for (int64_t p = 0; p < per; ++p) {
        int64_t row = p / grid_w, col = p % grid_w;
        by_window[(row / 2 / ws) * per_w + (col / 2 / ws)].push_back(img * per + p);
        whole.back().push_back(img * per + p);
      }
      for (auto& [w, idx] : by_window) windows.push_back(idx);
    }
  }
  auto norm = [&](const char* name, const Tensor& t) {
    if (c_.v2_5) return RmsNorm(name, t);
    Scope s(name);
    return LayerNormRef(t, W({e}), W({e}), 1e-6);
  };
  {
    Scope blocks("blocks");
    for (int64_t b = 0; b < c_.depth; ++b) {
      Scope blk(std::to_string(b));
      Tensor h = norm("norm1", x);
      {
        Scope s("attn");
        bool full =
            std::find(c_.full_blocks.begin(), c_.full_blocks.end(), b) != c_.full_blocks.end();
        h = c_.v2_5 ? VisionAttention25(h, cos25, sin25, full ? whole : windows)
                    : VisionAttention(h, freqs, images, per);
      }
      x = Binary(x, h, Add);
      h = norm("norm2", x);
      {
        Scope s("mlp");
        if (c_.v2_5) {
          Tensor g = Lin("gate_proj", h, c_.mlp, true);
          {
            Scope a("act_fn");  // silu
            g = Map(g, [](double v) { return Div(v, Add(1.0, Exp(Neg(v)))); });
          }
          h = Lin("down_proj", Binary(g, Lin("up_proj", h, c_.mlp, true), Mul), e, true);
        } else {
          h = Lin("fc1", h, c_.mlp, true);
          {
            Scope a("act");  // x * sigmoid(1.702 x)
            h = Map(h,
                    [](double z) { return Mul(z, Div(1.0, Add(1.0, Exp(Neg(Mul(1.702, z)))))); });
          }
          h = Lin("fc2", h, e, true);
        }
      }
      x = Binary(x, h, Add);
    }
  }
  Scope m("merger");
  x = norm("ln_q", x);
  Scope mlp("mlp");
  x = Lin("0", x.Reshape({n / 4, 4 * e}), 4 * e, true);
  {
    Scope g("1");
    x = GeluErf(x);
  }
  return Lin("2", x, c_.hidden, true);
}

Tensor TinyQwen2Vl::Decoder(const Tensor& embeds) {
  const int64_t b = embeds.dim(0), tokens = embeds.dim(1), d = c_.hidden / c_.heads;
  Tensor x = embeds, cos, sin;
  Scope model("model");
  std::optional<Scope> lm;
  if (c_.v2_5) lm.emplace("language_model");
  {
    // Qwen2VLRotaryEmbedding: inv_freq (3, B, d/2, 1) @ positions (3, B, 1, S); text positions
    // are the same in the three rows. Each layer's section selection is a copy.
    Scope r("rotary_emb");
    Tensor inv({3, b, d / 2, 1});
    for (int64_t i = 0; i < inv.numel(); ++i)
      inv.at(i) =
          1.0 / std::pow(1e6, 2.0 * static_cast<double>(i % (d / 2)) / static_cast<double>(d));
    Tensor pos({3, b, 1, tokens});
    for (int64_t i = 0; i < pos.numel(); ++i) pos.at(i) = static_cast<double>(past_ + i % tokens);
    Tensor freqs = MatMul(inv, pos).Transpose(2, 3);  // (3, B, S, d/2)
    Tensor emb = Cat({freqs, freqs}, 3);
    cos = WithScalar(Map(emb, Cos), 1.0, Mul).Slice(0, 0, 1).Reshape({b, 1, tokens, d});
    sin = WithScalar(Map(emb, Sin), 1.0, Mul).Slice(0, 0, 1).Reshape({b, 1, tokens, d});
  }
  {
    Scope layers("layers");
    for (int64_t li = 0; li < c_.layers; ++li) {
      Scope l(std::to_string(li));
      // Eager always adds the 4-D causal mask; SDPA masks (is_causal) with several queries.
      Tensor a =
          CachedSelfAttention(static_cast<size_t>(li), RmsNorm("input_layernorm", x), c_.heads,
                              c_.kv_heads, true, c_.v2_5 ? Scale::kMulInvSqrt : Scale::kDivSqrt,
                              [&](const Tensor& t) { return Rope(t, cos, sin); });
      x = Binary(x, a, Add);
      Tensor m = SwiGluMlp(RmsNorm("post_attention_layernorm", x), c_.intermediate);
      x = Binary(x, m, Add);  // the residual, in the decoder layer
    }
  }
  past_ += tokens;
  return RmsNorm("norm", x);
}

Tensor TinyQwen2Vl::Forward(int64_t batch, int64_t tokens, int64_t images, int64_t grid_h,
                            int64_t grid_w, int64_t logits) {
  Tensor x;
  {
    Scope m("model");
    std::optional<Scope> lm;
    if (c_.v2_5) lm.emplace("language_model");
    Scope e("embed_tokens");
    std::vector<int64_t> ids;
    for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % c_.vocab);
    x = Gather(W({c_.vocab, c_.hidden}), ids, {batch, tokens});
  }
  if (images > 0) {
    std::optional<Scope> m;
    if (c_.v2_5) m.emplace("model");
    Scope v("visual");
    Vision(batch * images, grid_h, grid_w);  // scattered into the placeholders: a copy
  }
  Tensor h = Decoder(x);
  Scope head("lm_head");
  return Linear(h.Slice(1, tokens - logits, tokens), W({c_.vocab, c_.hidden}), nullptr);
}

namespace {

/// Runs a workload on a fresh TinyQwen2Vl of config `c`: the prompt with its images merged in
/// (gh x gw patches, a quarter of them tokens after the 2 x 2 merge), then the decode steps.
ReferenceCase::RunFn Qwen2VlRun(const TinyQwen2VlConfig& c) {
  return [c](const std::string& attn, const calflops::Workload& w) {
    TinyQwen2Vl model(c, attn);
    const int64_t gh = w.image_height / 14, gw = w.image_width / 14;
    const bool gen = w.mode == calflops::Mode::kGenerate;
    const int64_t prompt = gen ? w.prompt_tokens : w.seq_len;
    const int64_t merged = prompt - w.images + w.images * (gh * gw / 4);
    model.Forward(w.batch, merged, w.images, gh, gw, merged);  // the head over every position
    if (!gen) return;
    for (int64_t i = 1; i < w.max_new_tokens; ++i) model.Forward(w.batch, 1, 0, gh, gw, 1);
  };
}

}  // namespace

std::vector<ReferenceCase> Qwen2VlCases() {
  // Images of 56 x 84 pixels (multiples of 28, within min_pixels .. max_pixels: no resize):
  // 4 x 6 patches, 6 tokens each.
  TinyQwen2VlConfig c;
  // Qwen2.5-VL: images of 84 x 112 pixels: 6 x 8 patches, 3 x 4 merged tokens in windows of
  // 2 x 2 tokens: two of 16 patches and two of 8 (the third column of windows is empty). Forward
  // and generate with images.
  TinyQwen2VlConfig c25;
  c25.v2_5 = true;
  std::vector<calflops::Workload> w25 = VisionLanguageWorkloads(84, 112);
  w25.pop_back();
  return {ReferenceCase{.name = "qwen2_vl",
                        .model_type = "qwen2_vl",
                        .config_json = c.ToJson(),
                        .workloads = VisionLanguageWorkloads(56, 84),
                        .run = Qwen2VlRun(c)},
          ReferenceCase{.name = "qwen2_5_vl windows",
                        .model_type = "qwen2_5_vl",
                        .config_json = c25.ToJson(),
                        .workloads = w25,
                        .run = Qwen2VlRun(c25)}};
}

}  // namespace reference
