// SPDX-License-Identifier: Apache-2.0
// bench_raw_parse FILE... | --list LISTFILE: the "raw rate", the least work any tool must do per
// DER certificate file (read it, d2i_X509, SHA-256 of the DER), timed over all files in one
// process. bench/inspect.sh compares `smimekit inspect` against it.
//
// Prints "key value" lines on stdout (files, seconds, cpu_seconds, us_per_file, checksum); the
// checksum folds every fingerprint so that the compiler cannot drop the work. Exit 1 if a file
// cannot be read or is not exactly one DER certificate.

#include "common.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bench::FilePtr;
using bench::Owned;
using bench::read_file;
using bench::read_list;

using X509Ptr = Owned<X509, &::X509_free>;
using EvpMdPtr = Owned<EVP_MD, &::EVP_MD_free>;



int run(const std::vector<std::string>& paths) {
    // Fetched once, as a tool processing many files would: EVP_sha256() would fetch it from the
    // provider again at every digest in OpenSSL 3.
    const EvpMdPtr sha256(::EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!sha256) {
        throw std::runtime_error("EVP_MD_fetch SHA256 failed");
    }
    std::vector<unsigned char> der;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    std::uint64_t checksum = 0;

    const auto started = std::chrono::steady_clock::now();
    const std::clock_t cpu_started = std::clock();
    for (const std::string& path : paths) {
        read_file(path, der);
        const unsigned char* cursor = der.data();
        const X509Ptr certificate(::d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
        if (!certificate || cursor != der.data() + der.size()) {
            throw std::runtime_error(path + " is not one DER certificate");
        }
        unsigned int size = 0;
        if (::EVP_Digest(der.data(), der.size(), digest.data(), &size, sha256.get(), nullptr) !=
            1) {
            throw std::runtime_error("SHA-256 failed on " + path);
        }
        // Fold the first 8 bytes of each fingerprint, rotated, so that order and content count.
        std::uint64_t head = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            head = (head << 8U) | digest.at(i);
        }
        checksum = ((checksum << 7U) | (checksum >> 57U)) ^ head;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double cpu_seconds =
        static_cast<double>(std::clock() - cpu_started) / static_cast<double>(CLOCKS_PER_SEC);

    std::cout << "files " << paths.size() << '\n'
              << "seconds " << std::fixed << std::setprecision(6) << seconds << '\n'
              << "cpu_seconds " << cpu_seconds << '\n'
              << "us_per_file " << std::setprecision(2)
              << (paths.empty() ? 0.0 : seconds * 1e6 / static_cast<double>(paths.size())) << '\n'
              << "checksum " << std::hex << std::setw(16) << std::setfill('0') << checksum << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::vector<std::string> paths;
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        if (args.size() == 2 && args[0] == "--list") {
            paths = read_list(std::string(args[1]));
        } else if (!args.empty() && args[0] != "--list" && args[0] != "--help") {
            paths.assign(args.begin(), args.end());
        } else {
            std::cerr << "usage: bench_raw_parse FILE... | bench_raw_parse --list LISTFILE\n";
            return 2;
        }
        return run(paths);
    } catch (const std::exception& error) {
        std::cerr << "bench_raw_parse: error: " << error.what() << '\n';
        return 1;
    }
}
