// Warehouse HTTP API: idempotent batch insert, upsert, conditional upsert, query by key/range, count.
import Hummingbird

struct WarehouseRoutes: Sendable {
    let node: NodeHandle<WarehouseMachine>

    func add(to router: Router<BasicRequestContext>) {
        let replica = node.replica
        let node = node
        router.post("/batches") { request, _ in
            await node.serve(request, leaderOnly: true) { json in
                let b = try Body(json ?? .null, allowed: ["batch_id", "rows"])
                let batch = try b.string("batch_id")
                var rows: [JSON] = []
                for r in try b.array("rows") {
                    let rb = try Body(r, allowed: ["key", "value"])
                    rows.append(["k": .string(try rb.string("key")), "v": try rb.value("value")])
                }
                let result = try await replica.write { _ in ["op": "insert", "b": .string(batch), "rows": .array(rows)] }
                return Reply(body: result)
            }
        }
        router.put("/rows/:key") { request, context in
            let key = context.parameters.get("key") ?? ""
            return await node.serve(request, leaderOnly: true) { json in
                let b = try Body(json ?? .null, allowed: ["value", "if_version", "if_value"])
                let value = try b.value("value")
                let ifVersion = try b.optionalInt("if_version")
                let ifValue = b.object["if_value"]
                let result = try await replica.write { m in
                    let row = m.rows[key]
                    let current: [String: JSON] = ["current_version": .int(row?.version ?? 0), "current_value": row?.value ?? .null]
                    if let v = ifVersion, (row?.version ?? 0) != v {
                        throw NodeError(412, "version mismatch (if_version \(v))", extra: current)
                    }
                    if let v = ifValue, (row?.value ?? .null) != v {
                        throw NodeError(412, "value mismatch (if_value)", extra: current)
                    }
                    return ["op": "upsert", "k": .string(key), "v": value]
                }
                return Reply(body: result)
            }
        }
        router.get("/rows/:key") { request, context in
            let key = context.parameters.get("key") ?? ""
            return await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let row = try await replica.read { m, _ in m.rows[key] }
                guard let row else { throw NodeError(404, "no such row: \(key)") }
                return Reply(body: ["key": .string(key), "value": row.value, "version": .int(row.version)])
            }
        }
        router.get("/rows") { request, _ in
            await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let from = request.stringParam("from"), to = request.stringParam("to")
                let limit = try request.countParam("limit", default: 1000)
                let out: JSON = try await replica.read { m, info in
                    let keys = m.rows.keys.filter { k in (from.map { k >= $0 } ?? true) && (to.map { k < $0 } ?? true) }
                        .sorted().prefix(limit)
                    // position: the log index applied in what was read; leader: answered by the leader
                    // (the query API's "source").
                    return ["rows": .array(keys.map { k in
                        ["key": .string(k), "value": m.rows[k]!.value, "version": .int(m.rows[k]!.version)]
                    }), "position": .int(info.appliedIndex), "leader": .bool(info.isLeader)]
                }
                return Reply(body: out)
            }
        }
        router.get("/count") { request, _ in
            await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let n = try await replica.read { m, _ in m.rows.count }
                return Reply(body: ["count": .int(n)])
            }
        }
    }
}
