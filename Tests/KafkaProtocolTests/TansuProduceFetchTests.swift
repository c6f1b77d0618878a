// Produce and fetch against a real Tansu broker: what comes back is exactly what was sent.
import Foundation
import Testing
@testable import KafkaProtocol

@Suite(.enabled(if: TansuInstall.path != nil, Comment(rawValue: TansuInstall.missing)))
struct TansuProduceFetchTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func fetchReturnsExactlyWhatWasProducedWithOffsets() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("pf", partitions: 3)
        let meta = try await client.metadata(topics: ["pf"])
        #expect(meta.topics.first?.partitions.count == 3)

        let batches: [[ProducerRecord]] = [
            [ProducerRecord(key: "k0", value: "v0", headers: [RecordHeader(key: "h", value: Self.bytes("x")), RecordHeader(key: "n", value: nil)])],
            [ProducerRecord(key: nil, value: "v1"), ProducerRecord(key: "k2", value: ""), ProducerRecord(key: [0, 255, 7], value: nil)],
            [ProducerRecord(key: "k5", value: String(repeating: "z", count: 3000), headers: [RecordHeader(key: "é", value: [])])],
        ]
        var expected: [(Int64, ProducerRecord)] = []
        var next: Int64 = 0
        for b in batches {
            let base = try #require(try await client.produce(topic: "pf", partition: 1, records: b, acks: .all))
            #expect(base == next, "base offset of the batch")
            for (i, r) in b.enumerated() { expected.append((base + Int64(i), r)) }
            next += Int64(b.count)
        }
        let fetched = try await client.fetch(topic: "pf", partition: 1, offset: 0)
        #expect(fetched.highWatermark == next)
        #expect(fetched.records.map(\.offset) == expected.map(\.0))
        #expect(fetched.records.map(\.key) == expected.map(\.1.key))
        #expect(fetched.records.map(\.value) == expected.map(\.1.value))
        #expect(fetched.records.map(\.headers) == expected.map(\.1.headers))

        // From the middle of a batch: records before the requested offset are not returned.
        let tail = try await client.fetch(topic: "pf", partition: 1, offset: 2)
        #expect(tail.records.map(\.offset) == [2, 3, 4])
        #expect(try await client.listOffset(topic: "pf", partition: 1, timestamp: ListOffsetsRequest.latest) == next)
        #expect(try await client.listOffset(topic: "pf", partition: 1, timestamp: ListOffsetsRequest.earliest) == 0)
        // The other partitions are untouched.
        #expect(try await client.fetch(topic: "pf", partition: 0, offset: 0).records.isEmpty)
        #expect(try await client.listOffset(topic: "pf", partition: 2) == 0)
    }

    @Test func acksNoneAndLeaderAreAppendedToo() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("acks", partitions: 1)
        #expect(try await client.produce(topic: "acks", partition: 0, records: [ProducerRecord(key: "a", value: "1")], acks: .leader) == 0)
        #expect(try await client.produce(topic: "acks", partition: 0, records: [ProducerRecord(key: "b", value: "2")], acks: .none) == nil)
        // acks=0 has no answer; requests on one connection are handled in order, so the next answered request follows it.
        #expect(try await client.produce(topic: "acks", partition: 0, records: [ProducerRecord(key: "c", value: "3")], acks: .all) == 2)
        let r = try await client.fetch(topic: "acks", partition: 0, offset: 0)
        #expect(r.records.map { String(decoding: $0.value ?? [], as: UTF8.self) } == ["1", "2", "3"])
    }

    @Test func pipelinedProducesEachGetTheirOwnOffset() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("pipe", partitions: 1)
        let offsets = try await withThrowingTaskGroup(of: (Int, Int64?).self) { g in
            for i in 0..<50 {
                g.addTask { (i, try await client.produce(topic: "pipe", partition: 0, records: [ProducerRecord(key: "\(i)", value: "v\(i)")])) }
            }
            var out: [Int: Int64] = [:]
            for try await (i, o) in g { out[i] = o }
            return out
        }
        #expect(Set(offsets.values.compactMap { $0 }) == Set(0..<50))
        let r = try await client.fetch(topic: "pipe", partition: 0, offset: 0)
        #expect(r.records.count == 50)
        for rec in r.records {
            let key = Int(String(decoding: rec.key ?? [], as: UTF8.self)) ?? -1
            #expect(offsets[key] == rec.offset, "record \(key) was acknowledged at the offset it was read at")
        }
    }

    /// Kafka answers a Fetch or ListOffsets for a topic that does not exist with UNKNOWN_TOPIC_OR_PARTITION.
    /// Tansu 0.6.0 does so in Metadata only: Fetch says NONE with an empty partition (high watermark 0)
    /// and ListOffsets says offset 0, so a reader cannot tell a missing topic from an empty one.
    @Test func missingTopicIsUnknownInMetadataButNotInFetch() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("dup", partitions: 1)
        do {
            try await client.createTopic("dup", partitions: 1)
            Issue.record("creating an existing topic succeeded")
        } catch let KafkaClientError.broker(code, _) {
            #expect(code == .topicAlreadyExists)
        }
        let meta = try await client.metadata(topics: ["missing"])
        #expect(meta.topics.map(\.errorCode) == [ErrorCode.unknownTopicOrPartition.rawValue])
        let fetched = try? await client.fetch(topic: "missing", partition: 0, offset: 0)
        #expect(fetched?.records == [] && fetched?.highWatermark == 0, "Tansu's actual answer changed: \(String(describing: fetched))")
        withKnownIssue("Tansu 0.6.0: Fetch of a missing topic answers NONE, not UNKNOWN_TOPIC_OR_PARTITION") {
            #expect(fetched == nil)
        }
    }
}
