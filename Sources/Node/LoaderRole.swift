// Loader (COPY-like): lists new event objects in the store and loads each into the warehouse as one
// batch whose id is the object key, so a reload inserts nothing: each event lands exactly once.
import Foundation
import Hummingbird

/// LoaderRole polls `GET /objects?prefix=events/` every `poll_interval_ms`; each object it has not
/// loaded yet is read and sent as `POST /batches {"batch_id": <object key>, "rows": ...}`. A row's key is
/// `e<id>.p<partition>.o<offset>`: the event and its broker position, so the same broker entry loaded
/// from two overlapping objects (a connector replay) is one row, while an event the broker holds twice
/// is two rows. After a restart the loader lists everything again; the warehouse ignores batch ids it
/// already has. Bug `skip_objects`: every 5th new object is recorded as loaded without being inserted.
struct LoaderRole: ServiceRole {
    let node: ServiceNode
    let store: any EventStore
    let warehouse: any EventWarehouse
    let state = LoaderState()

    init(node: ServiceNode) {
        self.node = node
        store = node.eventStore()
        warehouse = node.eventWarehouse()
    }

    func add(to router: Router<BasicRequestContext>) {}

    func statusFacts() async -> [String: JSON] { state.json.objectValue ?? [:] }

    func stop() async { await warehouse.close() }

    static func rowKey(id: Int, partition: Int, offset: Int) -> String { "e\(id).p\(partition).o\(offset)" }

    func start() async {
        let me = self
        Task {
            while true {
                await me.poll()
                try? await Task.sleep(for: .milliseconds(me.node.config.settings.pollIntervalMs))
            }
        }
    }

    /// One pass: list, load what is new; a pass that ends with nothing pending counts as "caught up".
    func poll() async {
        guard let keys = await store.list(prefix: "events/") else {
            state.count("list_errors"); return
        }
        let fresh = keys.filter { !state.isLoaded($0) }
        state.setPending(fresh.count)
        var left = fresh.count
        for key in fresh {
            if node.config.bugs.contains(.skipObjects) && state.nextSeen() % 5 == 0 {
                state.markLoaded(key, rows: 0)
                left -= 1; state.setPending(left)
                continue
            }
            guard let value = await store.get(key) else {
                state.count("read_errors"); return
            }
            let p = value["partition"]?.intValue ?? -1
            var rows: [JSON] = []
            for e in value["events"]?.arrayValue ?? [] {
                guard let id = e["id"]?.intValue, let off = e["offset"]?.intValue else { continue }
                rows.append(["key": .string(Self.rowKey(id: id, partition: p, offset: off)),
                             "value": ["id": .int(id), "key": e["key"] ?? .null, "value": e["value"] ?? .null,
                                       "partition": .int(p), "offset": .int(off)]])
            }
            guard let r = await warehouse.load(batchID: key, rows: rows) else { state.count("load_errors"); return }
            state.markLoaded(key, rows: r.inserted)
            if r.duplicate { state.count("duplicate_batches") }
            left -= 1; state.setPending(left)
        }
        state.count("caught_up_polls")
    }
}

/// LoaderState: which objects are loaded, how many are pending, counters.
final class LoaderState: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: Set<String> = []
    private var pending = 0
    private var rows = 0
    private var seen = 0
    private var counters: [String: Int] = [:]

    func isLoaded(_ k: String) -> Bool { lock.withLock { loaded.contains(k) } }
    func markLoaded(_ k: String, rows n: Int) { lock.withLock { loaded.insert(k); rows += n } }
    func setPending(_ n: Int) { lock.withLock { pending = n } }
    func nextSeen() -> Int { lock.withLock { seen += 1; return seen } }
    func count(_ k: String, _ n: Int = 1) { lock.withLock { counters[k, default: 0] += n } }

    /// `position`: objects loaded; `caught_up_polls`: passes that ended with nothing pending (the
    /// drain waits for one that began after the connector's lag reached 0).
    var json: JSON {
        lock.withLock {
            ["position": .int(loaded.count), "rows_inserted": .int(rows), "pending": .int(pending),
             "caught_up_polls": .int(counters["caught_up_polls"] ?? 0),
             "counters": .object(counters.mapValues { .int($0) })]
        }
    }
}
