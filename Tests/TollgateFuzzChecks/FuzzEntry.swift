/// The body of every `LLVMFuzzerTestOneInput`: copy the input, run the check, abort on a broken
/// promise so libFuzzer saves the input as a crash.
public enum FuzzEntry {
    public static func run<Check: FuzzCheck>(_ check: Check.Type, _ start: UnsafeRawPointer?, _ count: Int) -> CInt {
        let input = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
        do {
            try check.run(input)
        } catch {
            fatalError("\(Check.name): \(error)")
        }
        return 0
    }
}
