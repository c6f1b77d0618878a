// PostgresLeaderDiscovery: the primary is the node that is not in recovery.
import Nemesis

/// Asks every node `pg_is_in_recovery()`. When several answer no (an old primary back beside a
/// promoted standby), the published primary wins: it is the one clients write to.
struct PostgresLeaderDiscovery: LeaderDiscovery {
    let cluster: PostgresCluster
    var timeout = 0.5

    func leader(among names: [String]) async -> String? {
        let probes = await PostgresProbe.askAll(names.compactMap { cluster.node($0) }, timeout: timeout)
        let primaries = PostgresCluster.ordered(probes.filter { !$0.inRecovery }.map(\.name))
        if let p = cluster.primary?.name, primaries.contains(p) { return p }
        return primaries.first
    }
}
