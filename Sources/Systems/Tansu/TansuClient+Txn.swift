// TansuClient+Txn: a transaction that polls as well as sends (Jepsen's :txn with [:poll] micro-ops):
// Kafka's consume-transform-produce loop, whose consumer positions commit with the sends.
import Foundation
import History
import KafkaProtocol
import NIOCore

extension TansuClient {
    enum TxnMop: Equatable {
        case send(key: Int32, value: Int)
        case poll
    }

    /// The micro-ops of a txn: `["send", k, v]` and `["poll"]`, in order; nil when one is neither.
    static func txnMops(_ value: JSONValue) -> [TxnMop]? {
        guard let mops = value.arrayValue, !mops.isEmpty else { return nil }
        var out: [TxnMop] = []
        for m in mops {
            guard let p = m.arrayValue, let f = p.first?.stringValue else { return nil }
            if f == "poll", p.count == 1 { out.append(.poll); continue }
            guard f == "send", p.count == 3, let k = p[1].intValue, let v = p[2].intValue, let key = Int32(exactly: k) else { return nil }
            out.append(.send(key: key, value: v))
        }
        return out
    }

    static func hasPoll(_ value: JSONValue) -> Bool {
        value.arrayValue?.contains { $0.arrayValue?.first?.stringValue == "poll" } == true
    }

    /// InitProducerId (once per process), AddPartitionsToTxn for the partitions it sends to, then the
    /// micro-ops in order (consecutive sends as one produce, each poll one fetch of the assigned
    /// partitions), then, when this consumer is a group member and polled, AddOffsetsToTxn and
    /// TxnOffsetCommit of its positions (Kafka's sendOffsetsToTransaction), and EndTxn commit.
    /// Anything refused is aborted: `fail` when the abort is acknowledged, with the positions put back
    /// (the polls are undone with the sends). A lost answer anywhere after the first send is `info`.
    func pollingTransaction(_ value: JSONValue) async -> ClientOutcome {
        guard let mops = Self.txnMops(value) else { return .fail("expected [[\"send\", key, value] or [\"poll\"], ...], got \(value)") }
        for case .send(let k, _) in mops where k < 0 || k >= Int32(settings.keys) {
            return .fail("key \(k) is not a partition of \(topic) (0..<\(settings.keys))")
        }
        let c: KafkaClient
        do { c = try await ready() } catch { return .fail("before sending: \(error)") }
        if subscribed {
            do { try await ensureMember(c) } catch { return Self.groupOutcome("txn: joining the group", error) }
        }
        let tid = transactionalID
        let pid: (producerId: Int64, epoch: Int16)
        do { pid = try await transactionalProducer(c) } catch { return .fail("before sending: InitProducerId(\(tid)): \(error)") }
        var sendParts: [Int32] = []
        for case .send(let k, _) in mops where !sendParts.contains(k) { sendParts.append(k) }
        if !sendParts.isEmpty {
            do {
                try await c.addPartitionsToTxn(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, topic: topic, partitions: sendParts)
            } catch {
                txnProducer = nil
                return .fail("nothing sent: AddPartitionsToTxn: \(error)")
            }
        }
        let before = positions
        var done: [JSONValue] = []
        var failure: ClientOutcome?
        var i = 0
        steps: while i < mops.count {
            if mops[i] == .poll {
                do {
                    let read = assigned.isEmpty ? [:] : try await pollOnce(c)
                    done.append(contentsOf: Self.pollValue(read).arrayValue ?? [])
                } catch {
                    failure = .fail("poll: \(error)")
                    break steps
                }
                i += 1
                continue
            }
            var group: [(key: Int32, value: Int)] = []
            while i < mops.count, case .send(let k, let v) = mops[i] {
                group.append((k, v))
                i += 1
            }
            var order: [Int32] = []
            var records: [Int32: [Int]] = [:]
            for m in group {
                if records[m.key] == nil { order.append(m.key) }
                records[m.key, default: []].append(m.value)
            }
            let outcome = Self.completion(mops: group, order: order, outcomes: await produce(c, order: order, records: records, txn: tid))
            guard case .ok(let sent) = outcome else {
                failure = outcome
                break steps
            }
            done.append(contentsOf: sent.arrayValue ?? [])
        }
        if failure == nil, mops.contains(.poll), subscribed, let m = membership {
            failure = await sendOffsets(c, tid: tid, pid: pid, member: m)
        }
        guard let failed = failure else {
            do {
                try await c.endTxn(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, commit: true)
                return .ok(.array(done))
            } catch {
                txnProducer = nil
                positions = before
                return .info("EndTxn(commit): \(error)")
            }
        }
        positions = before
        guard case .fail(let why) = failed else {
            txnProducer = nil
            return failed
        }
        return await abortTransaction(c, tid: tid, pid: pid, why: why)
    }

    /// Aborts the open transaction that `why` refused: `fail` when the abort is acknowledged (none of it
    /// took effect); `info` when its answer was lost, since the transaction may still be open, and the
    /// next transaction starts with a new InitProducerId (which fences and ends the old one).
    func abortTransaction(_ c: KafkaClient, tid: String, pid: (producerId: Int64, epoch: Int16), why: String) async -> ClientOutcome {
        do {
            try await c.endTxn(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, commit: false)
            return .fail("\(why); aborted")
        } catch {
            txnProducer = nil
            return .info("\(why); EndTxn(abort): \(error)")
        }
    }

    /// AddOffsetsToTxn and TxnOffsetCommit of the assigned partitions' positions, as member `m` of its
    /// generation. nil when both succeeded; `fail` for a refusal (the caller aborts), `info` for a lost
    /// answer. A rebalance code makes the member join again at its next op.
    private func sendOffsets(_ c: KafkaClient, tid: String, pid: (producerId: Int64, epoch: Int16), member m: GroupMembership) async -> ClientOutcome? {
        let offsets = positions.filter { assigned.contains($0.key) }
        if offsets.isEmpty { return nil }
        do {
            try await c.addOffsetsToTxn(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, group: TansuClientSettings.group)
            try await c.txnOffsetCommit(transactionalId: tid, producerId: pid.producerId, epoch: pid.epoch, group: TansuClientSettings.group,
                                        generationId: m.generationId, memberId: m.memberId, topic: topic, offsets: offsets)
            return nil
        } catch KafkaClientError.broker(let code, let what) {
            if Self.rejoinCodes.contains(code) { membership = nil }
            return .fail("\(what): \(code)")
        } catch KafkaClientError.notSent(let why) {
            return .fail("sending offsets: not sent: \(why)")
        } catch {
            return .info("sending offsets: \(error)")
        }
    }
}
