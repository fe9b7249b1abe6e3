// Anyres tiling with the arithmetic written out: the best-fit pinpoint, the crop count, the
// unpadded feature map and the feature count, for the llama3-llava-next-8b pinpoints.
#include "archs/llava/anyres.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace calflops {
namespace {

const Pinpoints kPins = {{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}};

// 360 x 640 (h x w). Effective resolution min(scaled w x scaled h, 640 x 360 = 230,400):
//   (336, 672): scale min(672/640, 336/360) = 0.9333 -> 597 x 336 = 200,592
//   (672, 336): scale 0.525 -> 336 x 189 = 63,504
//   (672, 672): scale 1.05 -> 672 x 378 = 254,016 -> capped at 230,400   <- best
//   (1008, 336): 63,504;  (336, 1008): 200,592
TEST(Anyres, SeedImagePicks672Square) {
  EXPECT_EQ(SelectBestResolution(360, 640, kPins), std::make_pair(int64_t{672}, int64_t{672}));
}

// 2 x 2 tiles + 1 base = 5 crops. Tiles give a 48 x 48 map (24 patches per 336 crop). The image
// is wider (640/360 = 1.78) than the map (1.0): scale 48/640 = 0.075, new height int(360 x 0.075)
// = 27, padding (48 - 27) // 2 = 10 top and bottom -> 28 rows of 48, + 1 newline each:
// 576 + 28 x 49 = 1,948.
TEST(Anyres, SeedImageHas5CropsAnd1948Features) {
  AnyresLayout l = ComputeAnyres(360, 640, kPins, 336, 14, "test");
  EXPECT_EQ(l.grid_rows, 2);
  EXPECT_EQ(l.grid_cols, 2);
  EXPECT_EQ(l.crops, 5);
  EXPECT_EQ(l.base_features, 576);
  EXPECT_EQ(l.rows, 28);
  EXPECT_EQ(l.cols, 48);
  EXPECT_EQ(l.features, 576 + 28 * 49);
  EXPECT_EQ(l.features, 1948);
}

// The transpose, 640 x 360: also (672, 672) (scale 1.05 -> 378 x 672, capped at 230,400), and
// the width is unpadded instead: int(360 x 0.075) = 27 -> 28 columns of 48 rows:
// 576 + 48 x 29 = 1,968.
TEST(Anyres, PortraitUnpadsWidth) {
  AnyresLayout l = ComputeAnyres(640, 360, kPins, 336, 14, "test");
  EXPECT_EQ(l.crops, 5);
  EXPECT_EQ(l.rows, 48);
  EXPECT_EQ(l.cols, 28);
  EXPECT_EQ(l.features, 1968);
}

// A 336 x 336 image: (336, 672) and (672, 336) both keep all 112,896 pixels and waste 112,896;
// the first listed wins the tie (strictly less waste is needed to replace it). 1 x 2 tiles + base
// = 3 crops; map 24 x 48; the image (aspect 1) is narrower than the map (2): scale 24/336, new
// width int(336 x 24/336) = 24, padding 12 -> 24 x 24, features 576 + 24 x 25 = 1,176.
TEST(Anyres, TieKeepsTheFirstPinpoint) {
  EXPECT_EQ(SelectBestResolution(336, 336, kPins), std::make_pair(int64_t{336}, int64_t{672}));
  AnyresLayout l = ComputeAnyres(336, 336, kPins, 336, 14, "test");
  EXPECT_EQ(l.crops, 3);
  EXPECT_EQ(l.rows, 24);
  EXPECT_EQ(l.cols, 24);
  EXPECT_EQ(l.features, 1176);
}

// A large 1000 x 3000 image: (336, 1008) scales by 0.336 -> 1008 x 336 = 338,688, the most kept:
// 1 x 3 tiles + base = 4 crops; map 24 x 72; scale 72/3000 = 0.024, new height int(24.0) = 24,
// no padding: 576 + 24 x 73 = 2,328.
TEST(Anyres, WidePanorama) {
  AnyresLayout l = ComputeAnyres(1000, 3000, kPins, 336, 14, "test");
  EXPECT_EQ(l.best_height, 336);
  EXPECT_EQ(l.best_width, 1008);
  EXPECT_EQ(l.crops, 4);
  EXPECT_EQ(l.features, 576 + 24 * 73);
}

TEST(Anyres, PinpointNotAMultipleOfTheCropIsBadInput) {
  try {
    ComputeAnyres(360, 640, {{336, 700}}, 336, 14, "cfg.json: key 'image_grid_pinpoints'");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("cfg.json: key 'image_grid_pinpoints'"),
              std::string::npos);
  }
  EXPECT_THROW(ComputeAnyres(360, 640, {}, 336, 14, "x"), Error);
}

}  // namespace
}  // namespace calflops
