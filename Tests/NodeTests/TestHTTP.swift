// HTTP for the node tests: FaultlineTesting's blocking one-shot request, with the JSON body parsed.
import FaultlineTesting
import Foundation

struct HTTPResult {
    var status: Int  // 0 when the request failed (refused, reset or timed out)
    var body: [String: Any]
    var raw: String
}

enum TestHTTP {
    static func request(_ port: Int, _ method: String, _ path: String, body: String? = nil,
                        headers: [String: String] = [:], timeout: Double = 3) -> HTTPResult {
        guard let (status, text) = TestSupport.request(port: port, method: method, path: path, body: body,
                                                       headers: headers, timeout: timeout) else {
            return HTTPResult(status: 0, body: [:], raw: "")
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return HTTPResult(status: status, body: json, raw: text)
    }
}
