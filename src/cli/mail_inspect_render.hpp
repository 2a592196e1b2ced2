// SPDX-License-Identifier: Apache-2.0
// How `mail inspect` shows a message's S/MIME layers, as text and as JSON (docs/json.md,
// "mail inspect"), and how recipients are matched to the contacts inventory.
#pragma once

#include "cli/json.hpp"

#include <smimekit/inventory.hpp>
#include <smimekit/smime.hpp>

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace smimekit::cli {

/// A recipient's certificate as the inventory knows it.
struct InventoryMatch {
    std::string email;
    bool current = false;  ///< a current certificate of the contact (else: in its history)
};

/**
 * Finds recipients' certificates in the inventory: by issuer and serial number from the stored
 * columns (no certificate is parsed), by subject key identifier from the certificates (parsed
 * once, only when a recipient is named that way). Built at the first look-up.
 */
class InventoryIndex final {
public:
    explicit InventoryIndex(const InventoryDb& db) : m_db(db) {}
    [[nodiscard]] std::optional<InventoryMatch> find(const RecipientFacts& recipient);

private:
    const InventoryDb& m_db;
    std::optional<std::map<std::string, InventoryMatch>> m_by_issuer_serial;
    std::optional<std::map<std::string, InventoryMatch>> m_by_key_id;
};

/// The inventory's answer for a recipient: absent when there is no inventory.
using InventoryLookup = std::function<std::optional<InventoryMatch>(const RecipientFacts&)>;

/// One message as text, under its file name.
void print_mail_inspection(std::ostream& out, const std::string& path,
                           const MailInspection& inspection, const InventoryLookup& inventory);

/// One element of the "files" array of `mail inspect --json`.
Json mail_inspection_json(const std::string& path, const MailInspection& inspection,
                          const InventoryLookup& inventory);

}  // namespace smimekit::cli
