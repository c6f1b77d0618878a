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
public final class KVModel: LinearizabilityModel {
    public var name: String { "kv" }
    private var strings: [String] = []
    private var ids: [String: Int32] = [:]
    private var appendMemo: [Int64: Int32] = [:]
    public let initialState: Int32

    public init(initial: String = "") {
        initialState = 0
        _ = intern(initial)
    }

    public func copy() -> any LinearizabilityModel {
        let m = KVModel()
        m.strings = strings
        m.ids = ids
        m.appendMemo = appendMemo
        return m
    }

    private func intern(_ s: String) -> Int32 {
        if let i = ids[s] { return i }
        let i = Int32(strings.count)
        strings.append(s)
        ids[s] = i
        return i
    }

    private func string(_ v: JSONValue, _ what: String) throws(ModelError) -> String {
        switch v {
        case .string(let s): return s
        case .null: return ""
        case .int(let n): return String(n)
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
            let r = intern(strings[Int(state)] + strings[Int(op.a)])
            appendMemo[key] = r
            return r
        }
    }

    public func describe(state: Int32) -> String { JSONValue.string(strings[Int(state)]).description }

    public func describe(op: ModelOp) -> String {
        switch op.kind {
        case .read: return "get \(describe(state: op.a))"
        case .write: return "put \(describe(state: op.a))"
        case .append: return "append \(describe(state: op.a))"
        case .cas: return "cas \(describe(state: op.a))->\(describe(state: op.b))"
        }
    }
}
