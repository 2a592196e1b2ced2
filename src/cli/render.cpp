// SPDX-License-Identifier: Apache-2.0
// Rendering of certificates, keys, .p12 protection and .sst properties, in text and JSON.
// Text is for people (aligned fields, "expires in N days"); JSON carries the same facts with
// stable keys (docs/json.md) and never depends on the terminal.
#include "cli/render.hpp"

#include <algorithm>

namespace smimekit::cli {
namespace {

constexpr std::size_t kLabelWidth = 20;

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
    std::string text;
    for (const std::string& item : items) {
        if (!text.empty()) {
            text += separator;
        }
        text += item;
    }
    return text;
}

std::string hex_or_null_text(const std::optional<Bytes>& bytes) {
    return bytes ? to_hex(*bytes, ':', HexCase::Upper) : "-";
}

Json hex_or_null(const std::optional<Bytes>& bytes) {
    return bytes ? Json(to_hex(*bytes, HexCase::Upper)) : Json(nullptr);
}

Json object_id_json(const ObjectId& id) {
    return JsonObject(2).add("oid", id.oid).add("name", id.name).done();
}

std::string encryption_text(const Pkcs12Encryption& encryption) {
    std::string text = encryption.scheme;
    if (!encryption.cipher.empty()) {
        text += ", " + encryption.cipher;
    }
    if (!encryption.kdf.empty()) {
        text += ", " + encryption.kdf;
        if (!encryption.prf.empty()) {
            text += " (" + encryption.prf + ")";
        }
    }
    text += ", " + std::to_string(encryption.iterations) + " iterations";
    return text;
}

Json encryption_json(const Pkcs12Encryption& encryption) {
    return Json{{"scheme", encryption.scheme},     {"algorithm", encryption.algorithm},
                {"cipher", encryption.cipher},     {"kdf", encryption.kdf},
                {"prf", encryption.prf},           {"iterations", encryption.iterations}};
}

std::string_view password_kind_name(Pkcs12PasswordKind kind) {
    switch (kind) {
        case Pkcs12PasswordKind::Absent: return "absent";
        case Pkcs12PasswordKind::Empty: return "empty";
        case Pkcs12PasswordKind::Given: return "given";
    }
    return "given";
}

// The index (0-based) of the certificate a key belongs to, if any.
std::optional<std::size_t> key_owner(const PrivateKey& key, const std::vector<Certificate>& certificates) {
    const auto found = std::find_if(certificates.begin(), certificates.end(),
                                    [&](const Certificate& c) { return key.matches(c); });
    if (found == certificates.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(found - certificates.begin());
}

}  // namespace

void print_field(std::ostream& out, std::string_view indent, std::string_view label,
                 std::string_view value) {
    out << indent << label << ':';
    out << std::string(label.size() + 1 < kLabelWidth ? kLabelWidth - label.size() - 1 : 1, ' ');
    out << value << '\n';
}

std::string key_text(const PublicKeyInfo& key) {
    std::string text = key.name;
    if (!key.curve.empty()) {
        text += " " + key.curve;
    } else if (key.bits > 0 && key.algorithm != KeyAlgorithm::Ed25519 &&
               key.algorithm != KeyAlgorithm::Ed448) {
        text += " " + std::to_string(key.bits);
    }
    return text;
}

std::string count_text(std::size_t count, std::string_view singular, std::string_view plural) {
    return std::to_string(count) + " " + std::string(count == 1 ? singular : plural);
}

std::string quoted_list(const std::vector<std::string>& paths) {
    std::string text;
    for (const std::string& path : paths) {
        text += (text.empty() ? "" : ", ") + in_quotes(path);
    }
    return text;
}

std::string_view validity_state(const Certificate& certificate, TimePoint now) {
    if (now < certificate.not_before()) {
        return "not-yet-valid";
    }
    if (now > certificate.not_after()) {
        return "expired";
    }
    return "valid";
}

void print_certificate(std::ostream& out, const Certificate& certificate, TimePoint now,
                       std::string_view indent) {
    print_field(out, indent, "subject", certificate.subject());
    print_field(out, indent, "issuer", certificate.issuer());
    print_field(out, indent, "serial", certificate.serial_hex());
    print_field(out, indent, "valid",
                format_rfc3339(certificate.not_before()) + " to " +
                    format_rfc3339(certificate.not_after()) + " (" +
                    describe_validity(certificate.not_before(), certificate.not_after(), now) + ")");
    print_field(out, indent, "key", key_text(certificate.public_key()));
    print_field(out, indent, "signature", certificate.signature_algorithm().name);

    const auto usage = certificate.key_usage();
    print_field(out, indent, "key usage",
                usage ? join(usage->names()) + (usage->critical ? " (critical)" : "") : "-");
    const auto eku = certificate.extended_key_usage();
    if (eku) {
        std::vector<std::string> names;
        for (const ObjectId& purpose : eku->purposes) {
            names.push_back(purpose.name);
        }
        print_field(out, indent, "extended key usage", join(names) + (eku->critical ? " (critical)" : ""));
    } else {
        print_field(out, indent, "extended key usage", "- (any purpose)");
    }
    std::vector<std::string> emails;
    for (const std::string& email : certificate.san_emails()) {
        emails.push_back(email + " (SAN)");
    }
    for (const std::string& email : certificate.subject_emails()) {
        emails.push_back(email + " (subject)");
    }
    print_field(out, indent, "e-mail", emails.empty() ? "-" : join(emails));

    const auto constraints = certificate.basic_constraints();
    std::string constraints_text = "-";
    if (constraints) {
        constraints_text = constraints->ca ? "CA" : "not a CA";
        if (constraints->path_length) {
            constraints_text += ", path length " + std::to_string(*constraints->path_length);
        }
        if (constraints->critical) {
            constraints_text += " (critical)";
        }
    }
    print_field(out, indent, "basic constraints", constraints_text);
    print_field(out, indent, "subject key id", hex_or_null_text(certificate.subject_key_id()));
    print_field(out, indent, "authority key id", hex_or_null_text(certificate.authority_key_id()));
    for (const std::string& url : certificate.ca_issuers_urls()) {
        print_field(out, indent, "CA issuers", url);
    }
    for (const std::string& url : certificate.ocsp_urls()) {
        print_field(out, indent, "OCSP", url);
    }
    for (const std::string& url : certificate.crl_urls()) {
        print_field(out, indent, "CRL", url);
    }
    for (const ExtensionInfo& extension : certificate.extensions()) {
        if (extension.critical && !extension.recognised) {
            print_field(out, indent, "unknown critical", extension.id.oid);
        }
    }
    print_field(out, indent, "SHA-1 thumbprint", certificate.thumbprint());
    print_field(out, indent, "SHA-256", to_hex(certificate.sha256(), HexCase::Upper));
}

Json certificate_json(const Certificate& certificate, TimePoint now) {
    JsonObject json(32);
    json.add("subject", certificate.subject())
        .add("issuer", certificate.issuer())
        .add("serial", certificate.serial_hex())
        .add("version", certificate.version())
        .add("not_before", json_time(certificate.not_before()))
        .add("not_after", json_time(certificate.not_after()))
        .add("validity",
             JsonObject(3)
                 .add("state", validity_state(certificate, now))
                 .add("days_left", days_between(now, certificate.not_after()))
                 .add("text", describe_validity(certificate.not_before(), certificate.not_after(), now))
                 .done());
    const PublicKeyInfo key = certificate.public_key();
    json.add("key", JsonObject(3)
                        .add("algorithm", key.name)
                        .add("bits", key.bits)
                        .add("curve", key.curve.empty() ? Json(nullptr) : Json(key.curve))
                        .done());
    json.add("signature_algorithm", object_id_json(certificate.signature_algorithm()))
        .add("signature_digest", certificate.signature_digest());
    if (const auto usage = certificate.key_usage()) {
        json.add("key_usage",
                 JsonObject(2).add("usages", usage->names()).add("critical", usage->critical).done());
    } else {
        json.add("key_usage", nullptr);
    }
    if (const auto eku = certificate.extended_key_usage()) {
        Json purposes = Json::array();
        for (const ObjectId& purpose : eku->purposes) {
            purposes.push_back(object_id_json(purpose));
        }
        json.add("extended_key_usage",
                 JsonObject(2).add("purposes", std::move(purposes)).add("critical", eku->critical).done());
    } else {
        json.add("extended_key_usage", nullptr);
    }
    json.add("emails", JsonObject(2)
                           .add("san", certificate.san_emails())
                           .add("subject", certificate.subject_emails())
                           .done());
    if (const auto constraints = certificate.basic_constraints()) {
        json.add("basic_constraints",
                 JsonObject(3)
                     .add("ca", constraints->ca)
                     .add("path_length", constraints->path_length ? Json(*constraints->path_length)
                                                                  : Json(nullptr))
                     .add("critical", constraints->critical)
                     .done());
    } else {
        json.add("basic_constraints", nullptr);
    }
    json.add("subject_key_id", hex_or_null(certificate.subject_key_id()))
        .add("authority_key_id", hex_or_null(certificate.authority_key_id()))
        .add("ca_issuers", certificate.ca_issuers_urls())
        .add("ocsp", certificate.ocsp_urls())
        .add("crl_distribution_points", certificate.crl_urls());
    Json policies = Json::array();
    for (const ObjectId& policy : certificate.policies()) {
        policies.push_back(object_id_json(policy));
    }
    json.add("policies", std::move(policies));
    Json extensions = Json::array();
    for (const ExtensionInfo& extension : certificate.extensions()) {
        extensions.push_back(JsonObject(4)
                                 .add("oid", extension.id.oid)
                                 .add("name", extension.id.name)
                                 .add("critical", extension.critical)
                                 .add("recognised", extension.recognised)
                                 .done());
    }
    json.add("extensions", std::move(extensions))
        .add("self_issued", certificate.is_self_issued())
        .add("sha1", certificate.thumbprint())
        .add("sha256", to_hex(certificate.sha256(), HexCase::Upper));
    return json.done();
}

void print_key(std::ostream& out, const PrivateKey& key, const std::vector<Certificate>& certificates,
               std::string_view indent) {
    std::string text = key_text(key.public_key());
    text += key.was_encrypted() ? ", stored encrypted" : ", stored in the clear";
    const auto owner = key_owner(key, certificates);
    text += owner ? ", matches certificate " + std::to_string(*owner + 1)
                  : certificates.empty() ? "" : ", matches no certificate here";
    print_field(out, indent, "private key", text);
}

Json key_json(const PrivateKey& key, const std::vector<Certificate>& certificates) {
    const PublicKeyInfo info = key.public_key();
    const auto owner = key_owner(key, certificates);
    return Json{{"algorithm", info.name},
                {"bits", info.bits},
                {"curve", info.curve.empty() ? Json(nullptr) : Json(info.curve)},
                {"encrypted", key.was_encrypted()},
                {"certificate", owner ? Json(*owner + 1) : Json(nullptr)}};
}

void print_pkcs12_info(std::ostream& out, const Pkcs12Info& info, std::string_view indent) {
    print_field(out, indent, "password", password_kind_name(info.password));
    print_field(out, indent, "friendly names",
                info.friendly_names.empty() ? "-" : join(info.friendly_names));
    if (info.certificate_encryption.empty()) {
        print_field(out, indent, "certificates", "not encrypted");
    }
    for (const Pkcs12Encryption& encryption : info.certificate_encryption) {
        print_field(out, indent, "certificates", encryption_text(encryption));
    }
    for (const Pkcs12Encryption& encryption : info.key_encryption) {
        print_field(out, indent, "key", encryption_text(encryption));
    }
    if (!info.has_key) {
        print_field(out, indent, "key", "none in this file");
    } else {
        print_field(out, indent, "key matches",
                    info.key_matches_certificate ? "yes" : "no: no certificate here has its public key");
    }
    print_field(out, indent, "MAC",
                info.mac ? info.mac->algorithm + ", " + std::to_string(info.mac->iterations) +
                               " iterations, salt " + std::to_string(info.mac->salt_length) + " bytes"
                         : "none (no integrity check)");
    print_field(out, indent, "compatibility", info.compatibility);
    for (const PlatformSupport& platform : info.platforms) {
        out << indent << "  " << (platform.can_import ? "yes  " : "no   ") << platform.platform;
        if (!platform.reason.empty()) {
            out << ": " << platform.reason;
        }
        out << '\n';
    }
}

Json pkcs12_json(const Pkcs12Info& info) {
    Json certificate_encryption = Json::array();
    for (const Pkcs12Encryption& encryption : info.certificate_encryption) {
        certificate_encryption.push_back(encryption_json(encryption));
    }
    Json key_encryption = Json::array();
    for (const Pkcs12Encryption& encryption : info.key_encryption) {
        key_encryption.push_back(encryption_json(encryption));
    }
    Json platforms = Json::array();
    for (const PlatformSupport& platform : info.platforms) {
        platforms.push_back({{"platform", platform.platform},
                             {"can_import", platform.can_import},
                             {"reason", platform.reason}});
    }
    return Json{
        {"password", password_kind_name(info.password)},
        {"friendly_names", info.friendly_names},
        {"has_key", info.has_key},
        {"key_matches_certificate", info.key_matches_certificate},
        {"certificate_encryption", certificate_encryption},
        {"key_encryption", key_encryption},
        {"mac", info.mac ? Json{{"algorithm", info.mac->algorithm},
                                {"iterations", info.mac->iterations},
                                {"salt_length", info.mac->salt_length}}
                         : Json(nullptr)},
        {"platforms", platforms},
        {"compatibility", info.compatibility},
    };
}

std::string sst_property_text(const SstProperty& property) {
    if (property.id == sst_id::kFriendlyName || property.id == sst_id::kDescription) {
        return "\"" + sst_text_value(property.value) + "\"";
    }
    if (property.value.size() <= 32) {
        return to_hex(property.value, HexCase::Upper);
    }
    return std::to_string(property.value.size()) + " bytes";
}

Json sst_properties_json(const std::vector<SstProperty>& properties) {
    Json list = Json::array();
    for (const SstProperty& property : properties) {
        list.push_back({{"id", property.id},
                        {"name", sst_property_name(property.id)},
                        {"length", property.value.size()},
                        {"value", sst_property_text(property)},
                        {"offset", property.offset}});
    }
    return list;
}

void print_loaded_file(std::ostream& out, const LoadedFile& file, TimePoint now) {
    out << file.name << ": " << format_name(file.format) << ", "
        << count_text(file.certificates.size(), "certificate", "certificates");
    if (!file.keys.empty()) {
        out << ", " << count_text(file.keys.size(), "private key", "private keys");
    }
    out << '\n';
    if (file.pkcs12) {
        print_pkcs12_info(out, *file.pkcs12, "  ");
    }
    for (const PrivateKey& key : file.keys) {
        print_key(out, key, file.certificates, "  ");
    }
    for (const Crl& crl : file.crls) {
        std::string text = "issued by " + crl.issuer() + ", " + format_rfc3339(crl.this_update());
        text += crl.next_update() ? " to " + format_rfc3339(*crl.next_update()) : ", no next update";
        text += ", " + count_text(crl.revoked_count(), "revoked certificate", "revoked certificates");
        print_field(out, "  ", "CRL", text);
    }
    if (file.sst) {
        for (const SstOtherElement& other : file.sst->others) {
            print_field(out, "  ", other.id == sst_id::kCrl ? "CRL element" : "CTL element",
                        std::to_string(other.der.size()) + " bytes at offset " +
                            std::to_string(other.offset));
        }
    }
    for (std::size_t i = 0; i < file.certificates.size(); ++i) {
        out << "\n  certificate " << i + 1 << " of " << file.certificates.size() << '\n';
        print_certificate(out, file.certificates[i], now, "    ");
        if (file.sst) {
            for (const SstProperty& property : file.sst->certificates.at(i).properties) {
                print_field(out, "    ", "property " + std::string(sst_property_name(property.id)),
                            sst_property_text(property));
            }
        }
    }
    out << '\n';
}

Json loaded_certificate_json(const LoadedFile& file, std::size_t index, TimePoint now) {
    Json certificate = certificate_json(file.certificates[index], now);
    if (file.sst) {
        certificate["sst_properties"] =
            sst_properties_json(file.sst->certificates.at(index).properties);
    }
    return certificate;
}

Json loaded_file_json(const LoadedFile& file, TimePoint now, bool with_certificates) {
    Json json;
    json["file"] = file.name;
    json["format"] = format_name(file.format);
    if (with_certificates) {
        Json certificates = Json::array();
        for (std::size_t i = 0; i < file.certificates.size(); ++i) {
            certificates.push_back(loaded_certificate_json(file, i, now));
        }
        json["certificates"] = std::move(certificates);
    }
    Json keys = Json::array();
    for (const PrivateKey& key : file.keys) {
        keys.push_back(key_json(key, file.certificates));
    }
    json["keys"] = std::move(keys);
    Json crls = Json::array();
    for (const Crl& crl : file.crls) {
        crls.push_back(JsonObject(4)
                           .add("issuer", crl.issuer())
                           .add("this_update", json_time(crl.this_update()))
                           .add("next_update", crl.next_update() ? json_time(*crl.next_update()) : Json(nullptr))
                           .add("revoked", crl.revoked_count())
                           .done());
    }
    json["crls"] = std::move(crls);
    json["pkcs12"] = file.pkcs12 ? pkcs12_json(*file.pkcs12) : Json(nullptr);
    json["warnings"] = file.warnings;
    return json;
}

void print_chain(std::ostream& out, const std::vector<Certificate>& chain, bool ends_at_anchor,
                 std::string_view indent) {
    for (std::size_t depth = 0; depth < chain.size(); ++depth) {
        out << indent << depth << "  " << chain[depth].subject();
        if (ends_at_anchor && depth + 1 == chain.size()) {
            out << "  [trust anchor]";
        }
        out << '\n';
    }
}

Json chain_json(const std::vector<Certificate>& chain, bool ends_at_anchor) {
    Json list = Json::array();
    for (std::size_t depth = 0; depth < chain.size(); ++depth) {
        const Certificate& c = chain[depth];
        list.push_back(JsonObject(7)
                           .add("depth", depth)
                           .add("subject", c.subject())
                           .add("issuer", c.issuer())
                           .add("sha1", c.thumbprint())
                           .add("not_before", json_time(c.not_before()))
                           .add("not_after", json_time(c.not_after()))
                           .add("anchor", ends_at_anchor && depth + 1 == chain.size())
                           .done());
    }
    return list;
}

Json chain_problem_json(const ChainProblem& problem) {
    return JsonObject(3)
        .add("code", problem.code)
        .add("message", problem.message)
        .add("depth", problem.depth)
        .done();
}

Json missing_issuer_json(const std::optional<MissingIssuer>& missing) {
    if (!missing) {
        return nullptr;
    }
    return JsonObject(4)
        .add("issuer", missing->issuer)
        .add("key_id", hex_or_null(missing->key_id))
        .add("ca_issuers", missing->ca_issuers_urls)
        .add("needed_by", missing->needed_by)
        .done();
}

void print_chain_result(std::ostream& out, std::string_view name, const ChainResult& result,
                        const VerifyOptions& options) {
    out << name << ": ";
    switch (result.status) {
        case ChainStatus::Valid: out << "valid"; break;
        case ChainStatus::Invalid: out << "NOT VALID"; break;
        case ChainStatus::Incomplete: out << "INCOMPLETE: no path to a trust anchor"; break;
    }
    out << " (" << purpose_name(options.purpose) << " at " << format_rfc3339(options.time) << ")\n";
    print_chain(out, result.chain, result.status != ChainStatus::Incomplete, "  ");
    for (const ChainProblem& problem : result.problems) {
        print_field(out, "  ", "problem", problem.code + ": " + problem.message);
    }
    for (const std::string& note : result.notes) {
        print_field(out, "  ", "note", note);
    }
}

Json chain_result_json(const ChainResult& result, const VerifyOptions& options) {
    Json problems = Json::array();
    for (const ChainProblem& problem : result.problems) {
        problems.push_back(chain_problem_json(problem));
    }
    return JsonObject(9)
        .add("status", chain_status_name(result.status))
        .add("valid", result.valid())
        .add("time", json_time(options.time))
        .add("purpose", purpose_name(options.purpose))
        .add("chain", chain_json(result.chain, result.status != ChainStatus::Incomplete))
        .add("problems", std::move(problems))
        .add("missing", missing_issuer_json(result.missing))
        .add("candidate_paths", result.candidate_paths)
        .add("notes", result.notes)
        .done();
}

}  // namespace smimekit::cli
