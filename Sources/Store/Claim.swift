// Claim: one CAP claim of a campaign file (`claims:`), stored with the campaign record so that the claims
// page is made from the store alone.

/// Claim is what a user says about one component of their pipeline ("Kafka is AP: it stays available and
/// may lose events"), and which runs of the campaign's matrix test it. Grammar: docs/campaigns.md "Claims".
public struct Claim: Codable, Sendable, Equatable {
    /// The claimed side of the CAP trade-off.
    public enum Model: String, Codable, Sendable, Equatable {
        /// Stays available under faults; may lose acknowledged data or answer stale.
        case ap = "AP"
        /// Never loses acknowledged data nor answers stale; may refuse (fail) requests under faults.
        case cp = "CP"
    }

    /// A figure a claim is judged on.
    public enum Measure: String, Codable, Sendable, Equatable, CaseIterable {
        /// The share of client ops that succeeded while a fault was in force (at least `minAvailable`).
        case availability
        /// Acknowledged writes or events lost (none allowed).
        case lost
        /// Stale reads or stale API answers (none allowed).
        case stale
    }

    /// What the user calls the component ("Kafka", "S3 data lake").
    public var name: String
    /// The pipeline component it is about (node names `<component>-<i>`, `<component>_<kind>-<i>`).
    public var component: String
    public var model: Model
    /// The claimed trade-off in the user's words (shown, not interpreted).
    public var tradeoff: String
    /// The pipelines (profiles) and nemeses of the campaign whose runs test it.
    public var pipelines: [String]
    public var nemeses: [String]
    /// Components whose faults test the claim (default: the component itself); a run where no fault
    /// touched any of their nodes does not show anything about the claim.
    public var faulted: [String]
    /// The figures the claim is judged on (AP default: availability; CP default: lost and stale).
    public var measure: [Measure]
    /// Availability: the least share of ok ops during faults that still counts as available.
    public var minAvailable: Double
    /// Lost: only the events lost at these hops of the pipeline (`broker->store`, as the pipeline
    /// checker's `lost_by_hop` names them) count; nil: every lost event or write counts.
    public var hops: [String]?

    public init(name: String, component: String, model: Model, tradeoff: String, pipelines: [String], nemeses: [String],
                faulted: [String]? = nil, measure: [Measure]? = nil, minAvailable: Double = Claim.defaultMinAvailable,
                hops: [String]? = nil) {
        self.name = name
        self.component = component
        self.model = model
        self.tradeoff = tradeoff
        self.pipelines = pipelines
        self.nemeses = nemeses
        self.faulted = faulted ?? [component]
        self.measure = measure ?? Claim.defaultMeasure(model)
        self.minAvailable = minAvailable
        self.hops = hops
    }

    public static let defaultMinAvailable = 0.9

    /// An AP claim promises availability; a CP claim promises no loss and nothing stale.
    public static func defaultMeasure(_ m: Model) -> [Measure] { m == .ap ? [.availability] : [.lost, .stale] }

    /// True when a node name belongs to one of the faulted components: `<component>-<i>` or `<component>_<kind>-<i>`.
    public func isFaulted(node: String) -> Bool {
        faulted.contains { Claim.node(node, belongsTo: $0) }
    }

    public static func node(_ node: String, belongsTo component: String) -> Bool {
        guard let dash = node.lastIndex(of: "-"), node[node.index(after: dash)...].allSatisfy(\.isNumber),
              node.index(after: dash) < node.endIndex else { return false }
        let stem = node[..<dash]
        return stem == component || stem.hasPrefix(component + "_")
    }
}
