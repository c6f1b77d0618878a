// TestRunner+Pipeline: what a `kind: pipeline` workload adds to a run: every component, routes for
// ingest and query ops, the drain after the heal and the final read of each stage.
import Contracts
import Foundation
import Generator
import History
import InputFiles
import Logging
import Nemesis
import Systems

extension TestRunner {
    /// The components a pipeline workload starts: all of them; it needs one ingest, connector, loader
    /// and api component (their upstreams are resolved by PipelineLinks).
    static func pipelineComponents(_ pipeline: PipelineFile, workload: WorkloadFile) throws -> [String] {
        // Every role but the cache, which the api uses when the pipeline has one; a real system counts
        // for the role it stands in for (Contracts.Backend).
        for role in Role.allCases.map(\.rawValue) where role != Role.cache.rawValue {
            let n = pipeline.components.filter { $0.pipelineRole == role }.count
            if n != 1 {
                throw InputError(file: pipeline.path, line: 1, field: "components",
                                 message: "a pipeline workload (\(workload.path)) needs exactly one component with role \(role); this file has \(n)")
            }
        }
        return pipeline.components.map(\.name)
    }

    static func pipelineRoutes(_ nodes: [ResolvedNode], pipeline: PipelineFile) -> [String: [ResolvedNode]] {
        ["ingest": nodes.filter { $0.role == Role.ingest.rawValue }, "query": nodes.filter { $0.role == Role.api.rawValue },
         "count": nodes.filter { $0.role == Role.api.rawValue },
         // The warehouse's own answer: from the component in the warehouse's place (built-in or PostgreSQL).
         "warehouse-count": pipeline.components.first { $0.pipelineRole == Role.warehouse.rawValue }.map { c in
             nodes.filter { $0.component == c.name && $0.name.hasPrefix(c.name + "-") } } ?? []]
    }

    /// After the heal: waits (at most `timeout` s) until the connector's lag is 0 and it has committed
    /// at least `acknowledged` offsets in all, and then the loader finished a pass with nothing pending;
    /// logs when that was not reached.
    ///
    /// The lag alone is not enough: it is measured against the end of the log the connector's broker
    /// last reported, and brokers sharing a log (Tansu on S3) report a stale end for a while, so "lag 0"
    /// came while the last acknowledged events were still uncopied and the final reads counted them lost.
    /// Every acknowledged ingest is at least one record, so fewer committed offsets than acknowledged
    /// ingests means the connector is still behind (or the broker lost records: then the drain waits
    /// out its timeout, and the final reads show the loss).
    func drain(nodes: [ResolvedNode], pipeline: PipelineFile, timeout: Double, acknowledged: Int, logger: Logger) async {
        guard let connector = nodes.first(where: { $0.role == Role.connector.rawValue }),
              let loader = nodes.first(where: { $0.role == Role.loader.rawValue }) else { return }
        let http = HTTPTransport(connections: 2, timeout: 1)
        defer { Task { await http.shutdown() } }
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(saturating: timeout * 1000))
        var loaderMark: Int?
        while ContinuousClock.now < deadline {
            let c = await Self.status(connector, http)
            let l = await Self.status(loader, http)
            let lag = c?["lag"]?["total"]?.intValue
            let committed = c?["committed"]?.objectValue?.values.compactMap(\.intValue).reduce(0, +) ?? 0
            let polls = l?["caught_up_polls"]?.intValue
            if lag == 0, committed >= acknowledged, let polls {
                // A pass that began after the lag reached 0 and found nothing pending.
                if let m = loaderMark, polls >= m + 2 {
                    logger.info("drain: connector lag 0, loader caught up after \(ContinuousClock.now - start)")
                    return
                }
                if loaderMark == nil { loaderMark = polls }
            } else {
                loaderMark = nil
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        logger.warning("drain: not reached within \(timeout) s (connector lag, fewer offsets committed than \(acknowledged) acknowledged ingests, or loader not caught up); final reads anyway")
    }

    static func status(_ n: ResolvedNode, _ http: HTTPTransport) async -> JSONValue? {
        if case .status(200, let b) = await http.send(.GET, n.baseURL + "/status") { return b }
        return nil
    }

    /// One `final-read` per stage (broker, store, warehouse), each by a fresh process on one node of
    /// that stage's component; then one through the query API (`api`): which of the event ids
    /// 1…`lastEventID` offered for ingest an API answer shows (the funnel's last step).
    func pipelineFinalReads(pool: ClientPool, nodes: [ResolvedNode], pipeline: PipelineFile, firstProcess: Int, lastEventID: Int,
                            leaders: (any LeaderDiscovery)? = nil) async {
        var p = firstProcess
        // The replicated roles are the pipeline's stages, in flow order; a real system standing in for
        // one is read through its own protocol (the op says which: `"kind": "s3"`).
        for stage in Role.replicated.map(\.rawValue) {
            guard let c = pipeline.components.first(where: { $0.pipelineRole == stage }) else { continue }
            let stageNodes = nodes.filter { $0.component == c.name && $0.name.hasPrefix(c.name + "-") }
            guard !stageNodes.isEmpty else { continue }
            var value: [String: JSONValue] = ["stage": .string(stage)]
            if let b = c.backend { value["kind"] = .string(b.rawValue) }
            // A real system's stage is read on its leader (a PostgreSQL primary): after a failover, a
            // standby still following the old primary, or the old primary back beside the new one, holds
            // less than the primary the pipeline loads into.
            var node = stageNodes[p % stageNodes.count]
            if c.command != nil, let l = await leaders?.leader(among: stageNodes.map(\.name)),
               let n = stageNodes.first(where: { $0.name == l }) { node = n }
            await pool.perform(PlannedOp(f: "final-read", key: nil, value: .object(value)), process: p, node: node)
            p += 1
        }
        let api = nodes.filter { $0.role == Role.api.rawValue }
        if !api.isEmpty, lastEventID > 0 {
            await pool.perform(PlannedOp(f: "final-read", key: nil, value: ["stage": "api", "ids_through": .int(lastEventID)]),
                               process: p, node: api[p % api.count])
        }
    }
}
