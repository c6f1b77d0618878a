// TansuClient+Group: the subscribed consumer (Jepsen's :subscribe): membership of the consumer group
// `faultline`, rejoins after a rebalance, heartbeats, and the partitions the group assigns.
import Foundation
import History
import KafkaProtocol
import NIOCore

extension TansuClient {
    /// The session timeout every member asks for. Tansu 0.6.0 answers a JoinGroup only after half the
    /// session timeout rounded up to a whole second (measured: 2..2000 ms cost 1 s, 3000 ms 2 s), and
    /// with a session of a few milliseconds it loses members of a rebalance (docs/kafka-protocol.md), so
    /// 2 s is the shortest session that joins in one second and keeps groups whole.
    static let sessionTimeoutMs: Int32 = 2_000
    /// Heartbeats go with ops, at most this often (a quarter of the session), so a busy member stays in
    /// the group and learns of a rebalance within half a second of it starting.
    static let heartbeatEvery: Duration = .milliseconds(500)
    /// The codes after which Kafka's consumer joins the group again.
    static let rejoinCodes: Set<ErrorCode> = [.rebalanceInProgress, .illegalGeneration, .unknownMemberId]

    /// Subscribes to the topic (every key is a partition of it) as a new consumer: leaves the group if
    /// it is a member, then joins as a new member and takes the partitions the group assigns, as a
    /// consumer closed and created again would. A new member makes the group rebalance; Tansu keeps
    /// the generation and the old assignment when the same members join again, so a rejoin with the
    /// old member id would move nothing (docs/kafka-protocol.md). The value is the keys subscribed to,
    /// as Jepsen records it.
    func subscribe(_ value: JSONValue) async -> ClientOutcome {
        let c: KafkaClient
        do { c = try await ready() } catch { return .fail("before sending: \(error)") }
        await leaveGroup()
        subscribed = true
        do {
            try await join(c)
            return .ok(value)
        } catch {
            return Self.groupOutcome("subscribe", error)
        }
    }

    /// An op's group step failed: a refusal or a request never sent certainly changed nothing (`fail`);
    /// a lost answer may have changed the group (`info`). Either way the member joins again next op.
    static func groupOutcome(_ what: String, _ error: Error) -> ClientOutcome {
        if let e = error as? KafkaClientError, case .outcomeUnknown = e { return .info("\(what): \(e)") }
        return .fail("\(what): \(error)")
    }

    /// Makes sure this subscribed consumer is a member of the current generation: joins when it is
    /// not, heartbeats when one is due, and joins again when the heartbeat says the group rebalanced.
    func ensureMember(_ c: KafkaClient) async throws {
        guard let m = membership else { return try await join(c) }
        guard ContinuousClock.now - lastHeartbeat >= Self.heartbeatEvery else { return }
        do {
            try await c.heartbeat(m)
            lastHeartbeat = .now
        } catch KafkaClientError.broker(let code, _) where Self.rejoinCodes.contains(code) {
            if code == .unknownMemberId { memberId = "" }
            try await join(c)
        } catch {
            membership = nil
            throw error
        }
    }

    /// JoinGroup and SyncGroup, again (up to three times) when another rebalance began in between, as
    /// Kafka's consumer does.
    func join(_ c: KafkaClient) async throws {
        for attempt in 1...3 {
            do {
                return try await joinOnce(c)
            } catch KafkaClientError.broker(let code, _) where Self.rejoinCodes.contains(code) && attempt < 3 {
                if code == .unknownMemberId { memberId = "" }
            }
        }
    }

    /// One JoinGroup and SyncGroup. The leader assigns partitions round-robin over the members in member
    /// id order, shifted by the number of groups it has led: member ids sort by process, so a plain
    /// round-robin would give each process the same partitions every time, and the shift makes a
    /// rebalance hand partitions over to another member (the handoff is what a rebalance can get
    /// wrong). Not by the generation: Tansu keeps it when the same members join again. Positions are forgotten:
    /// as Kafka's eager rebalance, every assigned partition starts again at the group's committed offset
    /// (or the first offset).
    private func joinOnce(_ c: KafkaClient) async throws {
        membership = nil
        positions = [:]
        assigned = []
        let m: GroupMembership
        do {
            m = try await c.joinGroup(TansuClientSettings.group, topics: [topic], memberId: memberId, sessionTimeoutMs: Self.sessionTimeoutMs,
                                      rebalanceTimeoutMs: Self.sessionTimeoutMs, protocolName: "roundrobin")
        } catch KafkaClientError.broker(let code, _) where code == .unknownMemberId && !memberId.isEmpty {
            // Expelled: join as a new member.
            memberId = ""
            return try await joinOnce(c)
        }
        memberId = m.memberId
        var plan: [String: ConsumerAssignment] = [:]
        if m.isLeader {
            ledGroups += 1
            let members = m.members.map(\.memberId).sorted()
            for (i, member) in members.enumerated() {
                let mine = (0..<Int32(settings.keys)).filter { (Int($0) + ledGroups) % members.count == i }
                plan[member] = ConsumerAssignment(assigned: mine.isEmpty ? [] : [.init(topic: topic, partitions: mine)])
            }
        }
        let got = try await c.syncGroup(m, assignments: plan, waitMs: Self.sessionTimeoutMs)
        assigned = (got.assigned.first { $0.topic == topic }?.partitions ?? []).filter { $0 >= 0 && $0 < Int32(settings.keys) }.sorted()
        membership = m
        lastHeartbeat = .now
    }

    /// Commits the positions of the assigned partitions to the group, as this generation's member when
    /// subscribed. Best effort, as Kafka's auto-commit: a failure changes no poll, and a rebalance code
    /// makes the member join again at its next op.
    func commitPositions(_ c: KafkaClient) async {
        let offsets = positions.filter { assigned.contains($0.key) }
        guard !offsets.isEmpty else { return }
        do {
            if subscribed, let m = membership {
                try await c.commitOffsets(group: TansuClientSettings.group, generationId: m.generationId, memberId: m.memberId, topic: topic, offsets: offsets)
            } else {
                try await c.commitOffsets(group: TansuClientSettings.group, topic: topic, offsets: offsets)
            }
        } catch {
            if subscribed { membership = nil }
        }
    }

    /// Leaves the group (at close, or when an assign replaces the subscription), so the others need not
    /// wait for this member's session to run out. Best effort.
    func leaveGroup() async {
        // A member whose join got no answer may still be in the group: leave by its id, or every
        // rebalance would wait for it.
        if !memberId.isEmpty, let c = client, c.bootstrap.isActive { try? await c.leaveGroup(TansuClientSettings.group, memberId: memberId) }
        membership = nil
        memberId = ""
    }
}
