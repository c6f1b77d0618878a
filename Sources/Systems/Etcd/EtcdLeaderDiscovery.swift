// EtcdLeaderDiscovery: the etcd cluster's leader, from etcd's own API (POST /v3/maintenance/status).
import AsyncHTTPClient
import Foundation
import Nemesis
import History
import NIOCore

/// EtcdLeaderDiscovery asks every member `POST /v3/maintenance/status` on its client URL. Each answer
/// carries the member's own id (`header.member_id`), the leader's id as that member sees it (`leader`,
/// 0 or absent when it knows none) and its Raft term (`raftTerm`). The answer with the highest term
/// wins; its leader id is mapped to a node name through the members' own ids, or, when the leader
/// itself did not answer (paused, cut off), through `POST /v3/cluster/member/list` (a member's name is
/// its node name: the etcd profile passes `--name={name}`).
public struct EtcdLeaderDiscovery: LeaderDiscovery {
    /// Node name → its client base URL, e.g. "http://127.0.0.1:12379".
    public var clientURLs: [String: String]
    public var timeout: TimeAmount

    public init(clientURLs: [String: String], timeout: TimeAmount = .milliseconds(500)) {
        self.clientURLs = clientURLs
        self.timeout = timeout
    }

    struct Status: Sendable {
        var node: String
        var memberID: String
        var leaderID: String?
        var term: Int
    }

    public func leader(among nodes: [String]) async -> String? {
        var answers: [Status] = []
        await withTaskGroup(of: Status?.self) { group in
            for n in nodes {
                guard let url = clientURLs[n] else { continue }
                group.addTask { await status(of: n, url: url) }
            }
            for await s in group { if let s { answers.append(s) } }
        }
        guard let best = answers.filter({ $0.leaderID != nil }).max(by: { $0.term < $1.term }),
              let leaderID = best.leaderID else { return nil }
        if let known = answers.first(where: { $0.memberID == leaderID }) { return known.node }
        for a in answers {
            guard let url = clientURLs[a.node], let names = await memberNames(url: url) else { continue }
            if let name = names[leaderID], nodes.contains(name) { return name }
        }
        return nil
    }

    func post(_ url: String) async -> JSONValue? {
        var req = HTTPClientRequest(url: url)
        req.method = .POST
        req.headers.add(name: "content-type", value: "application/json")
        req.body = .bytes(ByteBuffer(string: "{}"))
        do {
            let resp = try await HTTPClient.shared.execute(req, timeout: timeout)
            guard resp.status == .ok else { return nil }
            let body = try await resp.body.collect(upTo: 1 << 20)
            return try JSONParser.parse(String(buffer: body))
        } catch {
            return nil
        }
    }

    /// int64 fields come back as JSON strings; tolerate numbers too.
    static func id(_ v: JSONValue?) -> String? {
        if let s = v?.stringValue, s != "0" { return s }
        if let i = v?.intValue, i != 0 { return String(i) }
        return nil
    }

    func status(of node: String, url: String) async -> Status? {
        guard let b = await post(url + "/v3/maintenance/status"), let me = Self.id(b["header"]?["member_id"]) else { return nil }
        let term = Self.id(b["raftTerm"]).flatMap { Int($0) } ?? 0
        return Status(node: node, memberID: me, leaderID: Self.id(b["leader"]), term: term)
    }

    /// Member id → name, from one member's view of the cluster.
    func memberNames(url: String) async -> [String: String]? {
        guard let b = await post(url + "/v3/cluster/member/list"), let ms = b["members"]?.arrayValue else { return nil }
        var out: [String: String] = [:]
        for m in ms {
            if let id = Self.id(m["ID"]), let name = m["name"]?.stringValue { out[id] = name }
        }
        return out
    }
}
