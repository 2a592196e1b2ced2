// SPDX-License-Identifier: Apache-2.0
// The options every chain-building command shares (--pool, --trust, --system-roots) and how
// they become a pool and a set of anchors. Anchors are never implied: the user names them.
#pragma once

#include "cli/command.hpp"

#include <smimekit/store.hpp>

#include <string>
#include <vector>

namespace smimekit::cli {

struct TrustOptions {
    std::vector<std::string> pool;
    std::vector<std::string> trust;
    bool system_roots = false;

    void declare(OptionSet& options);
    /// Throws UsageError unless --trust or --system-roots is given.
    void validate() const;

    /// The anchors: every --trust file or directory (an unreadable one is an error: exit 3),
    /// plus the system's roots with --system-roots.
    [[nodiscard]] Store load_anchors(Io& io) const;
    /// The pool: every --pool file or directory; a member that cannot be read is warned about
    /// and skipped. `extra` (certificates that came with a leaf) are added too.
    [[nodiscard]] Store load_pool(Io& io, const LoadOptions& options) const;
};

/// The leaf of a file: a .p12's key certificate, else the first certificate. The file's other
/// certificates are returned in `companions` (a PEM with the chain after the leaf, a .p12 with
/// its CAs) for the pool.
Certificate load_leaf(const std::string& path, const LoadOptions& options,
                      std::vector<Certificate>& companions);

}  // namespace smimekit::cli
