#include "reference/tiny_clip.h"

#include <cmath>

namespace reference {

std::string TinyClipVisionConfig::ToJson() const {
  return "{\"model_type\": \"clip_vision_model\", \"hidden_size\": " + std::to_string(hidden) +
         ", \"intermediate_size\": " + std::to_string(intermediate) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"num_attention_heads\": " + std::to_string(heads) +
         ", \"num_channels\": " + std::to_string(channels) +
         ", \"image_size\": " + std::to_string(image) +
         ", \"patch_size\": " + std::to_string(patch) +
         ", \"hidden_act\": \"quick_gelu\", \"layer_norm_eps\": 1e-05}";
}

TinyClipVision::TinyClipVision(const TinyClipVisionConfig& c, unsigned seed) : cfg_(c) {
  std::mt19937 rng(seed);
  const int64_t d = c.hidden, g = c.image / c.patch;
  class_embedding_ = Tensor::Random({d}, rng);
  patch_weight_ = Tensor::Random({d, c.channels, c.patch, c.patch}, rng);
  position_ = Tensor::Random({g * g + 1, d}, rng);
  pre_w_ = Tensor::Random({d}, rng);
  pre_b_ = Tensor::Random({d}, rng);
  post_w_ = Tensor::Random({d}, rng);
  post_b_ = Tensor::Random({d}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    for (Tensor* w : {&l.k, &l.v, &l.q, &l.o}) *w = Tensor::Random({d, d}, rng);
    for (Tensor* b : {&l.kb, &l.vb, &l.qb, &l.ob, &l.ln1w, &l.ln1b, &l.ln2w, &l.ln2b, &l.fc2b})
      *b = Tensor::Random({d}, rng);
    l.fc1 = Tensor::Random({c.intermediate, d}, rng);
    l.fc1b = Tensor::Random({c.intermediate}, rng);
    l.fc2 = Tensor::Random({d, c.intermediate}, rng);
    layers_.push_back(l);
  }
}

Tensor LayerNormLast(const Tensor& x, const Tensor& w, const Tensor& b) {
  Tensor centred = Binary(x, MeanLast(x), Sub);
  Tensor var = MeanLast(Binary(centred, centred, Mul));
  Tensor inv = Map(WithScalar(var, 1e-5, Add), Rsqrt);
  return Binary(Binary(Binary(centred, inv, Mul), w, Mul), b, Add);
}

std::vector<Tensor> TinyClipVision::Forward(const Tensor& pixels) {
  const auto& c = cfg_;
  const int64_t n = pixels.dim(0), d = c.hidden, g = c.image / c.patch, tokens = g * g + 1;
  const int64_t hd = d / c.heads;
  Scope vm("vision_model");
  Tensor x({n, tokens, d});
  {
    Scope e("embeddings");
    {
      // Conv2d(kernel = stride = patch, no bias): one dot product per output element.
      Scope pe("patch_embedding");
      for (int64_t b = 0; b < n; ++b)
        for (int64_t o = 0; o < d; ++o)
          for (int64_t py = 0; py < g; ++py)
            for (int64_t px = 0; px < g; ++px) {
              double acc = 0;
              for (int64_t ch = 0; ch < c.channels; ++ch)
                for (int64_t ky = 0; ky < c.patch; ++ky)
                  for (int64_t kx = 0; kx < c.patch; ++kx) {
                    double pix =
                        pixels.at(((b * c.channels + ch) * c.image + py * c.patch + ky) * c.image +
                                  px * c.patch + kx);
                    double wt =
                        patch_weight_.at(((o * c.channels + ch) * c.patch + ky) * c.patch + kx);
                    acc = Mac(acc, pix, wt);
                  }
              x.at((b * tokens + 1 + py * g + px) * d + o) = acc;  // flatten(2).transpose(1, 2)
            }
    }
    for (int64_t b = 0; b < n; ++b)
      for (int64_t o = 0; o < d; ++o) x.at(b * tokens * d + o) = class_embedding_.at(o);  // cat CLS
    Tensor pos;
    {
      Scope pe("position_embedding");
      std::vector<int64_t> ids;
      for (int64_t i = 0; i < tokens; ++i) ids.push_back(i);
      pos = Gather(position_, ids, {1, tokens});
    }
    x = Binary(x, pos, Add);
  }
  {
    Scope s("pre_layrnorm");
    x = LayerNormLast(x, pre_w_, pre_b_);
  }
  std::vector<Tensor> hidden{x};
  {
    Scope enc("encoder");
    Scope ls("layers");
    for (int64_t li = 0; li < c.layers; ++li) {
      Layer& L = layers_[static_cast<size_t>(li)];
      Scope lscope(std::to_string(li));
      Tensor h;
      {
        Scope s("layer_norm1");
        h = LayerNormLast(x, L.ln1w, L.ln1b);
      }
      Tensor attn;
      {
        Scope a("self_attn");
        Tensor q, k, v;
        {
          Scope s("q_proj");
          q = Linear(h, L.q, &L.qb);
        }
        {
          Scope s("k_proj");
          k = Linear(h, L.k, &L.kb);
        }
        {
          Scope s("v_proj");
          v = Linear(h, L.v, &L.vb);
        }
        q = q.Reshape({n, tokens, c.heads, hd}).Transpose(1, 2);
        k = k.Reshape({n, tokens, c.heads, hd}).Transpose(1, 2);
        v = v.Reshape({n, tokens, c.heads, hd}).Transpose(1, 2);
        // scaled_dot_product_attention(scale = head_dim^-0.5), no mask.
        Tensor scores = WithScalar(MatMul(q, k.Transpose(2, 3)), 1.0 / std::sqrt(double(hd)), Mul);
        Tensor ctx = MatMul(SoftmaxLast(scores), v).Transpose(1, 2).Reshape({n, tokens, d});
        Scope s("out_proj");
        attn = Linear(ctx, L.o, &L.ob);
      }
      x = Binary(x, attn, Add);
      {
        Scope s("layer_norm2");
        h = LayerNormLast(x, L.ln2w, L.ln2b);
      }
      Tensor m;
      {
        Scope s("mlp");
        {
          Scope f("fc1");
          m = Linear(h, L.fc1, &L.fc1b);
        }
        {
          Scope f("activation_fn");  // x * sigmoid(1.702 x), sigmoid = 1 / (1 + exp(-z))
          m = Map(m, [](double z) { return Mul(z, Div(1.0, Add(1.0, Exp(Neg(Mul(1.702, z)))))); });
        }
        Scope f("fc2");
        m = Linear(m, L.fc2, &L.fc2b);
      }
      x = Binary(x, m, Add);
      hidden.push_back(x);
    }
  }
  {
    Scope s("post_layernorm");  // pooled output: the CLS row of the last hidden state
    LayerNormLast(x.Slice(1, 0, 1).Reshape({n, d}), post_w_, post_b_);
  }
  return hidden;
}

}  // namespace reference
