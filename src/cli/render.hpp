// SPDX-License-Identifier: Apache-2.0
// How certificates, keys and container details look on screen and in JSON. Shared by every
// command that shows a certificate (inspect, sst list, chain, check, contacts), so they all
// read alike; docs/json.md documents the JSON.
#pragma once

#include "cli/json.hpp"

#include <smimekit/certificate.hpp>
#include <smimekit/chain.hpp>
#include <smimekit/load.hpp>
#include <smimekit/pkcs12.hpp>
#include <smimekit/private_key.hpp>
#include <smimekit/sst.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace smimekit::cli {

/// A labelled line "  label:   value" with values aligned in one column.
void print_field(std::ostream& out, std::string_view indent, std::string_view label,
                 std::string_view value);

/// Every fact inspect shows about a certificate, one field per line under `indent`.
void print_certificate(std::ostream& out, const Certificate& certificate, TimePoint now,
                       std::string_view indent);
Json certificate_json(const Certificate& certificate, TimePoint now);

/// "valid", "expired" or "not-yet-valid" at `now`.
std::string_view validity_state(const Certificate& certificate, TimePoint now);

void print_key(std::ostream& out, const PrivateKey& key, const std::vector<Certificate>& certificates,
               std::string_view indent);
Json key_json(const PrivateKey& key, const std::vector<Certificate>& certificates);

void print_pkcs12_info(std::ostream& out, const Pkcs12Info& info, std::string_view indent);
Json pkcs12_json(const Pkcs12Info& info);

/// A property's value as text: friendly names decoded, hashes in hex, others by length.
std::string sst_property_text(const SstProperty& property);
Json sst_properties_json(const std::vector<SstProperty>& properties);

/// A whole loaded file as inspect shows it: the container's details (.p12 protection, .sst
/// CRLs), keys, then every certificate with its .sst properties.
void print_loaded_file(std::ostream& out, const LoadedFile& file, TimePoint now);
/// The same as one element of inspect's "files" array (docs/json.md). Without
/// `with_certificates` the "certificates" list is left out, for a caller that streams it.
Json loaded_file_json(const LoadedFile& file, TimePoint now, bool with_certificates = true);
/// Element `index` of that "certificates" list: the certificate and its .sst properties.
Json loaded_certificate_json(const LoadedFile& file, std::size_t index, TimePoint now);

/// A chain, leaf first, one line per certificate ("  1  CN=...  [trust anchor]").
void print_chain(std::ostream& out, const std::vector<Certificate>& chain, bool ends_at_anchor,
                 std::string_view indent);
Json chain_json(const std::vector<Certificate>& chain, bool ends_at_anchor);
/// A verdict: first line "<name>: valid|NOT VALID|INCOMPLETE (...)", then chain and problems.
void print_chain_result(std::ostream& out, std::string_view name, const ChainResult& result,
                        const VerifyOptions& options);
Json chain_result_json(const ChainResult& result, const VerifyOptions& options);
Json chain_problem_json(const ChainProblem& problem);
Json missing_issuer_json(const std::optional<MissingIssuer>& missing);

/// "RSA 2048", "EC P-256", "Ed25519".
std::string key_text(const PublicKeyInfo& key);
/// "1 certificate", "3 certificates".
std::string count_text(std::size_t count, std::string_view singular, std::string_view plural);
/// "'a.pem', 'certs/'": the paths a message is about, each quoted as in_quotes does.
std::string quoted_list(const std::vector<std::string>& paths);

}  // namespace smimekit::cli
