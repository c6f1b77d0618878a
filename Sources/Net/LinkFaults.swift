// LinkFaults: the fault settings of one directed link, and the link's identity.

/// LinkID names the directed link `from`→`to`: the connections that node `from` opens to node `to`.
public struct LinkID: Hashable, Sendable, CustomStringConvertible, Codable {
    public var from: String
    public var to: String
    public init(_ from: String, _ to: String) {
        self.from = from
        self.to = to
    }
    public var description: String { "\(from)->\(to)" }

    /// The source name of the links from the controller's workload clients to a node (`clients`→node):
    /// node names are `<component>-<i>`, so no node is called this.
    public static let clients = "clients"
    /// The link from the workload clients to `node`.
    public static func clients(to node: String) -> LinkID { LinkID(clients, node) }
    /// True for a link from the workload clients (not between nodes).
    public var isClientLink: Bool { from == LinkID.clients }
}

/// LinkMode is whether bytes pass at all.
public enum LinkMode: String, Sendable, Equatable, Codable {
    /// Bytes pass (subject to delay and bandwidth).
    case up
    /// Blackhole: connections are accepted, nothing is forwarded; held bytes pass on heal, as TCP
    /// would retransmit them once a partition heals.
    case cut
    /// Every open connection is closed with a TCP reset at once, and new ones too.
    case reset
}

/// LinkFaults is everything the nemesis can set on one link; applied to open connections too.
public struct LinkFaults: Sendable, Equatable, Codable {
    public var mode: LinkMode
    /// Added to each chunk of bytes in each direction (a round trip gains twice this).
    public var delayNanos: Int64
    /// Up to this much more, uniformly at random; order is kept.
    public var jitterNanos: Int64
    /// Probability that a new connection is reset right after accept.
    public var dropProbability: Double
    /// Bytes per second in each direction, shared by the link's connections; nil = unlimited.
    public var bandwidthBytesPerSecond: Int?

    public init(mode: LinkMode = .up, delayNanos: Int64 = 0, jitterNanos: Int64 = 0, dropProbability: Double = 0,
                bandwidthBytesPerSecond: Int? = nil) {
        self.mode = mode
        self.delayNanos = delayNanos
        self.jitterNanos = jitterNanos
        self.dropProbability = dropProbability
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    }

    /// No fault at all.
    public static let healthy = LinkFaults()
    public static let cut = LinkFaults(mode: .cut)
    public static let reset = LinkFaults(mode: .reset)

    /// True when bytes can go straight through: the zero-copy path with no queue.
    var isPassThrough: Bool { mode == .up && delayNanos == 0 && jitterNanos == 0 && bandwidthBytesPerSecond == nil }
}
