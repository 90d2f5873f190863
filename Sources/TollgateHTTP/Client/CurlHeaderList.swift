import CCurl
import TollgateHTTPMessages

/// Owns a `curl_slist` of request header lines.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init(_ headers: HTTPHeaders) throws(HTTPClientError) {
        for field in headers {
            guard !field.name.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ":") || $0 >= 0x7F }),
                  !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw HTTPClientError(.invalidRequest, "header field '\(field.name)' has a malformed name or a line break in its value")
            }
            // libcurl reads "Name;" as a field with an empty value; "Name:" would remove the field.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            guard let appended = curl_slist_append(pointer, line) else {
                throw HTTPClientError(.other, "curl_slist_append failed")
            }
            pointer = appended
        }
    }

    deinit {
        curl_slist_free_all(pointer)
    }
}
