// RecordBatch v2: byte layout, varint records and headers, CRC-32C over attributes..end, partial tails.
import Testing
@testable import KafkaProtocol

@Suite struct RecordBatchTests {
    /// One record, key "k", value "v", header h=x; CRC computed independently (bitwise CRC-32C).
    static let single = hex("""
        0000000000000000   # baseOffset
        0000003e           # batchLength 62 = 74 - 12
        ffffffff           # partitionLeaderEpoch -1
        02                 # magic
        85d4936f           # crc32c(attributes .. end)
        0000               # attributes: no compression, create time, not transactional
        00000000           # lastOffsetDelta
        00000000000003e8   # baseTimestamp 1000
        00000000000003e8   # maxTimestamp
        ffffffffffffffff   # producerId -1
        ffff               # producerEpoch -1
        ffffffff           # baseSequence -1
        00000001           # records count
        18                 # record length 12 (zigzag)
        00 00 00           # attributes, timestampDelta 0, offsetDelta 0
        02 'k' 02 'v'      # key, value (zigzag lengths)
        02 02 'h' 02 'x'   # 1 header: key "h", value "x"
        """)

    /// Transactional batch of producer 5 epoch 1 at sequence 3: two records, the second with a null key.
    static let transactional = hex("""
        0000000000000007 00000042 00000001 02
        409c4d17                             # crc32c
        0010                                 # attributes: transactional bit
        00000001                             # lastOffsetDelta 1
        00000000000003e8 00000000000003ea    # base and max timestamp
        0000000000000005 0001 00000003       # producer id, epoch, base sequence
        00000002
        10 00 00 00 02 'k' 02 'v' 00         # len 8, offsetDelta 0, no headers
        0e 00 04 02 01 02 'w' 00             # len 7, timestampDelta 2, offsetDelta 1, key null (-1)
        """)

    static var singleValue: RecordBatch {
        RecordBatch(lastOffsetDelta: 0, baseTimestamp: 1000, maxTimestamp: 1000,
                    records: [Record(offsetDelta: 0, key: Array("k".utf8), value: Array("v".utf8), headers: [RecordHeader(key: "h", value: Array("x".utf8))])])
    }

    static var transactionalValue: RecordBatch {
        RecordBatch(baseOffset: 7, partitionLeaderEpoch: 1, attributes: RecordBatch.transactionalBit, lastOffsetDelta: 1,
                    baseTimestamp: 1000, maxTimestamp: 1002, producerId: 5, producerEpoch: 1, baseSequence: 3,
                    records: [Record(offsetDelta: 0, key: Array("k".utf8), value: Array("v".utf8)),
                              Record(timestampDelta: 2, offsetDelta: 1, key: nil, value: Array("w".utf8))])
    }

    @Test func singleRecordBatchMatchesTheDocumentedLayout() throws {
        #expect(hexString(Self.singleValue.encoded) == hexString(Self.single))
        var r = WireReader(Self.single)
        #expect(try RecordBatch(from: &r) == Self.singleValue)
        try r.expectEnd()
    }

    @Test func transactionalBatchRoundTrips() throws {
        #expect(hexString(Self.transactionalValue.encoded) == hexString(Self.transactional))
        let decoded = try RecordBatch.decodeAll(Self.transactional)
        #expect(decoded == [Self.transactionalValue])
        #expect(decoded.first?.isTransactional == true && decoded.first?.isControl == false)
    }

    @Test func makeNumbersRecordsConsecutively() {
        let b = RecordBatch.make([(Array("k".utf8), Array("v".utf8), [RecordHeader(key: "h", value: Array("x".utf8))])], timestamp: 1000)
        #expect(b == Self.singleValue)
    }

    @Test func aFlippedBitFailsTheCRC() {
        for i in [21, 40, Self.single.count - 1] {  // attributes, a timestamp byte, the last header byte
            var bad = Self.single
            bad[i] ^= 0x01
            #expect(throws: WireError.self) { _ = try RecordBatch.decodeAll(bad) }
        }
    }

    @Test func aPartialTrailingBatchIsLeftForTheNextFetch() throws {
        let both = Self.single + Self.transactional
        #expect(try RecordBatch.decodeAll(both).count == 2)
        #expect(try RecordBatch.decodeAll(both + Self.single.prefix(30)) == [Self.singleValue, Self.transactionalValue])
        #expect(try RecordBatch.decodeAll(Array(Self.single.prefix(11))) == [])
    }

    @Test func compressedBatchesAreRefused() {
        var gzip = Self.singleValue.encoded
        gzip[22] = 0x01  // attributes low byte: gzip
        let crc = CRC32C.checksum(gzip[21...])
        gzip[17] = UInt8(crc >> 24); gzip[18] = UInt8(crc >> 16 & 0xff); gzip[19] = UInt8(crc >> 8 & 0xff); gzip[20] = UInt8(crc & 0xff)
        #expect(throws: WireError.self) { _ = try RecordBatch.decodeAll(gzip) }
    }

    /// read_committed: records of an aborted transaction are dropped, committed ones and markers are not returned as records.
    @Test func fetchResultDropsAbortedTransactionsAndMarkers() throws {
        func batch(_ base: Int64, pid: Int64, _ value: String, control: Int16? = nil) -> RecordBatch {
            var b = RecordBatch.make([(control.map { [0, 0, 0, UInt8($0)] }, control == nil ? Array(value.utf8) : [0, 0, 0, 0], [])],
                                     timestamp: 1, producerId: pid, producerEpoch: 0, baseSequence: 0, transactional: true)
            b.baseOffset = base
            if control != nil { b.attributes |= RecordBatch.controlBit }
            return b
        }
        let batches = [batch(0, pid: 1, "a1"), batch(1, pid: 2, "b1"), batch(2, pid: 1, "", control: 0), batch(3, pid: 2, "", control: 1)]
        var p = try FetchResponse.Partition.decode(hex("00000000 0000 0000000000000004 0000000000000004 0000000000000000 02 0000000000000001 0000000000000000 00 ffffffff 00 00"))
        #expect(p.abortedTransactions?.first?.producerId == 1)
        let committed = FetchResult.make(batches: batches, from: 0, isolation: .readCommitted, partition: p)
        #expect(committed.records.map(\.offset) == [1])
        #expect(committed.markers.map(\.type) == [0, 1])
        let all = FetchResult.make(batches: batches, from: 1, isolation: .readUncommitted, partition: p)
        #expect(all.records.map(\.offset) == [1])
        p.abortedTransactions = nil
        #expect(FetchResult.make(batches: batches, from: 0, isolation: .readCommitted, partition: p).records.count == 2)
    }
}
