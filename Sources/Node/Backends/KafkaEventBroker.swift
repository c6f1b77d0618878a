// KafkaEventBroker: the broker stage on a Kafka-protocol broker (Tansu): the topic Backend.kafkaTopic,
// records keyed by the event key with the event's JSON as value, the connector's offsets committed in
// the broker's consumer group. Every request goes to the node's peer address (the controller's proxy).
import Foundation
import KafkaProtocol
import NIOCore

/// KafkaEventBroker keeps one connection (pipelined) to the first node of its upstream and opens a new
/// one, on the next node, after a connection failure. Group offsets are committed and fetched on that
/// same connection rather than on the coordinator the broker names: a single Tansu broker coordinates
/// every group itself, and its advertised address would bypass the proxy. The topic is created with
/// Backend.kafkaPartitions partitions by whichever service needs it first.
final class KafkaEventBroker: EventBroker, @unchecked Sendable {
    private let addresses: [(host: String, port: Int)]
    private let timeout: TimeAmount
    private let acks: Acks
    private let topic = Backend.kafkaTopic
    private let lock = NSLock()
    private var client: KafkaClient?
    private var current = 0
    private var partitions = 0

    init(names: [String], peers: [String: String], timeoutMs: Int, acks: Acks = .all) {
        addresses = names.map { n in
            let parts = (peers[n] ?? "127.0.0.1:1").split(separator: ":")
            return (String(parts.first ?? "127.0.0.1"), Int(parts.last ?? "1") ?? 1)
        }
        timeout = .milliseconds(Int64(timeoutMs))
        self.acks = acks
    }

    /// The open client, or a new one on the current node (nil: not reachable now).
    private func connected() async -> (Int, KafkaClient)? {
        let (existing, index) = lock.withLock { (client, current) }
        if let existing, existing.bootstrap.isActive { return (index, existing) }
        let a = addresses[index % addresses.count]
        guard let c = try? await KafkaClient.connect(host: a.host, port: a.port, requestTimeout: timeout) else {
            dropped(index, nil)
            return nil
        }
        lock.withLock { client = c }
        return (index, c)
    }

    /// After a transport failure: forget the connection and move on to the next node.
    private func dropped(_ index: Int, _ c: KafkaClient?) {
        lock.withLock {
            if current == index { current = (current + 1) % addresses.count }
            if c == nil || client === c { client = nil }
        }
        if let c { Task { await c.close() } }
    }

    private func failed(_ error: Error, _ index: Int, _ c: KafkaClient) {
        if case KafkaClientError.broker = error { return }  // an answer: the connection is fine
        dropped(index, c)
    }

    func partitionCount() async -> Int? {
        if let n = lock.withLock({ partitions > 0 ? partitions : nil }) { return n }
        guard let (i, c) = await connected() else { return nil }
        do {
            var meta = try await c.metadata(topics: [topic])
            if meta.topics.first(where: { $0.name == topic }).map({ $0.errorCode != 0 || $0.partitions.isEmpty }) ?? true {
                do {
                    try await c.createTopic(topic, partitions: Int32(Backend.kafkaPartitions))
                } catch KafkaClientError.broker(let code, _) where code == .topicAlreadyExists {}
                meta = try await c.metadata(topics: [topic])
            }
            guard let t = meta.topics.first(where: { $0.name == topic }), t.errorCode == 0, !t.partitions.isEmpty else { return nil }
            lock.withLock { partitions = t.partitions.count }
            return t.partitions.count
        } catch {
            failed(error, i, c)
            return nil
        }
    }

    func produce(key: String, value: JSON) async -> ProduceOutcome {
        guard let count = await partitionCount() else { return .refused("kafka broker unreachable or topic \(topic) not ready (nothing sent)") }
        guard let (i, c) = await connected() else { return .refused("kafka broker unreachable (nothing sent)") }
        let p = BrokerMachine.partition(for: .string(key), count: count)
        do {
            let offset = try await c.produce(topic: topic, partition: Int32(p),
                                             records: [ProducerRecord(key: Array(key.utf8), value: Array(value.encoded()))],
                                             acks: acks, timeoutMs: Int32(clamping: timeout.nanoseconds / 1_000_000))
            return .acked(partition: p, offset: Int(offset ?? -1))
        } catch KafkaClientError.notSent(let why) {
            dropped(i, c)
            return .refused("kafka produce not sent: \(why)")
        } catch KafkaClientError.broker(let code, let why) {
            // REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS_AFTER_APPEND: appended, or maybe; others refuse.
            if code.rawValue == 7 || code.rawValue == 20 { return .unknown("kafka produce: \(code) \(why)") }
            return .refused("kafka produce refused: \(code) \(why)")
        } catch {
            failed(error, i, c)
            return .unknown("kafka produce: \(error); outcome unknown")
        }
    }

    func committed(group: String, partition p: Int) async -> Int? {
        guard let (i, c) = await connected() else { return nil }
        do {
            let r = try await c.bootstrap.send(OffsetFetchRequest(groupId: group, topics: [.init(name: topic, partitionIndexes: [Int32(p)])]))
            guard r.errorCode == 0,
                  let part = r.topics.first(where: { $0.name == topic })?.partitions.first(where: { $0.partitionIndex == Int32(p) }),
                  part.errorCode == 0 else { return nil }
            return Int(max(0, part.committedOffset))
        } catch {
            failed(error, i, c)
            return nil
        }
    }

    func fetch(partition p: Int, from offset: Int, max: Int) async -> FetchedBatch? {
        guard let (i, c) = await connected() else { return nil }
        do {
            let f = try await c.fetch(topic: topic, partition: Int32(p), offset: Int64(offset), maxWaitMs: 50)
            let msgs: [JSON] = f.records.prefix(max).map { r in
                let v = r.value.flatMap { try? JSON.decode(Data($0)) } ?? .null
                return ["offset": .int(Int(r.offset)), "key": r.key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null, "value": v]
            }
            return FetchedBatch(messages: msgs, highWatermark: Int(f.highWatermark))
        } catch {
            failed(error, i, c)
            return nil
        }
    }

    func commit(group: String, partition p: Int, offset: Int) async -> Bool {
        guard let (i, c) = await connected() else { return false }
        do {
            let r = try await c.bootstrap.send(OffsetCommitRequest(groupId: group, generationId: -1, memberId: "", topics: [
                .init(name: topic, partitions: [.init(partitionIndex: Int32(p), committedOffset: Int64(offset))]),
            ]))
            return r.topics.allSatisfy { $0.partitions.allSatisfy { $0.errorCode == 0 } }
        } catch {
            failed(error, i, c)
            return false
        }
    }
}
