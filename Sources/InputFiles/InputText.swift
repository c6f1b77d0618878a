// InputText: making text that came from input safe to print on one terminal line.

/// InputText escapes what a terminal would act on and caps a line's length, so that a key holding
/// `\n` cannot forge a second error line, an escape sequence cannot recolour or clear the screen, and a
/// multi-megabyte value does not become a multi-megabyte message.
public enum InputText {
    /// The longest line printed (characters); longer lines end with a note of how much was cut.
    public static let maxLineLength = 400

    /// `s` with control characters (C0, DEL, C1) and Unicode line/paragraph separators and bidi
    /// overrides escaped as `\n`, `\t`, `\u{1B}`; everything else unchanged. Escaping is idempotent:
    /// the result has no characters it would escape.
    public static func escaped(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars {
            switch u.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// `s` escaped and cut to `maxLineLength` characters.
    public static func line(_ s: String, max: Int = maxLineLength) -> String {
        let e = escaped(s)
        guard e.count > max else { return e }
        return String(e.prefix(max)) + "… (\(e.count - max) more characters)"
    }

    /// Every line of `s` made safe with `line(_:)` (for messages that are several lines on purpose). The
    /// cap is a little above `maxLineLength`, so a line capped once and then prefixed is not cut again.
    public static func lines(_ s: String, max: Int = maxLineLength + 100) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { line(String($0), max: max) }.joined(separator: "\n")
    }
}
