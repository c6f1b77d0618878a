// One replica of a role: a Raft-like replicated log (terms, votes, append/truncate) whose knobs come
// from the AP/CP settings: when a write is acknowledged, who may win an election, who answers reads.
import Foundation

enum ReplicaState: String, Sendable { case follower, candidate, leader }

actor Replica<M: StateMachine> {
    let name: String
    /// The replication group: "main", or "p<N>" for broker partition N (each with its own leader and term).
    let group: String
    let peers: [String: String]
    let settings: Settings
    let policy: Policy
    let bugs: Set<Bug>
    let storage: LogFile
    let client: PeerClient

    private(set) var term = 0
    private var votedFor: String?
    private(set) var state = ReplicaState.follower
    private(set) var leader: String?
    private var log: [Entry] = []
    private(set) var machine: M
    private var applied = 0
    private var commitIndex = 0
    private var highWatermark = 0

    // Leader bookkeeping, per peer.
    private var nextIndex: [String: Int] = [:]
    private var matchIndex: [String: Int] = [:]
    /// Send time of the last request the peer answered: what a read lease may count on.
    private var lastContact: [String: ContinuousClock.Instant] = [:]
    /// Arrival time of the peer's last answer: liveness for step-down and in-sync membership (a slow
    /// round trip under load is not a lost majority).
    private var lastAnswer: [String: ContinuousClock.Instant] = [:]
    private var lastSent: [String: ContinuousClock.Instant] = [:]
    private var signals: [String: AsyncStream<Void>.Continuation] = [:]

    private var lastHeardFromLeader: ContinuousClock.Instant?
    private var electionDeadline = ContinuousClock.now
    private var votes: Set<String> = []

    private struct Waiter { var id: Int; var index: Int; var term: Int; var deadline: ContinuousClock.Instant
        var cont: CheckedContinuation<Void, Error> }
    private var ackWaiters: [Waiter] = []
    private var commitWaiters: [Waiter] = []
    private var nextWaiterID = 0
    private var writeCount = 0

    private var T: Duration { .milliseconds(settings.electionTimeoutMs) }
    private var majority: Int { (peers.count + 1) / 2 + 1 }
    private let clock = ContinuousClock()

    init(config: NodeConfig, group: String, dataDir: String, client: PeerClient) throws {
        name = config.name
        self.group = group
        peers = config.peers
        settings = config.settings
        policy = config.settings.policy(for: config.role)
        bugs = config.bugs
        self.client = client
        storage = try LogFile(dir: dataDir, fsyncAlways: config.settings.fsyncAlways,
                              flushIntervalMs: config.settings.flushIntervalMs)
        machine = M(settings: config.settings)
        var (meta, entries) = storage.load()
        if config.bugs.contains(.loseTailOnRestart) && !entries.isEmpty {
            FileHandle.standardError.write(Data("\(config.name): bug lose_tail_on_restart drops \(min(5, entries.count)) entries\n".utf8))
            entries.removeLast(min(5, entries.count))
            storage.replaceAll(entries)
        }
        term = meta.term
        votedFor = meta.votedFor
        log = entries
        for (i, e) in log.enumerated() { _ = machine.apply(e.cmd, index: i + 1) }
        applied = log.count
    }

    /// Starts the flusher, the replicators and the election/heartbeat timer.
    func start() {
        storage.start()
        resetElectionDeadline()
        for peer in peers.keys {
            let (stream, cont) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            signals[peer] = cont
            Task { await self.replicate(to: peer, signals: stream) }
        }
        Task {
            while true {
                try? await Task.sleep(for: .milliseconds(10))
                self.tick()
            }
        }
    }

    /// One line on stderr per replication event (the controller keeps it as the node's log).
    private func note(_ message: String) {
        let line = "\(Date()) \(name) [\(group)] term \(term): \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    // MARK: timer

    private func resetElectionDeadline() {
        let ms = settings.electionTimeoutMs
        electionDeadline = clock.now + .milliseconds(Int.random(in: ms...(2 * ms)))
    }

    private func tick() {
        let now = clock.now
        if state == .leader {
            if policy.checkQuorum && !hasMajorityAnswered(within: T) {
                stepDown(reason: "lost contact with a majority")
            } else {
                let hb = Duration.milliseconds(settings.heartbeatMs)
                for peer in peers.keys where lastSent[peer].map({ now - $0 >= hb }) ?? true {
                    signals[peer]?.yield()
                }
                updateCommit()
                checkWaiters()
            }
        } else if now >= electionDeadline {
            startPreVote()
        }
        expireWaiters(now)
    }

    private func hasMajorityAnswered(within d: Duration) -> Bool {
        let now = clock.now
        let n = 1 + peers.keys.filter { lastAnswer[$0].map { now - $0 < d } ?? false }.count
        return n >= majority
    }

    private func hasMajorityContact(within d: Duration) -> Bool {
        let now = clock.now
        let n = 1 + peers.keys.filter { lastContact[$0].map { now - $0 < d } ?? false }.count
        return n >= majority
    }

    // MARK: elections

    private func persistMeta() { storage.saveMeta(Meta(term: term, votedFor: votedFor)) }

    private func becomeFollower(term newTerm: Int, leader newLeader: String?) {
        if newTerm > term { term = newTerm; votedFor = nil; persistMeta() }
        if state == .leader { failWaiters(NodeError(504, "leadership lost before the write was acknowledged; outcome unknown", leader: newLeader)) }
        state = .follower
        leader = newLeader
    }

    private func stepDown(reason: String) {
        note("stepping down: \(reason)")
        state = .follower
        leader = nil
        failWaiters(NodeError(504, "leader stepped down (\(reason)); outcome unknown"))
        resetElectionDeadline()
    }

    private var preVotes: Set<String> = []

    /// Asks the peers whether they would vote for us before starting a real election.
    private func startPreVote() {
        resetElectionDeadline()
        preVotes = [name]
        if preVotes.count >= majority { startElection(); return }
        let req = VoteRequest(term: term + 1, candidate: name, lastIndex: log.count, lastTerm: log.last?.term ?? 0, pre: true)
        for (peer, addr) in peers {
            Task {
                guard let r = try? await client.post(addr, "/raft/\(group)/vote", req, timeoutMs: settings.electionTimeoutMs,
                                                      as: VoteResponse.self) else { return }
                self.onPreVote(from: peer, r, forTerm: req.term)
            }
        }
    }

    private func onPreVote(from peer: String, _ r: VoteResponse, forTerm t: Int) {
        guard state != .leader, term + 1 == t else { return }
        if r.granted {
            preVotes.insert(peer)
            if preVotes.count >= majority { preVotes = []; startElection() }
        } else if r.term > term {
            becomeFollower(term: r.term, leader: nil)
        }
    }

    private func startElection() {
        term += 1
        votedFor = name
        persistMeta()
        state = .candidate
        leader = nil
        votes = [name]
        resetElectionDeadline()
        let req = VoteRequest(term: term, candidate: name, lastIndex: log.count, lastTerm: log.last?.term ?? 0)
        if votes.count >= majority { becomeLeader(); return }
        for (peer, addr) in peers {
            Task {
                guard let r = try? await client.post(addr, "/raft/\(group)/vote", req, timeoutMs: settings.electionTimeoutMs,
                                                      as: VoteResponse.self) else { return }
                self.onVote(from: peer, r, forTerm: req.term)
            }
        }
    }

    private func onVote(from peer: String, _ r: VoteResponse, forTerm t: Int) {
        if r.term > term { becomeFollower(term: r.term, leader: nil); resetElectionDeadline(); return }
        guard state == .candidate, term == t, r.granted else { return }
        votes.insert(peer)
        lastAnswer[peer] = clock.now
        if votes.count >= majority { becomeLeader() }
    }

    private func becomeLeader() {
        note("became leader with \(log.count) entries (unclean elections: \(policy.uncleanElection))")
        state = .leader
        leader = name
        for p in peers.keys {
            nextIndex[p] = log.count + 1
            matchIndex[p] = 0
            // A read lease starts with this term's first answered append, never with a vote or an old term.
            lastContact[p] = nil
            if !votes.contains(p) { lastAnswer[p] = nil }
        }
        // A no-op in the new term lets entries of earlier terms commit (Raft's rule).
        _ = appendLocal(["op": "noop"])
    }

    func handleVote(_ r: VoteRequest) -> VoteResponse {
        let now = clock.now
        // Stickiness: while a leader is known to be alive, refuse to help depose it.
        let leaderAlive = (state == .leader && hasMajorityAnswered(within: T))
            || (state == .follower && leader != nil && lastHeardFromLeader.map { now - $0 < T } ?? false)
        if leaderAlive || r.term < term { return VoteResponse(term: term, granted: false) }
        let myLastTerm = log.last?.term ?? 0
        let upToDate = policy.uncleanElection || r.lastTerm > myLastTerm
            || (r.lastTerm == myLastTerm && r.lastIndex >= log.count)
        if r.pre == true { return VoteResponse(term: term, granted: r.term > term && upToDate) }
        if r.term > term { becomeFollower(term: r.term, leader: nil) }
        if (votedFor == nil || votedFor == r.candidate) && upToDate {
            votedFor = r.candidate
            persistMeta()
            resetElectionDeadline()
            return VoteResponse(term: term, granted: true)
        }
        return VoteResponse(term: term, granted: false)
    }

    // MARK: replication (leader side)

    private func replicate(to peer: String, signals stream: AsyncStream<Void>) async {
        let addr = peers[peer]!
        for await _ in stream {
            while let (req, sentAt) = makeAppend(for: peer) {
                do {
                    let r = try await client.post(addr, "/raft/\(group)/append", req,
                                                  timeoutMs: 2 * settings.electionTimeoutMs, as: AppendResponse.self)
                    if !onAppendResponse(from: peer, req, r, sentAt: sentAt) { break }
                } catch {
                    break
                }
            }
        }
    }

    private func makeAppend(for peer: String) -> (AppendRequest, ContinuousClock.Instant)? {
        guard state == .leader else { return nil }
        let next = min(nextIndex[peer] ?? (log.count + 1), log.count + 1)
        let prev = next - 1
        let upTo = min(log.count, prev + 512)
        let entries = prev < upTo ? Array(log[prev..<upTo]) : []
        let now = clock.now
        lastSent[peer] = now
        return (AppendRequest(term: term, leader: name, prevIndex: prev, prevTerm: prev > 0 ? log[prev - 1].term : 0,
                              entries: entries, commit: commitIndex, hw: highWatermark), now)
    }

    /// Returns true when more should be sent right away.
    private func onAppendResponse(from peer: String, _ req: AppendRequest, _ r: AppendResponse,
                                  sentAt: ContinuousClock.Instant) -> Bool {
        if r.term > term { becomeFollower(term: r.term, leader: nil); resetElectionDeadline(); return false }
        guard state == .leader, req.term == term else { return false }
        lastContact[peer] = max(lastContact[peer] ?? sentAt, sentAt)
        lastAnswer[peer] = clock.now
        if r.success {
            matchIndex[peer] = max(matchIndex[peer] ?? 0, r.match)
            nextIndex[peer] = max(nextIndex[peer] ?? 1, r.match + 1)
            updateCommit()
            checkWaiters()
            return nextIndex[peer]! <= log.count
        }
        nextIndex[peer] = max(1, min(r.conflictIndex, (nextIndex[peer] ?? 1) - 1))
        return true
    }

    private var ownMatch: Int { settings.fsyncAlways ? min(storage.durableIndex, log.count) : log.count }

    /// Replicas (leader included) currently in sync: answered within an election timeout.
    private func inSyncReplicas() -> [Int] {
        let now = clock.now
        var m = [ownMatch]
        for p in peers.keys where lastAnswer[p].map({ now - $0 < T }) ?? false { m.append(matchIndex[p] ?? 0) }
        return m
    }

    private func updateCommit() {
        guard state == .leader else { return }
        var all = [ownMatch] + peers.keys.map { matchIndex[$0] ?? 0 }
        all.sort(by: >)
        let n = all[majority - 1]
        if n > commitIndex && n <= log.count && log[n - 1].term == term {
            commitIndex = n
            let ready = commitWaiters.filter { $0.index <= n }
            commitWaiters.removeAll { $0.index <= n }
            for w in ready { w.cont.resume() }
        }
        // Kafka's high watermark: the offset every in-sync replica has.
        highWatermark = max(highWatermark, inSyncReplicas().min() ?? 0)
    }

    private func acked(_ index: Int) -> Bool {
        switch policy.ack {
        case .leaderOnly:
            return ownMatch >= index
        case .count(let n):
            return ([ownMatch] + peers.keys.map { matchIndex[$0] ?? 0 }).filter { $0 >= index }.count >= n
        case .inSync(let min):
            let isr = inSyncReplicas()
            return isr.count >= min && isr.allSatisfy { $0 >= index }
        }
    }

    private func checkWaiters() {
        while let w = ackWaiters.first, w.term == term, state == .leader, acked(w.index) {
            ackWaiters.removeFirst()
            w.cont.resume()
        }
    }

    private func expireWaiters(_ now: ContinuousClock.Instant) {
        for w in ackWaiters where w.deadline <= now {
            w.cont.resume(throwing: NodeError(504, "not acknowledged by enough replicas within \(settings.ackTimeoutMs) ms; outcome unknown", leader: leader))
        }
        ackWaiters.removeAll { $0.deadline <= now }
        for w in commitWaiters where w.deadline <= now {
            w.cont.resume(throwing: NodeError(503, "read could not be confirmed by a majority", leader: leader))
        }
        commitWaiters.removeAll { $0.deadline <= now }
    }

    private func failWaiters(_ e: NodeError) {
        for w in ackWaiters { w.cont.resume(throwing: e) }
        ackWaiters.removeAll()
        for w in commitWaiters { w.cont.resume(throwing: NodeError(503, "leadership lost during read", leader: leader)) }
        commitWaiters.removeAll()
    }

    func durableAdvanced() {
        if state == .leader { updateCommit(); checkWaiters() }
    }

    // MARK: replication (follower side)

    /// Handles an append; the caller waits for `waitDurable` before answering when fsync=always.
    func handleAppend(_ r: AppendRequest) -> (AppendResponse, Int) {
        if r.term < term { return (AppendResponse(term: term, success: false, match: 0, conflictIndex: 0), 0) }
        if r.term > term || state != .follower { becomeFollower(term: r.term, leader: r.leader) }
        leader = r.leader
        lastHeardFromLeader = clock.now
        resetElectionDeadline()
        if r.prevIndex > log.count {
            return (AppendResponse(term: term, success: false, match: 0, conflictIndex: log.count + 1), 0)
        }
        if r.prevIndex > 0 && log[r.prevIndex - 1].term != r.prevTerm {
            let bad = log[r.prevIndex - 1].term
            var first = r.prevIndex
            while first > 1 && log[first - 2].term == bad { first -= 1 }
            return (AppendResponse(term: term, success: false, match: 0, conflictIndex: first), 0)
        }
        var truncated = false
        var added: [Int] = []
        for (i, e) in r.entries.enumerated() {
            let idx = r.prevIndex + 1 + i
            if idx <= log.count {
                if log[idx - 1].term == e.term { continue }
                // A conflicting suffix: the leader's log wins and ours is cut (this is where data is lost).
                note("truncating \(log.count - idx + 1) entries from index \(idx) to follow leader \(r.leader)")
                log.removeLast(log.count - idx + 1)
                truncated = true
            }
            log.append(e)
            added.append(idx)
        }
        if truncated {
            storage.replaceAll(log)
            rebuildMachine()
        } else {
            for idx in added { storage.append(index: idx, entry: log[idx - 1]) }
            applyNew()
        }
        let match = r.prevIndex + r.entries.count
        commitIndex = max(commitIndex, min(r.commit, match))
        highWatermark = min(max(highWatermark, min(r.hw, match)), log.count)
        if truncated { highWatermark = min(highWatermark, match) }
        return (AppendResponse(term: term, success: true, match: match, conflictIndex: 0),
                settings.fsyncAlways ? match : 0)
    }

    private func applyNew() {
        while applied < log.count {
            // Bug stale_reads: this replica keeps the log but stops applying it after 5 entries.
            if bugs.contains(.staleReads) && applied >= 5 { return }
            applied += 1
            _ = machine.apply(log[applied - 1].cmd, index: applied)
        }
    }

    private func rebuildMachine() {
        machine = M(settings: settings)
        applied = 0
        applyNew()
    }

    // MARK: client operations

    private func appendLocal(_ cmd: JSON) -> (Int, JSON) {
        log.append(Entry(term: term, cmd: cmd))
        let idx = log.count
        storage.append(index: idx, entry: log[idx - 1])
        var result: JSON = .null
        if applied == idx - 1 && !(bugs.contains(.staleReads) && applied >= 5) {
            result = machine.apply(cmd, index: idx)
            applied = idx
        } else {
            var copy = machine
            result = copy.apply(cmd, index: idx)
        }
        for s in signals.values { s.yield() }
        return (idx, result)
    }

    enum Route: Sendable { case here, forward(String), unavailable(NodeError) }

    /// Where a write (or a leader-only read) must go from this node.
    func routeToLeader() -> Route {
        if state == .leader { return .here }
        if let l = leader, let addr = peers[l] { return .forward(addr) }
        return .unavailable(NodeError(503, "no leader known (election in progress or majority lost)", leader: leader))
    }

    /// Appends a command built from the current state and waits until the settings say it is acknowledged.
    func write(_ prepare: (M) throws -> JSON) async throws -> JSON {
        guard state == .leader else { throw NodeError(503, "not the leader", leader: leader) }
        if policy.checkQuorum && !hasMajorityAnswered(within: T) {
            throw NodeError(503, "leader has lost contact with a majority", leader: leader)
        }
        if case .inSync(let min) = policy.ack, inSyncReplicas().count < min {
            throw NodeError(503, "not enough in-sync replicas (\(inSyncReplicas().count) < min_insync_replicas \(min))", leader: leader)
        }
        let cmd = try prepare(machine)
        writeCount += 1
        if bugs.contains(.ackWithoutStore) && writeCount % 5 == 0 {
            var copy = machine
            return copy.apply(cmd, index: log.count + 1)
        }
        let (idx, result) = appendLocal(cmd)
        if settings.fsyncAlways {
            let storage = storage
            Task { await storage.waitDurable(idx); self.durableAdvanced() }
        }
        try await waitAck(idx)
        return result
    }

    private func waitAck(_ idx: Int) async throws {
        if acked(idx) { return }
        let t = term
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            nextWaiterID += 1
            ackWaiters.append(Waiter(id: nextWaiterID, index: idx, term: t,
                                     deadline: clock.now + .milliseconds(settings.ackTimeoutMs), cont: c))
            checkWaiters()
        }
    }

    /// Runs a read where the settings allow it; leader reads with a barrier wait until what they saw commits.
    func read<R: Sendable>(_ body: (M, ReadInfo) throws -> R) async throws -> R {
        let info = ReadInfo(isLeader: state == .leader, commitIndex: commitIndex, highWatermark: highWatermark,
                            lastIndex: log.count, appliedIndex: applied)
        if policy.localReads || bugs.contains(.staleReads) { return try body(machine, info) }
        guard state == .leader else { throw NodeError(503, "not the leader", leader: leader) }
        if !policy.readBarrier { return try body(machine, info) }
        guard hasMajorityContact(within: T * 3 / 4) else {
            throw NodeError(503, "leader lease expired (no recent contact with a majority)", leader: leader)
        }
        let result = try body(machine, info)
        let idx = log.count
        if commitIndex < idx {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                nextWaiterID += 1
                commitWaiters.append(Waiter(id: nextWaiterID, index: idx, term: term,
                                            deadline: clock.now + .milliseconds(settings.ackTimeoutMs), cont: c))
            }
        }
        return result
    }

    var readsAreLocal: Bool { policy.localReads || bugs.contains(.staleReads) }

    func status() -> JSON {
        var lag: [String: JSON] = [:]
        if state == .leader { for p in peers.keys { lag[p] = .int(log.count - (matchIndex[p] ?? 0)) } }
        return [
            "node": .string(name), "leader": leader.json, "term": .int(term), "state": .string(state.rawValue),
            "last_index": .int(log.count), "commit_index": .int(commitIndex), "high_watermark": .int(highWatermark),
            "applied_index": .int(applied), "durable_index": .int(storage.durableIndex),
            "replication_lag": state == .leader ? .object(lag) : .null,
            "in_sync_replicas": state == .leader ? .int(inSyncReplicas().count) : .null,
            "last_heard_from_leader_ms": lastHeardFromLeader.map { .int(Int(($0.duration(to: clock.now)).components.seconds * 1000 + ($0.duration(to: clock.now)).components.attoseconds / 1_000_000_000_000_000)) } ?? .null,
        ]
    }
}
