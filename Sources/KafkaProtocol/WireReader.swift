// WireReader: reads Kafka protocol primitives from a byte array, range-checking every length.

/// WireError: bytes that do not form a valid message.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// The field at `offset` needs `need` bytes but only `have` are left.
    case truncated(field: String, offset: Int, need: Int, have: Int)
    /// A length, count or varint outside what the protocol allows.
    case invalid(field: String, offset: Int, reason: String)
    /// Bytes left over after the last field.
    case trailingBytes(offset: Int, count: Int)

    public var description: String {
        switch self {
        case .truncated(let f, let o, let n, let h): return "truncated \(f) at byte \(o): needs \(n) bytes, \(h) left"
        case .invalid(let f, let o, let why): return "invalid \(f) at byte \(o): \(why)"
        case .trailingBytes(let o, let c): return "\(c) unexpected bytes after the message at byte \(o)"
        }
    }
}

/// WireReader consumes `bytes` front to back; every read throws `WireError` rather than trapping.
public struct WireReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    public var remaining: Int { end - offset }

    public func expectEnd() throws {
        if offset != end { throw WireError.trailingBytes(offset: offset, count: end - offset) }
    }

    public mutating func raw(_ n: Int, _ field: String = "bytes") throws -> [UInt8] {
        guard n >= 0 else { throw WireError.invalid(field: field, offset: offset, reason: "negative length \(n)") }
        guard n <= remaining else { throw WireError.truncated(field: field, offset: offset, need: n, have: remaining) }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    public mutating func skip(_ n: Int, _ field: String = "bytes") throws {
        guard n >= 0, n <= remaining else { throw WireError.truncated(field: field, offset: offset, need: n, have: remaining) }
        offset += n
    }

    private mutating func bigEndian(_ width: Int, _ field: String) throws -> UInt64 {
        guard width <= remaining else { throw WireError.truncated(field: field, offset: offset, need: width, have: remaining) }
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += width
        return v
    }

    public mutating func int8(_ field: String = "int8") throws -> Int8 { Int8(truncatingIfNeeded: try bigEndian(1, field)) }
    public mutating func int16(_ field: String = "int16") throws -> Int16 { Int16(truncatingIfNeeded: try bigEndian(2, field)) }
    public mutating func int32(_ field: String = "int32") throws -> Int32 { Int32(truncatingIfNeeded: try bigEndian(4, field)) }
    public mutating func uint32(_ field: String = "uint32") throws -> UInt32 { UInt32(truncatingIfNeeded: try bigEndian(4, field)) }
    public mutating func int64(_ field: String = "int64") throws -> Int64 { Int64(bitPattern: try bigEndian(8, field)) }

    public mutating func bool(_ field: String = "bool") throws -> Bool {
        let at = offset
        switch try bigEndian(1, field) {
        case 0: return false
        case 1: return true
        case let v: throw WireError.invalid(field: field, offset: at, reason: "boolean byte \(v)")
        }
    }

    /// Unsigned LEB128 varint of at most `maxBits` bits (32 for lengths and tags, 64 for varlongs).
    public mutating func uvarint(_ field: String = "uvarint", maxBits: Int = 32) throws -> UInt64 {
        let start = offset
        var v: UInt64 = 0
        var shift = 0
        while true {
            guard offset < end else { throw WireError.truncated(field: field, offset: offset, need: 1, have: 0) }
            let b = bytes[offset]
            offset += 1
            let chunk = UInt64(b & 0x7f)
            // The last byte may only carry the bits that still fit (4 for 32-bit, 1 for 64-bit values).
            if shift + 7 > maxBits && chunk >> UInt64(maxBits - shift) != 0 {
                throw WireError.invalid(field: field, offset: start, reason: "varint overflows \(maxBits) bits")
            }
            v |= chunk << UInt64(shift)
            if b & 0x80 == 0 { return v }
            shift += 7
            if shift >= maxBits { throw WireError.invalid(field: field, offset: start, reason: "varint longer than \(maxBits) bits") }
        }
    }

    public mutating func varint(_ field: String = "varint") throws -> Int32 {
        let u = UInt32(truncatingIfNeeded: try uvarint(field, maxBits: 32))
        return Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    public mutating func varlong(_ field: String = "varlong") throws -> Int64 {
        let u = try uvarint(field, maxBits: 64)
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    public mutating func uuid(_ field: String = "uuid") throws -> [UInt8] { try raw(16, field) }

    // MARK: classic forms

    public mutating func string(_ field: String = "string") throws -> String {
        guard let s = try nullableString(field) else { throw WireError.invalid(field: field, offset: offset - 2, reason: "null where a string is required") }
        return s
    }

    public mutating func nullableString(_ field: String = "string") throws -> String? {
        let n = try int16(field)
        if n == -1 { return nil }
        return try utf8(try raw(Int(n), field), field)
    }

    public mutating func bytes(_ field: String = "bytes") throws -> [UInt8] {
        guard let b = try nullableBytes(field) else { throw WireError.invalid(field: field, offset: offset - 4, reason: "null where bytes are required") }
        return b
    }

    public mutating func nullableBytes(_ field: String = "bytes") throws -> [UInt8]? {
        let n = try int32(field)
        if n == -1 { return nil }
        return try raw(Int(n), field)
    }

    public mutating func array<T>(_ field: String = "array", _ each: (inout WireReader) throws -> T) throws -> [T] {
        let n = try int32(field)
        return try elements(Int(n), field, each)
    }

    // MARK: compact forms

    /// A compact length: nil for null (0 on the wire), else length (wire value - 1).
    private mutating func compactLength(_ field: String) throws -> Int? {
        let u = try uvarint(field)
        return u == 0 ? nil : Int(u - 1)
    }

    public mutating func compactString(_ field: String = "compact string") throws -> String {
        guard let s = try compactNullableString(field) else { throw WireError.invalid(field: field, offset: offset - 1, reason: "null where a string is required") }
        return s
    }

    public mutating func compactNullableString(_ field: String = "compact string") throws -> String? {
        guard let n = try compactLength(field) else { return nil }
        return try utf8(try raw(n, field), field)
    }

    public mutating func compactBytes(_ field: String = "compact bytes") throws -> [UInt8] {
        guard let b = try compactNullableBytes(field) else { throw WireError.invalid(field: field, offset: offset - 1, reason: "null where bytes are required") }
        return b
    }

    public mutating func compactNullableBytes(_ field: String = "compact bytes") throws -> [UInt8]? {
        guard let n = try compactLength(field) else { return nil }
        return try raw(n, field)
    }

    public mutating func compactArray<T>(_ field: String = "compact array", _ each: (inout WireReader) throws -> T) throws -> [T] {
        guard let a = try compactNullableArray(field, each) else { throw WireError.invalid(field: field, offset: offset - 1, reason: "null where an array is required") }
        return a
    }

    public mutating func compactNullableArray<T>(_ field: String = "compact array", _ each: (inout WireReader) throws -> T) throws -> [T]? {
        guard let n = try compactLength(field) else { return nil }
        return try elements(n, field, each)
    }

    public mutating func compactArray<T: WireCodable>(_ field: String = "compact array") throws -> [T] {
        try compactArray(field) { try T(from: &$0) }
    }

    public mutating func compactNullableArray<T: WireCodable>(_ field: String = "compact array") throws -> [T]? {
        try compactNullableArray(field) { try T(from: &$0) }
    }

    public mutating func compactInt32Array(_ field: String = "compact int32 array") throws -> [Int32] {
        try compactArray(field) { try $0.int32(field) }
    }

    /// The tagged-field section of a flexible structure, kept as raw fields so it re-encodes exactly.
    public mutating func tagged(_ field: String = "tagged fields") throws -> TaggedFields {
        let n = try uvarint(field)
        guard n <= UInt64(remaining) else { throw WireError.invalid(field: field, offset: offset, reason: "\(n) tagged fields in \(remaining) bytes") }
        var fields: [TaggedField] = []
        for _ in 0..<n {
            let tag = UInt32(try uvarint(field))
            let size = Int(try uvarint(field))
            fields.append(TaggedField(tag: tag, data: try raw(size, field)))
        }
        return TaggedFields(fields)
    }

    private mutating func elements<T>(_ n: Int, _ field: String, _ each: (inout WireReader) throws -> T) throws -> [T] {
        if n == -1 { return [] }
        // Every element takes at least one byte: a count above what is left is corrupt, not a reason to allocate.
        guard n >= 0, n <= remaining else { throw WireError.invalid(field: field, offset: offset, reason: "\(n) elements in \(remaining) bytes") }
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try each(&self)) }
        return out
    }

    private func utf8(_ b: [UInt8], _ field: String) throws -> String {
        guard let s = String(validating: b, as: UTF8.self) else { throw WireError.invalid(field: field, offset: offset - b.count, reason: "not UTF-8") }
        return s
    }
}

/// One tagged field: its tag number and raw bytes.
public struct TaggedField: Equatable, Sendable {
    public var tag: UInt32
    public var data: [UInt8]
    public init(tag: UInt32, data: [UInt8]) { self.tag = tag; self.data = data }
}

/// TaggedFields holds a structure's optional tagged fields in wire order. The client sends none; those
/// a broker sends are kept as bytes, so a decoded response re-encodes exactly.
public struct TaggedFields: Equatable, Sendable, ExpressibleByArrayLiteral {
    public var fields: [TaggedField]
    public init(_ fields: [TaggedField] = []) { self.fields = fields }
    public init(arrayLiteral elements: TaggedField...) { self.fields = elements }
    public static let none = TaggedFields()
    public subscript(tag: UInt32) -> [UInt8]? { fields.first { $0.tag == tag }?.data }
}
