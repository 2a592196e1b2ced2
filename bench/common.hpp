// SPDX-License-Identifier: Apache-2.0
// What the benchmark programs share: owning handles (the shape of src/lib/detail/ossl.hpp, which
// the benchmarks do not include: they measure OpenSSL and SQLite alone, without smimekit), and
// reading a file or a list of files.
#pragma once

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

template <auto FreeFn>
struct Free {
    template <class T>
    void operator()(T* p) const noexcept {
        FreeFn(p);
    }
};

template <class T, auto FreeFn>
using Owned = std::unique_ptr<T, Free<FreeFn>>;

// A standard library function has no address to take, so the deleter gets a name.
inline void close_file(std::FILE* file) noexcept {
    static_cast<void>(std::fclose(file));
}
using FilePtr = Owned<std::FILE, &close_file>;

/// Reads the whole file into `buffer`, reusing its capacity from one file to the next.
inline void read_file(const std::string& path, std::vector<unsigned char>& buffer) {
    const FilePtr file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        throw std::runtime_error("cannot open " + path);
    }
    buffer.clear();
    std::array<unsigned char, 16384> chunk{};
    std::size_t got = 0;
    while ((got = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0) {
        buffer.insert(buffer.end(), chunk.data(), chunk.data() + got);
    }
    if (std::ferror(file.get()) != 0) {
        throw std::runtime_error("cannot read " + path);
    }
}

/// The non-empty lines of `list_path`, each a path.
inline std::vector<std::string> read_list(const std::string& list_path) {
    std::ifstream in(list_path);
    if (!in) {
        throw std::runtime_error("cannot open " + list_path);
    }
    std::vector<std::string> paths;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            paths.push_back(line);
        }
    }
    return paths;
}

}  // namespace bench
