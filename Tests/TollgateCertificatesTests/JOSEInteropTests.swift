import Foundation
import Testing
import TollgateCertificates
import TollgateVectors

/// A JOSE implementation we did not write (Python's `cryptography` Ed25519) checks our signatures.
@Suite struct JOSEInteropTests {
    @Test func pythonCryptographyVerifiesEveryObjectKind() throws {
        let vector = try VectorGenerator().vectors().first { $0.name == "valid-with-activation" }!
        let objects = vector.chain + [vector.license, vector.activation!]
        let script = """
        import base64, json, sys
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        data = json.load(sys.stdin)
        keys = {}
        def add(raw):
            from cryptography.hazmat.primitives import serialization
            import hashlib
            x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
            thumb = base64.urlsafe_b64encode(hashlib.sha256(('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()).digest()).rstrip(b"=").decode()
            keys[thumb] = Ed25519PublicKey.from_public_bytes(raw)
        add(b64(data["anchor"]))
        for compact in data["objects"]:
            h, p, s = compact.split(".")
            header = json.loads(b64(h))
            assert header["alg"] == "EdDSA", header
            keys[header["kid"]].verify(b64(s), (h + "." + p).encode())
            claims = json.loads(b64(p))
            if "sub_key" in claims: add(b64(claims["sub_key"]))
            print(header["typ"])
        """
        let input = try JSONSerialization.data(withJSONObject: ["anchor": vector.anchor, "objects": objects])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python: \(errors)")
        #expect(output.split(separator: "\n") == [
            "tollgate-allocation+jws", "tollgate-allocation+jws", "tollgate-license+jws", "tollgate-activation+jws",
        ])
    }
}
