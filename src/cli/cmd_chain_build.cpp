// SPDX-License-Identifier: Apache-2.0
// `smimekit chain build LEAF...` answers "which CA certificates do I need?": every path from the
// leaf to a trust anchor through the pool, or exactly which issuer is missing and where its
// certificate is published.
#include "cli/command.hpp"
#include "cli/each_input.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/chain.hpp>

namespace smimekit::cli {
namespace {

class ChainBuildCommand final : public Command {
public:
    std::string_view name() const override { return "build"; }
    std::string_view summary() const override {
        return "find every path from a certificate to a trust anchor, or what is missing";
    }
    Help help() const override {
        return {
            "chain build LEAF... (--trust PATH | --system-roots) [--pool PATH] [--at TIME] "
            "[--json]",
            "Prints every candidate path from each LEAF through the --pool certificates to a\n"
            "--trust anchor, most promising first (all certificates valid at --at, then shorter).\n"
            "Issuers are matched by name and key identifier and must have signed the certificate\n"
            "below them. Nothing is validated beyond that: use 'smimekit chain verify' for a\n"
            "verdict. When no path exists, the missing issuer is named with its key id and the\n"
            "AIA caIssuers URL where its certificate is published.\n",
            "  0  every LEAF has at least one path to a trust anchor\n"
            "  1  some LEAF has none (what is missing is printed)\n"
            "  2  usage: no --trust or --system-roots\n"
            "  3  a LEAF or --trust file is missing or unreadable\n",
            "  smimekit chain build alice.der --pool cas/ --trust root.pem\n"
            "  smimekit chain build user.p12 --system-roots --json\n",
        };
    }

    void declare(OptionSet& options) override {
        m_trust.declare(options);
        options.visible.add_options()("at", po::value(&m_at)->value_name("TIME"),
                                      "prefer paths valid at this time (default now)");
        add_json_option(options, m_json);
        add_password_options(options, m_password, "password", "a .p12 leaf");
        options.hidden.add_options()("leaf", po::value(&m_leaves)->required(), "leaf certificates");
        options.positional.add("leaf", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        m_trust.validate();
        validate_password_source(m_password);
    }

    ExitCode run(Io& io) override {
        const TimePoint time = m_at.empty() ? io.now() : parse_time_option("at", m_at);
        const Store anchors = m_trust.load_anchors(io);
        LoadOptions load;
        load.password = io.password_provider(m_password);
        Store pool = m_trust.load_pool(io, load);
        std::optional<JsonListPrinter> json;
        if (m_json) {
            json.emplace(io.out(), json_document("chain build"), "results");
        }
        return for_each_input(io, m_leaves, json ? &*json : nullptr, [&](const std::string& path) {
            std::vector<Certificate> companions;
            const Certificate leaf = load_leaf(path, load, companions);
            pool.add(companions);
            const ChainBuild built = build_chain(leaf, pool, anchors, time);
            if (json) {
                json->add(build_json(path, built));
            } else {
                print_build(io.out(), path, built);
            }
            return built.paths.empty() ? ExitCode::Negative : ExitCode::Ok;
        });
    }

private:
    static void print_build(std::ostream& out, const std::string& path, const ChainBuild& built) {
        if (built.paths.empty()) {
            out << path << ": no path to a trust anchor\n";
            print_chain(out, built.partial, false, "  ");
            if (built.ends_at_untrusted_root) {
                print_field(
                    out, "  ", "missing",
                    "trust: the chain ends at a self-signed certificate that is not an anchor");
            } else if (built.missing) {
                print_field(out, "  ", "missing", built.missing->issuer);
                print_field(out, "  ", "key id",
                            built.missing->key_id ? to_hex(*built.missing->key_id, ':') : "-");
                for (const std::string& url : built.missing->ca_issuers_urls) {
                    print_field(out, "  ", "published at", url);
                }
            }
        } else {
            out << path << ": " << count_text(built.paths.size(), "path", "paths")
                << " to a trust anchor\n";
            for (std::size_t i = 0; i < built.paths.size(); ++i) {
                out << "  path " << i + 1 << '\n';
                print_chain(out, built.paths[i], true, "    ");
            }
        }
        for (const std::string& note : built.notes) {
            print_field(out, "  ", "note", note);
        }
    }

    static Json build_json(const std::string& path, const ChainBuild& built) {
        Json paths = Json::array();
        for (const auto& candidate : built.paths) {
            paths.push_back(chain_json(candidate, true));
        }
        return JsonObject(6)
            .add("file", path)
            .add("paths", std::move(paths))
            .add("partial", built.paths.empty() ? chain_json(built.partial, false) : Json::array())
            .add("missing", missing_issuer_json(built.missing))
            .add("ends_at_untrusted_root", built.ends_at_untrusted_root)
            .add("notes", built.notes)
            .done();
    }

    TrustOptions m_trust;
    std::string m_at;
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_leaves;
};

}  // namespace

std::unique_ptr<Command> make_chain_build_command() {
    return std::make_unique<ChainBuildCommand>();
}

}  // namespace smimekit::cli
