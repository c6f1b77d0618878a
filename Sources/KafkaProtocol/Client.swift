// Client: a small Kafka client over KafkaConnection: produce, fetch, offsets, metadata, groups, transactions.
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// KafkaClient talks to one bootstrap broker, and to a group's or transaction's coordinator when
/// that is another broker. Every call is one request (JoinGroup may be two: see `joinGroup`); broker
/// error codes become `KafkaClientError.broker`, so a caller sees exactly one outcome per call.
public final class KafkaClient: Sendable {
    public let bootstrap: KafkaConnection
    private let coordinators = NIOLockedValueBox<[String: KafkaConnection]>([:])
    /// Where to dial an address a broker hands out (FindCoordinator's host and port): the address a
    /// proxy in front of that broker listens on. Nil from it refuses the address (nothing is sent);
    /// without a router, addresses are dialed as given.
    public typealias Router = @Sendable (_ host: String, _ port: Int) -> (host: String, port: Int)?
    private let router: Router?

    public init(_ connection: KafkaConnection, router: Router? = nil) {
        bootstrap = connection
        self.router = router
    }

    public static func connect(host: String = "127.0.0.1", port: Int, clientId: String = "faultline",
                               requestTimeout: TimeAmount = .seconds(10), router: Router? = nil) async throws -> KafkaClient {
        KafkaClient(try await KafkaConnection.connect(host: host, port: port, clientId: clientId, requestTimeout: requestTimeout),
                    router: router)
    }

    /// The address to dial for a broker's advertised `host:port` (the router's answer).
    public func route(host: String, port: Int) throws -> (host: String, port: Int) {
        guard let router else { return (host, port) }
        guard let a = router(host, port) else {
            throw KafkaClientError.notSent("the broker named \(host):\(port), which no route reaches")
        }
        return a
    }

    public func close() async {
        await bootstrap.close()
        for c in coordinators.withLockedValue({ Array($0.values) }) { await c.close() }
    }

    static func check(_ code: Int16, _ what: @autoclosure () -> String) throws {
        if code != 0 { throw KafkaClientError.broker(ErrorCode(code), what()) }
    }

    // MARK: cluster

    public func apiVersions() async throws -> ApiVersionsResponse {
        let r = try await bootstrap.send(ApiVersionsRequest())
        try Self.check(r.errorCode, "ApiVersions")
        return r
    }

    public func metadata(topics: [String]?) async throws -> MetadataResponse {
        try await bootstrap.send(MetadataRequest(topics: topics))
    }

    /// Creates `name`; an existing topic is the broker error TOPIC_ALREADY_EXISTS.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int16 = 1) async throws {
        let r = try await bootstrap.send(CreateTopicsRequest(topics: [.init(name: name, numPartitions: partitions, replicationFactor: replicationFactor)]))
        guard let t = r.topics.first(where: { $0.name == name }) else { throw KafkaClientError.malformedResponse("CreateTopics: no result for \(name)") }
        try Self.check(t.errorCode, "CreateTopics \(name): \(t.errorMessage ?? "")")
    }

    // MARK: produce and fetch

    /// Appends `records` as one batch to `topic`/`partition`; returns the batch's base offset, or nil for
    /// acks=none (no answer comes). With `producer`, the batch carries its id, epoch and base sequence.
    public func produce(topic: String, partition: Int32, records: [ProducerRecord], acks: Acks = .all,
                        producer: ProducerSequence? = nil, transactionalId: String? = nil,
                        timestamp: Int64 = Int64(Date().timeIntervalSince1970 * 1000), timeoutMs: Int32 = 10_000) async throws -> Int64? {
        let batch = RecordBatch.make(records.map { ($0.key, $0.value, $0.headers) }, timestamp: timestamp,
                                     producerId: producer?.producerId ?? -1, producerEpoch: producer?.producerEpoch ?? -1,
                                     baseSequence: producer?.baseSequence ?? -1, transactional: transactionalId != nil)
        let request = ProduceRequest(transactionalId: transactionalId, acks: acks.rawValue, timeoutMs: timeoutMs,
                                     topics: [.init(name: topic, partitions: [.init(index: partition, records: batch.encoded)])])
        if acks == .none {
            try await bootstrap.sendWithoutResponse(request)
            return nil
        }
        let r = try await bootstrap.send(request)
        guard let p = r.topics.first(where: { $0.name == topic })?.partitions.first(where: { $0.index == partition }) else {
            throw KafkaClientError.malformedResponse("Produce: no result for \(topic)/\(partition)")
        }
        try Self.check(p.errorCode, "Produce \(topic)/\(partition): \(p.errorMessage ?? "")")
        return p.baseOffset
    }

    /// Reads from `offset` (up to `maxBytes`, waiting up to `maxWaitMs` for at least one byte).
    public func fetch(topic: String, partition: Int32, offset: Int64, isolation: IsolationLevel = .readUncommitted,
                      maxWaitMs: Int32 = 100, maxBytes: Int32 = 1 << 20) async throws -> FetchResult {
        let request = FetchRequest(maxWaitMs: maxWaitMs, minBytes: 1, maxBytes: maxBytes, isolationLevel: isolation,
                                   topics: [.init(topic: topic, partitions: [.init(partition: partition, fetchOffset: offset, partitionMaxBytes: maxBytes)])])
        let r = try await bootstrap.send(request, timeout: bootstrap.requestTimeout + .milliseconds(Int64(maxWaitMs)))
        try Self.check(r.errorCode, "Fetch")
        guard let p = r.responses.first(where: { $0.topic == topic })?.partitions.first(where: { $0.partitionIndex == partition }) else {
            throw KafkaClientError.malformedResponse("Fetch: no result for \(topic)/\(partition)")
        }
        try Self.check(p.errorCode, "Fetch \(topic)/\(partition) at \(offset)")
        let batches: [RecordBatch]
        do { batches = try RecordBatch.decodeAll(p.records ?? []) } catch {
            throw KafkaClientError.malformedResponse("Fetch \(topic)/\(partition): \(error)")
        }
        return FetchResult.make(batches: batches, from: offset, isolation: isolation, partition: p)
    }

    /// The offset for `timestamp`, or the earliest (`ListOffsetsRequest.earliest`) / next (`.latest`) offset.
    public func listOffset(topic: String, partition: Int32, timestamp: Int64 = ListOffsetsRequest.latest,
                           isolation: IsolationLevel = .readUncommitted) async throws -> Int64 {
        let r = try await bootstrap.send(ListOffsetsRequest(isolationLevel: isolation,
                                                            topics: [.init(name: topic, partitions: [.init(partitionIndex: partition, timestamp: timestamp)])]))
        guard let p = r.topics.first(where: { $0.name == topic })?.partitions.first(where: { $0.partitionIndex == partition }) else {
            throw KafkaClientError.malformedResponse("ListOffsets: no result for \(topic)/\(partition)")
        }
        try Self.check(p.errorCode, "ListOffsets \(topic)/\(partition)")
        return p.offset
    }

    // MARK: coordinators

    /// The connection to the coordinator of `key` (a group, or a transactional id).
    public func coordinator(key: String, type: Int8 = FindCoordinatorRequest.group) async throws -> KafkaConnection {
        let r = try await bootstrap.send(FindCoordinatorRequest(key: key, keyType: type))
        try Self.check(r.errorCode, "FindCoordinator \(key): \(r.errorMessage ?? "")")
        let (host, port) = try route(host: r.host, port: Int(r.port))
        let address = "\(host):\(port)"
        if port == bootstrap.port, host == bootstrap.host || (["localhost", "127.0.0.1"].contains(host) && ["localhost", "127.0.0.1"].contains(bootstrap.host)) {
            return bootstrap
        }
        if let c = coordinators.withLockedValue({ $0[address] }), c.isActive { return c }
        let c = try await KafkaConnection.connect(host: host, port: port, clientId: bootstrap.clientId, requestTimeout: bootstrap.requestTimeout)
        coordinators.withLockedValue { $0[address] = c }
        return c
    }

    // MARK: consumer groups

    /// Joins `group` subscribed to `topics`. A first join without a member id gets MEMBER_ID_REQUIRED and
    /// the id to use; the client joins again with it (two requests, as the protocol intends since v4).
    public func joinGroup(_ group: String, topics: [String], memberId: String = "", sessionTimeoutMs: Int32 = 10_000,
                          rebalanceTimeoutMs: Int32 = 10_000, protocolName: String = "range") async throws -> GroupMembership {
        let c = try await coordinator(key: group)
        var request = JoinGroupRequest(groupId: group, sessionTimeoutMs: sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutMs,
                                       memberId: memberId, protocols: [.init(name: protocolName, metadata: ConsumerSubscription(topics: topics).encoded)])
        // A broker may hold a join for up to the rebalance timeout (Tansu: half the session timeout).
        let timeout = TimeAmount.milliseconds(Int64(max(rebalanceTimeoutMs, sessionTimeoutMs))) + c.requestTimeout
        var r = try await c.send(request, timeout: timeout)
        if r.errorCode == ErrorCode.memberIdRequired.rawValue, memberId.isEmpty {
            request.memberId = r.memberId
            r = try await c.send(request, timeout: timeout)
        }
        try Self.check(r.errorCode, "JoinGroup \(group)")
        let members = try r.members.map { ($0.memberId, try ConsumerSubscription.decode($0.metadata)) }
        return GroupMembership(groupId: group, memberId: r.memberId, generationId: r.generationId, leaderId: r.leader,
                               protocolName: r.protocolName, members: members)
    }

    /// Sends SyncGroup (with `assignments` when this member leads) and returns this member's assignment.
    /// A follower's SyncGroup waits for the leader's: give it the rebalance timeout (`waitMs`) on top of
    /// the request timeout.
    public func syncGroup(_ m: GroupMembership, assignments: [String: ConsumerAssignment] = [:], waitMs: Int32 = 0) async throws -> ConsumerAssignment {
        let c = try await coordinator(key: m.groupId)
        let r = try await c.send(SyncGroupRequest(groupId: m.groupId, generationId: m.generationId, memberId: m.memberId,
                                                  assignments: assignments.sorted { $0.key < $1.key }.map { .init(memberId: $0.key, assignment: $0.value.encoded) }),
                                 timeout: c.requestTimeout + .milliseconds(Int64(waitMs)))
        try Self.check(r.errorCode, "SyncGroup \(m.groupId)")
        if r.assignment.isEmpty { return ConsumerAssignment(assigned: []) }
        return try ConsumerAssignment.decode(r.assignment)
    }

    public func heartbeat(_ m: GroupMembership) async throws {
        let c = try await coordinator(key: m.groupId)
        let r = try await c.send(HeartbeatRequest(groupId: m.groupId, generationId: m.generationId, memberId: m.memberId))
        try Self.check(r.errorCode, "Heartbeat \(m.groupId)")
    }

    public func leaveGroup(_ m: GroupMembership) async throws {
        try await leaveGroup(m.groupId, memberId: m.memberId)
    }

    /// Leaves `group` as `memberId` (also a member whose join never completed: the broker knows its id).
    public func leaveGroup(_ group: String, memberId: String) async throws {
        let c = try await coordinator(key: group)
        let r = try await c.send(LeaveGroupRequest(groupId: group, members: [.init(memberId: memberId)]))
        try Self.check(r.errorCode, "LeaveGroup \(group)")
        for member in r.members { try Self.check(member.errorCode, "LeaveGroup \(group) member \(member.memberId)") }
    }

    /// Commits `offsets` (partition -> next offset to read) for `topic`; generation -1 and member "" commit
    /// outside any generation.
    public func commitOffsets(group: String, generationId: Int32 = -1, memberId: String = "", topic: String,
                              offsets: [Int32: Int64]) async throws {
        let c = try await coordinator(key: group)
        let r = try await c.send(OffsetCommitRequest(groupId: group, generationId: generationId, memberId: memberId, topics: [
            .init(name: topic, partitions: offsets.sorted { $0.key < $1.key }.map { .init(partitionIndex: $0.key, committedOffset: $0.value) }),
        ]))
        for t in r.topics { for p in t.partitions { try Self.check(p.errorCode, "OffsetCommit \(group) \(t.name)/\(p.partitionIndex)") } }
    }

    /// The group's committed offsets for `partitions` of `topic` (-1 where nothing is committed).
    public func fetchOffsets(group: String, topic: String, partitions: [Int32], requireStable: Bool = false) async throws -> [Int32: Int64] {
        let c = try await coordinator(key: group)
        let r = try await c.send(OffsetFetchRequest(groupId: group, topics: [.init(name: topic, partitionIndexes: partitions)], requireStable: requireStable))
        try Self.check(r.errorCode, "OffsetFetch \(group)")
        var out: [Int32: Int64] = [:]
        for t in r.topics where t.name == topic {
            for p in t.partitions {
                try Self.check(p.errorCode, "OffsetFetch \(group) \(topic)/\(p.partitionIndex)")
                out[p.partitionIndex] = p.committedOffset
            }
        }
        return out
    }

    // MARK: idempotent and transactional producers

    /// A producer id and epoch: idempotent only (`transactionalId` nil) or for transactions.
    public func initProducerId(transactionalId: String? = nil, transactionTimeoutMs: Int32 = 60_000) async throws -> (producerId: Int64, epoch: Int16) {
        var c = bootstrap
        if let t = transactionalId { c = try await coordinator(key: t, type: FindCoordinatorRequest.transaction) }
        let r = try await c.send(InitProducerIdRequest(transactionalId: transactionalId, transactionTimeoutMs: transactionTimeoutMs))
        try Self.check(r.errorCode, "InitProducerId \(transactionalId ?? "(idempotent)")")
        return (r.producerId, r.producerEpoch)
    }

    /// Adds partitions to the open transaction (begins it on the first call after InitProducerId/EndTxn).
    public func addPartitionsToTxn(transactionalId: String, producerId: Int64, epoch: Int16, topic: String, partitions: [Int32]) async throws {
        let c = try await coordinator(key: transactionalId, type: FindCoordinatorRequest.transaction)
        let r = try await c.send(AddPartitionsToTxnRequest(transactionalId: transactionalId, producerId: producerId, producerEpoch: epoch,
                                                           topics: [.init(name: topic, partitions: partitions)]))
        for t in r.results { for p in t.results { try Self.check(p.errorCode, "AddPartitionsToTxn \(t.name)/\(p.partitionIndex)") } }
    }

    /// Adds `group`'s offsets to the open transaction (the first half of Kafka's sendOffsetsToTransaction).
    public func addOffsetsToTxn(transactionalId: String, producerId: Int64, epoch: Int16, group: String) async throws {
        let c = try await coordinator(key: transactionalId, type: FindCoordinatorRequest.transaction)
        let r = try await c.send(AddOffsetsToTxnRequest(transactionalId: transactionalId, producerId: producerId, producerEpoch: epoch, groupId: group))
        try Self.check(r.errorCode, "AddOffsetsToTxn \(group)")
    }

    /// Sends `offsets` (partition -> next offset to read) of `topic` to the group coordinator as part of
    /// the open transaction (the second half of sendOffsetsToTransaction); they count once EndTxn commits.
    public func txnOffsetCommit(transactionalId: String, producerId: Int64, epoch: Int16, group: String, generationId: Int32 = -1,
                                memberId: String = "", topic: String, offsets: [Int32: Int64]) async throws {
        let c = try await coordinator(key: group)
        let r = try await c.send(TxnOffsetCommitRequest(transactionalId: transactionalId, groupId: group, producerId: producerId, producerEpoch: epoch,
                                                        generationId: generationId, memberId: memberId, topics: [
            .init(name: topic, partitions: offsets.sorted { $0.key < $1.key }.map { .init(partitionIndex: $0.key, committedOffset: $0.value) }),
        ]))
        for t in r.topics { for p in t.partitions { try Self.check(p.errorCode, "TxnOffsetCommit \(group) \(t.name)/\(p.partitionIndex)") } }
    }

    /// Commits (or aborts) the open transaction.
    public func endTxn(transactionalId: String, producerId: Int64, epoch: Int16, commit: Bool) async throws {
        let c = try await coordinator(key: transactionalId, type: FindCoordinatorRequest.transaction)
        let r = try await c.send(EndTxnRequest(transactionalId: transactionalId, producerId: producerId, producerEpoch: epoch, committed: commit))
        try Self.check(r.errorCode, "EndTxn \(commit ? "commit" : "abort")")
    }
}
