import CCurl
import TollgateHTTPMessages

/// Gathers a response from libcurl's header and write callbacks during one transfer.
final class ResponseCollector {
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private(set) var exceededLimit = false
    private let maxBodySize: Int

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    /// One header line, CRLF included. A status line starts a new response (after `100 Continue`).
    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A { end -= 1 }
        let line = Substring(String(decoding: bytes[0..<end], as: UTF8.self))
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingHTTPWhitespace())
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodySize else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Points libcurl's callbacks at this collector, which must stay alive until the transfer ends.
    func install(on handle: CurlEasyHandle) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = tollgate_curl_easy_setopt_write_function(handle.pointer, CURLOPT_HEADERFUNCTION, collectHeaderLine)
        _ = tollgate_curl_easy_setopt_pointer(handle.pointer, CURLOPT_HEADERDATA, context)
        _ = tollgate_curl_easy_setopt_write_function(handle.pointer, CURLOPT_WRITEFUNCTION, collectBody)
        _ = tollgate_curl_easy_setopt_pointer(handle.pointer, CURLOPT_WRITEDATA, context)
    }
}

private func collectHeaderLine(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let length = size * count
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    collector.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

private func collectBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let length = size * count
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    // Returning fewer bytes than offered makes libcurl abort the transfer with CURLE_WRITE_ERROR.
    return collector.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}
