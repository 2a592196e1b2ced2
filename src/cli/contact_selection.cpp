// SPDX-License-Identifier: Apache-2.0
// EMAIL... or every contact (contact_selection.hpp).
#include "cli/contact_selection.hpp"

#include <algorithm>

namespace smimekit::cli {

void visit_contacts(const InventoryDb& db, const std::vector<std::string>& emails,
                    const std::function<void(const Contact&)>& visit) {
    if (emails.empty()) {
        db.visit(ContactQuery{}, visit);
        return;
    }
    std::vector<Contact> named;
    for (const std::string& email : emails) {
        std::optional<Contact> contact = db.find(email);
        if (!contact) {
            throw Error(Errc::NotFound, "no contact " + in_quotes(email) + " in " + in_quotes(db.path()));
        }
        if (std::none_of(named.begin(), named.end(),
                         [&](const Contact& other) { return other.email == contact->email; })) {
            named.push_back(std::move(*contact));
        }
    }
    for (const Contact& contact : named) {
        visit(contact);
    }
}

}  // namespace smimekit::cli
