// Every response type: a fixture written from the protocol guide's field list decodes to the right
// fields and re-encodes byte-exact (tagged fields the client does not interpret included).
import Testing
@testable import KafkaProtocol

@Suite struct ResponseFixtureTests {
    @Test func apiVersionsV3() throws {
        let r = try checkResponse(ApiVersionsResponse.self, hex("""
            0000                   # error_code
            03                     # 2 api keys
            0000 0000 0009 00      # Produce 0..9
            0012 0000 0004 00      # ApiVersions 0..4
            00000000 00            # throttle, tags
            """))
        #expect(r.range(of: .produce) == 0...9 && r.range(of: .apiVersions) == 0...4 && r.range(of: .fetch) == nil)
    }

    @Test func metadataV9() throws {
        let r = try checkResponse(MetadataResponse.self, hex("""
            00000000                                   # throttle
            02 00000001 0a '127.0.0.1' 00002384 00 00  # 1 broker: node 1, host, port 9092, rack null, tags
            04 'abc' 00000001                          # cluster_id, controller_id
            02 0000 03 't1' 00                         # 1 topic: error, name, is_internal
            02 0000 00000000 00000001 00000000         # 1 partition: error, index, leader 1, leader epoch
            02 00000001 02 00000001 01 00              # replicas [1], isr [1], offline [], tags
            80000000 00                                # topic_authorized_operations (unset), tags
            80000000 00                                # cluster_authorized_operations, tags
            """))
        #expect(r.brokers.first?.host == "127.0.0.1" && r.brokers.first?.port == 9092 && r.clusterId == "abc")
        #expect(r.topics.first?.partitions.first?.leaderId == 1 && r.topics.first?.partitions.first?.isrNodes == [1])
    }

    @Test func createTopicsV5() throws {
        let r = try checkResponse(CreateTopicsResponse.self, hex("""
            00000000 02
            03 't1' 0024 0f 'already exists'   # name, TOPIC_ALREADY_EXISTS, message
            ffffffff ffff 00 00                # num_partitions -1, replication -1, configs null, tags
            00
            """))
        #expect(r.topics.first?.errorCode == ErrorCode.topicAlreadyExists.rawValue && r.topics.first?.configs == nil)
    }

    @Test func produceV9() throws {
        let r = try checkResponse(ProduceResponse.self, hex("""
            02 03 't1' 02                       # 1 topic, 1 partition
            00000000 0000 000000000000000a      # index, error, base_offset 10
            ffffffffffffffff 0000000000000000   # log_append_time -1, log_start_offset 0
            01 00 00                            # record_errors [], error_message null, tags
            00 00000000 00                      # topic tags, throttle, tags
            """))
        #expect(r.topics.first?.partitions.first?.baseOffset == 10)
    }

    @Test func fetchV12() throws {
        let r = try checkResponse(FetchResponse.self, hex("""
            00000000 0000 00000000              # throttle, error, session_id
            02 03 't1' 02                       # 1 topic, 1 partition
            00000000 0000                       # partition, error
            0000000000000001 0000000000000001 0000000000000000   # high watermark, last stable, log start
            00 ffffffff                         # aborted_transactions null, preferred_read_replica -1
            4b                                  # records: 74 bytes
            """) + RecordBatchTests.single + hex("""
            01 01 09 00000001 00000002 00       # tagged: current_leader (tag 1) = leader 1, epoch 2
            00 00
            """))
        let p = try #require(r.responses.first?.partitions.first)
        #expect(p.highWatermark == 1 && p.abortedTransactions == nil && p.tagged[1] == hex("00000001 00000002 00"))
        #expect(try RecordBatch.decodeAll(p.records ?? []) == [RecordBatchTests.singleValue])
    }

    @Test func listOffsetsV6() throws {
        let r = try checkResponse(ListOffsetsResponse.self, hex("""
            00000000 02 03 't1' 02
            00000000 0000 ffffffffffffffff 000000000000000a 00000000 00   # index, error, timestamp, offset 10, epoch
            00 00
            """))
        #expect(r.topics.first?.partitions.first?.offset == 10)
    }

    @Test func findCoordinatorV3() throws {
        let r = try checkResponse(FindCoordinatorResponse.self, hex("00000000 0000 00 00000001 0a '127.0.0.1' 00002384 00"))
        #expect(r.nodeId == 1 && r.host == "127.0.0.1" && r.port == 9092 && r.errorMessage == nil)
    }

    @Test func joinGroupV6() throws {
        let r = try checkResponse(JoinGroupResponse.self, hex("""
            00000000 0000 00000001        # throttle, error, generation 1
            06 'range' 03 'm1' 03 'm1'    # protocol_name, leader, member_id
            02 03 'm1' 00 0f              # 1 member: id, instance null, metadata
            """) + RequestFixtureTests.subscription + hex("00 00"))
        #expect(r.generationId == 1 && r.leader == "m1" && r.members.count == 1)
        #expect(try ConsumerSubscription.decode(r.members[0].metadata).topics == ["t1"])
    }

    @Test func syncGroupV4() throws {
        let r = try checkResponse(SyncGroupResponse.self, hex("00000000 0000 1b") + RequestFixtureTests.assignment + hex("00"))
        #expect(try ConsumerAssignment.decode(r.assignment).assigned == [.init(topic: "t1", partitions: [0, 1])])
    }

    @Test func heartbeatV4() throws {
        let r = try checkResponse(HeartbeatResponse.self, hex("00000000 001b 00"))
        #expect(ErrorCode(r.errorCode) == .rebalanceInProgress)
    }

    @Test func leaveGroupV4() throws {
        let r = try checkResponse(LeaveGroupResponse.self, hex("00000000 0000 02 03 'm1' 00 0000 00 00"))
        #expect(r.members.first?.memberId == "m1")
    }

    @Test func offsetCommitV8() throws {
        let r = try checkResponse(OffsetCommitResponse.self, hex("00000000 02 03 't1' 02 00000000 0000 00 00 00"))
        #expect(r.topics.first?.partitions.first?.errorCode == 0)
    }

    @Test func offsetFetchV7() throws {
        let r = try checkResponse(OffsetFetchResponse.self, hex("""
            00000000 02 03 't1' 02
            00000000 000000000000002a ffffffff 00 0000 00   # index, offset 42, epoch -1, metadata null, error, tags
            00 0000 00                                      # topic tags, group error, tags
            """))
        #expect(r.topics.first?.partitions.first?.committedOffset == 42)
    }

    @Test func initProducerIdV4() throws {
        let r = try checkResponse(InitProducerIdResponse.self, hex("00000000 0000 0000000000000005 0001 00"))
        #expect(r.producerId == 5 && r.producerEpoch == 1)
    }

    @Test func addPartitionsToTxnV3() throws {
        let r = try checkResponse(AddPartitionsToTxnResponse.self, hex("00000000 02 03 't1' 02 00000000 0000 00 00 00"))
        #expect(r.results.first?.results.first?.partitionIndex == 0)
    }

    @Test func endTxnV3() throws {
        let r = try checkResponse(EndTxnResponse.self, hex("00000000 0030 00"))
        #expect(ErrorCode(r.errorCode) == .invalidTxnState)
    }

    @Test func addOffsetsToTxnV3() throws {
        let r = try checkResponse(AddOffsetsToTxnResponse.self, hex("00000000 0033 00 # throttle, CONCURRENT_TRANSACTIONS, tags"))
        #expect(ErrorCode(r.errorCode) == .concurrentTransactions)
    }

    @Test func txnOffsetCommitV3() throws {
        let r = try checkResponse(TxnOffsetCommitResponse.self, hex("00000000 02 03 't1' 02 00000000 0016 00 00 00"))
        #expect(ErrorCode(r.topics.first?.partitions.first?.errorCode ?? 0) == .illegalGeneration)
    }

    @Test func responseFramesUseHeaderV1ExceptApiVersions() throws {
        let body = hex("00000000 0030 00")
        let flexible = try Frame.parseResponse(hex("00000009 00") + body, for: EndTxnRequest.self)
        #expect(flexible.correlationId == 9 && ErrorCode(flexible.response.errorCode) == .invalidTxnState)
        let api = try Frame.parseResponse(hex("00000002 0000 01 00000000 00"), for: ApiVersionsRequest.self)
        #expect(api.correlationId == 2 && api.response.apiKeys.isEmpty)
    }
}
