import NIOCore

/// Incremental RESP2 reply parser. It reads one whole reply or nothing, so a reply split across TCP
/// segments is parsed once all of it has arrived. Sizes are bounded: a peer that is not Redis, or a
/// corrupted stream, gets a `RedisError.protocolViolation` instead of an unbounded allocation.
public struct RESPParser: Sendable {
    public var maxBulkLength = 64 * 1024 * 1024
    public var maxArrayCount = 1_000_000
    public var maxDepth = 32

    public init() {}

    /// Parses one reply from the front of `buffer`, moving its reader index past it; nil (and the buffer
    /// untouched) when the reply is not complete yet.
    public func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let value = try parseValue(&copy, depth: 0) else { return nil }
        buffer = copy
        return value
    }

    private func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard depth <= maxDepth else { throw RedisError.protocolViolation("reply nested deeper than \(maxDepth)") }
        guard let marker = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        guard let line = try readLine(&buffer) else { return nil }
        let body = line.dropFirst()
        switch marker {
        case UInt8(ascii: "+"):
            return .simpleString(String(decoding: body, as: UTF8.self))
        case UInt8(ascii: "-"):
            return .error(String(decoding: body, as: UTF8.self))
        case UInt8(ascii: ":"):
            return .integer(try integer(body))
        case UInt8(ascii: "$"):
            let length = try integer(body)
            if length == -1 { return .bulkString(nil) }
            guard length >= 0, length <= maxBulkLength else {
                throw RedisError.protocolViolation("bulk string length \(length) out of range")
            }
            let count = Int(length)
            guard buffer.readableBytes >= count + 2 else { return nil }
            let bytes = buffer.readBytes(length: count)!
            guard buffer.readBytes(length: 2) == [13, 10] else {
                throw RedisError.protocolViolation("bulk string not terminated by CRLF")
            }
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            let count = try integer(body)
            if count == -1 { return .array(nil) }
            guard count >= 0, count <= maxArrayCount else {
                throw RedisError.protocolViolation("array length \(count) out of range")
            }
            var elements: [RESPValue] = []
            elements.reserveCapacity(Int(min(count, 1024)))
            for _ in 0..<count {
                guard let element = try parseValue(&buffer, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            throw RedisError.protocolViolation("unknown reply type byte \(marker)")
        }
    }

    /// The bytes of one CRLF-terminated line (the marker included, the CRLF not), or nil when no CRLF yet.
    private func readLine(_ buffer: inout ByteBuffer) throws -> ArraySlice<UInt8>? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: 13) else {
            if view.count > 64 * 1024 { throw RedisError.protocolViolation("reply line longer than 64 KiB") }
            return nil
        }
        guard cr + 1 < view.endIndex else { return nil }
        guard view[cr + 1] == 10 else { throw RedisError.protocolViolation("CR not followed by LF") }
        let line = ArraySlice(view[view.startIndex..<cr])
        buffer.moveReaderIndex(forwardBy: cr - view.startIndex + 2)
        return line
    }

    private func integer(_ text: ArraySlice<UInt8>) throws -> Int64 {
        guard let value = Int64(String(decoding: text, as: UTF8.self)) else {
            throw RedisError.protocolViolation("not an integer: \(String(decoding: text.prefix(40), as: UTF8.self))")
        }
        return value
    }
}
