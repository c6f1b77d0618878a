// RecordBatch: the v2 record batch (magic 2) with varint records, headers and its CRC-32C.

/// One record header: a UTF-8 key and nullable bytes.
public struct RecordHeader: Equatable, Sendable {
    public var key: String
    public var value: [UInt8]?
    public init(key: String, value: [UInt8]?) { self.key = key; self.value = value }
}

/// One record inside a batch; offsets and timestamps are deltas from the batch's base.
public struct Record: Equatable, Sendable {
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [RecordHeader]

    public init(attributes: Int8 = 0, timestampDelta: Int64 = 0, offsetDelta: Int32, key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader] = []) {
        self.attributes = attributes; self.timestampDelta = timestampDelta; self.offsetDelta = offsetDelta
        self.key = key; self.value = value; self.headers = headers
    }

    /// Body fields after the length prefix.
    func writeBody(to w: inout WireWriter) {
        w.int8(attributes)
        w.varlong(timestampDelta)
        w.varint(offsetDelta)
        Self.varBytes(key, &w)
        Self.varBytes(value, &w)
        w.varint(Int32(headers.count))
        for h in headers {
            Self.varBytes(Array(h.key.utf8), &w)
            Self.varBytes(h.value, &w)
        }
    }

    func write(to w: inout WireWriter) {
        var body = WireWriter()
        writeBody(to: &body)
        w.varint(Int32(body.bytes.count))
        w.raw(body.bytes)
    }

    init(from r: inout WireReader) throws {
        let length = Int(try r.varint("record length"))
        guard length >= 0, length <= r.remaining else {
            throw WireError.invalid(field: "record length", offset: r.offset, reason: "\(length) with \(r.remaining) bytes left")
        }
        var b = WireReader(r.bytes, offset: r.offset, end: r.offset + length)
        attributes = try b.int8("record attributes")
        timestampDelta = try b.varlong("timestampDelta")
        offsetDelta = try b.varint("offsetDelta")
        key = try Self.readVarBytes(&b, "record key")
        value = try Self.readVarBytes(&b, "record value")
        let n = try b.varint("header count")
        guard n >= 0, Int(n) <= b.remaining else { throw WireError.invalid(field: "header count", offset: b.offset, reason: "\(n)") }
        headers = try (0..<Int(n)).map { _ in
            guard let k = try Self.readVarBytes(&b, "header key"), let key = String(validating: k, as: UTF8.self) else {
                throw WireError.invalid(field: "header key", offset: b.offset, reason: "null or not UTF-8")
            }
            return RecordHeader(key: key, value: try Self.readVarBytes(&b, "header value"))
        }
        try b.expectEnd()
        try r.skip(length)
    }

    static func varBytes(_ b: [UInt8]?, _ w: inout WireWriter) {
        guard let b else { w.varint(-1); return }
        w.varint(Int32(b.count))
        w.raw(b)
    }

    static func readVarBytes(_ r: inout WireReader, _ field: String) throws -> [UInt8]? {
        let n = try r.varint(field)
        if n == -1 { return nil }
        return try r.raw(Int(n), field)
    }
}

/// A v2 record batch. `write` computes batchLength and the CRC; `init(from:)` checks both.
public struct RecordBatch: Equatable, Sendable {
    public var baseOffset: Int64
    public var partitionLeaderEpoch: Int32
    /// Bits 0-2 compression (only 0, none, is supported), 3 timestamp type, 4 transactional, 5 control.
    public var attributes: Int16
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var records: [Record]

    public static let transactionalBit: Int16 = 0x10
    public static let controlBit: Int16 = 0x20
    /// Bytes before the records: baseOffset(8) batchLength(4) leaderEpoch(4) magic(1) crc(4) attributes(2)
    /// lastOffsetDelta(4) baseTimestamp(8) maxTimestamp(8) producerId(8) producerEpoch(2) baseSequence(4) count(4).
    public static let headerSize = 61

    public init(baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = -1, attributes: Int16 = 0, lastOffsetDelta: Int32,
                baseTimestamp: Int64, maxTimestamp: Int64, producerId: Int64 = -1, producerEpoch: Int16 = -1,
                baseSequence: Int32 = -1, records: [Record]) {
        self.baseOffset = baseOffset; self.partitionLeaderEpoch = partitionLeaderEpoch; self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta; self.baseTimestamp = baseTimestamp; self.maxTimestamp = maxTimestamp
        self.producerId = producerId; self.producerEpoch = producerEpoch; self.baseSequence = baseSequence
        self.records = records
    }

    public var isTransactional: Bool { attributes & Self.transactionalBit != 0 }
    public var isControl: Bool { attributes & Self.controlBit != 0 }

    /// A producer's batch of `records` (key, value, headers) with consecutive offset deltas, all at `timestamp`.
    public static func make(_ records: [(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader])], timestamp: Int64,
                            producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1,
                            transactional: Bool = false) -> RecordBatch {
        RecordBatch(attributes: transactional ? transactionalBit : 0, lastOffsetDelta: Int32(max(records.count - 1, 0)),
                    baseTimestamp: timestamp, maxTimestamp: timestamp, producerId: producerId, producerEpoch: producerEpoch,
                    baseSequence: baseSequence,
                    records: records.enumerated().map { Record(offsetDelta: Int32($0.offset), key: $0.element.key, value: $0.element.value, headers: $0.element.headers) })
    }

    public func write(to w: inout WireWriter) {
        let start = w.bytes.count
        w.int64(baseOffset)
        w.int32(0)  // batchLength, patched below
        w.int32(partitionLeaderEpoch)
        w.int8(2)  // magic
        w.uint32(0)  // crc, patched below
        let crcFrom = w.bytes.count
        w.int16(attributes)
        w.int32(lastOffsetDelta)
        w.int64(baseTimestamp)
        w.int64(maxTimestamp)
        w.int64(producerId)
        w.int16(producerEpoch)
        w.int32(baseSequence)
        w.int32(Int32(records.count))
        for r in records { r.write(to: &w) }
        w.patchUInt32(UInt32(w.bytes.count - start - 12), at: start + 8)
        // The CRC covers attributes through the end of the batch, so brokers can rewrite offsets and epochs.
        w.patchUInt32(CRC32C.checksum(w.bytes[crcFrom...]), at: start + 17)
    }

    public var encoded: [UInt8] {
        var w = WireWriter()
        write(to: &w)
        return w.bytes
    }

    /// Reads one batch; fails on a wrong magic, CRC mismatch, compression or a length that overruns.
    public init(from r: inout WireReader) throws {
        let start = r.offset
        baseOffset = try r.int64("baseOffset")
        let length = Int(try r.int32("batchLength"))
        guard length >= Self.headerSize - 12, length <= r.remaining else {
            throw WireError.invalid(field: "batchLength", offset: start + 8, reason: "\(length) with \(r.remaining) bytes left")
        }
        let end = r.offset + length
        var b = WireReader(r.bytes, offset: r.offset, end: end)
        partitionLeaderEpoch = try b.int32("partitionLeaderEpoch")
        let magic = try b.int8("magic")
        guard magic == 2 else { throw WireError.invalid(field: "magic", offset: b.offset - 1, reason: "magic \(magic), only v2 batches are supported") }
        let crc = try b.uint32("crc")
        let actual = CRC32C.checksum(r.bytes[b.offset..<end])
        guard crc == actual else {
            throw WireError.invalid(field: "crc", offset: b.offset - 4, reason: "stored \(hex32(crc)), computed \(hex32(actual))")
        }
        attributes = try b.int16("attributes")
        guard attributes & 0x7 == 0 else {
            throw WireError.invalid(field: "attributes", offset: b.offset - 2, reason: "compression codec \(attributes & 0x7) is not supported")
        }
        lastOffsetDelta = try b.int32("lastOffsetDelta")
        baseTimestamp = try b.int64("baseTimestamp")
        maxTimestamp = try b.int64("maxTimestamp")
        producerId = try b.int64("producerId")
        producerEpoch = try b.int16("producerEpoch")
        baseSequence = try b.int32("baseSequence")
        let count = try b.int32("records count")
        guard count >= 0, Int(count) <= b.remaining else { throw WireError.invalid(field: "records count", offset: b.offset - 4, reason: "\(count)") }
        records = try (0..<Int(count)).map { _ in try Record(from: &b) }
        try b.expectEnd()
        try r.skip(length)
    }

    /// Every complete batch in a fetched `records` field. A fetch may end in a partial batch (cut at
    /// the size limit); that tail is not an error and is left for the next fetch.
    public static func decodeAll(_ bytes: [UInt8]) throws -> [RecordBatch] {
        var r = WireReader(bytes)
        var out: [RecordBatch] = []
        while r.remaining >= 12 {
            let length = Int(Int32(bitPattern: UInt32(bytes[r.offset + 8]) << 24 | UInt32(bytes[r.offset + 9]) << 16 | UInt32(bytes[r.offset + 10]) << 8 | UInt32(bytes[r.offset + 11])))
            if length > r.remaining - 12 { break }
            out.append(try RecordBatch(from: &r))
        }
        return out
    }

    /// For a control batch: the marker type (0 abort, 1 commit) from its first record's key.
    public var controlType: Int16? {
        guard isControl, let k = records.first?.key, k.count >= 4 else { return nil }
        return Int16(bitPattern: UInt16(k[2]) << 8 | UInt16(k[3]))
    }
}

func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}
