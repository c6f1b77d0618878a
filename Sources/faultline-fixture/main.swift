// faultline-fixture: test helper with three roles: `node` (tiny HTTP node), `controller` (spawns nodes
// via Supervisor, for process-ownership tests) and `proxy` (one bare link proxy, for bench/proxy).
import Foundation

let args = Array(CommandLine.arguments.dropFirst())

/// Reads `--key value` options; repeated keys are kept in order.
func options(_ a: [String]) -> [String: [String]] {
    var out: [String: [String]] = [:]
    var i = 0
    while i < a.count {
        if a[i].hasPrefix("--"), i + 1 < a.count {
            out[String(a[i].dropFirst(2)), default: []].append(a[i + 1])
            i += 2
        } else {
            i += 1
        }
    }
    return out
}

func fail(_ msg: String) -> Never {
    FileHandle.standardError.write(("faultline-fixture: " + msg + "\n").data(using: .utf8)!)
    exit(2)
}

guard let role = args.first else {
    fail("usage: faultline-fixture node|controller|proxy [--options]")
}
let opts = options(Array(args.dropFirst()))
switch role {
case "node": runNode(opts)
case "controller": runController(opts)
case "proxy": runProxy(opts)
default: fail("unknown role '\(role)' (node, controller, proxy)")
}
