// SPDX-License-Identifier: Apache-2.0
// Io, OutputFile and Progress. The output rules, written once (age's tui.go habit):
//  - data goes to stdout or to the file named by --out/-o; nothing else goes to stdout;
//  - everything else goes to stderr, one line each, prefixed "smimekit: " ("smimekit: error: ",
//    "smimekit: warning: ", "smimekit: hint: "); lower case, no final period;
//  - detail (OpenSSL's error queue, SQLite's message) only with --verbose;
//  - prompts go to the terminal (/dev/tty) with echo off; a password never goes anywhere else;
//  - output files are written to a temporary file beside the target and renamed on success,
//    never overwrite an existing file without --force, and leave nothing behind on failure or
//    on SIGINT/SIGTERM;
//  - progress is drawn on stderr only when stderr is a terminal.
#include "cli/io.hpp"
#include "cli/os.hpp"

#include <smimekit/file.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <utility>

namespace smimekit::cli {
namespace {

constexpr std::size_t kMaxPasswordSize = 64 * 1024;

void print_line(std::string_view prefix, std::string_view message) {
    std::string line = "smimekit: ";
    line += prefix;
    line += message;
    line += '\n';
    std::cerr << line << std::flush;
}

/// Cuts `text` at its first line end, in place (no copy of the password is made).
void strip_line_end(std::string& text) {
    const std::size_t end = text.find_first_of("\r\n");
    if (end != std::string::npos) {
        text.erase(end);
    }
}

/// A Secret holding `text`, which is wiped. Moving a short string into the Secret would copy
/// its bytes and leave them in `text` (small-string buffer), where a core dump could show them.
Secret take_secret(std::string& text) {
    Secret secret{std::string(text)};  // Secret's constructor wipes this copy
    secure_wipe(text.data(), text.capacity());
    text.clear();
    return secret;
}

/// Without --force, an existing target is an error, before any work is done for it. (The
/// final rename checks again, atomically.)
void refuse_existing(const std::string& path, const WriteOptions& options) {
    if (!options.force && os::path_exists(path)) {
        throw Error(Errc::Io, in_quotes(path) + ": already exists", {},
                    "use --force to replace it, or choose another output name");
    }
}

}  // namespace

// ---- OutputFile ---------------------------------------------------------------------------

OutputFile::OutputFile(std::string path, const WriteOptions& options)
    : m_path(std::move(path)), m_options(options) {
    refuse_existing(m_path, m_options);
    os::TempFile temp = os::create_temp_file_beside(m_path, m_options.private_file);
    m_fd = temp.fd;
    m_temp_path = std::move(temp.path);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temp_path(std::exchange(other.m_temp_path, {})),
      m_options(other.m_options),
      m_fd(std::exchange(other.m_fd, -1)),
      m_committed(std::exchange(other.m_committed, true)) {}

OutputFile::~OutputFile() {
    if (!m_committed) {
        os::close_quietly(m_fd);
        os::remove_quietly(m_temp_path);
        os::unregister_temp_file(m_temp_path);
    }
}

void OutputFile::write(BytesView bytes) {
    os::write_all(m_fd, bytes, m_path);
}

void OutputFile::commit() {
    const int fd = std::exchange(m_fd, -1);
    os::sync_and_close(fd, m_path);
    os::rename_file(m_temp_path, m_path, m_options.force);
    os::unregister_temp_file(m_temp_path);
    m_committed = true;
}

// ---- OutputBatch --------------------------------------------------------------------------

OutputBatch::OutputBatch(std::string directory, const WriteOptions& options)
    : m_directory(std::move(directory)), m_options(options) {
    os::begin_temp_batch(m_directory);
}

OutputBatch::~OutputBatch() {
    os::end_temp_batch();
}

void OutputBatch::add(const std::string& path, BytesView bytes) {
    if (std::filesystem::path(path).parent_path() != std::filesystem::path(m_directory)) {
        throw Error(Errc::Internal, in_quotes(path) + " is outside the batch's directory " +
                                        in_quotes(m_directory));
    }
    refuse_existing(path, m_options);
    os::TempFile temp = os::create_batch_temp_file(m_pending.size(), path, m_options.private_file);
    m_pending.push_back({temp.path, path});
    try {
        os::write_all(temp.fd, bytes, path);
    } catch (...) {
        os::close_quietly(temp.fd);
        throw;
    }
    os::close_checked(temp.fd, path);
}

void OutputBatch::commit() {
    if (m_pending.empty()) {
        return;
    }
    os::sync_file_system_of(m_directory);
    for (const Pending& file : m_pending) {
        os::rename_file(file.temp_path, file.path, m_options.force);
    }
    os::temp_batch_emptied();
    m_pending.clear();
    os::sync_directory(m_directory);
}

// ---- Progress -----------------------------------------------------------------------------

Progress::Progress(bool enabled, std::string label, std::size_t total)
    : m_enabled(enabled), m_label(std::move(label)), m_total(total) {}

Progress::~Progress() {
    finish();
}

void Progress::update(std::size_t done) {
    if (!m_enabled) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && done < m_total && now - m_last_draw < std::chrono::milliseconds(100)) {
        return;
    }
    m_last_draw = now;
    m_drawn = true;
    std::string line = "\r" + m_label + " " + std::to_string(done);
    if (m_total > 0) {
        line += "/" + std::to_string(m_total) + " (" + std::to_string(done * 100 / m_total) + "%)";
    }
    const auto width = static_cast<std::size_t>(os::terminal_width());
    if (line.size() > width) {
        line.resize(width);
    }
    std::cerr << line << "\x1b[K" << std::flush;
}

void Progress::finish() {
    if (m_enabled && m_drawn) {
        std::cerr << "\r\x1b[K" << std::flush;
        m_drawn = false;
    }
}

// ---- Io -----------------------------------------------------------------------------------

Io::Io(IoSettings settings) : m_settings(settings) {}

std::ostream& Io::out() {
    return std::cout;
}

void Io::info(std::string_view message) const {
    if (!m_settings.quiet) {
        print_line({}, message);
    }
}

void Io::warn(std::string_view message) const {
    print_line("warning: ", message);
}

void Io::hint(std::string_view message) const {
    print_line("hint: ", message);
}

void Io::detail(std::string_view message) const {
    if (m_settings.verbose && !message.empty()) {
        print_line("detail: ", message);
    }
}

ExitCode Io::report(const Error& error) const {
    print_line("error: ", error.what());
    if (!error.hint().empty()) {
        hint(error.hint());
    }
    detail(error.detail());
    return exit_code_for(error.code());
}

TimePoint Io::now() const {
    if (m_settings.pinned_now) {
        return *m_settings.pinned_now;
    }
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

bool Io::stderr_is_terminal() const noexcept {
    return os::is_terminal(os::StdStream::Err);
}

void Io::check_output(const std::string& path, const WriteOptions& options) const {
    refuse_existing(path, options);
    std::filesystem::path directory = std::filesystem::path(path).parent_path();
    if (directory.empty()) {
        directory = ".";
    }
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
        throw Error(Errc::Io, in_quotes(path) + ": cannot write: directory " +
                                  in_quotes(directory.string()) + " does not exist");
    }
}

void Io::write_file(const std::string& path, BytesView bytes, const WriteOptions& options) const {
    OutputFile file(path, options);
    file.write(bytes);
    file.commit();
}

Secret Io::read_password(const PasswordSource& source, std::string_view subject,
                         bool confirm) const {
    os::forbid_core_dumps();
    if (!source.file.empty()) {
        std::string text = os::read_secret_file(source.file, kMaxPasswordSize);
        strip_line_end(text);
        return take_secret(text);
    }
    if (!source.env.empty()) {
        auto value = os::getenv(source.env);
        if (!value) {
            throw Error(Errc::InvalidArgument,
                        "environment variable " + in_quotes(source.env) + " is not set");
        }
        return take_secret(*value);
    }
    if (source.from_stdin) {
        auto line = os::read_stdin_line(kMaxPasswordSize);
        if (!line) {
            throw Error(Errc::BadPassword, "no password on standard input");
        }
        return take_secret(*line);
    }
    const std::string prompt = "Password for " + std::string(subject) + ": ";
    auto first = os::prompt_hidden(prompt);
    if (!first) {
        throw Error(Errc::BadPassword, std::string(subject) + ": a password is needed", {},
                    "give it with --" + source.prefix + "-file FILE, --" + source.prefix +
                        "-env VAR or --" + source.prefix + "-stdin");
    }
    Secret password = take_secret(*first);
    if (confirm) {
        auto second = os::prompt_hidden("Again: ");
        const Secret repeated = second ? take_secret(*second) : Secret();
        if (repeated.reveal() != password.reveal()) {
            throw Error(Errc::BadPassword, "the two passwords differ");
        }
    }
    return password;
}

PasswordProvider Io::password_provider(const PasswordSource& source) const {
    const bool has_source = !source.file.empty() || !source.env.empty() || source.from_stdin;
    if (!has_source) {
        return [this](std::string_view subject) -> std::optional<Secret> {
            os::forbid_core_dumps();
            auto answer = os::prompt_hidden("Password for " + in_quotes(subject) + ": ");
            if (!answer) {
                return std::nullopt;
            }
            return take_secret(*answer);
        };
    }
    // Read once, on first need, then hand out copies: stdin cannot be read twice.
    auto cached = std::make_shared<std::optional<Secret>>();
    return [this, source, cached](std::string_view subject) -> std::optional<Secret> {
        if (!cached->has_value()) {
            *cached = read_password(source, subject);
        }
        return (*cached)->clone();
    };
}

Progress Io::progress(std::string label, std::size_t total) const {
    return {stderr_is_terminal() && !m_settings.quiet, std::move(label), total};
}

}  // namespace smimekit::cli
