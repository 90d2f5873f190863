import Foundation
import Testing
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateTestSupport

@Suite struct MachineWalletTests {
    @Test func theMachineKeyIsPrivateAndKeptAcrossOpens() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let created = try MachineWallet.create(at: directory.url("wallet"), anchor: channel.anchor, product: TestChannel.product,
                                               files: TestMachineFiles.reader())
        let keyPath = directory.url("wallet").appendingPathComponent("machine.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let reopened = try MachineWallet(at: directory.url("wallet"), files: TestMachineFiles.reader())
        #expect(reopened.machineKey == created.machineKey)
        #expect(reopened.anchor.keyID == channel.anchor.thumbprint)
        #expect(reopened.fingerprint == created.fingerprint)
        // Running init again for the same vendor and product keeps the identity.
        let again = try MachineWallet.create(at: directory.url("wallet"), anchor: channel.anchor, product: TestChannel.product,
                                             files: TestMachineFiles.reader())
        #expect(again.machineKey == created.machineKey)
    }

    @Test func aWalletBelongsToOneVendorAndProduct() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel(), other = try TestChannel(seed: "other vendor")
        _ = try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: TestChannel.product, files: TestMachineFiles.reader())
        let otherProduct = #expect(throws: ClientError.self) {
            try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: "cad-lite", files: TestMachineFiles.reader())
        }
        #expect(otherProduct?.code == .walletConflict)
        let otherVendor = #expect(throws: ClientError.self) {
            try MachineWallet.create(at: directory.url, anchor: other.anchor, product: TestChannel.product, files: TestMachineFiles.reader())
        }
        #expect(otherVendor?.code == .walletConflict)
        let missing = #expect(throws: ClientError.self) {
            try MachineWallet(at: directory.url("nowhere"), files: TestMachineFiles.reader())
        }
        #expect(missing?.code == .walletMissing)
    }

    @Test func noWalletForAMachineWithoutAnID() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: ClientError.self) {
            try MachineWallet.create(at: directory.url("wallet"), anchor: try TestChannel().anchor, product: TestChannel.product, files: .fixed([:]))
        }
        #expect(error?.code == .machineIDMissing)
        #expect(!FileManager.default.fileExists(atPath: directory.url("wallet").appendingPathComponent("machine.key").path))
    }

    @Test func requestsAreSignedByTheMachineKeyWithFreshNonces() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        let compact = try wallet.makeRequest(action: .activate, license: channel.license.hash, country: "DE",
                                             platform: "linux-x86_64", at: TestChannel.now)
        let request = try SignedMachineRequest(compact: compact)
        #expect(request.jws.header.typ == "tollgate-machine-request+jws")
        #expect(request.jws.header.kid == wallet.machineKey.thumbprint)
        #expect(request.jws.isSigned(by: wallet.machineKey))
        #expect(!request.jws.isSigned(by: channel.reseller.publicKey))
        #expect(request.payload == MachineRequest(action: .activate, license: channel.license.hash, machineKey: wallet.encodedMachineKey,
                                                  fingerprint: wallet.fingerprint.value, platform: "linux-x86_64", country: "DE",
                                                  iat: TestChannel.now, nonce: request.payload.nonce))
        let again = try SignedMachineRequest(compact: try wallet.makeRequest(action: .activate, license: channel.license.hash, country: "DE",
                                                                             platform: "linux-x86_64", at: TestChannel.now))
        #expect(again.payload.nonce != request.payload.nonce)
        #expect(try Base64URL.decode(request.payload.nonce).count == 16)
    }

    @Test func badRequestFieldsAreRefusedBeforeSigning() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        let country = #expect(throws: ClientError.self) {
            try wallet.makeRequest(action: .activate, license: channel.license.hash, country: "Germany", at: TestChannel.now)
        }
        #expect(country?.code == .invalidArgument)
        let noActivation = #expect(throws: ClientError.self) {
            try wallet.makeRequest(action: .emergency, license: channel.license.hash, country: "DE", at: TestChannel.now)
        }
        #expect(noActivation?.code == .invalidArgument)
        let nothingHeld = #expect(throws: ClientError.self) { try wallet.deactivationRequest(at: TestChannel.now) }
        #expect(nothingHeld?.code == .notActivated)
        let noLicense = #expect(throws: ClientError.self) { try wallet.activationRequest(country: "DE", at: TestChannel.now) }
        #expect(noLicense?.code == .notActivated)
    }

    /// Python's `cryptography` recomputes the RFC 7638 thumbprint from `machine_key`, compares it
    /// with the JOSE `kid` and checks the EdDSA signature: an implementation we did not write.
    @Test func aJOSEImplementationAcceptsTheRequestAndItsKid() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        let compact = try wallet.makeRequest(action: .activate, license: channel.license.hash, country: "AT", at: TestChannel.now)
        // The same request with the signature's first character changed.
        var parts = compact.split(separator: ".").map(String.init)
        parts[2] = (parts[2].hasPrefix("A") ? "B" : "A") + parts[2].dropFirst()
        let tampered = parts.joined(separator: ".")
        let script = """
        import base64, hashlib, json, sys
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.exceptions import InvalidSignature
        def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        for compact in sys.stdin.read().split():
            h, p, s = compact.split(".")
            header, claims = json.loads(b64(h)), json.loads(b64(p))
            x = claims["machine_key"]
            thumb = base64.urlsafe_b64encode(hashlib.sha256(('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()).digest()).rstrip(b"=").decode()
            try:
                Ed25519PublicKey.from_public_bytes(b64(x)).verify(b64(s), (h + "." + p).encode())
                ok = "signed"
            except InvalidSignature:
                ok = "bad-signature"
            print(header["alg"], header["typ"], "kid-ok" if header["kid"] == thumb else "kid-wrong", ok)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data((compact + "\n" + tampered + "\n").utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python: \(errors)")
        #expect(output.split(separator: "\n") == [
            "EdDSA tollgate-machine-request+jws kid-ok signed",
            "EdDSA tollgate-machine-request+jws kid-ok bad-signature",
        ])
    }
}
