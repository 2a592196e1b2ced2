// SPDX-License-Identifier: Apache-2.0
// Any file to certificates and keys. The format comes from the bytes: users rename files, and
// Windows, OpenSSL and NSS disagree on extensions (.cer is DER or PEM, .p7c or .p7b, .pfx or .p12).
#include "smimekit/load.hpp"

#include "smimekit/error.hpp"
#include "smimekit/file.hpp"
#include "smimekit/pkcs7.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/der.hpp"
#include "detail/pem.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <thread>

namespace smimekit {
namespace {

bool is_key_label(std::string_view label) {
    return label == "PRIVATE KEY" || label == "ENCRYPTED PRIVATE KEY" ||
           label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY" || label == "DSA PRIVATE KEY";
}

bool is_pkcs7_label(std::string_view label) {
    return label == "PKCS7" || label == "CMS" || label == "PKCS #7 SIGNED DATA";
}

// The shape of a DER file from its first two levels of TLVs (X.690): enough to tell a
// certificate, a PKCS#12 PFX, a PKCS#7 ContentInfo and the key encodings apart.
FileFormat detect_der(BytesView bytes) noexcept {
    const auto outer = detail::read_der_header(bytes, 0);
    if (!outer || outer->tag != 0x30) {
        return FileFormat::Unknown;
    }
    const std::size_t first_offset = outer->header_size;
    const auto first = detail::read_der_header(bytes, first_offset);
    if (!first) {
        return FileFormat::Unknown;
    }
    // PKCS#7 / CMS ContentInfo: SEQUENCE { OID signedData, [0] EXPLICIT ... }
    if (first->tag == 0x06) {
        return detail::der_oid_at(bytes, first_offset, detail::kOidPkcs7SignedData)
                   ? FileFormat::Pkcs7
                   : FileFormat::Unknown;
    }
    const std::size_t second_offset =
        first_offset + first->header_size + (first->indefinite ? 0 : first->length);
    const auto second = detail::read_der_header(bytes, second_offset);
    if (first->tag == 0x02) {
        // INTEGER first: PFX (version 3, then ContentInfo), PKCS#8 (version 0, then
        // AlgorithmIdentifier), traditional RSA (0, then INTEGER modulus), EC (1, then OCTET
        // STRING).
        const std::uint8_t version = first->length == 1 ? bytes[first_offset + first->header_size] : 0xFF;
        if (version == 3 && second && second->tag == 0x30) {
            return FileFormat::Pkcs12;
        }
        if ((version == 0 || version == 1) && second &&
            (second->tag == 0x30 || second->tag == 0x02 || second->tag == 0x04)) {
            return FileFormat::PrivateKey;
        }
        return FileFormat::Unknown;
    }
    if (first->tag == 0x30 && second) {
        // Certificate: SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, BIT STRING }
        // Encrypted PKCS#8: SEQUENCE { AlgorithmIdentifier SEQUENCE, OCTET STRING }
        if (second->tag == 0x30) {
            return FileFormat::DerCertificate;
        }
        if (second->tag == 0x04) {
            return FileFormat::PrivateKey;
        }
    }
    return FileFormat::Unknown;
}

FileFormat detect_pem(BytesView bytes) {
    std::vector<detail::PemBlock> blocks;
    try {
        blocks = detail::parse_pem(to_string(bytes));
    } catch (const Error&) {
        // Damaged PEM is still PEM: the loader reports the damage with its cause.
        return FileFormat::PemCertificates;
    }
    bool certificates = false;
    bool keys = false;
    bool crls = false;
    for (const auto& block : blocks) {
        crls = crls || block.label == "X509 CRL";
        if (is_pkcs7_label(block.label)) {
            return FileFormat::Pkcs7;
        }
        certificates = certificates || detail::is_certificate_pem_label(block.label);
        keys = keys || is_key_label(block.label);
    }
    if (certificates) {
        return FileFormat::PemCertificates;
    }
    if (keys) {
        return FileFormat::PrivateKey;
    }
    return crls ? FileFormat::Crl : FileFormat::Unknown;
}

[[noreturn]] void not_recognised(std::string_view name) {
    throw Error(Errc::Malformed,
                in_quotes(name) + ": not a certificate, key, PKCS#7, PKCS#12 or .sst file");
}

// One pass over the PEM blocks: certificates, PKCS#7 bundles and keys may share a file (openssl
// pkcs12 -nodes writes a key and its certificates together). Sets the file's format from what
// was found.
void load_pem(BytesView bytes, const LoadOptions& options, LoadedFile& file) {
    const std::string text = to_string(bytes);
    bool any_pkcs7 = false;
    bool any_key = false;
    for (const auto& block : detail::parse_pem(text)) {
        if (is_pkcs7_label(block.label)) {
            any_pkcs7 = true;
            auto certificates = decode_certs_only(block.der);
            file.certificates.insert(file.certificates.end(), certificates.begin(), certificates.end());
        } else if (is_key_label(block.label)) {
            any_key = true;
            if (options.keys) {
                file.keys.push_back(PrivateKey::from_pem(block.text, file.name, options.password));
            }
        } else if (detail::is_certificate_pem_label(block.label)) {
            file.certificates.push_back(detail::certificate_from_pem_block(block));
        } else if (block.label == "X509 CRL") {
            file.crls.push_back(Crl::from_der(block.der));
        }
    }
    if (any_pkcs7) {
        file.format = FileFormat::Pkcs7;
    } else if (!file.certificates.empty()) {
        file.format = FileFormat::PemCertificates;
    } else if (any_key) {
        file.format = FileFormat::PrivateKey;
    } else if (!file.crls.empty()) {
        file.format = FileFormat::Crl;
    } else {
        not_recognised(file.name);
    }
}

void load_pkcs12(BytesView bytes, const LoadOptions& options, LoadedFile& file) {
    Pkcs12Contents contents = read_pkcs12(bytes, file.name, options.password);
    // The key's certificate first: it is the one users mean when they name the file.
    if (contents.key_certificate) {
        file.certificates.push_back(*contents.key_certificate);
        file.certificates.insert(file.certificates.end(), contents.chain.begin(), contents.chain.end());
    } else {
        file.certificates = std::move(contents.certificates);
    }
    if (options.keys && contents.key) {
        file.keys.push_back(std::move(*contents.key));
    }
    file.pkcs12 = std::move(contents.info);
}

void load_der(BytesView bytes, const LoadOptions& options, LoadedFile& file) {
    switch (file.format) {
        case FileFormat::DerCertificate:
            // A CRL has the same outer shape as a certificate (SEQUENCE of SEQUENCE, SEQUENCE,
            // BIT STRING): when the certificate parse fails, it may be one.
            try {
                file.certificates.push_back(Certificate::from_der(bytes));
            } catch (const Error& not_a_certificate) {
                try {
                    file.crls.push_back(Crl::from_der(bytes));
                    file.format = FileFormat::Crl;
                } catch (const Error&) {
                    throw not_a_certificate;
                }
            }
            return;
        case FileFormat::PrivateKey:
            if (options.keys) {
                file.keys.push_back(PrivateKey::from_der(bytes, file.name, options.password));
            }
            return;
        case FileFormat::Pkcs7:
            file.certificates = decode_certs_only(bytes);
            return;
        case FileFormat::Pkcs12:
            load_pkcs12(bytes, options, file);
            return;
        case FileFormat::PemCertificates:
        case FileFormat::Sst:
        case FileFormat::Crl:
        case FileFormat::Unknown:
            break;
    }
    not_recognised(file.name);
}

}  // namespace

std::string_view format_name(FileFormat format) noexcept {
    switch (format) {
        case FileFormat::DerCertificate: return "DER certificate";
        case FileFormat::Crl: return "CRL";
        case FileFormat::PemCertificates: return "PEM";
        case FileFormat::Pkcs7: return "PKCS#7";
        case FileFormat::Pkcs12: return "PKCS#12";
        case FileFormat::Sst: return ".sst";
        case FileFormat::PrivateKey: return "private key";
        case FileFormat::Unknown: return "unknown";
    }
    return "unknown";
}

FileFormat detect_format(BytesView bytes) noexcept {
    if (looks_like_sst(bytes)) {
        return FileFormat::Sst;
    }
    if (!bytes.empty() && bytes[0] == 0x30) {
        return detect_der(bytes);
    }
    if (detail::looks_like_pem(bytes)) {
        try {
            return detect_pem(bytes);
        } catch (...) {
            return FileFormat::Unknown;
        }
    }
    return FileFormat::Unknown;
}

LoadedFile load_bytes(BytesView bytes, std::string_view name, const LoadOptions& options) {
    LoadedFile file;
    file.name = std::string(name);
    try {
        if (looks_like_sst(bytes)) {
            file.format = FileFormat::Sst;
            SstStore store = decode_sst(bytes);
            file.certificates = store.certificate_list();
            file.warnings = store.warnings;
            file.sst = std::move(store);
        } else if (!bytes.empty() && bytes[0] == 0x30) {
            file.format = detect_der(bytes);
            load_der(bytes, options, file);
        } else if (detail::looks_like_pem(bytes)) {
            load_pem(bytes, options, file);
        } else {
            not_recognised(name);
        }
    } catch (const Error& error) {
        throw error.about(name);
    }
    return file;
}

LoadedFile load_file(const std::string& path, const LoadOptions& options) {
    const Bytes bytes = read_file(path, kMaxCertificateFileSize);
    return load_bytes(bytes, path, options);
}

LoadedTree load_tree(const std::string& path, const LoadOptions& options) {
    LoadedTree tree;
    if (!is_directory(path)) {
        tree.files.push_back(load_file(path, options));
        return tree;
    }
    const std::vector<std::string> files = list_files_recursively(path);
    // Parsing dominates (d2i_X509 is 150-220 us a certificate in OpenSSL 3.0), so the files are
    // loaded on every core; results keep the sorted file order. The password provider may
    // prompt, so calls to it are serialised.
    std::mutex password_mutex;
    LoadOptions shared = options;
    if (options.password) {
        shared.password = [&password_mutex, &options](std::string_view subject) {
            const std::lock_guard<std::mutex> lock(password_mutex);
            return options.password(subject);
        };
    }
    std::vector<std::optional<LoadedFile>> loaded(files.size());
    std::vector<std::optional<Error>> failed(files.size());
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
        for (std::size_t i = next++; i < files.size(); i = next++) {
            try {
                loaded[i] = load_file(files[i], shared);
            } catch (const Error& error) {
                failed[i] = error;
            } catch (const std::exception& error) {
                failed[i] = Error(Errc::Internal, in_quotes(files[i]) + ": " + error.what());
            }
        }
    };
    const std::size_t threads =
        std::min<std::size_t>(std::max(1U, std::thread::hardware_concurrency()), (files.size() + 63) / 64);
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) {
        pool.emplace_back(worker);
    }
    worker();
    for (std::thread& thread : pool) {
        thread.join();
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (loaded[i]) {
            tree.files.push_back(std::move(*loaded[i]));
        } else if (failed[i]) {
            tree.skipped.push_back(std::move(*failed[i]));
        }
    }
    return tree;
}

LoadedFile load_sst_file(const std::string& path) {
    LoadedFile file = load_file(path);
    if (file.format != FileFormat::Sst) {
        throw Error(Errc::Malformed,
                    in_quotes(path) + ": not a .sst store (it is " +
                        std::string(format_name(file.format)) + ")",
                    {}, "use 'smimekit inspect' for other formats");
    }
    return file;
}

std::vector<Certificate> load_certificates(const std::string& path, const LoadOptions& options) {
    LoadOptions without_keys = options;
    without_keys.keys = false;
    return load_file(path, without_keys).certificates;
}

Certificate load_certificate(const std::string& path, const LoadOptions& options) {
    LoadedFile file = load_file(path, options);
    if (file.pkcs12 && file.pkcs12->key_matches_certificate) {
        return file.certificates.front();  // the key's certificate (load_pkcs12 puts it first)
    }
    if (file.certificates.size() != 1) {
        throw Error(Errc::Malformed, in_quotes(path) + ": expected one certificate, found " +
                                         std::to_string(file.certificates.size()));
    }
    return file.certificates.front();
}

}  // namespace smimekit
