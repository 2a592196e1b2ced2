// SPDX-License-Identifier: Apache-2.0
// Everything that differs between operating systems, in one place: terminals and prompts,
// temporary files and atomic renames, signal-safe clean-up, environment and data directories.
// os_posix.cpp implements it for Linux and macOS; a Windows port adds os_windows.cpp.
#pragma once

#include <smimekit/bytes.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace smimekit::cli::os {

/// Installs SIGINT/SIGTERM/SIGHUP handlers that remove registered temporary files and then
/// die of the same signal (a signal the parent ignores stays ignored, for nohup), and ignores
/// SIGXFSZ so that exceeding the file size limit is a write error. Call once, early in main().
void install_cleanup_handlers();

enum class StdStream { In, Out, Err };
bool is_terminal(StdStream stream) noexcept;
/// Columns of the terminal on stderr (80 when unknown).
int terminal_width() noexcept;

/// Asks `prompt` on the controlling terminal with echo off. nullopt when there is no terminal.
/// The answer is returned without its line end; the caller wraps it in a Secret at once.
std::optional<std::string> prompt_hidden(std::string_view prompt);

/// One line from standard input without its line end (nullopt at end of input). Capped at
/// `max_size` bytes so a stream without newlines cannot exhaust memory.
std::optional<std::string> read_stdin_line(std::size_t max_size);

/// The content of a password file, read without stdio buffers (no unwiped copies): a regular
/// file, or a pipe such as `--password-file <(pass show mail)`. Throws Error naming `path`
/// (NotFound, Malformed for a directory or more than `max_size` bytes, Io).
std::string read_secret_file(const std::string& path, std::size_t max_size);

/// Keeps secrets out of core dumps: no core file from here on (RLIMIT_CORE 0, and on Linux
/// the process is no longer dumpable, which also covers core_pattern pipes and ptrace by
/// other processes of the user). Called before any password is read.
void forbid_core_dumps() noexcept;

/// The value of an environment variable; nullopt if it is not set.
std::optional<std::string> getenv(const std::string& name);

/// A new, empty temporary file beside `target` (same directory, so the final rename is atomic),
/// created with O_EXCL and `mode` (0600 or 0644 before umask; 0600 is forced for private
/// files). Registered for removal on signals until unregister_temp_file().
struct TempFile {
    int fd = -1;
    std::string path;
};
TempFile create_temp_file_beside(const std::string& target, bool private_file);
void unregister_temp_file(const std::string& path) noexcept;

/**
 * Temporary files for a batch of outputs into one directory (`sst extract` of a thousand
 * certificates): they live in a private directory made with mkdtemp inside `directory`, named
 * by their index, so that a signal handler can remove any number of them without a table of
 * paths. One batch at a time. end_temp_batch() removes what is left and the directory itself.
 */
void begin_temp_batch(const std::string& directory);
/// The batch's file number `index` (0, 1, 2, ... in order), created as create_temp_file_beside
/// creates one; errors name `target`, the file it will become.
TempFile create_batch_temp_file(std::size_t index, const std::string& target, bool private_file);
/// Every file of the batch has been renamed away: nothing is left to remove but the directory.
void temp_batch_emptied() noexcept;
void end_temp_batch() noexcept;

/// Makes everything written to the file system holding `directory` durable at once (Linux:
/// syncfs, one journal commit instead of one fsync per file). Throws Error{Io}.
void sync_file_system_of(const std::string& directory);
/// Makes the entries of `directory` (renames into it) durable. Throws Error{Io}.
void sync_directory(const std::string& directory);

/// Writes all of `bytes` to `fd`; throws Error{Io} naming `path` on failure (disk full...).
void write_all(int fd, BytesView bytes, const std::string& path);
/// fsync + close; throws Error{Io} naming `path`.
void sync_and_close(int fd, const std::string& path);
/// close, whose failure (a delayed write error on some file systems) is an Error{Io} too.
void close_checked(int fd, const std::string& path);
void close_quietly(int fd) noexcept;
void remove_quietly(const std::string& path) noexcept;

/// Renames `from` to `to`. Without `replace`, fails with Error{Io} "already exists" if `to`
/// exists, atomically (no check-then-rename race).
void rename_file(const std::string& from, const std::string& to, bool replace);

/// True if something exists at `path` (without following a final symlink).
bool path_exists(const std::string& path) noexcept;

/// The operating system's bundle of trusted root certificates (Debian's ca-certificates file,
/// or its equivalent on other systems); nullopt when none is found.
std::optional<std::string> system_trust_bundle();

/// $XDG_DATA_HOME, else $HOME/.local/share (the per-user data directory).
std::string user_data_directory();

/// Creates `directory` and missing parents with mode 0700; throws Error{Io}.
void create_directories(const std::string& directory);

}  // namespace smimekit::cli::os
