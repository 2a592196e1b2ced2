// SPDX-License-Identifier: Apache-2.0
#include "cli/each_input.hpp"

namespace smimekit::cli {

ExitCode for_each_input(Io& io, const std::vector<std::string>& paths, JsonListPrinter* json,
                        const std::function<ExitCode(const std::string& path)>& each) {
    ExitCode result = ExitCode::Ok;
    for (const std::string& path : paths) {
        try {
            result = most_severe(result, each(path));
        } catch (const Error& error) {
            result = most_severe(result, io.report(error));
            if (json != nullptr) {
                json->add({{"file", path}, {"error", json_error(error)}});
            }
        }
    }
    return result;
}

}  // namespace smimekit::cli
