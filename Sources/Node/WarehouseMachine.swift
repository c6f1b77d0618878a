// Warehouse data: a table of rows key -> (value, version), batch ids already loaded (idempotent COPY).

struct WarehouseMachine: StateMachine {
    struct Row: Sendable { var value: JSON; var version: Int }
    var rows: [String: Row] = [:]
    var batches: Set<String> = []

    init(settings: Settings) {}

    mutating func apply(_ cmd: JSON, index: Int) -> JSON {
        switch cmd["op"]?.stringValue {
        case "insert":
            let batch = cmd["b"]?.stringValue ?? ""
            if batches.contains(batch) { return ["batch_id": .string(batch), "inserted": 0, "duplicate": true] }
            batches.insert(batch)
            let rs = cmd["rows"]?.arrayValue ?? []
            for r in rs { upsert(r["k"]?.stringValue ?? "", r["v"] ?? .null) }
            return ["batch_id": .string(batch), "inserted": .int(rs.count), "duplicate": false]
        case "upsert":
            let k = cmd["k"]?.stringValue ?? ""
            let ver = upsert(k, cmd["v"] ?? .null)
            return ["key": .string(k), "version": .int(ver)]
        default:
            return .null
        }
    }

    @discardableResult
    private mutating func upsert(_ k: String, _ v: JSON) -> Int {
        let ver = (rows[k]?.version ?? 0) + 1
        rows[k] = Row(value: v, version: ver)
        return ver
    }
}
