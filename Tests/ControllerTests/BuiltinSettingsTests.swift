// Built-in components' settings and bugs are checked when the pipeline file is loaded, by the node's own
// rules (Contracts.Settings): exit 2 naming the pipeline file, line and field; no run folder, no node.
import Foundation
import InputFiles
import Testing

@testable import Controller

struct BuiltinSettingsTests {
    /// Each bad component (store, 3 replicas): the line of the bad field, the field, a word of the reason.
    static let cases: [(yaml: String, line: Int, field: String, reason: String)] = [
        ("    settings:\n      write_quorum: 7\n", 7, "components.store.settings.write_quorum", "must be an integer in 1...3"),
        ("    settings:\n      election_timeout_ms: -5\n", 7, "components.store.settings.election_timeout_ms", "must be an integer in 50...60000"),
        ("    bugs: [stale_reads, no_such_bug]\n", 6, "components.store.bugs", "unknown bug \"no_such_bug\""),
        ("    settings:\n      fsync: always\n      no_such_setting: 1\n", 8, "components.store.settings.no_such_setting", "unknown setting for role store"),
        ("    settings:\n      fsync: sometimes\n", 7, "components.store.settings.fsync", "must be one of \"always\", \"never\""),
    ]

    static func pipeline(_ extra: String) -> String {
        "name: p\ncomponents:\n  store:\n    role: store\n    replicas: 3\n" + extra
    }

    @Test func loadNamesTheLineAndFieldOfEachBadSetting() throws {
        let dir = CLIRunner.tempDir("settings-load")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for c in Self.cases {
            CLIRunner.write(Self.pipeline(c.yaml), to: dir + "/p.yml")
            do {
                _ = try PipelineFile.load(path: dir + "/p.yml")
                Issue.record("accepted: \(c.yaml)")
            } catch let e as InputError {
                #expect(e.file == dir + "/p.yml" && e.line == c.line && e.field == c.field && e.message.contains(c.reason),
                        "\(c.yaml): got \(e)")
            }
        }
    }

    /// Through the real executable: exit 2, one line, and nothing started (no run folder under --results).
    @Test func runExits2BeforeAnythingStarts() async throws {
        let dir = CLIRunner.tempDir("settings-run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (i, c) in Self.cases.enumerated() {
            let path = dir + "/p\(i).yml"
            CLIRunner.write(Self.pipeline(c.yaml), to: path)
            let r = try await CLIRunner.run(["run", "--pipeline", path, "--workload", "workloads/register.yml", "--nemesis", "none",
                                       "--time-limit", "2", "--seed", "1", "--results", dir + "/results", "--quiet"], timeout: 60)
            #expect(r.status == 2, "\(c.field): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("\(path):\(c.line): field \(c.field): "), "\(r.stderr)")
            #expect(!r.stderr.contains("config.json"))
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/results"), "a run folder was created")
    }

    /// The ingest's `acks` (its produce to a Kafka broker) is 0, 1 or "all"; anything else names the line.
    @Test func ingestAcksIsZeroOneOrAll() throws {
        let dir = CLIRunner.tempDir("settings-acks")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (acks, ok) in [("0", true), ("1", true), ("all", true), ("2", false), ("leader", false)] {
            CLIRunner.write("name: p\ncomponents:\n  broker:\n    role: broker\n    replicas: 3\n  ingest:\n    role: ingest\n"
                            + "    settings:\n      acks: \(acks)\n", to: dir + "/p.yml")
            do {
                _ = try PipelineFile.load(path: dir + "/p.yml")
                #expect(ok, "accepted acks: \(acks)")
            } catch let e as InputError {
                #expect(!ok && e.line == 9 && e.field == "components.ingest.settings.acks", "acks: \(acks): \(e)")
            }
        }
        _ = try PipelineFile.load(path: CLIRunner.root.appendingPathComponent("pipelines/real-ap.yml").path)
    }

    /// The shipped pipelines pass the same checks (their settings are what the nodes accept).
    @Test func shippedPipelinesPass() throws {
        for p in ["ap", "cp", "mixed"] {
            _ = try PipelineFile.load(path: CLIRunner.root.appendingPathComponent("pipelines/\(p).yml").path)
        }
    }
}
