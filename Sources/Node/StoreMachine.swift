// Object store data: key -> (value, version, etag); deletes keep a tombstone so versions never repeat.

struct StoreMachine: StateMachine {
    struct Object: Sendable { var value: JSON; var version: Int; var etag: String; var deleted: Bool }
    var objects: [String: Object] = [:]

    init(settings: Settings) {}

    mutating func apply(_ cmd: JSON, index: Int) -> JSON {
        guard let k = cmd["k"]?.stringValue, let ver = cmd["ver"]?.intValue else { return .null }
        switch cmd["op"]?.stringValue {
        case "put":
            let v = cmd["v"] ?? .null
            let etag = "\"" + fnvHex(v.encoded()) + "\""
            objects[k] = Object(value: v, version: ver, etag: etag, deleted: false)
            return ["key": .string(k), "version": .int(ver), "etag": .string(etag)]
        case "del":
            objects[k] = Object(value: .null, version: ver, etag: "", deleted: true)
            return ["key": .string(k), "version": .int(ver), "deleted": true]
        default:
            return .null
        }
    }

    func live(_ k: String) -> Object? { objects[k].flatMap { $0.deleted ? nil : $0 } }
}
