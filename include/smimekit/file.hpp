// SPDX-License-Identifier: Apache-2.0
// Reading input files with the checks every loader needs: exists, is a regular file, is not
// larger than a cap (checked before reading), and clear errors that name the file.
#pragma once

#include "smimekit/bytes.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace smimekit {

/// Certificate, key, .p12 and .sst inputs larger than this are refused before reading.
inline constexpr std::uint64_t kMaxCertificateFileSize = 64ULL * 1024 * 1024;

/**
 * The whole content of `path`. Throws Error (message "'path': ...") with
 *  - Errc::NotFound   when it does not exist (or a path component is not a directory),
 *  - Errc::Malformed  when it is not a regular file (a directory, a device, a symlink loop) or
 *                     is larger than `max_size` bytes (checked before reading),
 *  - Errc::Io         when the operating system refuses to read it (permission, I/O error).
 */
Bytes read_file(const std::string& path, std::uint64_t max_size = kMaxCertificateFileSize);

/// The regular files under `directory`, recursively, sorted by path, skipping hidden files
/// and directories (names that start with '.'). Symlinks to files are followed; a directory
/// symlink loop is not. Throws like read_file for the directory itself.
std::vector<std::string> list_files_recursively(const std::string& directory);

/// True if `path` names a directory (following symlinks); false for anything else.
bool is_directory(const std::string& path) noexcept;

}  // namespace smimekit
