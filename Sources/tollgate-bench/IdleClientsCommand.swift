import Foundation
import Glibc
import TollgateCommandLine

/// `tollgate-bench idle-clients`: holds many idle TCP connections open to a local server, the way the
/// attack in issue 17 did, until its standard input closes. `tollgate-bench http --idle` runs it as a child
/// process, since one process cannot hold both ends of 10,000 connections under a 20,000-descriptor limit.
enum IdleClientsCommand: Command {
    static let spec = CommandSpec(
        name: "idle-clients",
        abstract: "Hold idle TCP connections open to a loopback server until standard input closes.",
        discussion: """
            Connects from 127.0.0.2, 127.0.0.3, … (a new source address every --\(perAddress.name) connections, so a
            per-peer cap does not refuse them), sends nothing, prints 'ready <n>' and waits for end of input.
            """,
        options: [port.required, count, perAddress])

    static let port = Option<Int>("port", value: "port", help: "The server's port on 127.0.0.1.", range: 1...65_535)
    static let count = Option<Int>("count", value: "n", help: "Connections to open (default 10000).", range: 0...Int.max)
    static let perAddress = Option<Int>("per-address", value: "n", help: "Connections per source address (default 250).", range: 1...Int.max)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let port = try arguments.required(Self.port)
        let count = try arguments.value(Self.count) ?? 10_000
        let perAddress = try arguments.value(Self.perAddress) ?? 250
        guard count / perAddress < 250 else {
            throw ValidationError("--\(Self.count.name) / --\(Self.perAddress.name) must stay below 250 source addresses", code: .conflictingOptions)
        }
        var limit = rlimit()
        _ = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        var descriptors: [CInt] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        for index in 0..<count {
            descriptors.append(try connect(port: port, source: "127.0.0.\(2 + index / perAddress)"))
        }
        Console.print("ready \(descriptors.count)")
        while let _ = readLine() {}
        return .success
    }

    private static func connect(port: Int, source: String) throws -> CInt {
        let descriptor = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CommandFailure("socket: \(String(cString: strerror(errno)))") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) } }
        let connected = bound == 0 ? withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, size) }
        } : -1
        guard connected == 0 else {
            let failure = String(cString: strerror(errno))
            close(descriptor)
            throw CommandFailure("connect from \(source): \(failure)")
        }
        return descriptor
    }
}
