// A/B experiments: a member's variant is a stable hash of its id, and the
// members of a large population fall into the variants in their shares.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "loyalty/segments.hpp"

namespace loyalty {
namespace {

Experiment experiment(std::int64_t first_share) {
  return {"bread-x2-test", "2026-12", {{"control", first_share}, {"double-bread", 10000 - first_share}}};
}

TEST(Experiment, MembersFallIntoTheVariantsInTheirShares) {
  for (std::int64_t share : {2000, 5000, 9000}) {
    const Experiment e = experiment(share);
    std::array<int, 2> counts{};
    constexpr int kMembers = 40000;
    for (int i = 0; i < kMembers; ++i) counts[variant_of(e, "member-" + std::to_string(i))] += 1;
    // Binomial: four standard deviations of 40,000 draws are under 1 %.
    EXPECT_NEAR(counts[0] * 10000.0 / kMembers, static_cast<double>(share), 100.0) << share;
  }
}

TEST(Experiment, AVariantDependsOnTheMemberTheExperimentAndItsSeedOnly) {
  const Experiment e = experiment(5000);
  int moved_by_seed = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "m-" + std::to_string(i);
    EXPECT_EQ(variant_of(e, id), variant_of(experiment(5000), id));
    Experiment reseeded = e;
    reseeded.seed = "2027-01";
    moved_by_seed += variant_of(e, id) != variant_of(reseeded, id);
  }
  EXPECT_GT(moved_by_seed, 60) << "a new seed draws the groups anew";
}

}  // namespace
}  // namespace loyalty
