// OwnershipTests: a mini controller (faultline-fixture controller) starts real nodes; after it exits
// normally, on SIGINT, or is SIGKILLed, none of its nodes may be left in the process table.
import FaultlineTesting
import Foundation
import Testing

@Suite(.serialized) struct OwnershipTests {
    /// Starts the fixture controller with `nodes` nodes and returns its process and its nodes' pids.
    func startController(nodes: Int, extra: [String] = []) throws -> (Process, [Int32]) {
        let dir = TestSupport.tempDir("owner")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.fixture)
        p.arguments = ["controller", "--dir", dir, "--nodes", "\(nodes)"] + extra
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let s = try? String(contentsOfFile: dir + "/pids", encoding: .utf8) {
                let pids = s.split(separator: "\n").compactMap { Int32($0) }
                return (p, pids)
            }
            if !p.isRunning { break }
            usleep(20_000)
        }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        throw OwnershipError(message: "fixture controller did not report its nodes")
    }

    struct OwnershipError: Error { let message: String }

    @Test func normalExitLeavesNothing() throws {
        let (p, pids) = try startController(nodes: 3, extra: ["--exit-after", "0.2"])
        #expect(pids.count == 3)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(TestSupport.waitDead(pids, timeout: 5) == [])
    }

    @Test func sigintStopsEveryNode() throws {
        let (p, pids) = try startController(nodes: 3)
        #expect(pids.allSatisfy(TestSupport.isAlive))
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(TestSupport.waitDead(pids, timeout: 5) == [])
    }

    /// 3 repeats by default, 20 with FAULTLINE_SLOW=1.
    @Test func sigkillOfTheControllerLeavesNothing() throws {
        let repeats = ProcessInfo.processInfo.environment["FAULTLINE_SLOW"] == "1" ? 20 : 3
        for _ in 0..<repeats {
            let (p, pids) = try startController(nodes: 3)
            #expect(pids.allSatisfy(TestSupport.isAlive))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(TestSupport.waitDead(pids, timeout: 5) == [])
        }
    }
}
