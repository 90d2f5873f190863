import Foundation

/// The rules a webhook's URL must meet: `http` or `https`, a host, no user or password, no
/// fragment, at most 2,048 bytes of printable ASCII.
enum WebhookURL {
    static let maxBytes = 2_048

    static func check(_ url: String) throws(NodeError) {
        guard !url.isEmpty, url.utf8.count <= maxBytes, url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw NodeError(.webhookURLInvalid, "the webhook URL must be 1 to \(maxBytes) bytes of printable ASCII without spaces")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw NodeError(.webhookURLInvalid, "the webhook URL '\(url)' is not an http or https URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw NodeError(.webhookURLInvalid, "the webhook URL '\(url)' names no host")
        }
        guard components.user == nil, components.password == nil else {
            throw NodeError(.webhookURLInvalid, "the webhook URL must not carry credentials (user or password); deliveries are signed instead")
        }
        guard components.fragment == nil, !url.contains("#") else {
            throw NodeError(.webhookURLInvalid, "the webhook URL must not have a fragment ('#…'), which is never sent")
        }
    }
}
