// SPDX-License-Identifier: Apache-2.0
// Input files. std::filesystem and <cstdio> only, so this stays portable; what the operating
// system said is turned into one of three error classes the CLI maps to exit codes 3 and 7.
#include "smimekit/file.hpp"

#include "smimekit/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <system_error>

namespace smimekit {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

[[noreturn]] void throw_os_error(const std::string& path, int error_number) {
    const std::string reason = std::strerror(error_number);
    switch (error_number) {
        case ENOENT:
        case ENOTDIR:
            throw Error(Errc::NotFound, in_quotes(path) + ": no such file");
        case ELOOP:
            throw Error(Errc::Malformed, in_quotes(path) + ": too many levels of symbolic links");
        case EISDIR:
            throw Error(Errc::Malformed, in_quotes(path) + ": is a directory, not a file");
        default:
            throw Error(Errc::Io, in_quotes(path) + ": cannot read: " + reason);
    }
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= 1024ULL * 1024) {
        return std::to_string(bytes / (1024ULL * 1024)) + " MiB";
    }
    return std::to_string(bytes) + " bytes";
}

}  // namespace

Bytes read_file(const std::string& path, std::uint64_t max_size) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error) {
        throw_os_error(path, error.value());
    }
    if (fs::is_directory(status)) {
        throw_os_error(path, EISDIR);
    }
    if (!fs::is_regular_file(status)) {
        throw Error(Errc::Malformed, in_quotes(path) + ": not a regular file");
    }
    // Open first, then ask the size of what was opened, so a file swapped in between cannot
    // get past the cap.
    FilePtr file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        throw_os_error(path, errno);
    }
    if (std::fseek(file.get(), 0, SEEK_END) != 0) {
        throw_os_error(path, errno);
    }
    const long end = std::ftell(file.get());
    if (end < 0) {
        throw_os_error(path, errno);
    }
    const auto size = static_cast<std::uint64_t>(end);
    if (size > max_size) {
        throw Error(Errc::Malformed, in_quotes(path) + ": too large (" + size_text(size) +
                                         "; the limit is " + size_text(max_size) + ")");
    }
    std::rewind(file.get());
    Bytes bytes(static_cast<std::size_t>(size));
    const std::size_t got = std::fread(bytes.data(), 1, bytes.size(), file.get());
    if (got != bytes.size()) {
        if (std::ferror(file.get()) != 0) {
            throw_os_error(path, errno != 0 ? errno : EIO);
        }
        bytes.resize(got);  // the file shrank while we read it: take what is there
    }
    return bytes;
}

std::vector<std::string> list_files_recursively(const std::string& directory) {
    std::error_code error;
    if (!fs::is_directory(directory, error)) {
        throw_os_error(directory, error ? error.value() : ENOTDIR);
    }
    std::vector<std::string> files;
    std::set<std::string> visited{fs::canonical(directory, error).string()};
    fs::recursive_directory_iterator it(directory, fs::directory_options::follow_directory_symlink,
                                        error);
    if (error) {
        throw_os_error(directory, error.value());
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
        if (error) {
            throw_os_error(directory, error.value());
        }
        const std::string name = it->path().filename().string();
        if (!name.empty() && name.front() == '.') {
            if (it->is_directory(error)) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (it->is_directory(error)) {
            // Following directory symlinks can loop (a link to "." or to a parent): enter
            // each real directory once.
            const fs::path real = fs::canonical(it->path(), error);
            if (error || !visited.insert(real.string()).second) {
                it.disable_recursion_pending();
                error.clear();
            }
            continue;
        }
        if (it->is_regular_file(error)) {
            files.push_back(it->path().string());
        }
    }
    if (error) {
        throw_os_error(directory, error.value());
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool is_directory(const std::string& path) noexcept {
    std::error_code error;
    return fs::is_directory(path, error);
}

}  // namespace smimekit
