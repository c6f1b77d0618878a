// TansuClient+Poll: the consumer side of a Tansu client: poll, assign, and the final poll after the heal.
import Foundation
import History
import KafkaProtocol
import NIOCore

extension TansuClient {
    private var isolation: IsolationLevel { settings.readCommitted ? .readCommitted : .readUncommitted }

    /// One Fetch of every assigned partition from the consumer's positions.
    func poll() async -> ClientOutcome {
        let c: KafkaClient
        do { c = try await ready() } catch { return .fail("before sending: \(error)") }
        if subscribed {
            do { try await ensureMember(c) } catch { return Self.groupOutcome("poll: joining the group", error) }
        }
        if assigned.isEmpty { return .ok([[.string("poll"), .object([:])]]) }
        do {
            let read = try await pollOnce(c)
            // Kafka's auto-commit is asynchronous and best effort: a failed commit changes no poll.
            if settings.autoCommit && !read.isEmpty { await commitPositions(c) }
            return .ok(Self.pollValue(read))
        } catch {
            return .fail("poll: \(error)")
        }
    }

    /// One fetch of the assigned partitions, from their positions (found first where unknown).
    func pollOnce(_ c: KafkaClient) async throws -> [Int32: [(Int64, JSONValue)]] {
        for p in assigned where positions[p] == nil { positions[p] = try await startPosition(c, p) }
        return try await fetch(c, partitions: assigned)
    }

    /// Where a newly assigned partition starts: the group's committed offset when subscribed or with
    /// auto_commit, else the partition's first offset (Kafka's auto.offset.reset=earliest).
    private func startPosition(_ c: KafkaClient, _ p: Int32) async throws -> Int64 {
        if settings.autoCommit || subscribed, let committed = try await c.fetchOffsets(group: TansuClientSettings.group, topic: topic, partitions: [p])[p],
           committed >= 0 {
            return committed
        }
        return try await c.listOffset(topic: topic, partition: p, timestamp: ListOffsetsRequest.earliest, isolation: isolation)
    }

    /// Fetches `partitions` once from their positions and moves the positions past what it read, only
    /// once the whole answer is read (a poll that fails part way must not skip what it did not record).
    /// OFFSET_OUT_OF_RANGE (the log is shorter than the position: a broker that lost its log) moves the
    /// position back to the first offset, as Kafka's consumer with auto.offset.reset=earliest does.
    func fetch(_ c: KafkaClient, partitions: [Int32]) async throws -> [Int32: [(Int64, JSONValue)]] {
        let maxWait: Int32 = 50
        let request = FetchRequest(maxWaitMs: maxWait, minBytes: 1, maxBytes: 1 << 20, isolationLevel: isolation,
                                   topics: [.init(topic: topic, partitions: partitions.map {
                                       .init(partition: $0, fetchOffset: positions[$0] ?? 0, partitionMaxBytes: 1 << 20)
                                   })])
        let r = try await c.bootstrap.send(request, timeout: timeout + .milliseconds(Int64(maxWait)))
        if r.errorCode != 0 { throw KafkaClientError.broker(ErrorCode(r.errorCode), "Fetch") }
        var out: [Int32: [(Int64, JSONValue)]] = [:]
        var moved: [Int32: Int64] = [:]
        for part in r.responses.first(where: { $0.topic == topic })?.partitions ?? [] where partitions.contains(part.partitionIndex) {
            let p = part.partitionIndex
            let from = positions[p] ?? 0
            if part.errorCode == ErrorCode.offsetOutOfRange.rawValue {
                moved[p] = try await c.listOffset(topic: topic, partition: p, timestamp: ListOffsetsRequest.earliest, isolation: isolation)
                continue
            }
            if part.errorCode == ErrorCode.unknownTopicOrPartition.rawValue { topicReady = false; continue }
            if part.errorCode != 0 { throw KafkaClientError.broker(ErrorCode(part.errorCode), "Fetch \(topic)/\(p)") }
            let batches: [RecordBatch]
            do { batches = try RecordBatch.decodeAll(part.records ?? []) } catch {
                throw KafkaClientError.malformedResponse("Fetch \(topic)/\(p): \(error)")
            }
            let result = FetchResult.make(batches: batches, from: from, isolation: isolation, partition: part)
            var next = from
            for rec in result.records {
                let text = rec.value.map { String(decoding: $0, as: UTF8.self) } ?? ""
                out[p, default: []].append((rec.offset, Int(text).map { .int($0) } ?? .string(text)))
                next = max(next, rec.offset + 1)
            }
            // Control batches (transaction markers) and aborted batches hold no records for the
            // consumer, but the position must move past them.
            for b in batches { next = max(next, b.baseOffset + Int64(b.lastOffsetDelta) + 1) }
            moved[p] = next
        }
        for (p, o) in moved { positions[p] = o }
        return out
    }

    static func pollValue(_ read: [Int32: [(Int64, JSONValue)]]) -> JSONValue {
        var byKey: [String: JSONValue] = [:]
        for (p, recs) in read where !recs.isEmpty {
            byKey[String(p)] = .array(recs.map { [.int(Int($0.0)), $0.1] })
        }
        return [[.string("poll"), .object(byKey)]]
    }

    /// The final poll after the heal: every partition, from its first offset, fetched until the
    /// consumer reaches the end the broker reported when the poll began (empty answers below that end
    /// happen: fetch again). Read-only: one that cannot finish is `fail`.
    func finalPoll() async -> ClientOutcome {
        let deadline = ContinuousClock.now + .seconds(max(20, 10 * settings.opTimeout))
        var lastError = "no answer"
        while ContinuousClock.now < deadline {
            do {
                let c = try await ready()
                let all = (0..<Int32(settings.keys)).map { $0 }
                var ends: [Int32: Int64] = [:]
                positions = [:]
                for p in all {
                    positions[p] = try await c.listOffset(topic: topic, partition: p, timestamp: ListOffsetsRequest.earliest, isolation: isolation)
                    ends[p] = try await c.listOffset(topic: topic, partition: p, timestamp: ListOffsetsRequest.latest, isolation: isolation)
                }
                var read: [Int32: [(Int64, JSONValue)]] = [:]
                while ContinuousClock.now < deadline {
                    let behind = all.filter { positions[$0]! < ends[$0]! }
                    if behind.isEmpty { return .ok(Self.pollValue(read)) }
                    for (p, recs) in try await fetch(c, partitions: behind) { read[p, default: []] += recs }
                }
                lastError = "did not reach the end of every partition in time"
            } catch {
                lastError = "\(error)"
                await close()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        return .fail("final poll: \(lastError)")
    }

    /// Assigns `keys` (Jepsen's :assign): positions of partitions no longer assigned are forgotten; a
    /// newly assigned one starts where `startPosition` says at its first poll.
    func assign(_ value: JSONValue) async -> ClientOutcome {
        let keys = (value.arrayValue ?? []).compactMap { $0.intValue.flatMap { Int32(exactly: $0) } }
        guard let ks = value.arrayValue, keys.count == ks.count, keys.allSatisfy({ $0 >= 0 && $0 < Int32(settings.keys) }) else {
            return .fail("expected a list of keys in 0..<\(settings.keys), got \(value)")
        }
        if subscribed {
            // Kafka's consumer unsubscribes before it assigns: it leaves the group and its partitions.
            await leaveGroup()
            subscribed = false
            positions = [:]
        }
        let kept = Set(keys)
        positions = positions.filter { kept.contains($0.key) }
        assigned = keys.sorted()
        return .ok(value)
    }
}
