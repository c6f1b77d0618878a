/// How the text of a JSON number becomes a `JSONValue` without losing its value.
///
/// A checker compares what was written with what was read, so a number must not be rounded into
/// another one: 10^30 and 10^30+1 as doubles are the same, and so are 1e400 and 1e999 (both
/// infinity). The rule:
/// - an integer (no fraction, no exponent) that fits in `Int` is `.int`;
/// - a number whose `Double` has the same decimal value as the text (the text is the double's
///   shortest form, give or take zeros and the exponent's spelling) is `.double`;
/// - anything else (integers beyond 64 bits, overflow, underflow, more digits than a double holds)
///   is `.decimal` with its canonical text, which is equal for equal numbers and different otherwise.
public enum JSONNumber {
    /// Why a number was refused.
    public struct Refusal: Error, Equatable { public var reason: String }

    /// The longest exponent accepted (digits), so that the canonical exponent fits in an Int.
    static let maxExponentDigits = 15

    /// The value of a number's text, which must already follow JSON's number grammar.
    public static func value(of text: Substring) throws(Refusal) -> JSONValue {
        let isInteger = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isInteger, let i = Int(text) { return .int(i) }
        let exact = try canonical(text)
        if !isInteger, let d = Double(text), d.isFinite, (try? canonical(Substring(String(d)))) == exact {
            return .double(d)
        }
        return .decimal(exact)
    }

    /// The canonical text of a decimal number: "0" for zero, else an optional "-", the significant
    /// digits with a "." after the first when there are several, and "e" with the power of ten
    /// when it is not 0. Examples: 1000 -> "1e3", -0.50 -> "-5e-1", 12.34e2 -> "1.234e3".
    /// Integers beyond `Int` keep their plain digits ("1000000000000000000000000000001"), so that
    /// the decimal text of a big integer is what a user wrote. Accepts a "+" after the "e" and
    /// leading zeros (Swift's own double texts have them), so it is not a grammar check.
    public static func canonical(_ text: Substring) throws(Refusal) -> String {
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var sawPoint = false
        var chars = Array(text.utf8)[...]
        if chars.first == UInt8(ascii: "-") { negative = true; chars = chars.dropFirst() }
        while let c = chars.first, c != UInt8(ascii: "e"), c != UInt8(ascii: "E") {
            chars = chars.dropFirst()
            if c == UInt8(ascii: ".") { sawPoint = true; continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { throw Refusal(reason: "invalid number") }
            digits.append(c)
            if sawPoint { fractionDigits += 1 }
        }
        var sawExponent = false
        if !chars.isEmpty {
            sawExponent = true
            chars = chars.dropFirst()
            var expNegative = false
            if chars.first == UInt8(ascii: "-") || chars.first == UInt8(ascii: "+") {
                expNegative = chars.first == UInt8(ascii: "-")
                chars = chars.dropFirst()
            }
            while chars.first == UInt8(ascii: "0") && chars.count > 1 { chars = chars.dropFirst() }
            guard !chars.isEmpty, chars.count <= maxExponentDigits, let e = Int(String(decoding: chars, as: UTF8.self)) else {
                throw Refusal(reason: "number exponent out of range (more than \(maxExponentDigits) digits)")
            }
            exponent = expNegative ? -e : e
        }
        // value = digits × 10^(exponent - fractionDigits)
        var power = exponent - fractionDigits
        while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        if digits.isEmpty { return "0" }
        let sign = negative ? "-" : ""
        if !sawPoint && !sawExponent { return sign + String(decoding: digits, as: UTF8.self) }
        while digits.last == UInt8(ascii: "0") { digits.removeLast(); power += 1 }
        let scientific = power + digits.count - 1
        var out = sign + String(UnicodeScalar(digits[0]))
        if digits.count > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
        if scientific != 0 { out += "e" + String(scientific) }
        return out
    }
}
