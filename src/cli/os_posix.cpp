// SPDX-License-Identifier: Apache-2.0
// The POSIX side of os.hpp (Linux first; macOS differs only in the no-replace rename).
#include "cli/os.hpp"

#include <smimekit/error.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace smimekit::cli::os {
namespace {

// ---- signal-safe registry of temporary files --------------------------------------------
// The handler may only call async-signal-safe functions, so paths live in fixed buffers and a
// slot is published (flag set) only after its path is complete.
constexpr std::size_t kSlots = 32;
constexpr std::size_t kPathMax = 4096;
struct Slot {
    std::atomic<bool> used{false};
    std::array<char, kPathMax> path{};
};
std::array<Slot, kSlots> g_temp_files;

// The one batch of temporary files (begin_temp_batch): a directory, and how many numbered
// files in it may exist. The count is raised before a file is created, so the handler may try
// to remove one that does not exist yet, never miss one that does.
struct BatchSlot {
    std::atomic<bool> used{false};
    std::atomic<std::size_t> count{0};
    std::array<char, kPathMax> directory{};
};
BatchSlot g_batch;

// The longest decimal index of a batch file (std::size_t has at most 20 digits).
constexpr std::size_t kDigitsMax = 20;

/// "<directory>/<index>" into `out`, with async-signal-safe code only (no allocation).
/// False if it does not fit.
bool batch_file_path(const char* directory, std::size_t index,
                     std::array<char, kPathMax>& out) noexcept {
    std::size_t length = std::strlen(directory);
    if (length + 1 + kDigitsMax + 1 > out.size()) {
        return false;
    }
    std::memcpy(out.data(), directory, length);
    out[length++] = '/';
    std::array<char, kDigitsMax> digits{};
    std::size_t count = 0;
    do {
        digits[count++] = static_cast<char>('0' + index % 10);
        index /= 10;
    } while (index != 0);
    while (count > 0) {
        out[length++] = digits[--count];
    }
    out[length] = '\0';
    return true;
}

void remove_batch_files() noexcept {
    if (!g_batch.used.load()) {
        return;
    }
    std::array<char, kPathMax> path{};
    const std::size_t count = g_batch.count.load();
    for (std::size_t index = 0; index < count; ++index) {
        if (batch_file_path(g_batch.directory.data(), index, path)) {
            ::unlink(path.data());
        }
    }
    ::rmdir(g_batch.directory.data());
}

// The terminal state to restore if a signal arrives while a prompt has echo turned off.
std::atomic<int> g_tty_fd{-1};
struct termios g_saved_tty{};

extern "C" void cleanup_and_die(int signal_number) {
    for (Slot& slot : g_temp_files) {
        if (slot.used.load()) {
            ::unlink(slot.path.data());
        }
    }
    remove_batch_files();
    const int tty = g_tty_fd.load();
    if (tty >= 0) {
        ::tcsetattr(tty, TCSAFLUSH, &g_saved_tty);
    }
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
}

// Output files are only created on the main thread; the handler is the only concurrent reader.
void register_temp_file(const std::string& path) noexcept {
    if (path.size() >= kPathMax) {
        return;  // not removable on a signal; still removed on every normal exit path
    }
    for (Slot& slot : g_temp_files) {
        if (!slot.used.load()) {
            std::memcpy(slot.path.data(), path.c_str(), path.size() + 1);
            slot.used.store(true);  // publish only once the path is complete
            return;
        }
    }
}

[[noreturn]] void throw_io(const std::string& path, std::string_view action, int error_number) {
    throw Error(Errc::Io, in_quotes(path) + ": " + std::string(action) + ": " +
                              std::strerror(error_number));
}

constexpr std::array kCleanupSignals{SIGINT, SIGTERM, SIGHUP};

/// Blocks the clean-up signals while it lives, so that a temporary file is never created
/// without being registered (a signal in between would leave it behind).
class CleanupSignalsBlocked final {
public:
    CleanupSignalsBlocked() noexcept {
        sigset_t blocked;
        ::sigemptyset(&blocked);
        for (const int signal_number : kCleanupSignals) {
            ::sigaddset(&blocked, signal_number);
        }
        ::pthread_sigmask(SIG_BLOCK, &blocked, &m_saved);
    }
    CleanupSignalsBlocked(const CleanupSignalsBlocked&) = delete;
    CleanupSignalsBlocked& operator=(const CleanupSignalsBlocked&) = delete;
    CleanupSignalsBlocked(CleanupSignalsBlocked&&) = delete;
    CleanupSignalsBlocked& operator=(CleanupSignalsBlocked&&) = delete;
    ~CleanupSignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &m_saved, nullptr); }

private:
    sigset_t m_saved{};
};

}  // namespace

void install_cleanup_handlers() {
    struct sigaction action {};
    action.sa_handler = cleanup_and_die;
    ::sigemptyset(&action.sa_mask);
    for (const int signal_number : kCleanupSignals) {
        // A signal the parent set to be ignored stays ignored: `nohup smimekit ...` must
        // survive SIGHUP, and a background job of a non-interactive shell SIGINT (POSIX
        // shells start those with SIGINT ignored).
        struct sigaction current {};
        if (::sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
            continue;
        }
        ::sigaction(signal_number, &action, nullptr);
    }
    // Past the file size limit (ulimit -f) a write then fails with EFBIG, which the writer
    // reports and cleans up after, instead of the process dying of SIGXFSZ with a core dump
    // and its temporary file left behind.
    ::signal(SIGXFSZ, SIG_IGN);
}

bool is_terminal(StdStream stream) noexcept {
    switch (stream) {
        case StdStream::In: return ::isatty(STDIN_FILENO) == 1;
        case StdStream::Out: return ::isatty(STDOUT_FILENO) == 1;
        case StdStream::Err: return ::isatty(STDERR_FILENO) == 1;
    }
    return false;
}

int terminal_width() noexcept {
    struct winsize size {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    return 80;
}

std::optional<std::string> prompt_hidden(std::string_view prompt) {
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0) {
        return std::nullopt;
    }
    struct termios saved {};
    const bool can_hide = ::tcgetattr(tty, &saved) == 0;
    if (can_hide) {
        g_saved_tty = saved;
        g_tty_fd.store(tty);
        struct termios hidden = saved;
        hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        hidden.c_lflag |= ECHONL;
        ::tcsetattr(tty, TCSAFLUSH, &hidden);
    }
    (void)!::write(tty, prompt.data(), prompt.size());
    // Reserved so that typing never reallocates: a reallocation would free a copy of the
    // password without wiping it. Longer answers still work, with that risk.
    constexpr std::size_t kExpectedMax = 1024;
    std::string answer;
    answer.reserve(kExpectedMax);
    bool got_line = false;
    char c = 0;
    while (true) {
        const ssize_t n = ::read(tty, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        if (c == '\n') {
            got_line = true;
            break;
        }
        if (c != '\r') {
            answer += c;
        }
    }
    if (can_hide) {
        ::tcsetattr(tty, TCSAFLUSH, &saved);
        g_tty_fd.store(-1);
    }
    ::close(tty);
    if (!got_line && answer.empty()) {
        return std::nullopt;
    }
    return answer;
}

std::optional<std::string> read_stdin_line(std::size_t max_size) {
    std::string line;
    // Reserved once: growing would free copies of the password without wiping them. This also
    // keeps it out of the small-string buffer, so that moving the result copies nothing.
    line.reserve(max_size);
    bool any = false;
    for (int c = std::getchar(); c != EOF; c = std::getchar()) {
        any = true;
        if (c == '\n') {
            break;
        }
        if (line.size() >= max_size) {
            secure_wipe(line.data(), line.size());
            throw Error(Errc::InvalidArgument, "standard input: line too long for a password");
        }
        line += static_cast<char>(c);
    }
    if (!any) {
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

std::string read_secret_file(const std::string& path, std::size_t max_size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error_number = errno;
        // The same verdicts as smimekit::read_file gives for every other input file.
        if (error_number == ENOENT || error_number == ENOTDIR) {
            throw Error(Errc::NotFound, in_quotes(path) + ": no such file");
        }
        if (error_number == ELOOP) {
            throw Error(Errc::Malformed, in_quotes(path) + ": too many levels of symbolic links");
        }
        throw_io(path, "cannot read", error_number);
    }
    struct stat status {};
    if (::fstat(fd, &status) != 0 || S_ISDIR(status.st_mode)) {
        ::close(fd);
        throw Error(Errc::Malformed, in_quotes(path) + ": is a directory, not a file");
    }
    std::string text;
    // Sized once, one byte beyond the limit to tell "exactly full" from "too long": growing
    // would free copies of the password without wiping them.
    text.resize(max_size + 1);
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error_number = errno;
            ::close(fd);
            secure_wipe(text.data(), got);
            throw_io(path, "cannot read", error_number);
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got > max_size) {
        secure_wipe(text.data(), got);
        throw Error(Errc::Malformed, in_quotes(path) + ": too large for a password file (the limit is " +
                                         std::to_string(max_size / 1024) + " KiB)");
    }
    text.resize(got);  // shrinking keeps the buffer: nothing is copied
    return text;
}

void forbid_core_dumps() noexcept {
    const struct rlimit none {0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

std::optional<std::string> getenv(const std::string& name) {
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): main thread
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

namespace {

/// 0600 for private files whatever the umask, else 0666 less the umask (what open() gives).
void set_output_mode(int fd, bool private_file) noexcept {
    if (private_file) {
        // A umask can only take bits away, and mkostemp already gave 0600; fchmod makes it
        // exact even under an unusual umask like 0277.
        ::fchmod(fd, S_IRUSR | S_IWUSR);
    } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, static_cast<mode_t>(0666U & ~mask));
    }
}

}  // namespace

TempFile create_temp_file_beside(const std::string& target, bool private_file) {
    const std::filesystem::path target_path(target);
    std::filesystem::path directory = target_path.parent_path();
    if (directory.empty()) {
        directory = ".";
    }
    std::string pattern =
        (directory / ("." + target_path.filename().string() + ".smimekit-XXXXXX")).string();
    int fd = -1;
    int error_number = 0;
    {
        const CleanupSignalsBlocked blocked;
        // mkostemp creates the file with O_EXCL and mode 0600 before the umask.
        fd = ::mkostemp(pattern.data(), O_CLOEXEC);
        error_number = errno;
        if (fd >= 0) {
            register_temp_file(pattern);
        }
    }
    if (fd < 0) {
        throw_io(target, "cannot create a file in " + directory.string(), error_number);
    }
    set_output_mode(fd, private_file);
    return {fd, pattern};
}

void begin_temp_batch(const std::string& directory) {
    if (g_batch.used.load()) {
        throw Error(Errc::Internal, "a second batch of output files was started");
    }
    std::string pattern = (std::filesystem::path(directory) / ".smimekit-batch-XXXXXX").string();
    if (pattern.size() + 1 + kDigitsMax + 1 > kPathMax) {
        throw Error(Errc::Io, in_quotes(directory) + ": path too long");
    }
    const CleanupSignalsBlocked blocked;
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw_io(directory, "cannot create a directory in it", errno);
    }
    std::memcpy(g_batch.directory.data(), pattern.c_str(), pattern.size() + 1);
    g_batch.count.store(0);
    g_batch.used.store(true);
}

TempFile create_batch_temp_file(std::size_t index, const std::string& target, bool private_file) {
    std::array<char, kPathMax> path{};
    if (!g_batch.used.load() || !batch_file_path(g_batch.directory.data(), index, path)) {
        throw Error(Errc::Internal, "a batch output file outside a batch");
    }
    if (g_batch.count.load() <= index) {
        g_batch.count.store(index + 1);
    }
    const int fd = ::open(path.data(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        throw_io(target, "cannot create a file in " + std::string(g_batch.directory.data()),
                 errno);
    }
    set_output_mode(fd, private_file);
    return {fd, path.data()};
}

void temp_batch_emptied() noexcept {
    g_batch.count.store(0);
}

void end_temp_batch() noexcept {
    remove_batch_files();
    g_batch.used.store(false);
}

void sync_file_system_of(const std::string& directory) {
#ifdef __linux__
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throw_io(directory, "cannot write", errno);
    }
    const int result = ::syncfs(fd);
    const int error_number = errno;
    ::close(fd);
    if (result != 0) {
        throw_io(directory, "cannot write", error_number);
    }
#else
    static_cast<void>(directory);
    ::sync();  // POSIX has no per-file-system sync; this one also waits on other disks
#endif
}

void sync_directory(const std::string& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throw_io(directory, "cannot write", errno);
    }
    // Some file systems cannot sync a directory (EINVAL); their renames are as durable as
    // they get.
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const int error_number = errno;
        ::close(fd);
        throw_io(directory, "cannot write", error_number);
    }
    ::close(fd);
}

void close_checked(int fd, const std::string& path) {
    if (::close(fd) != 0) {
        throw_io(path, "cannot write", errno);
    }
}

void unregister_temp_file(const std::string& path) noexcept {
    for (Slot& slot : g_temp_files) {
        if (slot.used.load() && path == slot.path.data()) {
            slot.used.store(false);
            return;
        }
    }
}

void write_all(int fd, BytesView bytes, const std::string& path) {
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_io(path, "cannot write", errno);
        }
        written += static_cast<std::size_t>(n);
    }
}

void sync_and_close(int fd, const std::string& path) {
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const int error_number = errno;
        ::close(fd);
        throw_io(path, "cannot write", error_number);
    }
    if (::close(fd) != 0) {
        throw_io(path, "cannot write", errno);
    }
}

void close_quietly(int fd) noexcept {
    if (fd >= 0) {
        ::close(fd);
    }
}

void remove_quietly(const std::string& path) noexcept {
    if (!path.empty()) {
        ::unlink(path.c_str());
    }
}

void rename_file(const std::string& from, const std::string& to, bool replace) {
    if (replace) {
        if (::rename(from.c_str(), to.c_str()) != 0) {
            throw_io(to, "cannot write", errno);
        }
        return;
    }
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
        return;
    }
    if (errno == EEXIST) {
        throw Error(Errc::Io, in_quotes(to) + ": already exists", {},
                    "use --force to replace it, or choose another output name");
    }
    if (errno != EINVAL && errno != ENOSYS) {
        throw_io(to, "cannot write", errno);
    }
    // The file system has no RENAME_NOREPLACE: link() fails on an existing name, atomically.
    if (::link(from.c_str(), to.c_str()) != 0) {
        if (errno == EEXIST) {
            throw Error(Errc::Io, in_quotes(to) + ": already exists", {},
                        "use --force to replace it, or choose another output name");
        }
        throw_io(to, "cannot write", errno);
    }
    ::unlink(from.c_str());
}

bool path_exists(const std::string& path) noexcept {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

std::optional<std::string> system_trust_bundle() {
    // Debian/Ubuntu, Fedora/RHEL, openSUSE, Alpine/macOS (Homebrew and the system's cert.pem).
    for (const char* candidate : {"/etc/ssl/certs/ca-certificates.crt",
                                  "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
                                  "/etc/ssl/cert.pem"}) {
        struct stat info {};
        if (::stat(candidate, &info) == 0 && S_ISREG(info.st_mode)) {
            return std::string(candidate);
        }
    }
    return std::nullopt;
}

std::string user_data_directory() {
    if (const auto xdg = getenv("XDG_DATA_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
        return *xdg;
    }
    if (const auto home = getenv("HOME"); home && !home->empty()) {
        return *home + "/.local/share";
    }
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr) {
        return std::string(entry->pw_dir) + "/.local/share";
    }
    throw Error(Errc::Io, "cannot find the home directory", {}, "set HOME or XDG_DATA_HOME");
}

void create_directories(const std::string& directory) {
    // Each missing component with mode 0700 (the XDG base directory specification asks this of
    // the data directories; std::filesystem::create_directories would use 0777 & ~umask).
    std::filesystem::path partial;
    for (const auto& component : std::filesystem::path(directory)) {
        partial /= component;
        if (::mkdir(partial.c_str(), S_IRWXU) != 0 && errno != EEXIST) {
            throw_io(directory, "cannot create directory", errno);
        }
    }
}

}  // namespace smimekit::cli::os
