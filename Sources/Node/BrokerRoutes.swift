// Broker HTTP API: produce, fetch, consumer-group offset commit and read; each request goes to the
// replication group (leader) of its partition.
import Hummingbird

struct BrokerRoutes: Sendable {
    let node: NodeHandle<BrokerMachine>

    /// The replication group of partition `p`, or a 400/404 naming the partition.
    static func group(_ node: NodeHandle<BrokerMachine>, _ p: Int, status: Int = 400) throws -> Replica<BrokerMachine> {
        guard let r = node.groups["p\(p)"] else {
            throw NodeError(status, "partition \(p) does not exist (0..<\(node.config.settings.partitions))")
        }
        return r
    }

    func add(to router: Router<BasicRequestContext>) {
        let node = node
        let count = node.config.settings.partitions
        let leaderReads = !node.config.settings.policy(for: .broker).localReads && !node.config.bugs.contains(.staleReads)
        router.post("/produce") { request, _ in
            await node.serve(request, leaderOnly: true, group: { json in
                let b = try Body(json ?? .null, allowed: ["key", "value", "partition"])
                _ = try b.value("value")
                let p = try b.optionalInt("partition") ?? BrokerMachine.partition(for: b.object["key"] ?? .null, count: count)
                return try Self.group(node, p)
            }) { json, replica in
                let b = try Body(json ?? .null, allowed: ["key", "value", "partition"])
                let key = b.object["key"] ?? .null
                let p = try b.optionalInt("partition") ?? BrokerMachine.partition(for: key, count: count)
                let value = try b.value("value")
                return Reply(body: try await replica.write { _ in ["op": "produce", "p": .int(p), "k": key, "v": value] })
            }
        }
        router.get("/fetch") { request, _ in
            await node.serve(request, leaderOnly: leaderReads, group: { _ in
                try Self.group(node, try request.intParam("partition"), status: 404)
            }) { _, replica in
                let p = try request.intParam("partition")
                let from = try request.intParam("offset", default: 0)
                let max = try request.countParam("max", default: 100)
                guard from >= 0 else { throw NodeError.bad("query parameter offset must be >= 0") }
                let out: JSON = try await replica.read { m, info in
                    // The leader shows what every in-sync replica has (the high watermark); a follower
                    // serving reads shows what it has, which a later truncation may take back.
                    let bound = info.isLeader ? info.highWatermark : info.lastIndex
                    let msgs = m.partitions[p]
                    var visible = msgs.count
                    while visible > 0 && msgs[visible - 1].index > bound { visible -= 1 }
                    let slice = from < visible ? msgs[from..<min(visible, from + max)] : []
                    return ["partition": .int(p),
                            "messages": .array(slice.map { ["offset": .int($0.offset), "key": $0.key, "value": $0.value] }),
                            "high_watermark": .int(visible)]
                }
                return Reply(body: out)
            }
        }
        router.post("/groups/:group/commit") { request, context in
            let group = context.parameters.get("group") ?? ""
            return await node.serve(request, leaderOnly: true, group: { json in
                let b = try Body(json ?? .null, allowed: ["partition", "offset"])
                return try Self.group(node, try b.int("partition"))
            }) { json, replica in
                let b = try Body(json ?? .null, allowed: ["partition", "offset"])
                let p = try b.int("partition"), o = try b.int("offset")
                guard o >= 0 else { throw NodeError.bad("field \"offset\" must be >= 0") }
                return Reply(body: try await replica.write { _ in
                    ["op": "commit", "g": .string(group), "p": .int(p), "o": .int(o)]
                })
            }
        }
        router.get("/groups/:group/offsets") { request, context in
            let group = context.parameters.get("group") ?? ""
            return await node.serve(request, leaderOnly: leaderReads, group: { _ in
                try Self.group(node, try request.intParam("partition"), status: 404)
            }) { _, replica in
                let p = try request.intParam("partition")
                let out: JSON = try await replica.read { m, _ in
                    ["group": .string(group), "partition": .int(p), "offset": m.groups[group]?[p].map { .int($0) } ?? .null]
                }
                return Reply(body: out)
            }
        }
    }
}
