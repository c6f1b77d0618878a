// NamedTopic: a topic name and its per-partition entries, the shape that flexible versions of
// OffsetCommit, OffsetFetch, ListOffsets and the transaction requests repeat in their requests and
// responses (compact string, compact array, tagged fields). Each names it `Topic` with a typealias.

public struct NamedTopic<Partition: WireCodable>: WireCodable {
    public var name: String
    public var partitions: [Partition]
    public var tagged: TaggedFields = .none

    public init(name: String, partitions: [Partition]) { self.name = name; self.partitions = partitions }

    public init(from r: inout WireReader) throws {
        name = try r.compactString("name"); partitions = try r.compactArray("partitions"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.compactString(name); w.compactArray(partitions); w.tagged(tagged) }
}
