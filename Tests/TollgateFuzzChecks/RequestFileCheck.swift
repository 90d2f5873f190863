import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateWire

/// The files that travel between a customer's machine and a reseller by hand: an offline request
/// file (a machine request's compact JWS, read as `tollgate answer` reads it), a response file
/// (`ActivationReceipt(data:)`, what `machine install` reads) and a license file
/// (`LicenseFile(data:)`), then the offline verifier on what they carry, with the test vectors'
/// anchor. Each accepted file writes back to an equal file.
public enum RequestFileCheck: FuzzCheck {
    public static let name = "request-files"

    /// The anchor of Certificates/vectors, so the seed files built from the vectors verify.
    static let anchorKey: Ed25519PublicKey = {
        do {
            return try Ed25519PublicKey(rawRepresentation: Base64URL.decode("gjl9yeKvIOSxhAcjR4o1jVi6ZElr6pQBYZrI5gumbMc"))
        } catch {
            fatalError("cannot read the vectors' anchor: \(error)")
        }
    }()
    static let verifier = LicenseVerifier(anchor: TrustAnchor(publicKey: anchorKey))
    /// The vectors' moment.
    static let now: Int64 = 1_772_323_200

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try SignedObjectRules.checkSigned(MachineRequest.self, text, maxBytes: JWS.defaultMaxBytes)

        let data = Data(input)
        if let response = try? ActivationReceipt.read(data) {
            try FuzzFailure.require(response.format == ActivationReceipt.format, .ruleBroken, "response format \(response.format) accepted")
            let written: Data
            do {
                written = try response.encoded()
            } catch {
                throw FuzzFailure(.roundTrip, "an accepted response file cannot be written: \(error)")
            }
            try FuzzFailure.require((try? ActivationReceipt.read(written)) == response, .roundTrip, "a response file written back reads differently")
            _ = response.objectType
            try checkLicenseFile(response.license, activation: response.activation)
        }
        if let file = try? LicenseFile(data: data) {
            try checkLicenseFile(file, activation: nil)
        }
    }

    static func checkLicenseFile(_ file: LicenseFile, activation: String?) throws(FuzzFailure) {
        try FuzzFailure.require(file.format == LicenseFile.format, .ruleBroken, "license file format \(file.format) accepted")
        let written: Data
        do {
            written = try file.encoded()
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted license file cannot be written: \(error)")
        }
        try FuzzFailure.require((try? LicenseFile(data: written)) == file, .roundTrip, "a license file written back reads differently")
        guard let verified = try? verifier.verify(file, at: now, activation: activation) else { return }
        // Only what the anchor's chain signed verifies: the leaf certificate's key signed the license.
        guard let license = try? SignedLicense(compact: file.license) else {
            throw FuzzFailure(.ruleBroken, "a license file verified whose license does not parse")
        }
        try FuzzFailure.require(verified.chain.count == file.chain.count, .ruleBroken, "the verified chain is not the file's chain")
        try FuzzFailure.require(verified.chain[0].certificate.jws.isSigned(by: anchorKey), .ruleBroken,
                                "a chain verified whose first certificate the anchor did not sign")
        try FuzzFailure.require(license.jws.isSigned(by: verified.chain[verified.chain.count - 1].subjectKey), .ruleBroken,
                                "a license verified that its leaf certificate's key did not sign")
    }
}
