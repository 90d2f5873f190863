import Testing
import TollgateHTTPMessages
@_spi(Fuzzing) @testable import TollgateHTTP

@Suite struct RequestHeadTests {
    private func parse(_ text: String, maxHeaderCount: Int = 100, maxBodySize: Int = 1 << 20) throws(HTTPRejection) -> RequestHead {
        try RequestHead.parse(ArraySlice(text.utf8), maxHeaderCount: maxHeaderCount, maxBodySize: maxBodySize)
    }

    private func reason(_ text: String, maxHeaderCount: Int = 100) -> HTTPRejection.Reason? {
        do {
            _ = try parse(text, maxHeaderCount: maxHeaderCount)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func parsesRequestLineHeadersAndFraming() throws {
        let head = try parse("POST /v1/licenses?country=DE&seats=5 HTTP/1.1\r\nHost: node\r\ncontent-length: 12\r\nX-Trace:  a b \r\nX-Trace: c")
        #expect(head.method == .post)
        #expect(head.path == "/v1/licenses")
        #expect(head.query == "country=DE&seats=5")
        #expect(head.version == .http1_1)
        #expect(head.contentLength == 12)
        #expect(head.keepAlive)
        #expect(!head.expectsContinue)
        #expect(head.headers["Content-Length"] == "12")
        #expect(head.headers["x-trace"] == "a b")
        #expect(head.headers.values(for: "X-TRACE") == ["a b", "c"])
        #expect(head.headers.fields.map(\.name) == ["Host", "content-length", "X-Trace", "X-Trace"])
    }

    @Test func connectionPersistenceFollowsVersionAndConnectionHeader() throws {
        #expect(try !parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close").keepAlive)
        #expect(try !parse("GET / HTTP/1.0").keepAlive)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: keep-alive").keepAlive)
        #expect(try parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3").expectsContinue)
    }

    @Test func absoluteFormAndAsteriskTargets() throws {
        let absolute = try parse("GET http://node.example:8080/a/b?x=1 HTTP/1.1\r\nHost: node.example")
        #expect(absolute.path == "/a/b")
        #expect(absolute.query == "x=1")
        #expect(try parse("OPTIONS * HTTP/1.1\r\nHost: a").path == "*")
        #expect(reason("GET * HTTP/1.1\r\nHost: a") == .malformedRequest)
        #expect(reason("GET relative HTTP/1.1\r\nHost: a") == .malformedRequest)
    }

    @Test func refusesMalformedHeads() {
        #expect(reason("GET / HTTP/1.1\nHost: a") == .malformedRequest)
        #expect(reason("GET / HTTP/1.1\rHost: a") == .malformedRequest)
        #expect(reason("GET  / HTTP/1.1\r\nHost: a") == .malformedRequest)
        #expect(reason("GET / HTTP/1.1 extra\r\nHost: a") == .malformedRequest)
        #expect(reason("G(T / HTTP/1.1\r\nHost: a") == .malformedRequest)
        #expect(reason("GET /\u{7F} HTTP/1.1\r\nHost: a") == .malformedRequest)
        #expect(reason("GET / HTTP/1.1\r\nHost : a") == .malformedRequest)
        #expect(reason("GET / HTTP/1.1\r\nHost: a\r\n folded") == .malformedRequest)
        #expect(reason("GET / HTTP/1.1\r\nHost: a\r\nNoColon") == .malformedRequest)
        #expect(reason("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{01}b") == .malformedRequest)
        #expect(reason("GET / HTTP/1.x\r\nHost: a") == .malformedRequest)
        #expect(reason("GET / HTTP/2.0\r\nHost: a") == .versionNotSupported)
        #expect(reason("GET / HTTP/1.1") == .missingHost)
        #expect(reason("GET / HTTP/1.1\r\nHost: a\r\nHost: b") == .missingHost)
        #expect(reason("GET / HTTP/1.1\r\nHost: a\r\nExpect: something") == .expectationFailed)
        #expect(reason("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3", maxHeaderCount: 2) == .headTooLarge)
    }

    @Test func refusesAmbiguousFraming() {
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked") == .conflictingFraming)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5") == .conflictingFraming)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked") == .lengthRequired)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip") == .malformedRequest)
        #expect(reason("POST / HTTP/1.0\r\nTransfer-Encoding: chunked") == .malformedRequest)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6") == .invalidContentLength)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6") == .invalidContentLength)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5") == .invalidContentLength)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10") == .invalidContentLength)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577") == .bodyTooLarge)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999") == .bodyTooLarge)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576") == nil)
        #expect(reason("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\nContent-Length: 7") == nil)
    }

    @Test func queryItemsArePercentDecoded() {
        let request = HTTPRequest(method: .get, path: "/", query: "name=J%C3%BCrgen+M&empty=&flag&x=%zz")
        #expect(request.queryItems.map(\.name) == ["name", "empty", "flag", "x"])
        #expect(request.queryValue("name") == "Jürgen M")
        #expect(request.queryValue("empty") == "")
        #expect(request.queryValue("flag") == "")
        #expect(request.queryValue("x") == "%zz")
        #expect(request.queryValue("missing") == nil)
    }
}

@Suite struct ResponseEncoderTests {
    @Test func serverOwnsFramingHeadersAndDropsInjectedLines() {
        let response = HTTPResponse(status: .ok, headers: ["Content-Length": "999", "Transfer-Encoding": "chunked",
                                                           "X-Evil": "a\r\nSet-Cookie: x", "Bad Name": "v", "X-Good": "yes"],
                                    body: Array("abc".utf8))
        let text = String(decoding: ResponseEncoder.encode(response, requestVersion: .http1_1, keepAlive: true, isHeadRequest: false,
                                                           date: "Sun, 06 Nov 1994 08:49:37 GMT"), as: UTF8.self)
        #expect(text == "HTTP/1.1 200 OK\r\nX-Good: yes\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 3\r\n\r\nabc")
    }

    @Test func headNoContentAndConnectionHandling() {
        let response = HTTPResponse.text("hello")
        let head = String(decoding: ResponseEncoder.encode(response, requestVersion: .http1_0, keepAlive: true, isHeadRequest: true,
                                                           date: "D"), as: UTF8.self)
        #expect(head == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: D\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n")
        let empty = String(decoding: ResponseEncoder.encode(HTTPResponse(status: .noContent, body: [1, 2]), requestVersion: .http1_1,
                                                            keepAlive: false, isHeadRequest: false, date: "D"), as: UTF8.self)
        #expect(empty == "HTTP/1.1 204 No Content\r\nDate: D\r\nConnection: close\r\n\r\n")
    }

    @Test func problemResponsesAreRFC9457() throws {
        let rejection = HTTPRejection(.headTooLarge, "too big")
        let response = HTTPResponse.problem(rejection.problem)
        #expect(response.status == .requestHeaderFieldsTooLarge)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(response.bodyText == #"{"detail":"too big","status":431,"title":"Request head too large","type":"https://tollgate.dev/problems/head-too-large"}"#)
        #expect(response.problemDetails == rejection.problem)
    }

    @Test func httpDateIsIMFFixdate() {
        #expect(HTTPDate.string(secondsSince1970: 784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.string(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}
