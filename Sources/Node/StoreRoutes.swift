// Object store HTTP API (S3-like): put with If-Match / If-None-Match, get, delete, list by prefix.
import Hummingbird

struct StoreRoutes: Sendable {
    let node: NodeHandle<StoreMachine>

    /// Checks S3-style preconditions against the current object; a failure is a 412 naming the current version.
    static func check(_ obj: StoreMachine.Object?, ifMatch: String?, ifNoneMatch: String?) throws {
        let current: JSON = ["current_version": obj.map { .int($0.version) } ?? .null,
                             "current_etag": obj.map { .string($0.etag) } ?? .null]
        if let inm = ifNoneMatch {
            guard inm == "*" else { throw NodeError.bad("If-None-Match supports only *") }
            if obj != nil { throw NodeError(412, "object exists (If-None-Match: *)", extra: current.objectValue!) }
        }
        if let im = ifMatch {
            let ok: Bool
            if im == "*" { ok = obj != nil }
            else if let v = Int(im) { ok = obj?.version == v }
            else { ok = obj?.etag == im || obj.map { "\"" + im + "\"" == $0.etag } ?? false }
            if !ok { throw NodeError(412, "precondition failed (If-Match: \(im))", extra: current.objectValue!) }
        }
    }

    func add(to router: Router<BasicRequestContext>) {
        let replica = node.replica
        let node = node
        router.put("/objects/**") { request, context in
            let key = context.parameters.getCatchAll().joined(separator: "/")
            return await node.serve(request, leaderOnly: true) { json in
                guard !key.isEmpty else { throw NodeError.bad("missing object key") }
                let b = try Body(json ?? .null, allowed: ["value"])
                let value = try b.value("value")
                let im = request.header("if-match"), inm = request.header("if-none-match")
                let result = try await replica.write { m in
                    try Self.check(m.live(key), ifMatch: im, ifNoneMatch: inm)
                    return ["op": "put", "k": .string(key), "v": value, "ver": .int((m.objects[key]?.version ?? 0) + 1)]
                }
                return Reply(body: result, headers: [("ETag", result["etag"]?.stringValue ?? "")])
            }
        }
        router.delete("/objects/**") { request, context in
            let key = context.parameters.getCatchAll().joined(separator: "/")
            return await node.serve(request, leaderOnly: true) { _ in
                let im = request.header("if-match")
                let result = try await replica.write { m in
                    guard m.live(key) != nil else { throw NodeError(404, "no such object: \(key)") }
                    try Self.check(m.live(key), ifMatch: im, ifNoneMatch: nil)
                    return ["op": "del", "k": .string(key), "ver": .int((m.objects[key]?.version ?? 0) + 1)]
                }
                return Reply(body: result)
            }
        }
        router.get("/objects/**") { request, context in
            let key = context.parameters.getCatchAll().joined(separator: "/")
            return await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let obj = try await replica.read { m, _ in m.live(key) }
                guard let obj else { throw NodeError(404, "no such object: \(key)") }
                return Reply(body: ["key": .string(key), "value": obj.value, "version": .int(obj.version), "etag": .string(obj.etag)],
                             headers: [("ETag", obj.etag)])
            }
        }
        router.get("/objects") { request, _ in
            await node.serve(request, leaderOnly: !(await replica.readsAreLocal)) { _ in
                let prefix = request.stringParam("prefix") ?? ""
                let limit = try request.countParam("limit", default: 1000)
                let out: JSON = try await replica.read { m, _ in
                    let keys = m.objects.filter { !$0.value.deleted && $0.key.hasPrefix(prefix) }.keys.sorted().prefix(limit)
                    return ["keys": .array(keys.map { k in
                        let o = m.objects[k]!
                        return ["key": .string(k), "version": .int(o.version), "etag": .string(o.etag)]
                    })]
                }
                return Reply(body: out)
            }
        }
    }
}
