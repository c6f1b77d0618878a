import History

/// A read/write register (Jepsen's `register`): `read` returns the value, `write` sets it.
/// With `allowsCas` it is Jepsen's `cas-register`: also `cas [from to]`, which sets the value to
/// `to` only when it equals `from` (a cas that failed took no effect and is not checked).
/// Values are any JSON; the initial value is nil unless given.
public final class RegisterModel: LinearizabilityModel {
    public var name: String { allowsCas ? "cas-register" : "register" }
    let table: ValueTable
    let allowsCas: Bool
    public let initialState: Int32

    public init(initial: JSONValue = .null, allowsCas: Bool) {
        self.allowsCas = allowsCas
        table = ValueTable()
        initialState = table.id(initial)
    }

    private init(copying other: RegisterModel) {
        table = other.table.copy()
        allowsCas = other.allowsCas
        initialState = other.initialState
    }

    public func copy() -> any LinearizabilityModel { RegisterModel(copying: self) }

    public func prepare(_ op: CompletedOp) throws(ModelError) -> ModelOp? {
        let outcome = op.outcome
        // fail: definitely took no effect (Jepsen's meaning), so it constrains nothing.
        if outcome == .fail { return nil }
        switch op.f {
        case "read", "get":
            // Only an ok read observed something; an indeterminate read has no effect.
            guard outcome == .ok else { return nil }
            return ModelOp(.read, table.id(op.completion!.value))
        case "write", "put":
            return ModelOp(.write, table.id(op.invoke.value))
        case "cas" where allowsCas:
            guard case .array(let pair) = op.invoke.value, pair.count == 2 else {
                throw ModelError("cas value must be [from, to], got \(op.invoke.value)")
            }
            return ModelOp(.cas, table.id(pair[0]), table.id(pair[1]))
        default:
            throw ModelError("model '\(name)' has no function '\(op.f)' (expected read, write\(allowsCas ? ", cas" : ""))")
        }
    }

    public func step(_ state: Int32, _ op: ModelOp) -> Int32? {
        switch op.kind {
        case .read: return state == op.a ? state : nil
        case .write: return op.a
        case .cas: return state == op.a ? op.b : nil
        case .append: return nil
        }
    }

    public func describe(state: Int32) -> String { table.value(state).description }

    public func describe(op: ModelOp) -> String {
        switch op.kind {
        case .read: return "read \(table.value(op.a))"
        case .write: return "write \(table.value(op.a))"
        case .cas: return "cas \(table.value(op.a))->\(table.value(op.b))"
        case .append: return "append \(table.value(op.a))"
        }
    }
}

/// A string per key (Porcupine's kv model): `get` returns the string, `put` sets it, `append`
/// concatenates. The initial value is "" unless given. Split by key before checking.
///
/// States are interned strings. Appends make new strings at every search step, so interning
/// uses an incremental polynomial hash (h(s+x) = h(s)·B^|x| + h(x)) and compares bytes only on
/// a hash match, instead of rehashing the whole string each time.
public final class KVModel: LinearizabilityModel {
    public var name: String { "kv" }
    private var strings: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// B^length of each string, for appending it.
    private var powers: [UInt64] = []
    /// First id with a given hash; further ids with the same hash are chained in `nextSameHash`.
    private var byHash: [UInt64: Int32] = [:]
    private var nextSameHash: [Int32] = []
    private var appendMemo: [Int64: Int32] = [:]
    public let initialState: Int32
    private static let base: UInt64 = 0x100_0000_01b3

    public init(initial: String = "") {
        initialState = 0
        _ = intern(Array(initial.utf8))
    }

    public func copy() -> any LinearizabilityModel {
        let m = KVModel()
        m.strings = strings
        m.hashes = hashes
        m.powers = powers
        m.byHash = byHash
        m.nextSameHash = nextSameHash
        m.appendMemo = appendMemo
        return m
    }

    private func intern(_ b: [UInt8]) -> Int32 {
        var h: UInt64 = 0
        var p: UInt64 = 1
        for c in b {
            h = h &* KVModel.base &+ UInt64(c) &+ 1
            p = p &* KVModel.base
        }
        return intern(b, hash: h, power: p)
    }

    private func intern(_ b: [UInt8], hash h: UInt64, power p: UInt64) -> Int32 {
        var i = byHash[h]
        while let j = i, j >= 0 {
            if strings[Int(j)] == b { return j }
            i = nextSameHash[Int(j)]
        }
        let id = Int32(strings.count)
        strings.append(b)
        hashes.append(h)
        powers.append(p)
        nextSameHash.append(byHash[h] ?? -1)
        byHash[h] = id
        return id
    }

    private func string(_ v: JSONValue, _ what: String) throws(ModelError) -> [UInt8] {
        switch v {
        case .string(let s): return Array(s.utf8)
        case .null: return []
        case .int(let n): return Array(String(n).utf8)
        default: throw ModelError("kv \(what) must be a string, got \(v)")
        }
    }

    public func prepare(_ op: CompletedOp) throws(ModelError) -> ModelOp? {
        let outcome = op.outcome
        if outcome == .fail { return nil }
        switch op.f {
        case "get", "read":
            guard outcome == .ok else { return nil }
            return ModelOp(.read, intern(try string(op.completion!.value, "get result")))
        case "put", "write":
            return ModelOp(.write, intern(try string(op.invoke.value, "put value")))
        case "append":
            return ModelOp(.append, intern(try string(op.invoke.value, "append value")))
        default:
            throw ModelError("model 'kv' has no function '\(op.f)' (expected get, put, append)")
        }
    }

    public func step(_ state: Int32, _ op: ModelOp) -> Int32? {
        switch op.kind {
        case .read: return state == op.a ? state : nil
        case .write: return op.a
        case .cas: return state == op.a ? op.b : nil
        case .append:
            let key = Int64(state) << 32 | Int64(op.a)
            if let r = appendMemo[key] { return r }
            let s = Int(state)
            let x = Int(op.a)
            let h = hashes[s] &* powers[x] &+ hashes[x]
            let r = intern(strings[s] + strings[x], hash: h, power: powers[s] &* powers[x])
            appendMemo[key] = r
            return r
        }
    }

    public func describe(state: Int32) -> String { JSONValue.string(String(decoding: strings[Int(state)], as: UTF8.self)).description }

    public func describe(op: ModelOp) -> String {
        switch op.kind {
        case .read: return "get \(describe(state: op.a))"
        case .write: return "put \(describe(state: op.a))"
        case .append: return "append \(describe(state: op.a))"
        case .cas: return "cas \(describe(state: op.a))->\(describe(state: op.b))"
        }
    }
}
