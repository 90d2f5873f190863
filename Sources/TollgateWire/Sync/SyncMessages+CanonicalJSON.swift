import Foundation
import TollgateCertificates

extension LogSegment.Entry: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("appended_at", appendedAt)
            json.member("bytes", bytes)
            json.member("kind", kind)
        }
    }
}

extension LogSegment: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("checkpoint", checkpoint)
            json.key("entries")
            json.array { json in
                for entry in entries { entry.write(to: &json) }
            }
            json.member("from", from)
            if let head { json.member("head", head) }
            if let headProof { json.member("head_proof", headProof) }
            json.member("node", node)
            json.member("proof", proof)
            json.member("proof_from", proofFrom)
        }
    }
}

extension PushRequest: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.key("segments")
            json.array { json in
                for segment in segments { segment.write(to: &json) }
            }
        }
    }

    /// The body of a push: sorted keys, no whitespace, written without `JSONEncoder`.
    public func encoded() -> [UInt8] {
        var json = CanonicalJSONWriter()
        write(to: &json)
        return json.bytes
    }

    /// Reads a push body: the form ``encoded()`` writes without `JSONDecoder` (see
    /// ``CanonicalJSONReader``), anything else through it.
    /// Every number is range-checked here, where it is decoded (see ``validate()``).
    public init(json bytes: [UInt8]) throws {
        if let read = Self.read(canonicalJSON: bytes) {
            self = read
        } else {
            try StrictJSON.check(bytes, object: "push body")
            self = try JSONDecoder().decode(PushRequest.self, from: Data(bytes))
        }
        try validate()
    }

    /// The fast path of ``init(json:)``: nil for anything not in the form ``encoded()`` writes.
    public static func read(canonicalJSON bytes: [UInt8]) -> PushRequest? {
        var reader = CanonicalJSONReader(bytes)
        var segments: [LogSegment]?
        let read = reader.object { key, json in
            key == "segments" && CanonicalJSONReader.once(&segments, json.array(of: LogSegment.read(from:)))
        }
        guard read, reader.isAtEnd, let segments else { return nil }
        return PushRequest(segments: segments)
    }
}

extension LogSegment {
    static func read(from reader: inout CanonicalJSONReader) -> LogSegment? {
        var node, checkpoint: String?
        var from, proofFrom: UInt64?
        var proof, headProof: [String]?
        var head: String?
        var entries: [Entry]?
        let read = reader.object { key, json in
            switch key {
            case "checkpoint": return CanonicalJSONReader.once(&checkpoint, json.string())
            case "entries": return CanonicalJSONReader.once(&entries, json.array(of: Entry.read(from:)))
            case "from": return CanonicalJSONReader.once(&from, json.unsigned())
            case "head": return CanonicalJSONReader.once(&head, json.string())
            case "head_proof": return CanonicalJSONReader.once(&headProof, json.strings())
            case "node": return CanonicalJSONReader.once(&node, json.string())
            case "proof": return CanonicalJSONReader.once(&proof, json.strings())
            case "proof_from": return CanonicalJSONReader.once(&proofFrom, json.unsigned())
            default: return false
            }
        }
        guard read, let node, let from, let entries, let checkpoint, let proofFrom, let proof else { return nil }
        return LogSegment(node: node, from: from, entries: entries, checkpoint: checkpoint, proofFrom: proofFrom, proof: proof,
                          head: head, headProof: headProof)
    }
}

extension LogSegment.Entry {
    static func read(from reader: inout CanonicalJSONReader) -> LogSegment.Entry? {
        var kind, bytes: String?
        var appendedAt: Int64?
        let read = reader.object { key, json in
            switch key {
            case "appended_at": return CanonicalJSONReader.once(&appendedAt, json.integer())
            case "bytes": return CanonicalJSONReader.once(&bytes, json.string())
            case "kind": return CanonicalJSONReader.once(&kind, json.string())
            default: return false
            }
        }
        guard read, let kind, let bytes, let appendedAt else { return nil }
        return LogSegment.Entry(kind: kind, bytes: bytes, appendedAt: appendedAt)
    }
}
