// SPDX-License-Identifier: Apache-2.0
// Io: everything the CLI does with people and the file system on behalf of a command: data on
// stdout, messages on stderr, atomic output files, passwords, the clock, progress. The rules
// are written once at the top of output.cpp. The library never does any of this itself.
#pragma once

#include "cli/exit_code.hpp"

#include <smimekit/bytes.hpp>
#include <smimekit/error.hpp>
#include <smimekit/secret.hpp>
#include <smimekit/time.hpp>

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

namespace smimekit::cli {

/// Where a password comes from. At most one field is set; none means "prompt on a terminal".
struct PasswordSource {
    std::string file;    ///< first line of this file (trailing CR/LF removed)
    std::string env;     ///< the value of this environment variable
    bool from_stdin = false;  ///< first line of standard input
    /// The options' prefix ("password", "out-password"), so that hints name the right ones.
    std::string prefix = "password";
};

struct WriteOptions {
    bool force = false;         ///< replace an existing file
    bool private_file = false;  ///< mode 0600 whatever the umask (keys, .p12)
};

/**
 * An output file written atomically: bytes go to a temporary file created with O_EXCL in the
 * target's directory; commit() flushes it to disk and renames it over the target (refusing to
 * replace an existing file unless forced). Destroyed without commit(), or on SIGINT/SIGTERM,
 * the temporary file is removed: a failure never leaves a partial output behind.
 */
class OutputFile final {
public:
    OutputFile(std::string path, const WriteOptions& options);
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    OutputFile(OutputFile&& other) noexcept;
    OutputFile& operator=(OutputFile&&) = delete;
    ~OutputFile();

    void write(BytesView bytes);
    void write(std::string_view text) { write(as_bytes(text)); }
    /// The temporary file, for library calls that stream into a path of their own.
    [[nodiscard]] const std::string& temp_path() const noexcept { return m_temp_path; }
    [[nodiscard]] const std::string& path() const noexcept { return m_path; }
    void commit();

private:
    std::string m_path;
    std::string m_temp_path;
    WriteOptions m_options;
    int m_fd = -1;
    bool m_committed = false;
};

/**
 * Many output files in one directory, written as a batch: add() writes each to a temporary
 * file; commit() makes them all durable with one file-system sync (a thousand fsyncs cost
 * seconds), renames each over its target in the order added, then syncs the directory so the
 * renames are durable too. Destroyed without
 * commit(), or on SIGINT/SIGTERM, every temporary file is removed. If a rename fails (a
 * target appeared meanwhile), the files renamed before it stay and the rest are removed.
 */
class OutputBatch final {
public:
    OutputBatch(std::string directory, const WriteOptions& options);
    OutputBatch(const OutputBatch&) = delete;
    OutputBatch& operator=(const OutputBatch&) = delete;
    OutputBatch(OutputBatch&&) = delete;
    OutputBatch& operator=(OutputBatch&&) = delete;
    ~OutputBatch();

    /// `path` must lie in the batch's directory. Refuses an existing target without --force.
    void add(const std::string& path, BytesView bytes);
    void commit();

private:
    struct Pending {
        std::string temp_path;
        std::string path;
    };
    std::string m_directory;
    WriteOptions m_options;
    std::vector<Pending> m_pending;
};

/// A progress line on stderr, drawn only when stderr is a terminal, at most ten times a second.
class Progress final {
public:
    Progress(bool enabled, std::string label, std::size_t total);
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    Progress(Progress&&) noexcept = default;
    Progress& operator=(Progress&&) = delete;
    ~Progress();

    void update(std::size_t done);
    /// Clears the line (also done by the destructor).
    void finish();

private:
    bool m_enabled;
    std::string m_label;
    std::size_t m_total;
    std::chrono::steady_clock::time_point m_last_draw{};
    bool m_drawn = false;
};

struct IoSettings {
    bool verbose = false;
    bool quiet = false;
    std::optional<TimePoint> pinned_now;  ///< the hidden --now
};

class Io final {
public:
    explicit Io(IoSettings settings);

    /// Data: stdout (or what a command writes to --out).
    std::ostream& out();

    /// Talk on stderr, "smimekit: " first. info() is silent with --quiet.
    void info(std::string_view message) const;
    void warn(std::string_view message) const;
    void hint(std::string_view message) const;
    /// Detail for developers, only with --verbose.
    void detail(std::string_view message) const;
    /// Prints an error (with its hint, and detail under --verbose) and returns its exit code.
    ExitCode report(const Error& error) const;

    [[nodiscard]] TimePoint now() const;
    [[nodiscard]] bool verbose() const noexcept { return m_settings.verbose; }
    [[nodiscard]] bool stderr_is_terminal() const noexcept;

    /// Fails early (Errc::Io, with a hint about --force) when `path` exists and !force, or when
    /// its directory does not exist: call it before doing expensive work.
    void check_output(const std::string& path, const WriteOptions& options) const;
    /// Writes `bytes` to `path` atomically (see OutputFile).
    void write_file(const std::string& path, BytesView bytes, const WriteOptions& options) const;

    /// The password from `source`, or from a no-echo prompt on the terminal ("Password for
    /// <subject>: "). With `confirm`, a prompt asks twice and must get the same text twice.
    /// Throws Error{BadPassword} when there is no source and no terminal.
    [[nodiscard]] Secret read_password(const PasswordSource& source, std::string_view subject,
                                       bool confirm = false) const;
    /// A provider for the library that reads `source` at most once (stdin can be read only
    /// once) and reuses the answer; without a source it prompts per subject on a terminal and
    /// returns nullopt when there is none.
    [[nodiscard]] PasswordProvider password_provider(const PasswordSource& source) const;

    [[nodiscard]] Progress progress(std::string label, std::size_t total) const;

private:
    IoSettings m_settings;
};

}  // namespace smimekit::cli
