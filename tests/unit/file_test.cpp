// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/file.hpp
#include <smimekit/file.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using smimekit::Errc;

TEST_SUITE("file") {

TEST_CASE("read_file returns the bytes and names the file in every error") {
    const fixture::TempDir dir;
    dir.write("small.bin", smimekit::as_bytes("hello"));
    CHECK(smimekit::to_string(smimekit::read_file(dir.file("small.bin"))) == "hello");

    const std::string missing = dir.file("missing.der");
    CHECK(fixture::errc_of([&] { smimekit::read_file(missing); }) == Errc::NotFound);
    CHECK(fixture::message_of([&] { smimekit::read_file(missing); }) ==
          "'" + missing + "': no such file");
    CHECK(fixture::errc_of([&] { smimekit::read_file(dir.path().string()); }) == Errc::Malformed);
    CHECK(fixture::message_of([&] { smimekit::read_file(dir.path().string()); }).find("is a directory") !=
          std::string::npos);
}

TEST_CASE("read_file refuses a file over the cap before reading it") {
    const fixture::TempDir dir;
    {
        std::ofstream big(dir.file("big.bin"), std::ios::binary);
        big.seekp(2000);
        big.put('x');
    }
    CHECK(fixture::errc_of([&] { smimekit::read_file(dir.file("big.bin"), 1000); }) == Errc::Malformed);
    CHECK(fixture::message_of([&] { smimekit::read_file(dir.file("big.bin"), 1000); }).find("too large") !=
          std::string::npos);
}

TEST_CASE("list_files_recursively lists regular files sorted, skips hidden ones and survives link loops") {
    const fixture::TempDir dir;
    std::filesystem::create_directories(dir.path() / "b" / "c");
    dir.write("a.pem", smimekit::as_bytes("x"));
    dir.write("b/c/d.der", smimekit::as_bytes("x"));
    dir.write(".hidden", smimekit::as_bytes("x"));
    std::filesystem::create_directory_symlink(dir.path(), dir.path() / "b" / "loop");
    const auto files = smimekit::list_files_recursively(dir.path().string());
    REQUIRE(files.size() == 2);
    CHECK(files[0] == dir.file("a.pem"));
    CHECK(files[1] == dir.file("b/c/d.der"));
}

}  // TEST_SUITE("file")
