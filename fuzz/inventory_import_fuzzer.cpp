// SPDX-License-Identifier: Apache-2.0
// Fuzz target "inventory_import": contacts import of one file (any format; .p12 with the
// fixtures' password) into a fresh in-memory inventory, then the queries that read it back.
// Importing the same file again must change nothing (the import is idempotent).
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/inventory.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target
    const std::string path = smimekit::fuzz::write_scratch_file(fuzz::input(data, size), "input.bin");
    InventoryDb db(":memory:");
    ImportOptions options;
    options.password = fuzz::test_password();
    options.threads = 1;
    const ImportReport first = db.import({path}, options, fuzz::fixed_time());
    const InventoryDb::Counts counts = db.counts();
    fuzz::fuzz_assert(first.added == counts.certificates, "added != certificates stored");

    ContactQuery query;
    query.now = fuzz::fixed_time();
    for (const Contact& contact : db.contacts(query)) {
        fuzz::fuzz_assert(db.find(contact.email).has_value(), "a listed contact cannot be found");
        for (const ContactCertificate& link : contact.current) {
            fuzz::exercise(db.certificate(link.certificate.sha256));
        }
    }
    (void)db.current_certificates_as_pool();

    const ImportReport again = db.import({path}, options, fuzz::fixed_time());
    fuzz::fuzz_assert(again.added == 0 && again.updated == 0 && again.superseded == 0,
                      "importing the same file twice changed the inventory");
    return 0;
}
