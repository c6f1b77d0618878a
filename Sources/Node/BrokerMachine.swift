// Broker data: partitioned message logs (offsets per partition) and consumer-group offsets.

struct BrokerMachine: StateMachine {
    struct Message: Sendable { var offset: Int; var key: JSON; var value: JSON; var index: Int }
    var partitions: [[Message]]
    var groups: [String: [Int: Int]] = [:]

    init(settings: Settings) { partitions = Array(repeating: [], count: settings.partitions) }

    mutating func apply(_ cmd: JSON, index: Int) -> JSON {
        switch cmd["op"]?.stringValue {
        case "produce":
            let p = cmd["p"]?.intValue ?? 0
            guard partitions.indices.contains(p) else { return .null }
            let offset = partitions[p].count
            partitions[p].append(Message(offset: offset, key: cmd["k"] ?? .null, value: cmd["v"] ?? .null, index: index))
            return ["partition": .int(p), "offset": .int(offset)]
        case "commit":
            let g = cmd["g"]?.stringValue ?? "", p = cmd["p"]?.intValue ?? 0, o = cmd["o"]?.intValue ?? 0
            groups[g, default: [:]][p] = o
            return ["group": .string(g), "partition": .int(p), "offset": .int(o)]
        default:
            return .null
        }
    }

    /// Stable partition choice for a key (FNV-1a), so the same key always lands in the same partition.
    static func partition(for key: JSON, count: Int) -> Int {
        var h: UInt64 = 0xcbf29ce484222325
        for b in key.bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return Int(h % UInt64(count))
    }
}

/// FNV-1a of bytes as 16 hex digits (ETags).
func fnvHex(_ bytes: some Sequence<UInt8>) -> String {
    var h: UInt64 = 0xcbf29ce484222325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    let s = String(h, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}
