// SPDX-License-Identifier: Apache-2.0
#include "cli/each_input.hpp"

namespace smimekit::cli {

ExitCode for_each_input(Io& io, const std::vector<std::string>& paths, JsonListPrinter* json,
                        const std::function<ExitCode(const std::string& path)>& each,
                        Progress* progress) {
    ExitCode result = ExitCode::Ok;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string& path = paths[i];
        if (progress != nullptr) {
            progress->update(i);
        }
        try {
            result = most_severe(result, each(path));
        } catch (const Error& error) {
            if (progress != nullptr) {
                progress->finish();
            }
            result = most_severe(result, io.report(error));
            if (json != nullptr) {
                json->add({{"file", path}, {"error", json_error(error)}});
            }
        }
    }
    return result;
}

}  // namespace smimekit::cli
