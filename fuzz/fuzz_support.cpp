// SPDX-License-Identifier: Apache-2.0
// Shared fixtures and "touch everything" helpers of the fuzz targets (fuzz_support.hpp).
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/private_key.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#ifndef SMIMEKIT_FUZZ_CERTS_DIR
#error "SMIMEKIT_FUZZ_CERTS_DIR must name certs-test/"
#endif

namespace smimekit::fuzz {
namespace {

/// A private directory for the process, removed when it exits normally (libFuzzer's -runs and
/// -max_total_time end with exit(), which runs this destructor).
class ScratchDir final {
public:
    ScratchDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "smimekit-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("smimekit fuzz: mkdtemp");
            std::abort();
        }
        m_path = pattern;
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    ScratchDir(ScratchDir&&) = delete;
    ScratchDir& operator=(ScratchDir&&) = delete;
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

template <class T>
std::size_t total_size(const std::vector<T>& list) {
    std::size_t size = 0;
    for (const T& item : list) {
        size += item.size();
    }
    return size;
}

// The results are summed into a volatile sink so that no call can be optimised away.
volatile std::size_t g_sink = 0;

}  // namespace

TimePoint fixed_time() {
    return parse_time("2030-01-01T00:00:00Z");
}

std::string fixture_path(std::string_view name) {
    return std::string(SMIMEKIT_FUZZ_CERTS_DIR) + "/" + std::string(name);
}

PasswordProvider test_password() {
    return [](std::string_view) -> std::optional<Secret> { return Secret(std::string("test1234")); };
}

std::string write_scratch_file(BytesView bytes, std::string_view name) {
    static const ScratchDir directory;
    const std::filesystem::path path = directory.path() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT: byte buffer as chars
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    fuzz_assert(!out.fail(), "cannot write the scratch file");
    return path.string();
}

void fuzz_assert(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "smimekit fuzz: property violated: %s\n", what);
        std::abort();
    }
}

void exercise(const Certificate& certificate) {
    std::size_t sink = certificate.der().size() + certificate.subject().size() +
                       certificate.issuer().size() + certificate.subject_der().size() +
                       certificate.issuer_der().size() + certificate.common_name().size() +
                       certificate.serial_hex().size() +
                       static_cast<std::size_t>(certificate.version()) +
                       certificate.thumbprint().size() + certificate.sha256().size() +
                       certificate.public_key_der().size() +
                       certificate.signature_digest().size();
    sink += certificate.is_valid_at(fixed_time()) ? 1U : 0U;
    sink += static_cast<std::size_t>(certificate.not_before().time_since_epoch().count() -
                                     certificate.not_after().time_since_epoch().count());
    const PublicKeyInfo key = certificate.public_key();
    sink += key.name.size() + key.curve.size() + static_cast<std::size_t>(key.bits);
    sink += certificate.signature_algorithm().name.size();
    if (const auto usage = certificate.key_usage()) {
        sink += usage->names().size();
    }
    if (const auto eku = certificate.extended_key_usage()) {
        sink += eku->purposes.size() + (eku->contains("1.3.6.1.5.5.7.3.4") ? 1U : 0U);
    }
    if (const auto constraints = certificate.basic_constraints()) {
        sink += static_cast<std::size_t>(constraints->path_length.value_or(0));
    }
    sink += (certificate.is_ca() ? 1U : 0U) + (certificate.is_self_issued() ? 1U : 0U);
    sink += total_size(certificate.san_emails()) + total_size(certificate.subject_emails());
    for (const std::string& address : certificate.email_addresses()) {
        sink += email_matches(address, "alice@example.org") ? 1U : 0U;
    }
    sink += certificate.subject_key_id().value_or(Bytes{}).size() +
            certificate.authority_key_id().value_or(Bytes{}).size();
    sink += total_size(certificate.ca_issuers_urls()) + total_size(certificate.ocsp_urls()) +
            total_size(certificate.crl_urls());
    sink += certificate.policies().size() + certificate.extensions().size();

    // What we print and store must read back as the same certificate.
    fuzz_assert(Certificate::from_der(certificate.der()) == certificate, "DER round trip");
    fuzz_assert(Certificate::from_pem(certificate.pem()) == certificate, "PEM round trip");
    g_sink = g_sink + sink;
}

void exercise(const LoadedFile& file) {
    std::size_t sink = format_name(file.format).size() + file.warnings.size();
    for (const Certificate& certificate : file.certificates) {
        exercise(certificate);
    }
    for (const PrivateKey& key : file.keys) {
        sink += key.public_key().name.size() + key.public_key_der().size() +
                (key.was_encrypted() ? 1U : 0U);
        for (const Certificate& certificate : file.certificates) {
            sink += key.matches(certificate) ? 1U : 0U;
        }
    }
    for (const Crl& crl : file.crls) {
        sink += crl.der().size() + crl.issuer().size() + crl.revoked_count() +
                (crl.next_update() ? 1U : 0U) +
                static_cast<std::size_t>(crl.this_update().time_since_epoch().count());
    }
    if (file.pkcs12) {
        sink += file.pkcs12->compatibility.size() + file.pkcs12->platforms.size() +
                total_size(file.pkcs12->friendly_names);
    }
    if (file.sst) {
        for (const SstCertificate& element : file.sst->certificates) {
            sink += element.friendly_name().value_or("").size();
            for (const SstProperty& property : element.properties) {
                sink += sst_property_name(property.id).size() + sst_text_value(property.value).size();
            }
        }
        sink += file.sst->others.size() + file.sst->warnings.size();
    }
    g_sink = g_sink + sink;
}

}  // namespace smimekit::fuzz
