// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/secret.hpp
#include <smimekit/secret.hpp>

#include <doctest/doctest.h>

TEST_SUITE("secret") {

TEST_CASE("a moved-from secret is empty and the new owner reveals the text") {
    smimekit::Secret first(std::string("pässwörd"));
    smimekit::Secret second(std::move(first));
    CHECK(first.empty());  // NOLINT(bugprone-use-after-move): that is the point
    CHECK(second.reveal() == "pässwörd");
    const smimekit::Secret copy = second.clone();
    CHECK(copy.reveal() == second.reveal());
    CHECK(std::string(copy.c_str()) == "pässwörd");
}

}  // TEST_SUITE("secret")
