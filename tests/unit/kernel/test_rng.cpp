#include "ssesim/kernel/rng.hpp"

#include <boost/random/normal_distribution.hpp>
#include <catch2/catch.hpp>

#include <set>

using ssesim::kernel::Stream;

TEST_CASE("a stream is a pure function of seed, replicate, id, step and purpose", "[kernel][rng]") {
    Stream a(42, 0, 7, 3, 1), b(42, 0, 7, 3, 1);
    for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("every key and counter component changes the stream", "[kernel][rng]") {
    const auto first = [](Stream s) { return s(); };
    std::set<std::uint64_t> seen{first(Stream(42, 0, 7, 3, 1)), first(Stream(43, 0, 7, 3, 1)),
                                 first(Stream(42, 1, 7, 3, 1)), first(Stream(42, 0, 8, 3, 1)),
                                 first(Stream(42, 0, 7, 4, 1)), first(Stream(42, 0, 7, 3, 2))};
    REQUIRE(seen.size() == 6);
}

TEST_CASE("Philox4x64 output is pinned, so a library or code change that alters results is caught",
          "[kernel][rng]") {
    // Values of this build on 2026-11-24; a change here changes every run's results.
    Stream s(20261124, 0, 0, 0, 1);
    const std::uint64_t v0 = s(), v1 = s(), v2 = s(), v3 = s(), v4 = s();
    CHECK(v0 == 17456717596723998961ULL);
    CHECK(v1 == 16569645578542257444ULL);
    CHECK(v2 == 9614986676906310273ULL);
    CHECK(v3 == 8860652270397631047ULL);
    CHECK(v4 == 7874113794031695207ULL);  // the fifth value comes from the next counter block
}

TEST_CASE("uniform draws lie between 0 inclusive and 1 exclusive, with mean one half", "[kernel][rng]") {
    Stream s(1, 0, 0, 0, 0);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double u = s.uniform();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        sum += u;
    }
    CHECK(sum / n == Approx(0.5).margin(0.005));
}

TEST_CASE("Boost.Random distributions draw reproducibly from a stream", "[kernel][rng]") {
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    Stream a(9, 2, 5, 1, 3), b(9, 2, 5, 1, 3);
    for (int i = 0; i < 50; ++i) REQUIRE(normal(a) == normal(b));
}
