import NIOCore

/// Commands go to Redis as an array of bulk strings, which is binary-safe for any argument.
public enum RESPEncoder {
    public static func encode(_ arguments: [[UInt8]], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.count)\r\n")
            buffer.writeBytes(argument)
            buffer.writeString("\r\n")
        }
    }

    public static func encode(_ arguments: [String], into buffer: inout ByteBuffer) {
        encode(arguments.map { Array($0.utf8) }, into: &buffer)
    }
}
