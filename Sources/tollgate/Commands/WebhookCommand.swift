import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateWire

/// `tollgate webhook add|list|remove|deliveries|verify`: the node's webhooks, their delivery log,
/// and the check a receiver makes of one delivery's signature.
enum WebhookCommand {
    static let group = CommandGroup("webhook", abstract: "Webhooks: post the subtree's events, signed by the node, to the URLs you configure.")

    static let url = Option<String>("url", value: "url", help: "Where to post events: http or https, without credentials or fragment.")
    static let events = Option<[String]>("events", value: "a,b,...", help: "Event types, comma separated: \(WebhookEventType.names).")
    static let id = Option<String>("id", value: "id", help: "The webhook's id as 'webhook list' prints it.")
    static let publicKey = Option<String>("public-key", value: "pem", help: "The sending node's public key (its node.pub).")
    static let nodeDirectory = Option<String>("node-dir", value: "directory", help: "The sending node's directory, whose node.pub is used.")
    static let header = Option<String>("header", value: "text", help: "The delivery's Tollgate-Signature header (its value, or the whole line).")
    static let body = Option<String>("body", value: "file", help: "The delivery's body, byte for byte.")
    static let now = Option<Int64>.time("now", help: "Check as of this time instead of now (deliveries older than 300 s are refused).")

    static let add = Subcommand(spec: CommandSpec(
        name: "webhook add",
        abstract: "Register a webhook: events of this node's subtree are posted to --\(url.name), signed with the node's key.",
        discussion: "Each delivery carries 'Tollgate-Signature: t=<unix>,kid=<node key id>,sig=<base64url Ed25519 over \"<t>.<body>\">'; "
            + "check it with 'tollgate webhook verify'. Failed deliveries are retried 10 s later, doubling up to 1 h, 8 attempts in all. "
            + "Events are delivered by 'node serve'; with --\(CommonOptions.dir.name) they queue until it runs.",
        options: [url.required, events.required] + NodeTarget.options, flags: [CommonOptions.json])) { arguments in
        let target = try NodeTarget(arguments)
        let registration = WebhookRegistration(url: try arguments.required(url), events: try arguments.required(events))
        let webhook: WebhookDescription = try target.call(local: { node in try node.addWebhook(registration, at: TimeArgument.now) },
                                                          endpoint: .createWebhook, body: registration)
        if arguments.isSet(CommonOptions.json) { try JSONOutput.print(webhook); return .success }
        Console.print("added webhook \(webhook.id): \(webhook.events.map(\.rawValue).joined(separator: ",")) → \(webhook.url)")
        return .success
    }

    static let list = Subcommand(spec: CommandSpec(
        name: "webhook list", abstract: "List this node's webhooks, with their deliveries pending, delivered and failed.",
        options: NodeTarget.options, flags: [CommonOptions.json])) { arguments in
        let target = try NodeTarget(arguments)
        let webhooks: [WebhookDescription] = try target.call(local: { node in try node.listWebhooks() }, endpoint: .listWebhooks)
        if arguments.isSet(CommonOptions.json) { try JSONOutput.print(webhooks); return .success }
        for webhook in webhooks {
            Console.print("  \(webhook.id)  \(webhook.url)  \(webhook.events.map(\.rawValue).joined(separator: ","))  "
                          + "pending \(webhook.pending), delivered \(webhook.delivered), failed \(webhook.failed)")
        }
        return .success
    }

    static let remove = Subcommand(spec: CommandSpec(
        name: "webhook remove", abstract: "Remove a webhook with its queued deliveries and their log.",
        options: [id.required] + NodeTarget.options)) { arguments in
        let target = try NodeTarget(arguments)
        let webhookID = try arguments.required(id)
        let removed: WebhookDescription = try target.call(local: { node in try node.removeWebhook(id: webhookID) }, endpoint: .removeWebhook,
                                                          parameters: ["id": webhookID])
        Console.print("removed webhook \(removed.id) (\(removed.url))")
        return .success
    }

    static let deliveries = Subcommand(spec: CommandSpec(
        name: "webhook deliveries", abstract: "Show a webhook's delivery log: each event, its state and every attempt (time, status or error, duration).",
        options: [id.required] + NodeTarget.options, flags: [CommonOptions.json])) { arguments in
        let target = try NodeTarget(arguments)
        let webhookID = try arguments.required(id)
        let records: [WebhookDeliveryRecord] = try target.call(local: { node in try node.webhookDeliveries(id: webhookID) },
                                                               endpoint: .listWebhookDeliveries, parameters: ["id": webhookID])
        if arguments.isSet(CommonOptions.json) { try JSONOutput.print(records); return .success }
        for record in records {
            let next = record.nextAttemptAt.map { ", next attempt \(TimeText.iso($0))" } ?? ""
            Console.print("  \(record.event)  \(record.type.rawValue)  \(record.state.rawValue)\(next)")
            for attempt in record.attempts {
                let outcome = attempt.status.map { "status \($0)" } ?? "error: \(attempt.error ?? "none")"
                Console.print("    attempt \(attempt.attempt)  \(TimeText.iso(attempt.at))  \(outcome)  \(attempt.durationMilliseconds) ms")
            }
        }
        return .success
    }

    static let event = Option<String>("event", value: "id", help: "The event to send again, as 'webhook deliveries' lists it (default: every failed delivery).")

    static let replay = Subcommand(spec: CommandSpec(
        name: "webhook replay", abstract: "Send a webhook's delivery again: one event (delivered or failed), or every failed delivery.",
        discussion: "The event keeps its id, so a receiver that got it before can drop the copy. Each replayed delivery gets one more attempt.",
        options: [id.required, event] + NodeTarget.options)) { arguments in
        let target = try NodeTarget(arguments)
        let webhookID = try arguments.required(id), eventID = try arguments.value(event)
        let replayed: WebhookReplay = try target.call(
            local: { node in WebhookReplay(event: eventID, replayed: try node.replayWebhookDeliveries(id: webhookID, event: eventID, at: TimeArgument.now)) },
            endpoint: .replayWebhookDeliveries, parameters: ["id": webhookID], body: WebhookReplay(event: eventID))
        let count = replayed.replayed ?? 0
        Console.print("queued \(count) deliver\(count == 1 ? "y" : "ies") of webhook \(webhookID) again")
        return .success
    }

    static let verify = Subcommand(spec: CommandSpec(
        name: "webhook verify",
        abstract: "Check one delivery's Tollgate-Signature against its body with the sending node's public key.",
        discussion: "Exit 0 when it verifies and is at most 300 s old; 1 with the reason (malformed, other_key, bad_signature, stale) otherwise.",
        options: [publicKey, nodeDirectory, header.required, body.required, now])) { arguments in
        let keyPath: String
        switch (try arguments.value(publicKey), try arguments.value(nodeDirectory)) {
        case (let path?, nil): keyPath = path
        case (nil, let directory?): keyPath = URL(fileURLWithPath: directory).appendingPathComponent("node.pub").path
        case (nil, nil): throw ValidationError("give --\(publicKey.name) <pem> or --\(nodeDirectory.name) <directory>", code: .missingOption)
        case (_?, _?): throw ValidationError("give --\(publicKey.name) or --\(nodeDirectory.name), not both", code: .conflictingOptions)
        }
        let key: Ed25519PublicKey
        do {
            key = try Ed25519PublicKey(pemRepresentation: try trimmedText(keyPath, what: "public key"))
        } catch let error as CryptoError {
            throw CommandFailure("\(keyPath) is not an Ed25519 public key: \(error.reason)")
        }
        var value = try arguments.required(header).trimmingCharacters(in: .whitespaces)
        let prefix = WebhookSignature.header + ":"
        if value.lowercased().hasPrefix(prefix.lowercased()) { value = value.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces) }
        let bytes = Array(try readFile(try arguments.required(body), what: "delivery body"))
        switch WebhookSignature.verify(header: value, body: bytes, key: key, now: try arguments.value(now) ?? TimeArgument.now) {
        case .success(let signature):
            Console.print("VALID delivery signed by \(signature.keyID) at \(TimeText.iso(signature.time))")
            return .success
        case .failure(let problem):
            Console.print("INVALID delivery (\(problem.rawValue)): " + describe(problem))
            return .invalid
        }
    }

    static func describe(_ problem: WebhookSignature.Problem) -> String {
        switch problem {
        case .malformed: "the header is not 't=<unix>,kid=<key id>,sig=<base64url>'"
        case .otherKey: "the header names another key than the one given"
        case .badSignature: "the signature does not verify over the time and body"
        case .stale: "the delivery is more than \(WebhookSignature.tolerance) s from now"
        }
    }

    static let subcommands: [Subcommand] = [add, list, remove, deliveries, replay, verify]
}
