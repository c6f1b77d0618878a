// RedisReplies: what ROLE and SENTINEL replies say about the topology, and how register values are stored.
import Foundation
import History
import RedisProtocol

/// A node's own view of its role (the `ROLE` command).
enum RedisRole: Equatable {
    /// A primary, with the replicas it counts as connected (host, port).
    case primary(replicas: Int)
    /// A replica of `host:port`; `linked` when its replication link is up.
    case replica(host: String, port: Int, linked: Bool)
    /// A Sentinel process.
    case sentinel

    init?(_ reply: RESPValue) {
        guard case .array(let items?) = reply, let kind = items.first?.string else { return nil }
        switch kind {
        case "master":
            guard items.count >= 3, case .array(let rs?) = items[2] else { return nil }
            self = .primary(replicas: rs.count)
        case "slave":
            guard items.count >= 4, let host = items[1].string, case .integer(let port) = items[2] else { return nil }
            self = .replica(host: host, port: Int(port), linked: items[3].string == "connected")
        case "sentinel":
            self = .sentinel
        default:
            return nil
        }
    }
}

enum RedisValues {
    /// The name Sentinel monitors the deployment under.
    static let masterName = "faultline"

    /// A register value as Redis stores it: its JSON text, so any value round-trips.
    static func encode(_ v: JSONValue) -> String {
        var text = ""
        v.write(to: &text)
        return text
    }

    static func decode(_ reply: RESPValue) -> JSONValue? {
        if reply.isNull { return .null }
        guard let s = reply.string else { return nil }
        return try? JSONParser.parse(s)
    }

    /// `SENTINEL get-master-addr-by-name`: ["host", "port"], or null when Sentinel knows no such master.
    static func address(_ reply: RESPValue) -> (String, Int)? {
        guard case .array(let items?) = reply, items.count == 2, let h = items[0].string,
              let p = items[1].string.flatMap({ Int($0) }) else { return nil }
        return (h, p)
    }
}
