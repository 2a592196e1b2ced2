// SPDX-License-Identifier: Apache-2.0
// bench_contacts_raw --list LISTFILE DB: the raw limit of an inventory import, which
// bench/contacts.sh compares `smimekit contacts import` against: one thread reads each DER file,
// parses it (d2i_X509), takes the columns an inventory needs (SHA-256, subject and issuer as
// RFC 2253 text, serial, validity) and inserts a row with a prepared statement, all in one
// transaction of a fresh WAL database. No contact model, no duplicate handling, no batches.
//
// Prints "key value" lines on stdout (files, seconds, cpu_seconds, us_per_file,
// certs_per_second, db_bytes). Exit 1 if a file is not one DER certificate or SQLite fails.

#include "common.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using bench::FilePtr;
using bench::Owned;
using bench::read_file;
using bench::read_list;

void close_file(std::FILE* file) noexcept {
    static_cast<void>(std::fclose(file));
}
void free_openssl(char* text) noexcept {
    OPENSSL_free(text);
}
void close_db(sqlite3* db) noexcept {
    static_cast<void>(::sqlite3_close_v2(db));
}
void finalize(sqlite3_stmt* statement) noexcept {
    static_cast<void>(::sqlite3_finalize(statement));
}

using X509Ptr = Owned<X509, &::X509_free>;
using EvpMdPtr = Owned<EVP_MD, &::EVP_MD_free>;
using BioPtr = Owned<BIO, &::BIO_free_all>;
using BignumPtr = Owned<BIGNUM, &::BN_free>;
using OpensslText = Owned<char, &free_openssl>;
using DbPtr = Owned<sqlite3, &close_db>;
using StatementPtr = Owned<sqlite3_stmt, &finalize>;



void check_sqlite(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        throw std::runtime_error(std::string(what) + ": " + ::sqlite3_errmsg(db));
    }
}

std::string name_text(const X509_NAME* name) {
    const BioPtr bio(::BIO_new(::BIO_s_mem()));
    if (!bio || ::X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        throw std::runtime_error("X509_NAME_print_ex failed");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

std::int64_t unix_time(const ASN1_TIME* time) {
    std::tm tm{};
    if (::ASN1_TIME_to_tm(time, &tm) != 1) {
        throw std::runtime_error("bad time");
    }
    return static_cast<std::int64_t>(::timegm(&tm));
}

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string text;
    text.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        text += kDigits[data[i] >> 4U];
        text += kDigits[data[i] & 0x0FU];
    }
    return text;
}

int run(const std::vector<std::string>& paths, const std::string& db_path) {
    std::filesystem::remove(db_path);
    std::filesystem::remove(db_path + "-wal");
    std::filesystem::remove(db_path + "-shm");
    const EvpMdPtr sha256(::EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!sha256) {
        throw std::runtime_error("EVP_MD_fetch SHA256 failed");
    }
    std::vector<unsigned char> der;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};

    const auto started = std::chrono::steady_clock::now();
    const std::clock_t cpu_started = std::clock();

    sqlite3* raw_db = nullptr;
    const int open_rc = ::sqlite3_open(db_path.c_str(), &raw_db);
    const DbPtr db(raw_db);
    check_sqlite(db.get(), open_rc, "open");
    check_sqlite(db.get(),
                 ::sqlite3_exec(db.get(),
                                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                "CREATE TABLE certificates (id INTEGER PRIMARY KEY, sha256 TEXT "
                                "NOT NULL UNIQUE, der BLOB NOT NULL, subject TEXT NOT NULL, issuer "
                                "TEXT NOT NULL, serial TEXT NOT NULL, not_before INTEGER NOT NULL, "
                                "not_after INTEGER NOT NULL);"
                                "CREATE INDEX certificates_not_after ON certificates (not_after);"
                                "BEGIN IMMEDIATE;",
                                nullptr, nullptr, nullptr),
                 "schema");
    sqlite3_stmt* raw_insert = nullptr;
    check_sqlite(db.get(),
                 ::sqlite3_prepare_v2(db.get(),
                                      "INSERT INTO certificates (sha256, der, subject, issuer, "
                                      "serial, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                      -1, &raw_insert, nullptr),
                 "prepare");
    const StatementPtr insert(raw_insert);

    for (const std::string& path : paths) {
        read_file(path, der);
        const unsigned char* cursor = der.data();
        const X509Ptr certificate(::d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
        if (!certificate || cursor != der.data() + der.size()) {
            throw std::runtime_error(path + " is not one DER certificate");
        }
        unsigned int size = 0;
        if (::EVP_Digest(der.data(), der.size(), digest.data(), &size, sha256.get(), nullptr) != 1) {
            throw std::runtime_error("SHA-256 failed on " + path);
        }
        const std::string fingerprint = hex(digest.data(), size);
        const std::string subject = name_text(::X509_get_subject_name(certificate.get()));
        const std::string issuer = name_text(::X509_get_issuer_name(certificate.get()));
        const BignumPtr serial_number(
            ::ASN1_INTEGER_to_BN(::X509_get0_serialNumber(certificate.get()), nullptr));
        const OpensslText serial(serial_number ? ::BN_bn2hex(serial_number.get()) : nullptr);
        if (!serial) {
            throw std::runtime_error("bad serial in " + path);
        }
        sqlite3_stmt* s = insert.get();
        ::sqlite3_reset(s);
        ::sqlite3_bind_text(s, 1, fingerprint.data(), static_cast<int>(fingerprint.size()), SQLITE_TRANSIENT);
        ::sqlite3_bind_blob(s, 2, der.data(), static_cast<int>(der.size()), SQLITE_TRANSIENT);
        ::sqlite3_bind_text(s, 3, subject.data(), static_cast<int>(subject.size()), SQLITE_TRANSIENT);
        ::sqlite3_bind_text(s, 4, issuer.data(), static_cast<int>(issuer.size()), SQLITE_TRANSIENT);
        ::sqlite3_bind_text(s, 5, serial.get(), -1, SQLITE_TRANSIENT);
        ::sqlite3_bind_int64(s, 6, unix_time(::X509_get0_notBefore(certificate.get())));
        ::sqlite3_bind_int64(s, 7, unix_time(::X509_get0_notAfter(certificate.get())));
        check_sqlite(db.get(), ::sqlite3_step(s), "insert");
    }
    check_sqlite(db.get(), ::sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr), "commit");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double cpu_seconds =
        static_cast<double>(std::clock() - cpu_started) / static_cast<double>(CLOCKS_PER_SEC);

    std::cout << "files " << paths.size() << '\n'
              << "seconds " << std::fixed << std::setprecision(6) << seconds << '\n'
              << "cpu_seconds " << cpu_seconds << '\n'
              << "us_per_file " << std::setprecision(2)
              << seconds * 1e6 / static_cast<double>(paths.size()) << '\n'
              << "certs_per_second " << std::setprecision(0)
              << static_cast<double>(paths.size()) / seconds << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (args.size() != 3 || args[0] != "--list") {
            std::cerr << "usage: bench_contacts_raw --list LISTFILE DB\n";
            return 2;
        }
        const std::vector<std::string> paths = read_list(args[1]);
        const int rc = run(paths, args[2]);
        std::error_code ignored;
        std::cout << "db_bytes " << std::filesystem::file_size(args[2], ignored) << '\n';
        return rc;
    } catch (const std::exception& error) {
        std::cerr << "bench_contacts_raw: " << error.what() << '\n';
        return 1;
    }
}
