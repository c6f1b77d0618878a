// BrokerClient: log operations on the built-in broker (docs/nodes.md "Broker"): produce, poll, drain.
import Foundation
import History

/// BrokerClient maps the log workload (docs/history-conventions.md "log"): key `pN` is partition N;
/// `produce v` = POST /produce; `poll` = GET /fetch from the consumer's (process') next offset, which
/// then moves past what was returned; `drain` = the whole partition from offset 0 up to its high
/// watermark, fetched in pages.
public final class BrokerClient: SystemClient, @unchecked Sendable {
    let transport: HTTPTransport
    /// The node's base URL, e.g. "http://127.0.0.1:7101".
    public let baseURL: String
    private let lock = NSLock()
    /// (process, partition) → next offset to poll.
    private var positions: [String: Int] = [:]

    public init(transport: HTTPTransport, baseURL: String) {
        self.transport = transport
        self.baseURL = baseURL
    }

    public func perform(_ op: ClientOperation) async -> ClientOutcome {
        let (f, key, value, process) = (op.f, op.key, op.value, op.process)
        guard let key, key.hasPrefix("p"), let partition = Int(key.dropFirst()) else {
            return .fail("a log key must name a partition: p0, p1, ...")
        }
        switch f {
        case "produce":
            let a = await transport.send(.POST, "\(baseURL)/produce", body: ["value": value, "partition": .int(partition)])
            if case .status(200, let b) = a, let o = b["offset"]?.intValue { return .ok(["value": value, "offset": .int(o)]) }
            return a.otherwise
        case "poll":
            let slot = "\(process)/\(partition)"
            let from = position(slot)
            let a = await transport.send(.GET, "\(baseURL)/fetch?partition=\(partition)&offset=\(from)&max=50")
            guard case .status(200, let b) = a, let msgs = b["messages"]?.arrayValue else { return a.otherwise }
            let entries = msgs.compactMap { m -> JSONValue? in
                guard let o = m["offset"]?.intValue, let v = m["value"] else { return nil }
                return [.int(o), v]
            }
            if let last = msgs.last?["offset"]?.intValue { setPosition(slot, last + 1) }
            return .ok(.array(entries))
        case "drain":
            var all: [JSONValue] = []
            var from = 0
            while true {
                let a = await transport.send(.GET, "\(baseURL)/fetch?partition=\(partition)&offset=\(from)&max=1000")
                guard case .status(200, let b) = a, let msgs = b["messages"]?.arrayValue else { return a.otherwise }
                for m in msgs {
                    guard let o = m["offset"]?.intValue, let v = m["value"] else { continue }
                    all.append([.int(o), v])
                    from = o + 1
                }
                let hw = b["high_watermark"]?.intValue ?? from
                if msgs.isEmpty || from >= hw { break }
            }
            return .ok(.array(all))
        default:
            return .fail("the broker client has no operation '\(f)'")
        }
    }

    private func position(_ slot: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return positions[slot] ?? 0
    }

    private func setPosition(_ slot: String, _ o: Int) {
        lock.lock()
        defer { lock.unlock() }
        positions[slot] = max(positions[slot] ?? 0, o)
    }

    /// HTTP keep-alive connections belong to the adapter's pool, shared by its clients: nothing to close here.
    public func close() async {}
}
