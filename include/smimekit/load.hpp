// SPDX-License-Identifier: Apache-2.0
// Any input file to certificates and keys: the format is recognised from the bytes, never from
// the file name.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/certificate.hpp"
#include "smimekit/crl.hpp"
#include "smimekit/error.hpp"
#include "smimekit/pkcs12.hpp"
#include "smimekit/private_key.hpp"
#include "smimekit/secret.hpp"
#include "smimekit/sst.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

enum class FileFormat {
    DerCertificate,   ///< one DER X.509 certificate
    PemCertificates,  ///< PEM text with one or more certificates (and perhaps keys)
    Pkcs7,            ///< PKCS#7/CMS SignedData "certs-only" (.p7b/.p7c), DER, BER or PEM
    Pkcs12,           ///< .p12/.pfx
    Sst,              ///< Microsoft serialized certificate store
    PrivateKey,       ///< PEM or DER key (PKCS#8 plain or encrypted, or traditional)
    Crl,              ///< one DER CRL or PEM "X509 CRL" blocks (no certificates)
    Unknown,
};

/// "DER certificate", "PEM", "PKCS#7", "PKCS#12", ".sst", "private key", "CRL", "unknown".
std::string_view format_name(FileFormat format) noexcept;

/// Recognises the format from the first bytes and the outer structure (cheap: no full parse).
FileFormat detect_format(BytesView bytes) noexcept;

struct LoadOptions {
    /// Asked when a .p12 or key needs a password that is neither absent nor empty.
    PasswordProvider password;
    /// Read keys (from .p12, PEM and key files). Off: a .p12 still needs its password to reach
    /// its certificates when they are encrypted, but keys are dropped at once.
    bool keys = true;
};

/// Everything one file holds.
struct LoadedFile {
    std::string name;  ///< the path (or the name given for bytes)
    FileFormat format = FileFormat::Unknown;
    std::vector<Certificate> certificates;
    std::vector<PrivateKey> keys;
    std::vector<Crl> crls;             ///< CRLs met (a CRL file, or PEM blocks beside certificates)
    std::optional<Pkcs12Info> pkcs12;  ///< set for a .p12: protection, names, platforms
    std::optional<SstStore> sst;       ///< set for a .sst: properties, CRLs, warnings
    std::vector<std::string> warnings;
};

/**
 * Loads every certificate and key from `bytes`, named `name` in errors. Throws Error with the
 * message "'name': ...":
 *  - Malformed "not a certificate, key, PKCS#7, PKCS#12 or .sst file" for anything unknown,
 *    or a specific cause for a damaged file of a known kind;
 *  - BadPassword, Unsupported as read_pkcs12 and PrivateKey do.
 */
LoadedFile load_bytes(BytesView bytes, std::string_view name, const LoadOptions& options = {});

/// Reads `path` (refusing files over 64 MiB before reading) and loads it like load_bytes.
/// File errors are NotFound, Malformed (directory, not regular, too large) or Io.
LoadedFile load_file(const std::string& path, const LoadOptions& options = {});

/// What load_tree found under a path.
struct LoadedTree {
    std::vector<LoadedFile> files;
    /// Files found inside a directory that could not be loaded (not a certificate file, wrong
    /// password, unreadable), each error naming its file. They do not stop the walk.
    std::vector<Error> skipped;
};

/**
 * Loads `path`, or, when it is a directory, every regular file under it (recursively, sorted,
 * hidden names skipped). Errors about `path` itself are thrown as load_file throws them; a file
 * found inside a directory that fails is recorded in `skipped` instead.
 */
LoadedTree load_tree(const std::string& path, const LoadOptions& options = {});

/// Loads `path`, which must be a .sst store: Errc::Malformed "'path': not a .sst store (it is
/// DER certificate)" for any other format.
LoadedFile load_sst_file(const std::string& path);

/// Every certificate in `path`, of any format.
std::vector<Certificate> load_certificates(const std::string& path,
                                           const LoadOptions& options = {});

/// Exactly one certificate from `path`; Errc::Malformed naming the count otherwise. A .p12
/// with a key gives the key's certificate.
Certificate load_certificate(const std::string& path, const LoadOptions& options = {});

}  // namespace smimekit
