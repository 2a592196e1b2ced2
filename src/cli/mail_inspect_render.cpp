// SPDX-License-Identifier: Apache-2.0
// `mail inspect` output (mail_inspect_render.hpp). Text and JSON show the same facts; the JSON
// is documented in docs/json.md.
#include "cli/mail_inspect_render.hpp"

#include "cli/render.hpp"

namespace smimekit::cli {
namespace {

std::string layer_title(const MessageLayer& layer) {
    std::string title(layer_kind_name(layer.kind));
    if (layer.form) {
        title += ", " + std::string(signed_form_name(*layer.form));
    }
    title += " (" + layer.media_type;
    if (!layer.smime_type.empty()) {
        title += "; smime-type=" + layer.smime_type;
    }
    if (!layer.micalg.empty()) {
        title += "; micalg=" + layer.micalg;
    }
    return title + ")";
}

std::string key_kind_text(const RecipientFacts& recipient) {
    if (recipient.type == "key-transport") {
        return "key transport";
    }
    return recipient.type == "key-agreement" ? "key agreement" : recipient.type;
}

std::string inventory_text(const std::optional<InventoryMatch>& match) {
    if (!match) {
        return "not in the inventory";
    }
    return match->email + (match->current ? " (current certificate)" : " (superseded certificate)");
}

Json object_id_json(const ObjectId& id) {
    return id.oid.empty() ? Json() : Json{{"oid", id.oid}, {"name", id.name}};
}

Json recipient_json(const RecipientFacts& recipient, const InventoryLookup& inventory) {
    JsonObject json(8);
    json.add("type", recipient.type)
        .add("issuer", recipient.issuer.empty() ? Json() : Json(recipient.issuer))
        .add("serial", recipient.serial.empty() ? Json() : Json(recipient.serial))
        .add("subject_key_id",
             recipient.subject_key_id.empty() ? Json() : Json(recipient.subject_key_id))
        .add("key_algorithm", object_id_json(recipient.key_algorithm))
        .add("key_algorithm_text", recipient.key_algorithm_text);
    if (inventory) {
        const auto match = inventory(recipient);
        json.add("inventory", match ? Json{{"email", match->email},
                                           {"state", match->current ? "current" : "superseded"}}
                                    : Json());
    }
    return json.done();
}

Json signer_json(const SignerFacts& signer) {
    Json certificate;
    if (signer.certificate) {
        certificate = Json{{"subject", signer.certificate->subject()},
                           {"issuer", signer.certificate->issuer()},
                           {"serial", signer.certificate->serial_hex()},
                           {"emails", signer.certificate->email_addresses()},
                           {"not_after", json_time(signer.certificate->not_after())},
                           {"sha256", to_hex(signer.certificate->sha256())}};
    }
    Json capabilities;
    if (signer.smime_capabilities) {
        capabilities = Json::array();
        for (const ObjectId& id : *signer.smime_capabilities) {
            capabilities.push_back(object_id_json(id));
        }
    }
    Json attributes = Json::array();
    for (const SignedAttribute& attribute : signer.signed_attributes) {
        attributes.push_back(Json{
            {"oid", attribute.id.oid}, {"name", attribute.id.name}, {"value", attribute.value}});
    }
    return JsonObject(8)
        .add("signer_id", signer.signer_id)
        .add("certificate", certificate)
        .add("digest_algorithm", object_id_json(signer.digest_algorithm))
        .add("signature_algorithm", object_id_json(signer.signature_algorithm))
        .add("signing_time", signer.signing_time ? json_time(*signer.signing_time) : Json())
        .add("smime_capabilities", capabilities)
        .add("signed_attributes", attributes)
        .add("unsigned_attributes", signer.unsigned_attributes)
        .done();
}

Json layer_json(const MessageLayer& layer, const InventoryLookup& inventory) {
    JsonObject json(10);
    json.add("kind", layer_kind_name(layer.kind))
        .add("media_type", layer.media_type)
        .add("smime_type", layer.smime_type.empty() ? Json() : Json(layer.smime_type));
    if (layer.kind == LayerKind::Enveloped || layer.kind == LayerKind::AuthEnveloped) {
        Json recipients = Json::array();
        for (const RecipientFacts& recipient : layer.recipients) {
            recipients.push_back(recipient_json(recipient, inventory));
        }
        json.add("content_cipher",
                 layer.content_cipher.empty() ? Json() : Json(layer.content_cipher))
            .add("encrypted_bytes", layer.encrypted_bytes)
            .add("recipients", recipients);
    } else {
        Json signers = Json::array();
        for (const SignerFacts& signer : layer.signers) {
            signers.push_back(signer_json(signer));
        }
        json.add("form", layer.form ? Json(signed_form_name(*layer.form)) : Json())
            .add("micalg", layer.micalg.empty() ? Json() : Json(layer.micalg))
            .add("certificates", layer.certificates.size())
            .add("signers", signers);
    }
    return json.done();
}

void print_signer(std::ostream& out, const SignerFacts& signer) {
    print_field(out, "    ", "signer",
                signer.certificate ? signer.certificate->subject()
                                   : signer.signer_id + " (no certificate)");
    if (signer.certificate) {
        print_field(out, "      ", "id", signer.signer_id);
    }
    print_field(out, "      ", "algorithm",
                signer.signature_algorithm.name + " with " + signer.digest_algorithm.name);
    if (signer.signing_time) {
        print_field(out, "      ", "signed at", format_rfc3339(*signer.signing_time));
    }
    for (const SignedAttribute& attribute : signer.signed_attributes) {
        print_field(out, "      ", "attribute",
                    attribute.id.name + (attribute.value.empty() ? "" : ": " + attribute.value));
    }
    if (signer.unsigned_attributes > 0) {
        print_field(out, "      ", "unsigned",
                    count_text(signer.unsigned_attributes, "attribute", "attributes"));
    }
}

}  // namespace

std::optional<InventoryMatch> InventoryIndex::find(const RecipientFacts& recipient) {
    const auto lookup = [](const std::map<std::string, InventoryMatch>& index,
                           const std::string& key) -> std::optional<InventoryMatch> {
        const auto found = index.find(key);
        return found == index.end() ? std::nullopt : std::optional(found->second);
    };
    const auto visit_all =
        [this](const std::function<void(const ContactCertificate&, bool, const Contact&)>& each) {
            m_db.visit(ContactQuery{}, [&](const Contact& contact) {
                for (const ContactCertificate& link : contact.current) {
                    each(link, true, contact);
                }
                for (const ContactCertificate& link : contact.history) {
                    each(link, false, contact);
                }
            });
        };
    // A certificate current for one contact and superseded for another reads as current.
    const auto remember = [](std::map<std::string, InventoryMatch>& index, const std::string& key,
                             const InventoryMatch& match) {
        auto [at, inserted] = index.emplace(key, match);
        if (!inserted && match.current && !at->second.current) {
            at->second = match;
        }
    };
    if (!recipient.issuer.empty()) {
        if (!m_by_issuer_serial) {
            m_by_issuer_serial.emplace();
            visit_all([&](const ContactCertificate& link, bool current, const Contact& contact) {
                remember(*m_by_issuer_serial,
                         link.certificate.issuer + '\n' + link.certificate.serial,
                         {contact.email, current});
            });
        }
        return lookup(*m_by_issuer_serial, recipient.issuer + '\n' + recipient.serial);
    }
    if (!recipient.subject_key_id.empty()) {
        if (!m_by_key_id) {
            m_by_key_id.emplace();
            visit_all([&](const ContactCertificate& link, bool current, const Contact& contact) {
                const auto key_id = m_db.certificate(link.certificate.sha256).subject_key_id();
                if (key_id) {
                    remember(*m_by_key_id, to_hex(*key_id), {contact.email, current});
                }
            });
        }
        return lookup(*m_by_key_id, recipient.subject_key_id);
    }
    return std::nullopt;
}

void print_mail_inspection(std::ostream& out, const std::string& path,
                           const MailInspection& inspection, const InventoryLookup& inventory) {
    out << path << '\n';
    for (const auto& [label, value] : {std::pair{"from", &inspection.from},
                                       {"to", &inspection.to},
                                       {"subject", &inspection.subject},
                                       {"date", &inspection.date}}) {
        if (!value->empty()) {
            print_field(out, "  ", label, *value);
        }
    }
    std::string layers;
    for (const MessageLayer& layer : inspection.layers) {
        layers += (layers.empty() ? "" : " > ") + std::string(layer_kind_name(layer.kind));
    }
    print_field(out, "  ", "layers", layers.empty() ? "none: not an S/MIME message" : layers);
    for (std::size_t i = 0; i < inspection.layers.size(); ++i) {
        const MessageLayer& layer = inspection.layers[i];
        print_field(out, "  ", "layer " + std::to_string(i + 1), layer_title(layer));
        if (layer.kind == LayerKind::Enveloped || layer.kind == LayerKind::AuthEnveloped) {
            print_field(out, "    ", "cipher",
                        (layer.content_cipher.empty() ? "unknown" : layer.content_cipher) + ", " +
                            count_text(layer.encrypted_bytes, "byte", "bytes"));
            for (const RecipientFacts& recipient : layer.recipients) {
                print_field(out, "    ", "recipient", recipient.id_text());
                print_field(out, "      ", "key",
                            key_kind_text(recipient) + (recipient.key_algorithm_text.empty()
                                                            ? ""
                                                            : ", " + recipient.key_algorithm_text));
                if (inventory) {
                    print_field(out, "      ", "inventory", inventory_text(inventory(recipient)));
                }
            }
            continue;
        }
        print_field(out, "    ", "certificates",
                    count_text(layer.certificates.size(), "certificate", "certificates"));
        for (const SignerFacts& signer : layer.signers) {
            print_signer(out, signer);
        }
    }
    print_field(out, "  ", "content",
                inspection.content_type.empty() ? "hidden (encrypted)" : inspection.content_type);
    for (const ClientLimitation& limit : inspection.unable_clients) {
        print_field(out, "  ", "cannot open", limit.client + ": " + limit.reason);
    }
    for (const std::string& note : inspection.notes) {
        print_field(out, "  ", "note", note);
    }
}

Json mail_inspection_json(const std::string& path, const MailInspection& inspection,
                          const InventoryLookup& inventory) {
    Json layers = Json::array();
    for (const MessageLayer& layer : inspection.layers) {
        layers.push_back(layer_json(layer, inventory));
    }
    Json unable = Json::array();
    for (const ClientLimitation& limit : inspection.unable_clients) {
        unable.push_back(Json{{"client", limit.client}, {"reason", limit.reason}});
    }
    const auto text_or_null = [](const std::string& text) {
        return text.empty() ? Json() : Json(text);
    };
    return JsonObject(10)
        .add("file", path)
        .add("from", text_or_null(inspection.from))
        .add("to", text_or_null(inspection.to))
        .add("subject", text_or_null(inspection.subject))
        .add("date", text_or_null(inspection.date))
        .add("layers", layers)
        .add("content_type", text_or_null(inspection.content_type))
        .add("unable_clients", unable)
        .add("notes", inspection.notes)
        .done();
}

}  // namespace smimekit::cli
