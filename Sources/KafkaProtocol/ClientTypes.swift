// ClientTypes: the small value types of the client API (records in and out, acks, producer state).

/// Which replicas must have a produce before the broker answers.
public enum Acks: Int16, Sendable {
    /// No response at all: the client cannot know whether the records landed.
    case none = 0
    case leader = 1
    case all = -1
}

/// A record to produce.
public struct ProducerRecord: Equatable, Sendable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [RecordHeader]
    public init(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader] = []) { self.key = key; self.value = value; self.headers = headers }
    public init(key: String?, value: String?, headers: [RecordHeader] = []) {
        self.init(key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) }, headers: headers)
    }
}

/// An idempotent or transactional producer's identity and the sequence number of a batch's first record.
public struct ProducerSequence: Equatable, Sendable {
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public init(producerId: Int64, producerEpoch: Int16, baseSequence: Int32) {
        self.producerId = producerId; self.producerEpoch = producerEpoch; self.baseSequence = baseSequence
    }
}

/// A record read back, at its absolute offset.
public struct ConsumedRecord: Equatable, Sendable {
    public var offset: Int64
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [RecordHeader]
    public var producerId: Int64
    public var isTransactional: Bool
}

/// One partition's fetch: its records (control records and, for read_committed, aborted ones removed)
/// and the broker's marks.
public struct FetchResult: Equatable, Sendable {
    public var records: [ConsumedRecord]
    public var highWatermark: Int64
    public var lastStableOffset: Int64
    public var logStartOffset: Int64
    public var abortedTransactions: [FetchResponse.AbortedTransaction]
    /// Control batches seen (transaction markers), as (offset, 0 abort / 1 commit).
    public var markers: [(offset: Int64, type: Int16)]

    public static func == (a: FetchResult, b: FetchResult) -> Bool {
        a.records == b.records && a.highWatermark == b.highWatermark && a.lastStableOffset == b.lastStableOffset
            && a.logStartOffset == b.logStartOffset && a.abortedTransactions == b.abortedTransactions
            && a.markers.map(\.offset) == b.markers.map(\.offset) && a.markers.map(\.type) == b.markers.map(\.type)
    }

    /// Builds the result from a partition's raw record batches, skipping records before `from`,
    /// control batches, and under read_committed the batches of aborted transactions (a producer's
    /// records from the aborted transaction's first offset up to its abort marker).
    public static func make(batches: [RecordBatch], from: Int64, isolation: IsolationLevel, partition p: FetchResponse.Partition) -> FetchResult {
        let aborted = (p.abortedTransactions ?? []).sorted { $0.firstOffset < $1.firstOffset }
        var next = 0
        var abortedProducers = Set<Int64>()
        var records: [ConsumedRecord] = []
        var markers: [(offset: Int64, type: Int16)] = []
        for b in batches {
            let last = b.baseOffset + Int64(b.lastOffsetDelta)
            while next < aborted.count, aborted[next].firstOffset <= last {
                abortedProducers.insert(aborted[next].producerId)
                next += 1
            }
            if b.isControl {
                let type = b.controlType ?? -1
                markers.append((b.baseOffset, type))
                if type == 0 { abortedProducers.remove(b.producerId) }
                continue
            }
            if isolation == .readCommitted, b.isTransactional, abortedProducers.contains(b.producerId) { continue }
            for r in b.records {
                let offset = b.baseOffset + Int64(r.offsetDelta)
                if offset < from { continue }
                records.append(ConsumedRecord(offset: offset, timestamp: b.baseTimestamp + r.timestampDelta, key: r.key, value: r.value,
                                              headers: r.headers, producerId: b.producerId, isTransactional: b.isTransactional))
            }
        }
        return FetchResult(records: records, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset,
                           logStartOffset: p.logStartOffset, abortedTransactions: p.abortedTransactions ?? [], markers: markers)
    }
}

/// A consumer-group member after JoinGroup: its id, the generation, and (for the leader) every member's subscription.
public struct GroupMembership: Equatable, Sendable {
    public var groupId: String
    public var memberId: String
    public var generationId: Int32
    public var leaderId: String
    public var protocolName: String
    public var members: [(memberId: String, subscription: ConsumerSubscription)]
    public var isLeader: Bool { memberId == leaderId }

    public static func == (a: GroupMembership, b: GroupMembership) -> Bool {
        a.groupId == b.groupId && a.memberId == b.memberId && a.generationId == b.generationId && a.leaderId == b.leaderId
            && a.protocolName == b.protocolName && a.members.map(\.memberId) == b.members.map(\.memberId)
            && a.members.map(\.subscription) == b.members.map(\.subscription)
    }
}
