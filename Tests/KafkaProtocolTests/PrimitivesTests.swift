// Primitive encoders/decoders: fixed-width, varint/varlong zigzag edges, unsigned varints, compact forms.
import Testing
@testable import KafkaProtocol

@Suite struct PrimitivesTests {
    @Test func fixedWidthIntegersAreBigEndian() throws {
        var w = WireWriter()
        w.int8(-2); w.int16(0x0102); w.int32(-1); w.int64(0x0102_0304_0506_0708); w.uint32(0xDEAD_BEEF); w.bool(true)
        #expect(w.bytes == hex("fe | 0102 | ffffffff | 0102030405060708 | deadbeef | 01"))
        var r = WireReader(w.bytes)
        #expect(try r.int8() == -2)
        #expect(try r.int16() == 0x0102)
        #expect(try r.int32() == -1)
        #expect(try r.int64() == 0x0102_0304_0506_0708)
        #expect(try r.uint32() == 0xDEAD_BEEF)
        #expect(try r.bool() == true)
        try r.expectEnd()
    }

    @Test(arguments: [
        (Int32(0), "00"), (-1, "01"), (1, "02"), (-2, "03"), (63, "7e"), (-64, "7f"), (64, "8001"),
        (Int32.max, "feffffff0f"), (Int32.min, "ffffffff0f"),
    ])
    func zigzagVarint(value: Int32, wire: String) throws {
        var w = WireWriter()
        w.varint(value)
        #expect(w.bytes == hex(wire))
        var r = WireReader(hex(wire))
        #expect(try r.varint() == value)
        try r.expectEnd()
    }

    @Test(arguments: [
        (Int64(0), "00"), (-1, "01"), (1, "02"), (150, "ac02"),
        (Int64.max, "feffffffffffffffff01"), (Int64.min, "ffffffffffffffffff01"),
        (Int64(Int32.max) + 1, "8080808010"),
    ])
    func zigzagVarlong(value: Int64, wire: String) throws {
        var w = WireWriter()
        w.varlong(value)
        #expect(w.bytes == hex(wire))
        var r = WireReader(hex(wire))
        #expect(try r.varlong() == value)
        try r.expectEnd()
    }

    @Test(arguments: [(UInt64(0), "00"), (127, "7f"), (128, "8001"), (300, "ac02"), (16383, "ff7f"), (16384, "808001"), (UInt64(UInt32.max), "ffffffff0f")])
    func unsignedVarint(value: UInt64, wire: String) throws {
        var w = WireWriter()
        w.uvarint(value)
        #expect(w.bytes == hex(wire))
        var r = WireReader(hex(wire))
        #expect(try r.uvarint() == value)
    }

    @Test func overlongAndOverflowingVarintsAreRejected() {
        var sixBytes = WireReader(hex("8080808080 00"))
        #expect(throws: WireError.self) { try sixBytes.uvarint() }
        var tooWide = WireReader(hex("ffffffff1f"))  // 5th byte carries more than 4 bits
        #expect(throws: WireError.self) { try tooWide.varint() }
        var cut = WireReader(hex("80"))
        #expect(throws: WireError.self) { try cut.uvarint() }
        var longTooWide = WireReader(hex("ffffffffffffffffff03"))
        #expect(throws: WireError.self) { try longTooWide.varlong() }
    }

    @Test func classicAndCompactStringsAndBytes() throws {
        var w = WireWriter()
        w.string("ab"); w.nullableString(nil); w.bytes([1]); w.nullableBytes(nil)
        w.compactString("ab"); w.compactNullableString(nil); w.compactString("")
        w.compactBytes([9, 8]); w.compactNullableBytes(nil)
        let expected = hex("""
            0002 'ab'     # string: int16 length
            ffff          # null string
            00000001 01   # bytes: int32 length
            ffffffff      # null bytes
            03 'ab'       # compact string: uvarint length + 1
            00            # null compact string
            01            # empty compact string
            03 0908       # compact bytes
            00            # null compact bytes
            """)
        #expect(w.bytes == expected)
        var r = WireReader(expected)
        #expect(try r.string() == "ab")
        #expect(try r.nullableString() == nil)
        #expect(try r.bytes() == [1])
        #expect(try r.nullableBytes() == nil)
        #expect(try r.compactString() == "ab")
        #expect(try r.compactNullableString() == nil)
        #expect(try r.compactString() == "")
        #expect(try r.compactBytes() == [9, 8])
        #expect(try r.compactNullableBytes() == nil)
        try r.expectEnd()
    }

    @Test func arraysAndTaggedFields() throws {
        var w = WireWriter()
        w.array([Int32(1), 2]) { w, v in w.int32(v) }
        w.compactInt32Array([7])
        w.compactNullableArray(nil as [Int32]?) { w, v in w.int32(v) }
        w.tagged(TaggedFields([TaggedField(tag: 0, data: [0xAA]), TaggedField(tag: 200, data: [])]))
        let expected = hex("""
            00000002 00000001 00000002   # classic array: int32 count
            02 00000007                  # compact array: count + 1
            00                           # null compact array
            02 00 01 aa c801 00          # 2 tagged fields: tag 0 (1 byte), tag 200 (uvarint c8 01, empty)
            """)
        #expect(w.bytes == expected)
        var r = WireReader(expected)
        #expect(try r.array { try $0.int32() } == [1, 2])
        #expect(try r.compactInt32Array() == [7])
        #expect(try r.compactNullableArray { try $0.int32() } == nil)
        let t = try r.tagged()
        #expect(t[0] == [0xAA] && t[200] == [] && t.fields.count == 2)
        try r.expectEnd()
    }

    @Test func badLengthsThrowInsteadOfTrapping() {
        var short = WireReader(hex("0005 'ab'"))
        #expect(throws: WireError.self) { try short.string() }
        var negative = WireReader(hex("fffe"))
        #expect(throws: WireError.self) { try negative.string() }
        var hugeCount = WireReader(hex("7fffffff 00"))
        #expect(throws: WireError.self) { try hugeCount.array { try $0.int8() } }
        var notUTF8 = WireReader(hex("03 ff fe"))
        #expect(throws: WireError.self) { try notUTF8.compactString() }
        var badBool = WireReader(hex("02"))
        #expect(throws: WireError.self) { try badBool.bool() }
        #expect(throws: WireError.self) { try ApiVersionsRequest.decode(hex("03 'fl' 02 '1' 00 ff")) }
    }
}
