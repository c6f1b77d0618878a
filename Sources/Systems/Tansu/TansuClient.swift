// TansuClient: one logical client of Jepsen's Kafka workload (send, txn, poll, assign, final poll) on a
// Kafka-protocol broker, with the history's values in Jepsen's shape.
import Foundation
import History
import KafkaProtocol
import NIOCore

/// TansuClient is one logical client (Jepsen's process): a producer and a consumer on one connection.
///
/// Values (docs/history-conventions.md "kafka"): `send` and `txn` invoke `[["send", k, v], ...]` and
/// complete ok as `[["send", k, [offset, v]], ...]`; `poll` invokes `[["poll"]]` and completes ok as
/// `[["poll", {"k": [[offset, v], ...]}]]`; `assign` carries its keys. Key k is partition k of topic
/// `faultline`; a record's value is the decimal text of v.
///
/// Outcomes: `fail` only when the records certainly were not appended (the connection was refused
/// before anything was sent; every partition answered with a refusal code); a lost answer, a timeout,
/// an error code that does not say, or a send where some partitions appended and others did not, is
/// `info`. Polls and assigns change no log: one that gets no answer is `fail`.
actor TansuClient: SystemClient {
    let node: SystemNode
    let settings: TansuClientSettings
    let process: Int
    var client: KafkaClient?
    /// Whether this client knows the topic exists (created, or found); a memory broker restarted
    /// empty no longer has it, and a refusal with UNKNOWN_TOPIC_OR_PARTITION sets this back.
    var topicReady = false
    var assigned: [Int32]
    var positions: [Int32: Int64] = [:]
    var producer: (producerId: Int64, epoch: Int16)?
    var sequences: [Int32: Int32] = [:]
    var txnProducer: (producerId: Int64, epoch: Int16)?
    var txnSequences: [Int32: Int32] = [:]
    /// Subscribed (Jepsen's :subscribe): the group `faultline` decides the partitions (TansuClient+Group).
    var subscribed = false
    /// This consumer's place in the group: nil until it joins, and again after a rebalance or an
    /// expulsion (the next op joins again).
    var membership: GroupMembership?
    /// The member id the broker gave; kept across rejoins so the group knows it is the same member.
    var memberId = ""
    var lastHeartbeat = ContinuousClock.now
    /// How many times this member led a rebalance (it shifts the assignment: TansuClient+Group).
    var ledGroups = 0

    init(node: SystemNode, settings: TansuClientSettings, process: Int, client: KafkaClient) {
        self.node = node
        self.settings = settings
        self.process = process
        self.client = client
        // Until an assign says otherwise, the consumer reads every partition; a subscribing consumer reads
        // what the group gives it, from its first op on.
        assigned = settings.subscribes ? [] : (0..<Int32(settings.keys)).map { $0 }
        subscribed = settings.subscribes
    }

    var timeout: TimeAmount { .milliseconds(Int64(settings.opTimeout * 1000)) }
    var topic: String { TansuClientSettings.topic }

    func perform(_ op: ClientOperation) async -> ClientOutcome {
        switch op.f {
        case "send": return await send(op.value, transactional: false)
        case "txn": return Self.hasPoll(op.value) ? await pollingTransaction(op.value) : await send(op.value, transactional: true)
        case "poll": return await poll()
        case "final-poll": return await finalPoll()
        case "assign": return await assign(op.value)
        case "subscribe": return await subscribe(op.value)
        default: return .fail("the tansu client has no operation '\(op.f)'")
        }
    }

    func close() async {
        await leaveGroup()
        if let c = client { await c.close() }
        client = nil
    }

    // MARK: connection and topic

    /// The connection, reconnected when lost, with the topic created when this client has not seen it.
    /// Everything here happens before the op's own request: any error means the op sent nothing.
    func ready() async throws -> KafkaClient {
        if let c = client, !c.bootstrap.isActive {
            await c.close()
            client = nil
            // A new connection may be to a restarted broker: its producer ids and topic may be gone.
            producer = nil
            txnProducer = nil
            topicReady = false
        }
        let c: KafkaClient
        if let existing = client { c = existing } else {
            c = try await KafkaClient.connect(to: node, clientId: "faultline-\(process)", requestTimeout: timeout)
            client = c
        }
        if !topicReady {
            do {
                try await c.createTopic(topic, partitions: Int32(settings.keys))
            } catch KafkaClientError.broker(let code, _) where code == .topicAlreadyExists {
            }
            topicReady = true
        }
        return c
    }

    // MARK: send and txn

    /// The micro-ops of a send: (key, value) in the order given.
    static func sends(_ value: JSONValue) -> [(key: Int32, value: Int)]? {
        guard let mops = value.arrayValue else { return nil }
        var out: [(key: Int32, value: Int)] = []
        for m in mops {
            guard let p = m.arrayValue, p.count == 3, p[0].stringValue == "send", let k = p[1].intValue, let v = p[2].intValue,
                  let key = Int32(exactly: k) else { return nil }
            out.append((key, v))
        }
        return out.isEmpty ? nil : out
    }

    private func send(_ value: JSONValue, transactional: Bool) async -> ClientOutcome {
        guard let mops = Self.sends(value) else { return .fail("expected [[\"send\", key, value], ...], got \(value)") }
        if let bad = mops.first(where: { $0.key < 0 || $0.key >= Int32(settings.keys) }) {
            return .fail("key \(bad.key) is not a partition of \(topic) (0..<\(settings.keys))")
        }
        // Records per partition, in the order the op names them; one batch per partition.
        var order: [Int32] = []
        var records: [Int32: [Int]] = [:]
        for m in mops {
            if records[m.key] == nil { order.append(m.key) }
            records[m.key, default: []].append(m.value)
        }
        let c: KafkaClient
        do { c = try await ready() } catch { return .fail("before sending: \(error)") }
        if transactional { return await transaction(c, mops: mops, order: order, records: records) }
        if settings.acks == .none { return await sendUnacknowledged(c, order: order, records: records) }
        if settings.idempotence && producer == nil {
            do { producer = try await c.initProducerId() } catch { return .fail("before sending: InitProducerId: \(error)") }
        }
        let outcomes = await produce(c, order: order, records: records, txn: nil)
        return Self.completion(mops: mops, order: order, outcomes: outcomes)
    }

    /// acks 0: the broker never answers, so no send is known to have landed (nor known not to have).
    private func sendUnacknowledged(_ c: KafkaClient, order: [Int32], records: [Int32: [Int]]) async -> ClientOutcome {
        let request = produceRequest(order: order, records: records, producer: nil, transactional: nil)
        do {
            try await c.bootstrap.sendWithoutResponse(request)
        } catch KafkaClientError.notSent(let why) {
            return .fail("not sent: \(why)")
        } catch {
            return .info("\(error)")
        }
        return .info("acks=0: sent, no acknowledgement exists")
    }

    private func produceRequest(order: [Int32], records: [Int32: [Int]], producer: (producerId: Int64, epoch: Int16)?,
                                transactional: String?) -> ProduceRequest {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let seqs = transactional != nil ? txnSequences : sequences
        let parts = order.map { p in
            let batch = RecordBatch.make(records[p]!.map { (key: Array(String(p).utf8), value: Array(String($0).utf8), headers: []) },
                                         timestamp: now, producerId: producer?.producerId ?? -1, producerEpoch: producer?.epoch ?? -1,
                                         baseSequence: producer == nil ? -1 : seqs[p, default: 0], transactional: transactional != nil)
            return ProduceRequest.PartitionData(index: p, records: batch.encoded)
        }
        let acks: Int16 = settings.acks == .none ? 0 : settings.acks == .leader ? 1 : -1
        return ProduceRequest(transactionalId: transactional, acks: acks, timeoutMs: Int32(settings.opTimeout * 1000),
                              topics: [.init(name: topic, partitions: parts)])
    }

    /// Sends the partitions' batches in one request, again (up to `retries` times) for the partitions
    /// whose answer was lost or a retriable refusal. A partition that ever had a lost answer stays
    /// `unknown` unless a later answer says appended or already written: a refusal of the retry does
    /// not undo the first copy.
    func produce(_ c: KafkaClient, order: [Int32], records: [Int32: [Int]], txn: String?) async -> [Int32: PartitionOutcome] {
        var outcomes: [Int32: PartitionOutcome] = [:]
        var maybeWritten = Set<Int32>()
        var pending = order
        var conn = c
        for attempt in 0...settings.retries {
            if attempt > 0 {
                try? await Task.sleep(for: .milliseconds(50))
                // The retry needs a working connection; if none can be had, the pending parts stay as they are.
                guard let again = try? await reconnectForRetry() else { break }
                conn = again
            }
            let request = produceRequest(order: pending, records: records, producer: txn != nil ? txnProducer : producer, transactional: txn)
            do {
                let r = try await conn.bootstrap.send(request)
                let parts = r.topics.first { $0.name == topic }?.partitions ?? []
                for p in pending {
                    guard let answer = parts.first(where: { $0.index == p }) else {
                        outcomes[p] = .unknown("no answer for partition \(p)")
                        continue
                    }
                    outcomes[p] = answer.errorCode == 0 ? .appended(answer.baseOffset) : .of(code: answer.errorCode, message: answer.errorMessage)
                    if answer.errorCode == 3 { topicReady = false }
                }
            } catch KafkaClientError.notSent(let why) {
                for p in pending where outcomes[p] == nil { outcomes[p] = .refused("not sent: \(why)", retriable: true) }
            } catch {
                for p in pending {
                    outcomes[p] = .unknown("\(error)")
                    maybeWritten.insert(p)
                }
            }
            // Whatever is written (or refused for good) is settled; the batch numbers move on.
            for p in pending {
                switch outcomes[p] {
                case .appended?, .alreadyWritten?: advanceSequence(p, by: records[p]!.count, txn: txn != nil)
                default: break
                }
            }
            pending = pending.filter { p in
                switch outcomes[p] {
                case .refused(_, true)?, .unknown?: return true
                default: return false
                }
            }
            if pending.isEmpty { break }
        }
        for p in maybeWritten {
            if case .refused(let why, _)? = outcomes[p] { outcomes[p] = .unknown("an earlier attempt's answer was lost; the retry got \(why)") }
        }
        // The broker no longer knows this producer (a restarted memory broker, a newer epoch): Kafka's
        // producer starts over with a new id, and so does this one at its next send.
        if outcomes.values.contains(where: { if case .refused(let why, _) = $0 { Self.producerGone.contains { why.hasPrefix($0) } } else { false } }) {
            if txn != nil { txnProducer = nil; txnSequences = [:] } else { producer = nil; sequences = [:] }
        }
        return outcomes
    }

    static let producerGone = ["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_EPOCH", "PRODUCER_FENCED"]

    /// A working connection for a retry. The producer keeps its id and sequence numbers (that is what
    /// makes the retry idempotent); the topic is created again if the broker lost it.
    private func reconnectForRetry() async throws -> KafkaClient {
        if let c = client, c.bootstrap.isActive, topicReady { return c }
        if let c = client, !c.bootstrap.isActive {
            await c.close()
            client = nil
        }
        let c: KafkaClient
        if let existing = client { c = existing } else {
            c = try await KafkaClient.connect(to: node, clientId: "faultline-\(process)", requestTimeout: timeout)
            client = c
        }
        if !topicReady {
            do { try await c.createTopic(topic, partitions: Int32(settings.keys)) } catch KafkaClientError.broker(let code, _) where code == .topicAlreadyExists {}
            topicReady = true
        }
        return c
    }

    private func advanceSequence(_ p: Int32, by n: Int, txn: Bool) {
        if txn { txnSequences[p, default: 0] &+= Int32(n) } else if producer != nil { sequences[p, default: 0] &+= Int32(n) }
    }

    /// The op's completion from its partitions' outcomes.
    static func completion(mops: [(key: Int32, value: Int)], order: [Int32], outcomes: [Int32: PartitionOutcome]) -> ClientOutcome {
        var bases: [Int32: Int64] = [:]
        var refusals: [String] = []
        var unknowns: [String] = []
        for p in order {
            switch outcomes[p] ?? .unknown("no outcome") {
            case .appended(let base): bases[p] = base
            case .refused(let why, _): refusals.append("partition \(p): \(why)")
            case .alreadyWritten: unknowns.append("partition \(p): written by an earlier attempt, offset not given (DUPLICATE_SEQUENCE_NUMBER)")
            case .unknown(let why): unknowns.append("partition \(p): \(why)")
            }
        }
        if bases.count == order.count {
            var next = bases
            let done: [JSONValue] = mops.map { m in
                let o = next[m.key]!
                next[m.key] = o + 1
                return [.string("send"), .int(Int(m.key)), [.int(Int(o)), .int(m.value)]]
            }
            return .ok(.array(done))
        }
        if bases.isEmpty && unknowns.isEmpty { return .fail(refusals.joined(separator: "; ")) }
        let applied = bases.keys.sorted().map { "partition \($0) appended at \(bases[$0]!)" }
        return .info((applied + refusals + unknowns).joined(separator: "; "))
    }

    /// The transactional id of this process' producer.
    var transactionalID: String { "faultline-\(process)" }

    /// This process' transactional producer: InitProducerId the first time (and after a failed
    /// transaction forgot it), with fresh sequence numbers.
    func transactionalProducer(_ c: KafkaClient) async throws -> (producerId: Int64, epoch: Int16) {
        if let p = txnProducer { return p }
        let p = try await c.initProducerId(transactionalId: transactionalID, transactionTimeoutMs: 60_000)
        txnProducer = p
        txnSequences = [:]
        return p
    }

    /// A transaction of sends: InitProducerId (once per process), AddPartitionsToTxn, one
    /// transactional produce, EndTxn commit. Refusals before the produce fail the op; a refused
    /// produce is aborted (fail when the abort is acknowledged); anything unanswered is info.
    private func transaction(_ c: KafkaClient, mops: [(key: Int32, value: Int)], order: [Int32], records: [Int32: [Int]]) async -> ClientOutcome {
        let tid = transactionalID
        let pid: (producerId: Int64, epoch: Int16)
        do { pid = try await transactionalProducer(c) } catch { return .fail("before sending: InitProducerId(\(tid)): \(error)") }
        do {
            try await c.addPartitionsToTxn(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, topic: topic, partitions: order)
        } catch {
            // No record was sent. A lost answer may have left a transaction open: start over with a
            // new InitProducerId next time (it fences and ends the old one).
            txnProducer = nil
            return .fail("no record sent: AddPartitionsToTxn: \(error)")
        }
        let outcomes = await produce(c, order: order, records: records, txn: tid)
        let done = Self.completion(mops: mops, order: order, outcomes: outcomes)
        switch done {
        case .ok:
            do {
                try await c.endTxn(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, commit: true)
                return done
            } catch {
                txnProducer = nil
                return .info("records appended; EndTxn(commit): \(error)")
            }
        case .fail(let why):
            return await abortTransaction(c, tid: tid, pid: pid, why: why)
        default:
            txnProducer = nil
            return done
        }
    }
}
