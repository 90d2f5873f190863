import TollgateCommandLine

/// Options more than one benchmark takes, declared once.
enum BenchOptions {
    static let seconds = Option<Int>("seconds", value: "s", help: "Time per measurement.", range: 1...3_600)
}
