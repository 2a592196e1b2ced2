// SPDX-License-Identifier: Apache-2.0
// The loop of every command that takes many input files: one bad file is reported and the
// others go on, so a script learns about every file in one run.
#pragma once

#include "cli/exit_code.hpp"
#include "cli/io.hpp"
#include "cli/json.hpp"

#include <functional>
#include <string>
#include <vector>

namespace smimekit::cli {

/**
 * Calls `each` for every path in order. An Error from one path is reported on stderr and, with
 * `json`, added to the list as {"file": PATH, "error": {...}}; then the next path follows.
 * Returns the most severe of the codes `each` returned and of the errors' codes.
 * With `progress`, the count is shown before each path and the line cleared before an error is
 * reported; `each` clears it (Progress::finish) before it prints anything itself.
 */
ExitCode for_each_input(Io& io, const std::vector<std::string>& paths, JsonListPrinter* json,
                        const std::function<ExitCode(const std::string& path)>& each,
                        Progress* progress = nullptr);

}  // namespace smimekit::cli
