// Random structure-aware ONNX inputs (fuzz/onnx_recipe.h) through the onnx fuzz target's body:
// a cheap, unguided sweep in every test run (no libFuzzer needed) that every recipe model gives
// a report or a proper one-line rejection. CALFLOPS_RECIPE_RUNS raises the count for a longer
// sweep by hand; the seed is fixed, so a failure names the recipe that reproduces it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "fuzz/fuzz_entries.h"
#include "fuzz/onnx_recipe.h"

namespace calflops {
namespace {

TEST(OnnxRecipe, RandomRecipesGiveAReportOrAProperRejection) {
  int runs = 300;
  if (const char* env = std::getenv("CALFLOPS_RECIPE_RUNS")) runs = std::atoi(env);
  std::mt19937_64 rng(16);
  for (int i = 0; i < runs; ++i) {
    std::vector<uint8_t> recipe(1 + rng() % 48);
    recipe[0] = fuzz::kRecipeMagic;
    for (size_t k = 1; k < recipe.size(); ++k) recipe[k] = static_cast<uint8_t>(rng());
    std::string hex;
    for (uint8_t b : recipe) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
    EXPECT_NO_THROW(fuzz::Onnx(recipe.data(), recipe.size())) << "recipe " << i << ": " << hex;
  }
}

TEST(OnnxRecipe, BuildsTheStructuresItNames) {
  // The Mod seed (fuzz/corpus/onnx/recipe-mod-int64-min) builds a model holding a Mod node.
  std::vector<uint8_t> mod = {0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
  EXPECT_NE(fuzz::OnnxFromRecipe(mod).find("Mod"), std::string::npos);
  std::vector<uint8_t> loop = {0x01, 0x00, 0x04, 0x00, 0x07, 0x01, 0x06, 0x00, 0x00};
  EXPECT_NE(fuzz::OnnxFromRecipe(loop).find("Loop"), std::string::npos);
  // The function seed (recipe-functions-2pow5): F0 .. F5, the deepest chain a recipe builds.
  std::vector<uint8_t> chain = {0x01, 0x00, 0x04, 0x00, 0x0a, 0x05, 0, 0, 0,
                                0,    0,    0,    0,    0,    0,    0, 0, 0x05};
  std::string model = fuzz::OnnxFromRecipe(chain);
  EXPECT_NE(model.find("F5"), std::string::npos);
  EXPECT_EQ(model.find("F6"), std::string::npos);
}

}  // namespace
}  // namespace calflops
