import Foundation
import TollgateCommandLine
import TollgateVectors

/// `tollgate vectors`: rebuilds the format's test vectors byte for byte, or checks a directory of them.
enum VectorsCommand: Command {
    static let spec = CommandSpec(
        name: "vectors",
        abstract: "Generate the certificate-format test vectors from fixed seeds, or check them.",
        discussion: "With --\(check.name), verifies every vector file in --\(out.name) and compares it with the verdict it expects.",
        options: [out],
        flags: [check])

    static let out = CommonOptions.out.with(value: "dir", help: "Directory to write the vectors into (default Certificates/vectors).")
    static let check = Flag("check", help: "Check the vectors in --\(out.name) instead of writing them.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let directory = URL(fileURLWithPath: try arguments.value(out) ?? "Certificates/vectors")
        if arguments.isSet(check) {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
            var failures = 0
            for file in files {
                let vector = try JSONDecoder().decode(TestVector.self, from: Data(contentsOf: directory.appendingPathComponent(file)))
                let verdict = try VectorGenerator.run(vector)
                let ok = verdict == vector.expect
                if !ok { failures += 1 }
                Console.print("\(ok ? "ok  " : "FAIL") \(vector.name): \(verdict.valid ? "valid" : "\(verdict.rule ?? "?") in \(verdict.object ?? "?")")")
            }
            Console.print("\(files.count - failures) passed, \(failures) failed")
            return failures == 0 ? .success : .invalid
        }
        let vectors = try VectorGenerator().write(to: directory)
        Console.print("wrote \(vectors.count) vectors and anchor.pub to \(directory.path)")
        return .success
    }
}
