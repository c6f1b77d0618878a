// TansuClientSettings: the producer and consumer settings of a `system: tansu` block, checked where read.
import Contracts
import History

/// What the pipeline file's client settings ask of every Kafka client (docs/systems.md "tansu").
struct TansuClientSettings: Sendable, Equatable {
    enum Acks: String, Sendable { case none = "0", leader = "1", all }

    /// `acks`: 0 (no answer: every send is of unknown outcome, `info`), 1 (the leader appended it) or
    /// all (every in-sync replica did; the same as 1 on one memory broker).
    var acks: Acks = .all
    /// `idempotence`: the producer gets an id and numbers its batches, so a retried batch the broker
    /// already has is refused as a duplicate instead of appended twice.
    var idempotence = true
    /// `retries`: how many times a send is sent again after a lost answer or a retriable broker error
    /// (without idempotence a retry can append the records twice).
    var retries = 2
    /// `isolation`: read_uncommitted polls see records of open and aborted transactions;
    /// read_committed polls stop at the last stable offset and skip aborted records.
    var readCommitted = false
    /// `auto_commit`: after each poll the consumer commits its positions to the group `faultline`, and
    /// a newly assigned partition starts at the group's committed offset instead of the first one.
    var autoCommit = false
    /// Deadline of one request, seconds (the workload's op_timeout).
    var opTimeout: Double = 1
    /// Partitions 0..<keys of the topic (the workload's keys).
    var keys = 3
    /// The workload subscribes (it has the function `subscribe`): every consumer is a member of the
    /// group from its first op, as Jepsen's subscribed clients are; otherwise consumers assign.
    var subscribes = false

    static let names = ["acks", "idempotence", "retries", "isolation", "auto_commit"]
    static let topic = "faultline"
    static let group = "faultline"

    static func problem(_ s: [String: JSONValue]) -> SettingsError? {
        if let v = s["acks"], parseAcks(v) == nil {
            return SettingsError(field: "acks", message: "expected 0, 1 or all")
        }
        for k in ["idempotence", "auto_commit"] where s[k] != nil && s[k]?.boolValue == nil {
            return SettingsError(field: k, message: "expected true or false")
        }
        if let v = s["retries"], v.intValue.map({ (0...10).contains($0) }) != true {
            return SettingsError(field: "retries", message: "must be an integer in 0...10")
        }
        if let v = s["isolation"], v.stringValue != "read_uncommitted" && v.stringValue != "read_committed" {
            return SettingsError(field: "isolation", message: "expected read_uncommitted or read_committed")
        }
        if parseAcks(s["acks"] ?? "all") == Acks.none, s["idempotence"]?.boolValue == true {
            return SettingsError(field: "idempotence", message: "needs acks 1 or all (an idempotent producer needs answers)")
        }
        return nil
    }

    static func parseAcks(_ v: JSONValue) -> Acks? {
        if let i = v.intValue { return i == 0 ? Acks.none : i == 1 ? .leader : i == -1 ? .all : nil }
        return v.stringValue.flatMap(Acks.init(rawValue:))
    }

    /// Settings `problem` accepted, with the workload's timeout and keys.
    init(_ s: [String: JSONValue], opTimeout: Double, keys: Int, subscribes: Bool = false) {
        self.subscribes = subscribes
        acks = s["acks"].flatMap(Self.parseAcks) ?? .all
        // acks 0 cannot be idempotent: the default follows acks unless given.
        idempotence = s["idempotence"]?.boolValue ?? (acks != .none)
        retries = s["retries"]?.intValue ?? 2
        readCommitted = s["isolation"]?.stringValue == "read_committed"
        autoCommit = s["auto_commit"]?.boolValue ?? false
        self.opTimeout = opTimeout
        self.keys = max(1, keys)
    }

    init() {}
}
