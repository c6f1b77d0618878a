// JUnitWriter: a campaign as JUnit XML, one test case per run, failed where its expectation failed.
import Foundation

/// JUnitWriter renders the JUnit XML CI systems read (Jenkins, GitLab, GitHub test reporters):
/// `<testsuites><testsuite name=campaign><testcase classname="campaign.workload.nemesis"
/// name="pipeline seed N" time=s>[<failure message=…>…</failure>]</testcase>…`.
public enum JUnitWriter {
    public static func render(campaign: String, cells: [CampaignCell]) -> String {
        let failures = cells.filter { !$0.held }.count
        let time = cells.reduce(0) { $0 + $1.seconds }
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"\(esc(campaign))\" tests=\"\(cells.count)\" failures=\"\(failures)\" time=\"\(fmt(time))\">\n"
        x += "  <testsuite name=\"\(esc(campaign))\" tests=\"\(cells.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(fmt(time))\">\n"
        for c in cells {
            let cls = esc("\(campaign).\(c.workload).\(c.nemesis)")
            x += "    <testcase classname=\"\(cls)\" name=\"\(esc("\(c.pipeline) seed \(c.seed)"))\" time=\"\(fmt(c.seconds))\">\n"
            if !c.held {
                let msg = c.failures.joined(separator: "; ")
                x += "      <failure message=\"\(esc(msg))\" type=\"expectation\">\(esc(msg))\nrun: \(esc(c.run)) (\(c.ending.rawValue), verdict \(c.verdictWord))</failure>\n"
            }
            x += "      <system-out>run: \(esc(c.run)) verdict: \(c.verdictWord) ending: \(c.ending.rawValue)</system-out>\n"
            x += "    </testcase>\n"
        }
        x += "  </testsuite>\n</testsuites>\n"
        return x
    }

    /// XML escaping for attribute values and text.
    static func esc(_ s: String) -> String {
        var o = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&apos;"
            default:
                // XML 1.0 allows only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-: anything else
                // (control characters, U+FFFE, U+FFFF) makes the file unreadable even escaped.
                if isXMLChar(ch) { o.unicodeScalars.append(ch) } else { o += "?" }
            }
        }
        return o
    }

    static func isXMLChar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    static func fmt(_ d: Double) -> String { String(format: "%.3f", d) }
}
