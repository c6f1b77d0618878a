/// The few fields of a ListObjectsV2 answer a harness needs. S3's XML is flat and regular; reading the
/// elements by name keeps this free of an XML library, and unknown elements are ignored.
public struct ListBucketResult: Sendable, Equatable {
    public var keys: [String]
    public var isTruncated: Bool
    public var nextContinuationToken: String?

    public init(xml: String) {
        keys = Self.elements("Key", in: xml)
        isTruncated = Self.elements("IsTruncated", in: xml).first == "true"
        nextContinuationToken = Self.elements("NextContinuationToken", in: xml).first
    }

    /// Texts of every `<name>...</name>` element, entities decoded.
    static func elements(_ name: String, in xml: String) -> [String] {
        var found: [String] = []
        var rest = xml[...]
        let open = "<\(name)>", close = "</\(name)>"
        while let start = rest.range(of: open) {
            guard let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) else { break }
            found.append(decodeEntities(String(rest[start.upperBound..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        return found
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { out += rest[amp...]; return out }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                if entity.hasPrefix("#x"), let v = UInt32(entity.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                    out.unicodeScalars.append(s)
                } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let s = Unicode.Scalar(v) {
                    out.unicodeScalars.append(s)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
