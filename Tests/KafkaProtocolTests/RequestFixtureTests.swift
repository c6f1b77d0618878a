// Every request type against a fixture written from the protocol guide's field list for its version.
import Testing
@testable import KafkaProtocol

@Suite struct RequestFixtureTests {
    static let subscription = hex("0000 | 00000001 0002 't1' | ffffffff")  // version 0, topics ["t1"], user data null
    static let assignment = hex("0000 | 00000001 0002 't1' 00000002 00000000 00000001 | ffffffff")  // t1: [0, 1]

    @Test func frameAndRequestHeaderV2() throws {
        let frame = Frame.request(ApiVersionsRequest(clientSoftwareName: "fl", clientSoftwareVersion: "1"), correlationId: 7, clientId: "c")
        #expect(frame == hex("""
            00000012           # size 18
            0012 0003          # api key 18 (ApiVersions), version 3
            00000007           # correlation id
            0001 'c'           # client id: classic nullable string, even in header v2
            00                 # header tagged fields
            03 'fl' 02 '1' 00  # body
            """))
        let (header, body) = try Frame.parseRequest(Array(frame.dropFirst(4)), as: ApiVersionsRequest.self)
        #expect(header == RequestHeader(apiKey: 18, apiVersion: 3, correlationId: 7, clientId: "c"))
        #expect(body.clientSoftwareName == "fl")
        #expect(Array(Frame.request(HeartbeatRequest(groupId: "g", generationId: 1, memberId: ""), correlationId: 1, clientId: nil).prefix(15))
            == hex("00000014 000c 0004 00000001 ffff 00"))
    }

    @Test func apiVersionsV3() {
        checkRequest(ApiVersionsRequest(clientSoftwareName: "fl", clientSoftwareVersion: "1"), hex("03 'fl' 02 '1' 00"))
    }

    @Test func metadataV9() {
        checkRequest(MetadataRequest(topics: ["t1"]), hex("""
            02 03 't1' 00   # topics: compact array of (name, tags)
            00 00 00        # allow_auto_topic_creation, include cluster / topic authorized operations
            00
            """))
        checkRequest(MetadataRequest(topics: nil, allowAutoTopicCreation: true), hex("00 01 00 00 00"))
    }

    @Test func createTopicsV5() {
        checkRequest(CreateTopicsRequest(topics: [.init(name: "t1", numPartitions: 3, replicationFactor: 1, configs: [.init(name: "retention.ms", value: "-1")])], timeoutMs: 5000), hex("""
            02                             # 1 topic
            03 't1' 00000003 0001          # name, num_partitions, replication_factor
            01                             # assignments: empty
            02 0d 'retention.ms' 03 '-1' 00  # configs: 1 (name, value, tags)
            00                             # topic tags
            00001388 00                    # timeout_ms 5000, validate_only false
            00
            """))
    }

    @Test func produceV9() {
        let request = ProduceRequest(acks: -1, timeoutMs: 5000, topics: [.init(name: "t1", partitions: [.init(index: 0, records: RecordBatchTests.single)])])
        checkRequest(request, hex("""
            00                 # transactional_id null
            ffff 00001388      # acks -1 (all), timeout 5000
            02 03 't1'         # 1 topic
            02 00000000        # 1 partition, index 0
            4b                 # records: compact bytes, 74 + 1
            """) + RecordBatchTests.single + hex("00 00 00"))
        #expect(ProduceRequest(acks: 0, timeoutMs: 1, topics: []).expectsResponse == false)
    }

    @Test func fetchV12() {
        checkRequest(FetchRequest(maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, isolationLevel: .readCommitted,
                                  topics: [.init(topic: "t1", partitions: [.init(partition: 0, fetchOffset: 5, partitionMaxBytes: 65536)])]), hex("""
            ffffffff 000001f4 00000001 00100000   # replica_id -1, max_wait_ms, min_bytes, max_bytes
            01                                    # isolation_level read_committed
            00000000 ffffffff                     # session_id 0, session_epoch -1 (no session)
            02 03 't1' 02                         # 1 topic, 1 partition
            00000000 ffffffff 0000000000000005    # partition, current_leader_epoch, fetch_offset
            ffffffff ffffffffffffffff 00010000 00 # last_fetched_epoch, log_start_offset, partition_max_bytes, tags
            00                                    # topic tags
            01                                    # forgotten_topics_data: empty
            01                                    # rack_id ""
            00
            """))
    }

    @Test func listOffsetsV6() {
        checkRequest(ListOffsetsRequest(isolationLevel: .readCommitted, topics: [.init(name: "t1", partitions: [.init(partitionIndex: 0, timestamp: ListOffsetsRequest.earliest)])]), hex("""
            ffffffff 01                 # replica_id, isolation_level
            02 03 't1' 02               # 1 topic, 1 partition
            00000000 ffffffff fffffffffffffffe 00   # partition, current_leader_epoch, timestamp -2 (earliest)
            00 00
            """))
    }

    @Test func findCoordinatorV3() {
        checkRequest(FindCoordinatorRequest(key: "g1", keyType: FindCoordinatorRequest.group), hex("03 'g1' 00 00"))
    }

    @Test func joinGroupV6() {
        checkRequest(JoinGroupRequest(groupId: "g1", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: "",
                                      protocols: [.init(name: "range", metadata: ConsumerSubscription(topics: ["t1"]).encoded)]),
                     hex("""
            03 'g1' 00002710 00004e20   # group_id, session 10 s, rebalance 20 s
            01 00                       # member_id "", group_instance_id null
            09 'consumer'               # protocol_type
            02 06 'range' 0f            # 1 protocol: name, metadata (14 bytes + 1)
            """) + Self.subscription + hex("00 00"))
    }

    @Test func syncGroupV4() {
        checkRequest(SyncGroupRequest(groupId: "g1", generationId: 1, memberId: "m1",
                                      assignments: [.init(memberId: "m1", assignment: ConsumerAssignment(assigned: [.init(topic: "t1", partitions: [0, 1])]).encoded)]),
                     hex("03 'g1' 00000001 03 'm1' 00 | 02 03 'm1' 1b") + Self.assignment + hex("00 00"))
    }

    @Test func heartbeatV4() {
        checkRequest(HeartbeatRequest(groupId: "g1", generationId: 1, memberId: "m1"), hex("03 'g1' 00000001 03 'm1' 00 00"))
    }

    @Test func leaveGroupV4() {
        checkRequest(LeaveGroupRequest(groupId: "g1", members: [.init(memberId: "m1")]), hex("03 'g1' 02 03 'm1' 00 00 00"))
    }

    @Test func offsetCommitV8() {
        checkRequest(OffsetCommitRequest(groupId: "g1", generationId: 1, memberId: "m1",
                                         topics: [.init(name: "t1", partitions: [.init(partitionIndex: 0, committedOffset: 42)])]), hex("""
            03 'g1' 00000001 03 'm1' 00     # group, generation, member, instance null
            02 03 't1' 02                   # 1 topic, 1 partition
            00000000 000000000000002a ffffffff 00 00   # index, offset 42, leader epoch -1, metadata null, tags
            00 00
            """))
    }

    @Test func offsetFetchV7() {
        checkRequest(OffsetFetchRequest(groupId: "g1", topics: [.init(name: "t1", partitionIndexes: [0])], requireStable: true),
                     hex("03 'g1' 02 03 't1' 02 00000000 00 01 00"))
        checkRequest(OffsetFetchRequest(groupId: "g1", topics: nil), hex("03 'g1' 00 00 00"))
    }

    @Test func initProducerIdV4() {
        checkRequest(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000), hex("03 'tx' 0000ea60 ffffffffffffffff ffff 00"))
        checkRequest(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000), hex("00 0000ea60 ffffffffffffffff ffff 00"))
    }

    @Test func addPartitionsToTxnV3() {
        checkRequest(AddPartitionsToTxnRequest(transactionalId: "tx", producerId: 5, producerEpoch: 1, topics: [.init(name: "t1", partitions: [0])]),
                     hex("03 'tx' 0000000000000005 0001 | 02 03 't1' 02 00000000 00 | 00"))
    }

    @Test func endTxnV3() {
        checkRequest(EndTxnRequest(transactionalId: "tx", producerId: 5, producerEpoch: 1, committed: true), hex("03 'tx' 0000000000000005 0001 01 00"))
    }

    @Test func addOffsetsToTxnV3() {
        checkRequest(AddOffsetsToTxnRequest(transactionalId: "tx", producerId: 5, producerEpoch: 1, groupId: "g1"),
                     hex("03 'tx' 0000000000000005 0001 03 'g1' 00 # transactional id, producer, epoch, group, tags"))
    }

    @Test func txnOffsetCommitV3() {
        checkRequest(TxnOffsetCommitRequest(transactionalId: "tx", groupId: "g1", producerId: 5, producerEpoch: 1, generationId: 2, memberId: "m1",
                                            topics: [.init(name: "t1", partitions: [.init(partitionIndex: 0, committedOffset: 42)])]), hex("""
            03 'tx' 03 'g1'                 # transactional id, group
            0000000000000005 0001           # producer id, epoch
            00000002 03 'm1' 00             # generation, member, instance null
            02 03 't1' 02                   # 1 topic, 1 partition
            00000000 000000000000002a ffffffff 00 00   # index, offset 42, leader epoch -1, metadata null, tags
            00 00
            """))
    }

    @Test func consumerProtocolMetadata() throws {
        #expect(ConsumerSubscription(topics: ["t1"]).encoded == Self.subscription)
        #expect(try ConsumerSubscription.decode(Self.subscription) == ConsumerSubscription(topics: ["t1"]))
        let a = ConsumerAssignment(assigned: [.init(topic: "t1", partitions: [0, 1])])
        #expect(a.encoded == Self.assignment)
        #expect(try ConsumerAssignment.decode(Self.assignment) == a)
    }
}
