// Hex: byte fixtures written as annotated hex listings.

/// Bytes from a listing: hex pairs, 'quoted ASCII', whitespace ignored, `#` comments to the end of the line.
/// A malformed listing yields an empty array, which no fixture equals, so the test using it fails.
func hex(_ listing: String) -> [UInt8] {
    var out: [UInt8] = []
    for line in listing.split(separator: "\n", omittingEmptySubsequences: false) {
        var rest = Substring(line)
        var pending: Character?
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == "#" { break }
            if c == "'" {
                guard let close = rest.firstIndex(of: "'") else { return [] }
                out.append(contentsOf: Array(rest[..<close].utf8))
                rest = rest[rest.index(after: close)...]
                continue
            }
            if c == " " || c == "\t" || c == "|" { continue }
            guard c.isHexDigit else { return [] }
            if let p = pending {
                guard let b = UInt8(String([p, c]), radix: 16) else { return [] }
                out.append(b)
                pending = nil
            } else {
                pending = c
            }
        }
        if pending != nil { return [] }
    }
    return out
}

func hexString(_ b: [UInt8]) -> String {
    b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
