// CampaignRecord: what one `faultline campaign` invocation (one shard) ran, stored as JSON for merging.
import Checker
import Foundation

/// RunEnding is how one run of a campaign ended; the CLI alone turns it into an exit status.
public enum RunEnding: String, Codable, Sendable, Equatable {
    /// The run went to its end and was checked (its verdict is the cell's `verdict`).
    case checked
    /// SIGINT or SIGTERM stopped it; what it recorded was checked.
    case interrupted
    /// An input file was invalid: nothing ran.
    case badInput = "bad-input"
    /// The system under test could not be started (or the run folder not written): no verdict.
    case cannotStart = "cannot-start"
}

/// CampaignCell is one test of a campaign's matrix and how it went.
public struct CampaignCell: Codable, Sendable, Equatable {
    public var pipeline: String
    public var workload: String
    public var nemesis: String
    public var seed: UInt64
    /// The run folder, relative to the results folder (`<test>/<stamp>`); empty when the run never started.
    public var run: String
    public var ending: RunEnding
    /// results.json's overall verdict; nil when the run has none (bad input, cannot start).
    public var verdict: Validity?
    /// Whether the pipeline's expectation held, and why not.
    public var held: Bool
    public var failures: [String]
    /// Wall-clock seconds the run took.
    public var seconds: Double
    /// When the run ended (UTC stamp): the newest cell wins when records are merged.
    public var ended: String

    public init(pipeline: String, workload: String, nemesis: String, seed: UInt64, run: String, ending: RunEnding,
                verdict: Validity?, held: Bool, failures: [String], seconds: Double, ended: String) {
        self.pipeline = pipeline
        self.workload = workload
        self.nemesis = nemesis
        self.seed = seed
        self.run = run
        self.ending = ending
        self.verdict = verdict
        self.held = held
        self.failures = failures
        self.seconds = seconds
        self.ended = ended
    }

    enum CodingKeys: String, CodingKey {
        case pipeline, workload, nemesis, seed, run, ending, verdict, held, failures, seconds, ended
        case exitStatus  // records written before `ending` existed
    }

    /// Reads a cell; records written before `ending` (an `exitStatus` and a "none" verdict) read too.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pipeline = try c.decode(String.self, forKey: .pipeline)
        workload = try c.decode(String.self, forKey: .workload)
        nemesis = try c.decode(String.self, forKey: .nemesis)
        seed = try c.decode(UInt64.self, forKey: .seed)
        run = try c.decode(String.self, forKey: .run)
        held = try c.decode(Bool.self, forKey: .held)
        failures = try c.decode([String].self, forKey: .failures)
        seconds = try c.decode(Double.self, forKey: .seconds)
        ended = try c.decode(String.self, forKey: .ended)
        verdict = (try c.decodeIfPresent(String.self, forKey: .verdict)).flatMap(Validity.init(rawValue:))
        if let e = try c.decodeIfPresent(RunEnding.self, forKey: .ending) {
            ending = e
        } else {
            switch try c.decodeIfPresent(Int32.self, forKey: .exitStatus) {
            case 130: ending = .interrupted
            case 2: ending = .badInput
            case 4: ending = .cannotStart
            default: ending = verdict == nil ? .cannotStart : .checked
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(workload, forKey: .workload)
        try c.encode(nemesis, forKey: .nemesis)
        try c.encode(seed, forKey: .seed)
        try c.encode(run, forKey: .run)
        try c.encode(ending, forKey: .ending)
        try c.encodeIfPresent(verdict, forKey: .verdict)
        try c.encode(held, forKey: .held)
        try c.encode(failures, forKey: .failures)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(ended, forKey: .ended)
    }

    /// The verdict as a word for pages and logs ("none" when there is no verdict).
    public var verdictWord: String { verdict?.rawValue ?? "none" }

    /// The cell's place in the matrix, the same on every shard.
    public var key: String { "\(workload)\u{1}\(nemesis)\u{1}\(pipeline)\u{1}\(seed)" }
}

/// CampaignRecord is `results/campaigns/<name>/records/<stamp>-shard-<i>-of-<n>.json`: the cells one
/// invocation ran. Shards run on several machines each write their own record, so copying their
/// results folders into one and running `faultline report` merges them without conflicts.
public struct CampaignRecord: Codable, Sendable {
    public var campaign: String
    public var file: String
    public var started: String
    public var finished: String
    public var shard: Int
    public var shards: Int
    /// The size of the whole matrix (every shard), to tell a complete campaign from a partial one.
    public var matrixSize: Int
    public var cells: [CampaignCell]
    /// The night this invocation belongs to (Night.swift); nil in records written before nights existed.
    public var night: NightIdentity?
    /// The campaign file's claims (Claim.swift), so that the claims page is made from the store alone;
    /// nil when the file has none.
    public var claims: [Claim]?

    public init(campaign: String, file: String, started: String, finished: String, shard: Int, shards: Int,
                matrixSize: Int, cells: [CampaignCell], night: NightIdentity? = nil, claims: [Claim]? = nil) {
        self.campaign = campaign
        self.file = file
        self.started = started
        self.finished = finished
        self.shard = shard
        self.shards = shards
        self.matrixSize = matrixSize
        self.cells = cells
        self.night = night
        self.claims = claims
    }

    /// The night's label: `night.label`, or the start stamp for a record without one.
    public var nightLabel: String { night?.label ?? started }

    /// The folder of a campaign's pages and records: `<results>/campaigns/<name>`.
    public static func folder(results: String, campaign: String) -> String {
        (results as NSString).appendingPathComponent("campaigns/\(campaign)")
    }

    /// Writes the record under `<results>/campaigns/<name>/records/`; returns its path.
    @discardableResult
    public func write(results: String) throws -> String {
        let dir = Self.folder(results: results, campaign: campaign) + "/records"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/\(started)-shard-\(shard)-of-\(shards).json"
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    public static func read(path: String) throws -> CampaignRecord {
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError(path: path, message: "cannot read") }
        do { return try JSONDecoder().decode(CampaignRecord.self, from: data) } catch {
            throw StoreError(path: path, message: "not a campaign record: \(error)")
        }
    }
}

/// CampaignView is a campaign as its pages show it: the newest cell of every matrix position over all
/// its records (all shards, all nights), in a stable order.
public struct CampaignView: Sendable {
    public var name: String
    /// The folder holding its pages, relative to the results folder (`campaigns/<name>`).
    public var folder: String
    public var records: [CampaignRecord]
    public var cells: [CampaignCell]
    /// The newest record's matrix size, and when the newest cell ended.
    public var matrixSize: Int
    public var updated: String
    /// The claims of the newest record (empty when its campaign file has none).
    public var claims: [Claim]

    public init(name: String, folder: String, records: [CampaignRecord]) {
        self.name = name
        self.folder = folder
        self.records = records.sorted { $0.started < $1.started }
        var newest: [String: CampaignCell] = [:]
        for r in self.records {
            for c in r.cells where newest[c.key].map({ $0.ended <= c.ended }) ?? true { newest[c.key] = c }
        }
        cells = newest.values.sorted {
            ($0.workload, $0.nemesis, $0.seed, $0.pipeline) < ($1.workload, $1.nemesis, $1.seed, $1.pipeline)
        }
        matrixSize = self.records.last?.matrixSize ?? cells.count
        claims = self.records.last?.claims ?? []
        updated = cells.map(\.ended).max() ?? ""
    }

    /// True when every cell of the matrix has run and every expectation held.
    public var allHeld: Bool { cells.count >= matrixSize && cells.allSatisfy(\.held) }
}
