// Exchanges recorded from a real Tansu 0.6.0 broker (memory storage, listening on 127.0.0.1:29411,
// topic "t1" created with 1 partition, client id "fl"): the request frames this client builds are the
// bytes Tansu accepted, and Tansu's response frames decode and re-encode byte-exact.
import Testing
@testable import KafkaProtocol

@Suite struct TansuRecordedTests {
    /// Frame body (after the size) this client sends, and Tansu's response frame body.
    static func exchange<R: KafkaRequest>(_ request: R, correlationId: Int32, sent: String, received: String) throws -> R.Response {
        let frame = Frame.request(request, correlationId: correlationId, clientId: "fl")
        #expect(hexString(Array(frame.dropFirst(4))) == sent)
        let body = hex(received)
        let (id, response) = try Frame.parseResponse(body, for: R.self)
        #expect(id == correlationId)
        let again = Frame.response(response, to: R.self, correlationId: id)
        #expect(hexString(Array(again.dropFirst(4))) == received)
        return response
    }

    @Test func apiVersionsV3() throws {
        let r = try Self.exchange(
            ApiVersionsRequest(clientSoftwareName: "fl", clientSoftwareVersion: "1"), correlationId: 1,
            sent: "00120003000000010002666c0003666c023100",
            received: "000000010000250009000000090000010000001100003c0000000100002400000002000013000000070000160000000500002c0000000100001a000000040000080000000900000c000000040000150000000200004b0000000000000d0000000500001900000004000045000000000000180000000500001e0000000300000b0000000900003300000000000011000000010000000000000b00001c00000004000012000000040000020000000900002a000000020000470000000000002e0000000000001d0000000300000a0000000600000f000000050000030000000c0000320000000000000e000000050000100000000500002000000004000014000000060000000000040001010108ffffffffffffffff020101030100")
        #expect(r.apiKeys.count == 36)
        #expect(r.range(of: .produce) == 0...11 && r.range(of: .fetch) == 0...17 && r.range(of: .metadata) == 0...12)
        // Tansu sends all four ApiVersions v3 tagged fields: supported features (empty), finalized epoch -1, finalized (empty), zk migration false.
        #expect(r.tagged.fields.map(\.tag) == [0, 1, 2, 3] && r.tagged[1] == hex("ffffffffffffffff"))
        for key in ApiKey.allCases {
            let v: Int16 = switch key {
            case .produce: ProduceRequest.apiVersion
            case .fetch: FetchRequest.apiVersion
            case .listOffsets: ListOffsetsRequest.apiVersion
            case .metadata: MetadataRequest.apiVersion
            case .offsetCommit: OffsetCommitRequest.apiVersion
            case .offsetFetch: OffsetFetchRequest.apiVersion
            case .findCoordinator: FindCoordinatorRequest.apiVersion
            case .joinGroup: JoinGroupRequest.apiVersion
            case .heartbeat: HeartbeatRequest.apiVersion
            case .leaveGroup: LeaveGroupRequest.apiVersion
            case .syncGroup: SyncGroupRequest.apiVersion
            case .apiVersions: ApiVersionsRequest.apiVersion
            case .createTopics: CreateTopicsRequest.apiVersion
            case .initProducerId: InitProducerIdRequest.apiVersion
            case .addPartitionsToTxn: AddPartitionsToTxnRequest.apiVersion
            case .endTxn: EndTxnRequest.apiVersion
            case .addOffsetsToTxn: AddOffsetsToTxnRequest.apiVersion
            case .txnOffsetCommit: TxnOffsetCommitRequest.apiVersion
            }
            #expect(r.range(of: key)?.contains(v) == true, "Tansu 0.6.0 does not list \(key) v\(v)")
        }
    }

    @Test func createTopicsV5() throws {
        let r = try Self.exchange(
            CreateTopicsRequest(topics: [.init(name: "t1", numPartitions: 1, replicationFactor: 1)], timeoutMs: 5000), correlationId: 2,
            sent: "00130005000000020002666c0002037431000000010001010100000013880000",
            received: "0000000200000000000203743100000000000001000101010002000000")
        let t = try #require(r.topics.first)
        // Tansu fills the tagged topic_config_error_code (tag 0) with 0.
        #expect(t.errorCode == 0 && t.numPartitions == 1 && t.configs == [] && t.tagged[0] == hex("0000"))
    }

    @Test func metadataV9() throws {
        let r = try Self.exchange(
            MetadataRequest(topics: ["t1"]), correlationId: 3,
            sent: "00030009000000030002666c00020374310000000000",
            received: "000000030000000000020000006f0a3132372e302e302e31000072e300000e74616e73755f636c75737465720000006f02000003743100020000000000000000006f00000000020000006f020000006f01008000000000ffffffff00")
        #expect(r.brokers.map(\.nodeId) == [111] && r.brokers.first?.port == 29411 && r.clusterId == "tansu_cluster" && r.controllerId == 111)
        #expect(r.topics.first?.partitions.first?.leaderId == 111 && r.topics.first?.topicAuthorizedOperations == Int32.min)
    }

    @Test func findCoordinatorV3() throws {
        let r = try Self.exchange(
            FindCoordinatorRequest(key: "g1", keyType: 0), correlationId: 4,
            sent: "000a0003000000040002666c000367310000",
            received: "0000000400000000000000054e4f4e450000006f0a3132372e302e302e31000072e300")
        // Tansu puts the string "NONE" in error_message where Kafka sends null.
        #expect(r.errorCode == 0 && r.errorMessage == "NONE" && r.nodeId == 111 && r.port == 29411)
    }

    @Test func initProducerIdV4() throws {
        let r = try Self.exchange(
            InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000), correlationId: 5,
            sent: "00160004000000050002666c00000000ea60ffffffffffffffffffff00",
            received: "00000005000000000000000000000000000001000000")
        #expect(r.errorCode == 0 && r.producerId == 1 && r.producerEpoch == 0)
    }

    @Test func listOffsetsV6() throws {
        let r = try Self.exchange(
            ListOffsetsRequest(isolationLevel: .readUncommitted, topics: [.init(name: "t1", partitions: [.init(partitionIndex: 0, timestamp: ListOffsetsRequest.latest)])]),
            correlationId: 6,
            sent: "00020006000000060002666c00ffffffff00020374310200000000ffffffffffffffffffffffff000000",
            received: "0000000600000000000203743102000000000000ffffffffffffffff000000000000000000000000000000")
        #expect(r.topics.first?.partitions.first?.offset == 0)
    }

    /// Recorded on a fresh broker after: CreateTopics "tx"; InitProducerId("tid") -> producer 1 epoch 0;
    /// AddPartitionsToTxn tx/0; a transactional Produce of one record "aborted"; EndTxn abort. Then this
    /// read_committed Fetch. Tansu returns both batches (the data and the abort marker, CRCs valid) but an
    /// empty aborted_transactions list, where Kafka lists (producer 1, first offset 0): the broker bug
    /// behind TansuProducerTests.transactionsCommitAbortAndReadCommitted.
    @Test func fetchReadCommittedAfterAnAbortV12() throws {
        let r = try Self.exchange(
            FetchRequest(maxWaitMs: 100, minBytes: 1, maxBytes: 65536, isolationLevel: .readCommitted,
                         topics: [.init(topic: "tx", partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 65536)])]),
            correlationId: 6,
            sent: "0001000c000000060002666c00ffffffff0000006400000001000100000100000000ffffffff020374780200000000ffffffff0000000000000000ffffffffffffffffffffffff000100000000010100",
            received: "000000060000000000000000000000020374780200000000000000000000000000020000000000000002000000000000000001ffffffff9a0100000000000000000000003fffffffff02dda971c100100000000000000000000003e800000000000003e80000000000000001000000000000000000011a000000010e61626f7274656400000000000000000100000042ffffffff02a87fb654003000000000000001a22bdc0a2d000001a22bdc0a2d00000000000000010000ffffffff000000012000000008000000000c00000000000000000000")
        let p = try #require(r.responses.first?.partitions.first)
        #expect(p.highWatermark == 2 && p.lastStableOffset == 2 && p.abortedTransactions == [])
        let batches = try RecordBatch.decodeAll(p.records ?? [])
        #expect(batches.count == 2)
        #expect(batches.first?.isTransactional == true && batches.first?.producerId == 1 && batches.first?.records.first?.value == Array("aborted".utf8))
        #expect(batches.last?.isControl == true && batches.last?.controlType == 0 && batches.last?.baseOffset == 1)
        // With no aborted transaction listed, read_committed cannot drop the aborted record.
        let seen = FetchResult.make(batches: batches, from: 0, isolation: .readCommitted, partition: p)
        #expect(seen.records.map(\.offset) == [0] && seen.markers.map(\.type) == [0])
    }
}
