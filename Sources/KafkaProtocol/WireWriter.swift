// WireWriter: big-endian Kafka primitives appended to a byte array (fixed-width, varint, compact forms).

/// WireWriter appends Kafka protocol primitives to `bytes`. The names follow the protocol guide's
/// types: `int16`, `compactString`, `uvarint`, ... so a message's `write` reads like its field list.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    public mutating func raw(_ b: ArraySlice<UInt8>) { bytes.append(contentsOf: b) }

    public mutating func int8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func int16(_ v: Int16) { bigEndian(UInt64(UInt16(bitPattern: v)), width: 2) }
    public mutating func int32(_ v: Int32) { bigEndian(UInt64(UInt32(bitPattern: v)), width: 4) }
    public mutating func uint32(_ v: UInt32) { bigEndian(UInt64(v), width: 4) }
    public mutating func int64(_ v: Int64) { bigEndian(UInt64(bitPattern: v), width: 8) }

    private mutating func bigEndian(_ v: UInt64, width: Int) {
        for i in stride(from: width - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// Overwrites 4 bytes at `offset` (for lengths and CRCs known only after the body is written).
    public mutating func patchUInt32(_ v: UInt32, at offset: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(3 - i))) }
    }

    /// Unsigned LEB128 varint (compact lengths, tag numbers).
    public mutating func uvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func uvarint(_ v: UInt32) { uvarint(UInt64(v)) }

    /// Zigzag varint (record fields): small negatives stay short.
    public mutating func varint(_ v: Int32) { uvarint(UInt64(UInt32(bitPattern: (v << 1) ^ (v >> 31)))) }

    /// Zigzag varlong (record timestamps).
    public mutating func varlong(_ v: Int64) { uvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    public mutating func uuid(_ v: [UInt8]) {
        precondition(v.count == 16, "a UUID is 16 bytes")
        raw(v)
    }

    // MARK: classic (non-flexible) forms: int16 / int32 lengths, -1 for null

    public mutating func string(_ s: String) {
        let u = Array(s.utf8)
        int16(Int16(u.count))
        raw(u)
    }

    public mutating func nullableString(_ s: String?) {
        guard let s else { int16(-1); return }
        string(s)
    }

    public mutating func bytes(_ b: [UInt8]) {
        int32(Int32(b.count))
        raw(b)
    }

    public mutating func nullableBytes(_ b: [UInt8]?) {
        guard let b else { int32(-1); return }
        bytes(b)
    }

    public mutating func array<T>(_ items: [T], _ each: (inout WireWriter, T) -> Void) {
        int32(Int32(items.count))
        for i in items { each(&self, i) }
    }

    // MARK: compact (flexible-version) forms: unsigned varint of length + 1, 0 for null

    public mutating func compactString(_ s: String) {
        let u = Array(s.utf8)
        uvarint(UInt64(u.count + 1))
        raw(u)
    }

    public mutating func compactNullableString(_ s: String?) {
        guard let s else { uvarint(UInt64(0)); return }
        compactString(s)
    }

    public mutating func compactBytes(_ b: [UInt8]) {
        uvarint(UInt64(b.count + 1))
        raw(b)
    }

    public mutating func compactNullableBytes(_ b: [UInt8]?) {
        guard let b else { uvarint(UInt64(0)); return }
        compactBytes(b)
    }

    public mutating func compactArray<T>(_ items: [T], _ each: (inout WireWriter, T) -> Void) {
        uvarint(UInt64(items.count + 1))
        for i in items { each(&self, i) }
    }

    public mutating func compactNullableArray<T>(_ items: [T]?, _ each: (inout WireWriter, T) -> Void) {
        guard let items else { uvarint(UInt64(0)); return }
        compactArray(items, each)
    }

    public mutating func compactArray<T: WireCodable>(_ items: [T]) { compactArray(items) { w, i in i.write(to: &w) } }
    public mutating func compactNullableArray<T: WireCodable>(_ items: [T]?) { compactNullableArray(items) { w, i in i.write(to: &w) } }
    public mutating func compactInt32Array(_ items: [Int32]) { compactArray(items) { w, i in w.int32(i) } }

    /// The tagged-field section that ends every structure of a flexible version.
    public mutating func tagged(_ t: TaggedFields) {
        uvarint(UInt64(t.fields.count))
        for f in t.fields {
            uvarint(UInt64(f.tag))
            uvarint(UInt64(f.data.count))
            raw(f.data)
        }
    }
}

/// WireCodable is a structure that can be written and read back byte-exact.
public protocol WireCodable: Equatable, Sendable {
    init(from r: inout WireReader) throws
    func write(to w: inout WireWriter)
}

extension WireCodable {
    /// The encoded bytes of this value alone.
    public var encoded: [UInt8] {
        var w = WireWriter()
        write(to: &w)
        return w.bytes
    }

    /// Decodes one value from `bytes`, failing when bytes are left over.
    public static func decode(_ bytes: [UInt8]) throws -> Self {
        var r = WireReader(bytes)
        let v = try Self(from: &r)
        try r.expectEnd()
        return v
    }
}
