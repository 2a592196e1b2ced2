// SPDX-License-Identifier: Apache-2.0
// Replays inputs through a fuzz target without libFuzzer, so that the normal test suite (and
// its sanitizer build) runs every committed crashing input on every run:
//   fuzz_replay_<target> FILE_OR_DIRECTORY...
// Directories are read recursively, in sorted order. A crash, a sanitizer report or a failed
// property aborts the process, which fails the test; so does finding no input at all (a replay
// of nothing would pass forever).
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& argument) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(argument)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(argument)) {
            if (entry.is_regular_file()) {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(argument);
    }
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        for (const std::filesystem::path& file : inputs_of(argv[i])) {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
                return 1;
            }
            const std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            // A copy of exactly the input's size, as libFuzzer passes it, so that ASan sees a
            // read past the end.
            std::vector<std::uint8_t> bytes(chars.begin(), chars.end());
            std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
            LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            ++replayed;
        }
    }
    if (replayed == 0) {
        std::fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    std::fprintf(stderr, "replay: %zu inputs, no crash\n", replayed);
    return 0;
}
