#include "reference/tiny_llava.h"

#include <cmath>

namespace reference {

std::string TinyLlavaConfig::ToJson() const {
  std::string pins;
  for (const auto& [h, w] : pinpoints)
    pins += (pins.empty() ? "" : ", ") + std::string("[") + std::to_string(h) + ", " +
            std::to_string(w) + "]";
  std::string cls = next ? "LlavaNextForConditionalGeneration" : "LlavaForConditionalGeneration";
  return "{\"architectures\": [\"" + cls + "\"], \"model_type\": \"" +
         (next ? "llava_next" : "llava") + "\", \"projector_hidden_act\": \"gelu\"" +
         ", \"vision_feature_layer\": " + std::to_string(feature_layer) +
         ", \"vision_feature_select_strategy\": \"default\", \"image_grid_pinpoints\": [" + pins +
         "], \"vision_config\": " + vision.ToJson() + ", \"text_config\": " + text.ToJson() + "}";
}

TinyLlava::TinyLlava(const TinyLlavaConfig& c, unsigned seed)
    : cfg_(c), vision_(c.vision, seed + 1), lm_(c.text, seed + 2) {
  std::mt19937 rng(seed);
  l1_ = Tensor::Random({c.text.hidden, c.vision.hidden}, rng);
  l1b_ = Tensor::Random({c.text.hidden}, rng);
  l2_ = Tensor::Random({c.text.hidden, c.text.hidden}, rng);
  l2b_ = Tensor::Random({c.text.hidden}, rng);
  newline_ = Tensor::Random({c.text.hidden}, rng);
}

namespace {

/// select_best_resolution, written out from the Python.
std::pair<int64_t, int64_t> BestFit(int64_t h, int64_t w,
                                    const std::vector<std::pair<int64_t, int64_t>>& pins) {
  std::pair<int64_t, int64_t> best;
  int64_t best_eff = 0;
  double best_waste = INFINITY;
  for (const auto& [ph, pw] : pins) {
    double scale = std::min(double(pw) / double(w), double(ph) / double(h));
    auto dw = int64_t(double(w) * scale), dh = int64_t(double(h) * scale);
    int64_t eff = std::min(dw * dh, w * h);
    double waste = double(pw * ph - eff);
    if (eff > best_eff || (eff == best_eff && waste < best_waste)) {
      best_eff = eff;
      best_waste = waste;
      best = {ph, pw};
    }
  }
  return best;
}

}  // namespace

Tensor TinyLlava::Pack(const Tensor& f, int64_t height, int64_t width) {
  // f: (crops, g*g, D). Base crop first, then the tiles in row-major grid order.
  const int64_t crop = cfg_.vision.image, g = cfg_.vision.image / cfg_.vision.patch;
  const int64_t d = f.dim(2);
  auto [bh, bw] = BestFit(height, width, cfg_.pinpoints);
  const int64_t rows_t = bh / crop, cols_t = bw / crop;
  // Lay the tiles' patch features out as one (D, rows_t * g, cols_t * g) map.
  const int64_t H = rows_t * g, W = cols_t * g;
  Tensor map({d, H, W});
  for (int64_t ti = 0; ti < rows_t; ++ti)
    for (int64_t tj = 0; tj < cols_t; ++tj)
      for (int64_t y = 0; y < g; ++y)
        for (int64_t x = 0; x < g; ++x)
          for (int64_t c = 0; c < d; ++c)
            map({c, ti * g + y, tj * g + x}) =
                f.at(((1 + ti * cols_t + tj) * g * g + y * g + x) * d + c);
  // unpad_image against the original aspect ratio.
  if (double(width) / double(height) > double(W) / double(H)) {
    auto nh = int64_t(double(height) * (double(W) / double(width)));
    int64_t pad = (H - nh) / 2;
    map = map.Slice(1, pad, H - pad);
  } else {
    auto nw = int64_t(double(width) * (double(H) / double(height)));
    int64_t pad = (W - nw) / 2;
    map = map.Slice(2, pad, W - pad);
  }
  // Newline column, then (rows * (cols + 1), D), after the base crop's features.
  Tensor nl({d, map.dim(1), 1});
  for (int64_t c = 0; c < d; ++c)
    for (int64_t r = 0; r < map.dim(1); ++r) nl({c, r, 0}) = newline_.at(c);
  Tensor grid = Cat({map, nl}, 2);
  grid = grid.Reshape({d, grid.dim(1) * grid.dim(2)}).Transpose(0, 1);
  return Cat({f.Slice(0, 0, 1).Reshape({g * g, d}), grid}, 0);
}

std::vector<Tensor> TinyLlava::EncodeImages(int64_t batch, int64_t images, int64_t height,
                                            int64_t width) {
  const auto& v = cfg_.vision;
  const int64_t crop = v.image, g = v.image / v.patch;
  std::mt19937 rng(7);
  // Cut each image into crops: the resized whole image, then (NeXT) crop x crop tiles of the
  // image padded to the best-fit resolution.
  std::vector<Tensor> crops;
  std::vector<int64_t> per_image;
  for (int64_t i = 0; i < batch * images; ++i) {
    crops.push_back(Tensor::Random({1, v.channels, crop, crop}, rng));
    int64_t n = 1;
    if (cfg_.next) {
      auto [bh, bw] = BestFit(height, width, cfg_.pinpoints);
      Tensor padded = Tensor::Random({1, v.channels, bh, bw}, rng);
      for (int64_t y = 0; y < bh; y += crop)
        for (int64_t x = 0; x < bw; x += crop, ++n)
          crops.push_back(padded.Slice(2, y, y + crop).Slice(3, x, x + crop));
    }
    per_image.push_back(n);
  }
  Tensor pixels = Cat(crops, 0);
  std::vector<Tensor> hidden;
  {
    Scope s("vision_tower");
    hidden = vision_.Forward(pixels);
  }
  int64_t layer =
      cfg_.feature_layer < 0 ? int64_t(hidden.size()) + cfg_.feature_layer : cfg_.feature_layer;
  Tensor sel = hidden[size_t(layer)];
  sel = sel.Slice(1, 1, sel.dim(1));  // 'default': drop CLS
  Tensor feats;
  {
    Scope p("multi_modal_projector");
    {
      Scope s("linear_1");
      feats = Linear(sel, l1_, &l1b_);
    }
    {
      Scope s("act");  // erf GELU: x * 0.5 * (1 + erf(x / sqrt(2)))
      feats = Map(feats,
                  [](double x) { return Mul(Mul(x, 0.5), Add(1.0, Erf(Div(x, std::sqrt(2.0))))); });
    }
    Scope s("linear_2");
    feats = Linear(feats, l2_, &l2b_);
  }
  std::vector<Tensor> out;
  int64_t at = 0;
  for (int64_t n : per_image) {
    Tensor f = feats.Slice(0, at, at + n);
    at += n;
    out.push_back(cfg_.next ? Pack(f, height, width) : f.Reshape({g * g, f.dim(2)}));
  }
  return out;
}

int64_t TinyLlava::Prefill(int64_t batch, int64_t prompt, int64_t images, int64_t height,
                           int64_t width, bool all_logits) {
  std::vector<Tensor> feats;
  if (images > 0) feats = EncodeImages(batch, images, height, width);
  Scope lm("language_model");
  // The merged sequence: each sequence's `images` placeholders become their features, the
  // remaining text ids keep their embeddings.
  int64_t text = prompt - images;
  Tensor emb = lm_.Embed(batch, text);
  std::vector<Tensor> rows;
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<Tensor> parts;
    for (int64_t i = 0; i < images; ++i) {
      const Tensor& f = feats[size_t(b * images + i)];  // (features, hidden)
      parts.push_back(f.Reshape({1, f.dim(0), f.dim(1)}));
    }
    parts.push_back(emb.Slice(0, b, b + 1));
    rows.push_back(Cat(parts, 1));
  }
  Tensor x = Cat(rows, 0);
  int64_t merged = x.dim(1);
  lm_.ForwardEmbeds(x, all_logits ? merged : 1);
  return merged;
}

void TinyLlava::Decode(int64_t batch, int64_t images, int64_t height, int64_t width,
                       bool reencode) {
  if (reencode && images > 0) EncodeImages(batch, images, height, width);  // thrown away
  Scope lm("language_model");
  lm_.ForwardEmbeds(lm_.Embed(batch, 1), 1);
}

}  // namespace reference
