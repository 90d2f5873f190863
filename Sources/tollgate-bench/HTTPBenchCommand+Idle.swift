import Foundation
import Glibc
import TollgateCommandLine
import TollgateHTTP
import TollgateHTTPMessages
import TollgateWire

extension HTTPBenchCommand {
    /// Latency percentiles of `GET /healthz`, in milliseconds.
    struct HealthLatency {
        var p50: Double
        var p99: Double
        var max: Double
    }

    /// `GET /healthz` `samples` times, each on a new connection (connect, request, response to the close),
    /// the way a load balancer's probe or a new customer reaches a node under a connection flood.
    static func healthLatency(port: Int, samples: Int) throws -> HealthLatency {
        var milliseconds: [Double] = []
        let health = Endpoint.health
        let request = Array("\(health.method) \(health.path) HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".utf8)
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<samples {
            let started = DispatchTime.now().uptimeNanoseconds
            let descriptor = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw CommandFailure("socket: \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            var remote = sockaddr_in()
            remote.sin_family = sa_family_t(AF_INET)
            remote.sin_port = in_port_t(UInt16(port).bigEndian)
            remote.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw CommandFailure("connect: \(String(cString: strerror(errno)))") }
            guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }) == request.count else {
                throw CommandFailure("send failed")
            }
            var response: [UInt8] = []
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                response += buffer[0..<count]
            }
            guard response.starts(with: Array("HTTP/1.1 200".utf8)) else {
                throw CommandFailure("\(health.path) answered: \(String(decoding: response.prefix(200), as: UTF8.self))")
            }
            milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        milliseconds.sort()
        func percentile(_ fraction: Double) -> Double { milliseconds[min(milliseconds.count - 1, Int(Double(milliseconds.count) * fraction))] }
        return HealthLatency(p50: percentile(0.5), p99: percentile(0.99), max: milliseconds.last ?? 0)
    }

    /// Runs `tollgate-bench idle-clients` against `port` and waits until its connections are open; the
    /// connections close when the returned process's standard input does.
    static func startIdleClients(port: Int, count: Int) throws -> (process: Process, input: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = [IdleClientsCommand.spec.name, "--\(IdleClientsCommand.port.name)", String(port),
                             "--\(IdleClientsCommand.count.name)", String(count)]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard line.hasPrefix("ready") else {
            process.terminate()
            throw CommandFailure("the idle clients did not start: \(line)")
        }
        return (process, input)
    }

    static func latencyLine(_ label: String, _ latency: HealthLatency) -> String {
        label.padding(to: 52) + String(format: "p50 %.2f ms   p99 %.2f ms   max %.2f ms", latency.p50, latency.p99, latency.max)
    }
}
