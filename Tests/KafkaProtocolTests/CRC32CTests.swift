// CRC-32C (Castagnoli) against published check values.
import Testing
@testable import KafkaProtocol

@Suite struct CRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// RFC 3720 (iSCSI) appendix B.4 test vectors.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        let iscsiReadPDU = hex("""
            01 c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            14 00 00 00 00 00 04 00 00 00 00 14 00 00 00 18
            28 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
            """)
        #expect(CRC32C.checksum(iscsiReadPDU) == 0xD996_3A56)
    }
}
