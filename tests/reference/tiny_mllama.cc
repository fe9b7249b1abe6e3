#include "reference/tiny_mllama.h"

#include <algorithm>
#include <cmath>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {
namespace {

std::string List(const std::vector<int64_t>& v) {
  std::string s;
  for (int64_t x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
  return "[" + s + "]";
}

}  // namespace

std::string TinyMllamaConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  std::string ratios = "[[1, 1], [1, 2], [2, 1]]";
  return "{\"architectures\": [\"MllamaForConditionalGeneration\"], \"model_type\": \"mllama\", "
         "\"text_config\": {\"hidden_size\": " +
         i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
         ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
         ", \"num_key_value_heads\": " + i(kv_heads) + ", \"vocab_size\": " + i(vocab) +
         ", \"cross_attention_layers\": " + List(cross_layers) +
         ", \"rope_scaling\": {\"rope_type\": \"default\"}, \"rope_theta\": 10000.0"
         ", \"rms_norm_eps\": 1e-05, \"hidden_act\": \"silu\"}, \"vision_config\": "
         "{\"hidden_size\": " +
         i(embed) + ", \"attention_heads\": " + i(vision_heads) +
         ", \"num_hidden_layers\": " + i(vision_layers) +
         ", \"num_global_layers\": " + i(global_layers) + ", \"intermediate_size\": " + i(mlp) +
         ", \"image_size\": " + i(image) + ", \"patch_size\": " + i(patch) +
         ", \"max_num_tiles\": " + i(tiles) + ", \"num_channels\": " + i(channels) +
         ", \"supported_aspect_ratios\": " + ratios +
         ", \"intermediate_layers_indices\": " + List(indices) +
         ", \"vision_output_dim\": " + i(embed * (1 + static_cast<int64_t>(indices.size()))) +
         ", \"hidden_act\": \"gelu\"}}";
}

TinyMllama::TinyMllama(const TinyMllamaConfig& c, std::string attn, unsigned seed)
    : TinyCachedLm(std::move(attn), seed, c.layers, 1e-5), c_(c) {}

Tensor TinyMllama::VisionLayer(const Tensor& x, const Tensor& mask, bool gated) {
  const int64_t n = x.dim(0), l = x.dim(1), h = c_.vision_heads, d = c_.embed / h;
  Tensor a;
  {
    Scope s("input_layernorm");
    a = LayerNormRef(x, W({c_.embed}), W({c_.embed}), 1e-5);
  }
  {
    Scope s("self_attn");
    Tensor q = Lin("q_proj", a, c_.embed, false).Reshape({n, l, h, d}).Transpose(1, 2);
    Tensor k = Lin("k_proj", a, c_.embed, false).Reshape({n, l, h, d}).Transpose(1, 2);
    Tensor v = Lin("v_proj", a, c_.embed, false).Reshape({n, l, h, d}).Transpose(1, 2);
    Tensor o = AttentionRef(q, k, v, Scale::kDivSqrt, &mask);  // (n, H, L, d)
    a = Lin("o_proj", o.Transpose(1, 2).Reshape({n, l, c_.embed}), c_.embed, false);
  }
  if (gated) a = Binary(TanhRef(W({1})), a, Mul);  // self.gate_attn.tanh() * hidden_state
  Tensor r = Binary(x, a, Add);
  {
    Scope s("post_attention_layernorm");
    a = LayerNormRef(r, W({c_.embed}), W({c_.embed}), 1e-5);
  }
  {
    Scope s("mlp");
    a = Lin("fc1", a, c_.mlp, true);
    {
      Scope g("activation_fn");
      a = GeluErf(a);
    }
    a = Lin("fc2", a, c_.embed, true);
  }
  if (gated) a = Binary(TanhRef(W({1})), a, Mul);
  return Binary(r, a, Add);
}

Tensor TinyMllama::Vision(int64_t n) {
  const int64_t t = c_.tiles, e = c_.embed, pos = c_.positions(), pad = c_.padded();
  const int64_t pp = pos - 1, l = t * pad, cpp = c_.channels * c_.patch * c_.patch;
  Tensor x;
  {
    Scope s("patch_embedding");  // Conv2d with stride = kernel: one dot product per patch
    x = Linear(W({n * t * pp, cpp}), W({e, cpp}), nullptr).Reshape({n, t, pp, e});
  }
  auto aspect = [&](const char* name, const Tensor& h) {
    Scope s(name);
    Tensor emb;
    {
      Scope g("embedding");
      emb = Gather(W({c_.aspect_ratios + 1, t * e}), std::vector<int64_t>(n, 1), {n, 1})
                .Reshape({n, t, 1, e});
    }
    emb = Binary(emb, TanhRef(W({1})), Mul);  // embeddings * self.gate.tanh()
    return Binary(h, emb, Add);
  };
  x = aspect("pre_tile_positional_embedding", x);
  // apply_class_embedding: the class token in front of every tile (a copy).
  Tensor cls = W({e});
  std::vector<Tensor> tiles;
  for (int64_t i = 0; i < n * t; ++i)
    tiles.push_back(Cat({cls.Reshape({1, 1, e}), x.Reshape({n * t, pp, e}).Slice(0, i, i + 1)}, 1));
  x = Cat(tiles, 0).Reshape({n, t, pos, e});
  {
    Scope s("gated_positional_embedding");
    Tensor g = Map(TanhRef(W({1})), [](double v) { return Sub(1.0, v); });
    Tensor p = Binary(g, W({pos, e}), Mul).Reshape({1, 1, pos, e});
    x = Binary(x, p, Add);
    Tensor tile;
    {
      Scope te("tile_embedding");
      tile = Gather(W({c_.aspect_ratios + 1, t * pos * e}), std::vector<int64_t>(n, 1), {n, 1})
                 .Reshape({n, t, pos, e});
    }
    x = Binary(x, Binary(TanhRef(W({1})), tile, Mul), Add);
  }
  {
    Scope s("layernorm_pre");
    x = LayerNormRef(x, W({e}), W({e}), 1e-5);
  }
  // F.pad each tile to `pad` positions with zeros (a copy).
  Tensor padded({n, t, pad, e});
  for (int64_t i = 0; i < n * t; ++i)
    for (int64_t p = 0; p < pos; ++p)
      for (int64_t j = 0; j < e; ++j)
        padded.at((i * pad + p) * e + j) = x.at((i * pos + p) * e + j);
  x = padded.Reshape({n, l, e});
  // _prepare_aspect_ratio_attention_mask: 1 - mask (1 on the real positions of the real tiles
  // here: one tile used), then m @ m^T * finfo.min.
  Tensor m({n, t, pad, 1});
  for (int64_t i = 0; i < m.numel(); ++i) {
    int64_t tile = (i / pad) % t, p = i % pad;
    m.at(i) = tile == 0 && p < pos ? 1.0 : 0.0;
  }
  m = Map(m, [](double v) { return Sub(1.0, v); }).Reshape({n, l, 1});
  Tensor mask = WithScalar(MatMul(m, m.Transpose(1, 2)), -1e30, Mul).Reshape({n, 1, l, l});
  {
    Scope s("transformer");
    Scope ls("layers");
    for (int64_t i = 0; i < c_.vision_layers; ++i) {
      Scope li(std::to_string(i));
      x = VisionLayer(x, mask, false);
    }
  }
  {
    Scope s("layernorm_post");
    x = LayerNormRef(x, W({e}), W({e}), 1e-5);
  }
  x = aspect("post_tile_positional_embedding", x.Reshape({n, t, pad, e})).Reshape({n, l, e});
  {
    Scope s("global_transformer");
    Scope ls("layers");
    for (int64_t i = 0; i < c_.global_layers; ++i) {
      Scope li(std::to_string(i));
      x = VisionLayer(x, mask, true);
    }
  }
  // Padding removed, intermediate states stacked and concatenated: copies. Only the shape
  // matters from here (the projector's input).
  const int64_t out = e * (1 + static_cast<int64_t>(c_.indices.size()));
  return W({n, t * pos, out});
}

Tensor TinyMllama::CrossLayer(size_t layer, const Tensor& x, const Tensor* states, int64_t n) {
  const int64_t b = x.dim(0), s = x.dim(1), h = c_.heads, kvh = c_.kv_heads, d = c_.hidden / h;
  const bool eager = attn_ == "eager";
  Tensor a = RmsNorm("input_layernorm", x);
  {
    Scope sc("cross_attn");
    Tensor q = Lin("q_proj", a, h * d, false).Reshape({b, s, h, d}).Transpose(1, 2);
    q = RmsNorm("q_norm", q);
    Tensor& ck = cache_k_[layer];
    Tensor& cv = cache_v_[layer];
    if (states) {
      ck = Lin("k_proj", *states, kvh * d, false).Reshape({b, n, kvh, d}).Transpose(1, 2);
      cv = Lin("v_proj", *states, kvh * d, false).Reshape({b, n, kvh, d}).Transpose(1, 2);
      if (eager) {  // repeat_kv and k_norm before caching
        ck = RmsNorm("k_norm", RepeatKv(ck, h / kvh));
        cv = RepeatKv(cv, h / kvh);
      }
    }
    Tensor k = ck, v = cv;
    if (!eager) {  // SDPA: repeat_kv and k_norm over the cache at every call
      k = RmsNorm("k_norm", RepeatKv(ck, h / kvh));
      v = RepeatKv(cv, h / kvh);
    }
    Tensor mask({b, 1, s, n});  // every text token sees every vision token here
    Tensor ctx = AttentionRef(q, k, v, Scale::kDivSqrt, &mask);
    a = Lin("o_proj", ctx.Transpose(1, 2).Reshape({b, s, h * d}), c_.hidden, false);
  }
  Tensor r = Binary(x, Binary(TanhRef(W({1})), a, Mul), Add);
  a = SwiGluMlp(RmsNorm("post_attention_layernorm", r), c_.intermediate);
  Tensor full_row({b, s, 1});  // full_text_row_masked_out_mask[:, 0]
  a = Binary(full_row, a, Mul);
  return Binary(r, Binary(TanhRef(W({1})), a, Mul), Add);
}

Tensor TinyMllama::Forward(int64_t batch, int64_t tokens, int64_t images, bool has_images,
                           int64_t logits) {
  const int64_t d = c_.hidden / c_.heads;
  Tensor states;
  if (images > 0) {
    Tensor v;
    {
      Scope s("vision_model");
      v = Vision(batch * images);
    }
    vision_tokens_ = images * c_.tiles * c_.positions();
    Scope s("multi_modal_projector");
    Tensor bias = W({c_.hidden});
    states =
        Linear(v.Reshape({batch, vision_tokens_, v.dim(-1)}), W({c_.hidden, v.dim(-1)}), &bias);
  }
  const int64_t n = has_images ? vision_tokens_ : 0;
  if (n > 0) {  // _prepare_cross_attention_mask over all text rows so far
    Tensor mask({batch, 1, past_ + tokens, n});
    Tensor inv = Map(mask, [](double v) { return Sub(1.0, v); });
    Binary(inv, Tensor({batch, 1, past_ + tokens, 1}), Mul);
  }
  Scope lm("language_model");
  Tensor x;
  {
    Scope m("model");
    {
      Scope e("embed_tokens");
      std::vector<int64_t> ids;
      for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % c_.vocab);
      x = Gather(W({c_.vocab + 8, c_.hidden}), ids, {batch, tokens});
    }
    Tensor cos, sin;
    {
      Scope r("rotary_emb");
      RotaryTablesRef(past_, tokens, d, cos, sin);
    }
    {
      Scope ls("layers");
      for (int64_t li = 0; li < c_.layers; ++li) {
        const bool cross =
            std::find(c_.cross_layers.begin(), c_.cross_layers.end(), li) != c_.cross_layers.end();
        if (cross && n == 0) continue;  // text only: the cross-attention layer is skipped
        Scope l(std::to_string(li));
        const auto i = static_cast<size_t>(li);
        if (cross) {
          x = CrossLayer(i, x, images > 0 ? &states : nullptr, n);
          continue;
        }
        Tensor a = CachedSelfAttention(i, RmsNorm("input_layernorm", x), c_.heads, c_.kv_heads,
                                       false, Scale::kDivSqrt,
                                       [&](const Tensor& t) { return RotaryRef(t, cos, sin); });
        x = Binary(x, a, Add);
        x = Binary(x, SwiGluMlp(RmsNorm("post_attention_layernorm", x), c_.intermediate), Add);
      }
    }
    x = RmsNorm("norm", x);
  }
  past_ += tokens;
  Scope head("lm_head");
  return Linear(x.Slice(1, tokens - logits, tokens), W({c_.vocab, c_.hidden}), nullptr);
}

std::vector<ReferenceCase> MllamaCases() {
  TinyMllamaConfig c;
  auto run = [c](const std::string& attn, const calflops::Workload& w) {
    TinyMllama model(c, attn);
    const bool gen = w.mode == calflops::Mode::kGenerate;
    const int64_t prompt = gen ? w.prompt_tokens : w.seq_len;
    const bool has = w.images > 0;
    model.Forward(w.batch, prompt, w.images, has, gen ? 1 : prompt);
    if (!gen) return;
    for (int64_t i = 1; i < w.max_new_tokens; ++i) model.Forward(w.batch, 1, 0, has, 1);
  };
  return {ReferenceCase{.name = "mllama",
                        .model_type = "mllama",
                        .config_json = c.ToJson(),
                        .workloads = VisionLanguageWorkloads(),
                        .run = run}};
}

}  // namespace reference
