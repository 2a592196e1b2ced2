// SPDX-License-Identifier: Apache-2.0
// --pool / --trust / --system-roots, shared by chain, check, exchange and contacts commands.
#include "cli/trust_options.hpp"
#include "cli/os.hpp"
#include "cli/render.hpp"

namespace smimekit::cli {

void TrustOptions::declare(OptionSet& options) {
    options.visible.add_options()
        ("pool", po::value(&pool)->value_name("PATH"),
         "certificates to build chains from: a file (PEM bundle, .p7b, .sst, ...) or a directory; "
         "repeatable")
        ("trust", po::value(&trust)->value_name("PATH"),
         "trust anchors: a file or a directory of certificates; repeatable")
        ("system-roots", po::bool_switch(&system_roots),
         "trust the operating system's root certificates");
}

void TrustOptions::validate() const {
    if (trust.empty() && !system_roots) {
        throw usage::need_one_of({"trust", "system-roots"});
    }
}

Store TrustOptions::load_anchors(Io& io) const {
    Store anchors;
    LoadOptions options;
    options.keys = false;
    std::vector<std::string> paths = trust;
    for (const std::string& path : trust) {
        for (const Error& skipped : anchors.add_path(path, options)) {
            io.warn(std::string(skipped.what()) + " (skipped)");
        }
    }
    if (system_roots) {
        const auto bundle = os::system_trust_bundle();
        if (!bundle) {
            throw Error(Errc::NotFound, "no system trust store found", {},
                        "install ca-certificates, or name anchors with --trust");
        }
        anchors.add_path(*bundle, options);
        paths.push_back(*bundle);
    }
    if (anchors.empty()) {
        throw Error(Errc::Malformed, quoted_list(paths) + ": no trust anchor certificate found");
    }
    return anchors;
}

Store TrustOptions::load_pool(Io& io, const LoadOptions& options) const {
    Store store;
    // A path the user named that cannot be read is an error, as for --trust: a warning and an
    // "incomplete chain" verdict would blame the chain for a typo in --pool. Files that fail
    // inside a named directory are only skipped.
    for (const std::string& path : pool) {
        for (const Error& skipped : store.add_path(path, options)) {
            io.warn(std::string(skipped.what()) + " (skipped)");
        }
    }
    return store;
}

Certificate load_leaf(const std::string& path, const LoadOptions& options,
                      std::vector<Certificate>& companions) {
    LoadOptions certificates_only = options;
    certificates_only.keys = false;
    LoadedFile file = load_file(path, certificates_only);
    if (file.certificates.empty()) {
        throw Error(Errc::Malformed, in_quotes(path) + ": holds no certificate");
    }
    // load_file puts a .p12's key certificate first; for other files the leaf comes first.
    companions.assign(file.certificates.begin() + 1, file.certificates.end());
    return file.certificates.front();
}

}  // namespace smimekit::cli
