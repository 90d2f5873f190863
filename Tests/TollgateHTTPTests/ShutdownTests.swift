import Foundation
import Glibc
import Testing
import TollgateHTTP
import TollgateHTTPMessages

@Suite struct ShutdownTests {
    @Test func drainFinishesInFlightRequestsAndRefusesNewConnections() throws {
        let server = try makeServer()
        let port = server.port
        let idle = try RawConnection(port: port)
        idle.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)

        let inFlight = Background {
            ClientOutcome { () throws(HTTPClientError) in
                try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow?ms=700"))
            }
        }
        Thread.sleep(forTimeInterval: 0.2)
        let started = ContinuousClock.now
        let drain = Background { server.shutdown(drainTimeout: .seconds(5)) }

        // Idle keep-alive connections are closed at once, not after the idle timeout.
        #expect(idle.closesSilently(within: .seconds(1)))
        Thread.sleep(forTimeInterval: 0.1)
        #expect(throws: RawConnection.ConnectError.self) { try RawConnection(port: port) }

        let outcome = try #require(inFlight.wait())
        #expect(outcome.status == 200)
        #expect(outcome.body == "slept 700")
        #expect(drain.wait() == true)
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(server.metrics.openConnections == 0)
        // Later calls return the first call's result.
        #expect(server.shutdown())
    }

    @Test func drainDeadlineCutsStragglers() throws {
        let server = try makeServer()
        let port = server.port
        let straggler = Background {
            ClientOutcome { () throws(HTTPClientError) in
                try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow?ms=1500"))
            }
        }
        Thread.sleep(forTimeInterval: 0.2)
        let started = ContinuousClock.now
        #expect(server.shutdown(drainTimeout: .milliseconds(200)) == false)
        #expect(ContinuousClock.now - started < .milliseconds(800))
        let outcome = try #require(straggler.wait())
        #expect(outcome.error != nil)
    }

    @Test func signalTriggersDrain() throws {
        let server = try makeServer()
        let source = server.drainOnSignals([SIGUSR2])
        let stopped = Background { server.waitUntilStopped() }
        // Dispatch arms the source asynchronously and the signal is ignored until then, so repeat it.
        var drained = false
        for _ in 0..<100 where !drained {
            kill(getpid(), SIGUSR2)
            drained = stopped.wait(timeout: .milliseconds(50)) != nil
        }
        #expect(drained)
        #expect(throws: RawConnection.ConnectError.self) { try RawConnection(port: server.port) }
        withExtendedLifetime(source) {}
    }
}
