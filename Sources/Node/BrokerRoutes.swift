// Broker HTTP API: produce, fetch, consumer-group offset commit and read.
import Hummingbird

struct BrokerRoutes: Sendable {
    let node: NodeHandle<BrokerMachine>

    func add(to router: Router<BasicRequestContext>) {
        let replica = node.replica
        let node = node
        router.post("/produce") { request, _ in
            await node.serve(request, leaderOnly: true) { json in
                let b = try Body(json ?? .null, allowed: ["key", "value", "partition"])
                let value = try b.value("value")
                let key = b.object["key"] ?? .null
                let explicit = try b.optionalInt("partition")
                let result = try await replica.write { m in
                    let p = explicit ?? m.partition(for: key)
                    guard m.partitions.indices.contains(p) else {
                        throw NodeError.bad("partition \(p) does not exist (0..<\(m.partitions.count))")
                    }
                    return ["op": "produce", "p": .int(p), "k": key, "v": value]
                }
                return Reply(body: result)
            }
        }
        router.get("/fetch") { request, _ in
            await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let p = try request.intParam("partition")
                let from = try request.intParam("offset", default: 0)
                let max = try request.intParam("max", default: 100)
                guard from >= 0, max > 0 else { throw NodeError.bad("offset must be >= 0 and max > 0") }
                let out: JSON = try await replica.read { m, info in
                    guard m.partitions.indices.contains(p) else { throw NodeError(404, "partition \(p) does not exist") }
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
            return await node.serve(request, leaderOnly: true) { json in
                let b = try Body(json ?? .null, allowed: ["partition", "offset"])
                let p = try b.int("partition"), o = try b.int("offset")
                guard o >= 0 else { throw NodeError.bad("field \"offset\" must be >= 0") }
                let result = try await replica.write { m in
                    guard m.partitions.indices.contains(p) else { throw NodeError.bad("partition \(p) does not exist") }
                    return ["op": "commit", "g": .string(group), "p": .int(p), "o": .int(o)]
                }
                return Reply(body: result)
            }
        }
        router.get("/groups/:group/offsets") { request, context in
            let group = context.parameters.get("group") ?? ""
            return await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let out: JSON = try await replica.read { m, _ in
                    var o: [String: JSON] = [:]
                    for (p, off) in m.groups[group] ?? [:] { o[String(p)] = .int(off) }
                    return ["group": .string(group), "offsets": .object(o)]
                }
                return Reply(body: out)
            }
        }
    }
}
