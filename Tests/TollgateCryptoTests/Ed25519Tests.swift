import Foundation
import Synchronization
import Testing
import TollgateTestSupport
@testable import TollgateCrypto

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1, test 2: a one-byte message.
    @Test func rfc8032Vector() throws {
        let seed = try Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        let key = try Ed25519PrivateKey(seed: seed)
        #expect(Hex.encode(key.publicKey.rawRepresentation) == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        let signature = try key.signature(for: [UInt8(0x72)])
        #expect(Hex.encode(signature) == "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
        #expect(key.publicKey.isValidSignature(signature, for: [UInt8(0x72)]))
        #expect(!key.publicKey.isValidSignature(signature, for: [UInt8(0x73)]))
        var flipped = signature
        flipped[5] ^= 1
        #expect(!key.publicKey.isValidSignature(flipped, for: [UInt8(0x72)]))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: [UInt8(0x72)]))
    }

    /// A key keeps its signing and verifying contexts between calls: signatures stay those of
    /// RFC 8032, and a failed verification leaves the key verifying correctly afterwards.
    @Test func keptContextsGiveTheSameAnswersCallAfterCall() throws {
        let key = try Ed25519PrivateKey(seed: Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        let expected = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        var generator = SeededGenerator(seed: 41)
        for round in 0..<200 {
            let message = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let signature = try key.signature(for: message)
            #expect(try key.signature(for: message) == signature, "round \(round): signing is deterministic")
            #expect(key.publicKey.isValidSignature(signature, for: message), "round \(round)")
            var flipped = signature
            flipped[Int(generator.next() % 64)] ^= 1 << UInt8(generator.next() % 8)
            #expect(!key.publicKey.isValidSignature(flipped, for: message), "round \(round): a flipped bit")
            #expect(key.publicKey.isValidSignature(signature, for: message), "round \(round): after a failure")
        }
        #expect(Hex.encode(try key.signature(for: [UInt8(0x72)])) == expected)
    }

    /// Many threads signing with one key at once (one takes the kept context, the rest make their
    /// own) all get the signature one thread alone gets.
    @Test func oneKeySignsAndVerifiesOnManyThreadsAtOnce() throws {
        let key = try Ed25519PrivateKey(seed: Array(repeating: 7, count: 32))
        let messages = (0..<64).map { Array("message \($0)".utf8) }
        let alone = try messages.map { try key.signature(for: $0) }
        let results = Mutex<[Int: (signature: [UInt8], valid: Bool)]>([:])
        DispatchQueue.concurrentPerform(iterations: messages.count * 4) { index in
            let message = messages[index % messages.count]
            guard let signature = try? key.signature(for: message) else { return }
            let valid = key.publicKey.isValidSignature(signature, for: message)
            results.withLock { $0[index] = (signature, valid) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == messages.count * 4)
        for (index, result) in all {
            #expect(result.signature == alone[index % messages.count] && result.valid, "call \(index)")
        }
    }

    /// RFC 8037 Appendix A.3: the JWK thumbprint of the RFC 8032 test 1 key.
    @Test func rfc8037Thumbprint() throws {
        let seed = try Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let key = try Ed25519PrivateKey(seed: seed)
        #expect(key.publicKey.thumbprint == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test func pemRoundTrip() throws {
        let key = try Ed25519PrivateKey()
        let pem = try key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try Ed25519PrivateKey(pemRepresentation: pem)
        #expect(again.publicKey == key.publicKey)
        let publicPEM = try key.publicKey.pemRepresentation
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try Ed25519PublicKey(pemRepresentation: publicPEM) == key.publicKey)
    }

    @Test func rejectsGarbageAndOtherKeyTypes() throws {
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: "not a key") }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawRepresentation: [1, 2, 3]) }
        let dir = try TemporaryDirectory()
        let ecKey = dir.url.appendingPathComponent("ec.pem")
        try runOpenSSL(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecKey.path])
        do {
            _ = try Ed25519PrivateKey(contentsOf: ecKey)
            Issue.record("an EC key was accepted as Ed25519")
        } catch {
            #expect(error.code == .wrongKeyType)
        }
    }

    /// Keys written by `openssl genpkey` are read, and keys we write are read by `openssl pkey`.
    @Test func interoperatesWithOpenSSLCommandLine() throws {
        let dir = try TemporaryDirectory()
        let theirs = dir.url.appendingPathComponent("theirs.pem")
        try runOpenSSL(["genpkey", "-algorithm", "ed25519", "-out", theirs.path])
        let key = try Ed25519PrivateKey(contentsOf: theirs)

        let ours = dir.url.appendingPathComponent("ours.pem")
        try key.write(to: ours)
        let attributes = try FileManager.default.attributesOfItem(atPath: ours.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let publicOut = dir.url.appendingPathComponent("pub.pem")
        try runOpenSSL(["pkey", "-in", ours.path, "-pubout", "-out", publicOut.path])
        #expect(try Ed25519PublicKey(contentsOf: publicOut) == key.publicKey)

        // A signature made by `openssl pkeyutl` verifies with our public key.
        let message = dir.url.appendingPathComponent("msg")
        try Data("tollgate".utf8).write(to: message)
        let sig = dir.url.appendingPathComponent("sig")
        try runOpenSSL(["pkeyutl", "-sign", "-rawin", "-inkey", theirs.path, "-in", message.path, "-out", sig.path])
        let signature = [UInt8](try Data(contentsOf: sig))
        #expect(key.publicKey.isValidSignature(signature, for: Array("tollgate".utf8)))
        #expect(try key.signature(for: Array("tollgate".utf8)) == signature)

        // Writing over an existing key file is refused: nothing stored is lost.
        #expect(throws: CryptoError.self) { try key.write(to: ours) }
    }

    @Test func base64URLAndHex() throws {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(try Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(throws: CryptoError.self) { try Base64URL.decode("-_8=") }
        #expect(throws: CryptoError.self) { try Base64URL.decode("+/8") }
        #expect(throws: CryptoError.self) { try Base64URL.decode("-_9") }
        #expect(try Hex.decode("00ff10") == [0, 255, 16])
        #expect(throws: CryptoError.self) { try Hex.decode("0g") }
        #expect(Hex.encode(SHA256Digest.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try SecureRandom.bytes(count: 32) != SecureRandom.bytes(count: 32))
    }

    @Test func aRandomPoolHandsEachByteOutOnce() throws {
        // Across several refills of a small block, no 16-byte piece repeats and every piece has its size.
        let pool = SecureRandomPool(blockSize: 40)
        let pieces = try (0..<200).map { _ in try pool.bytes(count: 16) }
        #expect(pieces.allSatisfy { $0.count == 16 })
        #expect(Set(pieces).count == pieces.count)
        #expect(try pool.bytes(count: 100).count == 100)  // larger than a block: drawn directly
    }
}

func runOpenSSL(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " ")) failed")
}
