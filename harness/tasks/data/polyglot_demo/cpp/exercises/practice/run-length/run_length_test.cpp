#include "run_length.h"
#include "test/catch.hpp"

#include <stdexcept>
#include <string>

TEST_CASE("an empty string encodes to an empty string") {
    REQUIRE(run_length::encode("") == "");
}

#if defined(EXERCISM_RUN_ALL_TESTS)
TEST_CASE("a lone character gets a count of one") {
    REQUIRE(run_length::encode("x") == "x1");
}

TEST_CASE("every stretch is replaced by character and count") {
    REQUIRE(run_length::encode("aaabcc") == "a3b1c2");
}

TEST_CASE("long stretches get multi-digit counts") {
    REQUIRE(run_length::encode(std::string(12, 'z')) == "z12");
}

TEST_CASE("spaces are characters like any other") {
    REQUIRE(run_length::encode("  ab  ") == " 2a1b1 2");
}

TEST_CASE("decoding expands every pair") {
    REQUIRE(run_length::decode("a3b1c2") == "aaabcc");
    REQUIRE(run_length::decode("q10") == std::string(10, 'q'));
}

TEST_CASE("malformed input is rejected") {
    REQUIRE_THROWS_AS(run_length::decode("a"), std::invalid_argument);
    REQUIRE_THROWS_AS(run_length::decode("3a"), std::invalid_argument);
    REQUIRE_THROWS_AS(run_length::decode("a2b"), std::invalid_argument);
    REQUIRE_THROWS_AS(run_length::decode("k0"), std::invalid_argument);
}

TEST_CASE("decoding undoes encoding") {
    const std::string text = "   wind  nnnw  calm...";
    REQUIRE(run_length::decode(run_length::encode(text)) == text);
}
#endif
