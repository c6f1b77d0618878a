import History

/// A model op prepared for the linearizability search: the model's operation with its
/// arguments and observed result interned to small integers, so that stepping the model
/// costs a few comparisons and a state is one `Int32`.
public struct ModelOp: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// Observed the state `a`. Legal iff state == a; state unchanged.
        case read
        /// Sets the state to `a`.
        case write
        /// Compare-and-set that succeeded: legal iff state == a; sets it to `b`.
        case cas
        /// Appends string `a` to the state (kv model).
        case append
    }
    public var kind: Kind
    public var a: Int32
    public var b: Int32

    public init(_ kind: Kind, _ a: Int32, _ b: Int32 = 0) {
        self.kind = kind
        self.a = a
        self.b = b
    }
}

/// A sequential specification: how to turn history ops into `ModelOp`s and how a state
/// evolves. States are interned values (`Int32`); the model owns the intern table.
///
/// A model is created per key partition and used by one search at a time (not thread-safe).
public protocol LinearizabilityModel: AnyObject {
    /// The model's name as given to `faultline check --model`.
    var name: String { get }
    /// The initial state.
    var initialState: Int32 { get }
    /// Translates a completed client op. nil means the op constrains nothing and can be left
    /// out of the search (a read whose result is unknown, an op that failed).
    /// Throws when the op does not fit the model (unknown function, malformed value).
    func prepare(_ op: CompletedOp) throws(ModelError) -> ModelOp?
    /// The state after applying `op` to `state`, or nil when `op` is illegal in `state`.
    func step(_ state: Int32, _ op: ModelOp) -> Int32?
    /// A state as readable text, for evidence.
    func describe(state: Int32) -> String
    /// An op as readable text, for evidence.
    func describe(op: ModelOp) -> String
    /// An independent copy (intern tables included) for a search on another thread.
    func copy() -> any LinearizabilityModel
}

/// Why an op does not fit a model.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Interns JSON values to dense `Int32` ids so that states and arguments compare as integers.
final class ValueTable {
    func copy() -> ValueTable {
        let t = ValueTable()
        t.ids = ids
        t.values = values
        return t
    }

    private var ids: [JSONValue: Int32] = [:]
    private(set) var values: [JSONValue] = []

    func id(_ v: JSONValue) -> Int32 {
        if let i = ids[v] { return i }
        let i = Int32(values.count)
        ids[v] = i
        values.append(v)
        return i
    }

    func value(_ id: Int32) -> JSONValue { values[Int(id)] }
}
