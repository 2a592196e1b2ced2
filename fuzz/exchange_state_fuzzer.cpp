// SPDX-License-Identifier: Apache-2.0
// Fuzz target "exchange_state": the reader of the PowerShell state file (exchange diff), both
// ways it runs: from memory (parse_exchange_state) and streamed from a file
// (load_exchange_state). The two must agree on every input. A state that parses is then
// compared with an inventory holding two contacts (diff_exchange_state), which parses the
// published certificates.
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/exchange_state.hpp>
#include <smimekit/inventory.hpp>

#include <optional>
#include <string_view>

namespace {

using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target

const std::vector<Contact>& contacts() {
    static const std::vector<Contact> list = [] {
        InventoryDb db(":memory:");
        const std::vector<Certificate> certificates = {
            load_certificate(fuzz::fixture_path("users/alice.der")),
            load_certificate(fuzz::fixture_path("users/bob-ec.der")),
        };
        (void)db.add(certificates, AddOptions{}, fuzz::fixed_time());
        ContactQuery query;
        query.now = fuzz::fixed_time();
        return db.contacts(query);
    }();
    return list;
}

bool same(const ExchangeState& a, const ExchangeState& b) {
    if (a.recipients.size() != b.recipients.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.recipients.size(); ++i) {
        const PublishedRecipient& x = a.recipients[i];
        const PublishedRecipient& y = b.recipients[i];
        if (x.identity != y.identity || x.address != y.address ||
            x.certificates != y.certificates) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);  // NOLINT: bytes as text
    std::optional<ExchangeState> from_memory;
    try {
        from_memory = parse_exchange_state(json, "input");
    } catch (const Error& error) {
        fuzz::fuzz_assert(error.code() == Errc::Malformed, "a state error that is not Malformed");
    }
    std::optional<ExchangeState> from_file;
    try {
        from_file = load_exchange_state(fuzz::write_scratch_file(fuzz::input(data, size)));
    } catch (const Error& error) {
        fuzz::fuzz_assert(error.code() == Errc::Malformed, "a state error that is not Malformed");
    }
    fuzz::fuzz_assert(from_memory.has_value() == from_file.has_value(),
                      "parse_exchange_state and load_exchange_state disagree on validity");
    if (!from_memory) {
        return 0;
    }
    fuzz::fuzz_assert(same(*from_memory, *from_file),
                      "parse_exchange_state and load_exchange_state read different states");
    const DriftReport report = diff_exchange_state(*from_memory, contacts());
    (void)report.differs();
    return 0;
}
