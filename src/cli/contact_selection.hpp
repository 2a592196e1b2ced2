// SPDX-License-Identifier: Apache-2.0
// Which contacts a command works on: those named by address (EMAIL...), or all of them (--all),
// shared by the commands that read the whole inventory (exchange contacts, exchange diff,
// contacts verify).
#pragma once

#include <smimekit/inventory.hpp>

#include <functional>
#include <string>
#include <vector>

namespace smimekit::cli {

/**
 * Calls `visit` for each contact of `emails`, in the order given (a contact named twice is
 * visited once), or for every contact in address order when `emails` is empty: memory stays
 * flat however large the inventory is. Throws Error{NotFound} naming the inventory for an
 * address that is no contact's, before visiting any.
 */
void visit_contacts(const InventoryDb& db, const std::vector<std::string>& emails,
                    const std::function<void(const Contact&)>& visit);

}  // namespace smimekit::cli
