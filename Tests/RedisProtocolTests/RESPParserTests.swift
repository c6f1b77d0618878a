import NIOCore
import Testing
@testable import RedisProtocol

@Suite struct RESPParserTests {
    private func parseAll(_ text: String) throws -> [RESPValue] {
        var buffer = ByteBuffer(string: text)
        var replies: [RESPValue] = []
        while let reply = try RESPParser().parse(&buffer) { replies.append(reply) }
        #expect(buffer.readableBytes == 0, "bytes left over after the last whole reply")
        return replies
    }

    @Test func everyReplyKind() throws {
        let replies = try parseAll("+OK\r\n-NOREPLICAS Not enough good replicas to write.\r\n:-42\r\n$5\r\nhe\r\no\r\n$-1\r\n$0\r\n\r\n*-1\r\n*0\r\n")
        #expect(replies == [
            .simpleString("OK"),
            .error("NOREPLICAS Not enough good replicas to write."),
            .integer(-42),
            .bulkString(Array("he\r\no".utf8)),  // binary-safe: CRLF inside a bulk string is data
            .bulkString(nil),
            .bulkString([]),
            .array(nil),
            .array([]),
        ])
        #expect(replies[1].errorCode == "NOREPLICAS")
        #expect(replies[4].isNull && replies[6].isNull && !replies[5].isNull)
    }

    @Test func nestedArrays() throws {
        let replies = try parseAll("*2\r\n*2\r\n$1\r\na\r\n:1\r\n*1\r\n$-1\r\n")
        #expect(replies == [.array([.array([.bulkString(Array("a".utf8)), .integer(1)]), .array([.bulkString(nil)])])])
    }

    /// A reply cut at any byte is "not yet", never a wrong value, and leaves the buffer untouched.
    @Test func incompleteRepliesAreNotConsumed() throws {
        let whole = "*3\r\n$3\r\nfoo\r\n:7\r\n-ERR x\r\n"
        for cut in 0..<whole.utf8.count {
            var buffer = ByteBuffer(bytes: Array(whole.utf8.prefix(cut)))
            #expect(try RESPParser().parse(&buffer) == nil, "cut at \(cut)")
            #expect(buffer.readableBytes == cut)
        }
        #expect(try parseAll(whole) == [.array([.bulkString(Array("foo".utf8)), .integer(7), .error("ERR x")])])
    }

    @Test func notRESPIsAProtocolViolation() {
        for bad in ["?what\r\n", ":12x\r\n", "$3\r\nabcde\r\n", "$99999999999\r\n", "*-5\r\n", "+OK\rX"] {
            var buffer = ByteBuffer(string: bad)
            #expect(throws: RedisError.self, "\(bad.debugDescription)") { try RESPParser().parse(&buffer) }
        }
    }

    @Test func nestingIsBounded() {
        var buffer = ByteBuffer(string: String(repeating: "*1\r\n", count: 100) + ":1\r\n")
        #expect(throws: RedisError.self) { try RESPParser().parse(&buffer) }
    }

    @Test func commandsAreArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPEncoder.encode(["SET", "k", "välue"], into: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nvälue\r\n")
        var raw = ByteBuffer()
        RESPEncoder.encode([[0xff, 0x00], []], into: &raw)
        #expect(raw.readBytes(length: raw.readableBytes) == Array("*2\r\n$2\r\n".utf8) + [0xff, 0x00] + Array("\r\n$0\r\n\r\n".utf8))
    }
}
