// Nights of a real campaign (built-in store, register workload, 5 s runs): two nights hold, a bug switch
// turned on makes the third a regression with its anomaly first seen that night, and a fourth night where
// the nodes cannot start is a harness failure (exit 5), not an anomaly; --keep-nights archives the oldest.
import FaultlineTesting
import Foundation
import Store
import Testing

struct NightlyCampaignTests {
    static let root = CLIProcess.packageRoot()
    static var faultline: String { CLIProcess.binary("faultline") }

    /// A one-component CP pipeline (3 store replicas) with a `version:` command, a bug switch and settings.
    static func writePipeline(_ dir: String, bug: Bool, version: String) {
        let text = """
            name: cp
            components:
              store:
                role: store
                replicas: 3
                version: echo \(version)
                settings: {write_quorum: 2, read_quorum: 2, fsync: always}
                bugs: [\(bug ? "ack_without_store" : "")]

            """
        _ = FileManager.default.createFile(atPath: dir + "/cp.yml", contents: Data(text.utf8))
    }

    static func campaign(_ dir: String) -> String {
        let text = """
            name: nights
            time_limit: 5s
            seeds: [3]
            pipelines: [\(dir)/cp.yml]
            workloads: [workloads/register.yml]
            nemeses: [none]
            concurrency: 3
            rate: 50
            expect:
              cp: {valid: true}

            """
        _ = FileManager.default.createFile(atPath: dir + "/nights.yml", contents: Data(text.utf8))
        return dir + "/nights.yml"
    }

    static func night(_ file: String, _ results: String, _ label: String, extra: [String] = []) throws -> CLIProcess.Result {
        try CLIProcess.run(faultline, ["campaign", file, "--results", results, "--night", label] + extra, cwd: root, timeout: 180)
    }

    @Test func threeNightsThenARegressionThenAHarnessFailure() throws {
        let dir = TestSupport.tempDir("nights")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let results = dir + "/results"
        let file = Self.campaign(dir)
        Self.writePipeline(dir, bug: false, version: "store-1.0")
        for label in ["night-1", "night-2"] {
            let r = try Self.night(file, results, label)
            #expect(r.status == 0, "\(label): \(r.stdout)\n\(r.stderr.suffix(1500))")
        }
        // Night 3: the store acknowledges writes it never stored.
        Self.writePipeline(dir, bug: true, version: "store-1.1")
        let r3 = try Self.night(file, results, "night-3")
        #expect(r3.status == 1, "\(r3.stdout)\n\(r3.stderr.suffix(1500))")
        #expect(r3.stdout.contains("trends: "))

        var t = try #require(CampaignTrends.all(results: results).first)
        #expect(t.nights.map(\.label) == ["night-3", "night-2", "night-1"])
        let row = try #require(t.rows.first)
        #expect(row.entries.map { $0?.mark } == [.expectationFailed, .valid, .valid])
        #expect(row.entries.map { $0?.regression } == [true, false, false])
        let lin = try #require(t.anomalies.first { $0.kind == "linearizable" }, "anomalies: \(t.anomalies.map(\.kind))")
        #expect(lin.firstSeen == "night-3" && lin.lastSeen == "night-3" && lin.nights == 1)
        #expect(t.nights[0].identity?.components.first?.version == "store-1.1")
        #expect(t.changes[0].contains("cp.store: store-1.0 → store-1.1"))
        #expect(t.changes[0].contains("a pipeline, workload or nemesis file changed"))

        // The page says it: two nights held, the third a regression, the anomaly new tonight.
        let html = try String(contentsOfFile: results + "/trends.html", encoding: .utf8)
        #expect(html.components(separatedBy: "class=\"mk valid\"").count - 1 == 2 + 1)  // two nights + the legend
        #expect(html.contains("class=\"mk expectation-failed reg\" href=\""))
        #expect(html.contains("Regression tonight"))
        #expect(html.contains("<td><b>linearizable</b> <span class=\"v bad\">new tonight</span></td><td>night-3</td><td>night-3</td>"))
        #expect(html.contains("store-1.0 → store-1.1"))
        for e in row.entries { #expect(e?.link.map { FileManager.default.fileExists(atPath: results + "/" + $0) } == true) }

        // Night 4: the store's nodes exit as soon as they start. Harness failure, exit 5; the oldest night is archived.
        let broken = """
            name: cp
            components:
              store:
                command: /bin/sh
                args: ["-c", "echo this store cannot start >&2; exit 1"]
                replicas: 3
                ports: {client: free}
                health: "http://127.0.0.1:{port:client}/health"
                client: builtin
                version: echo store-1.1

            """
        _ = FileManager.default.createFile(atPath: dir + "/cp.yml", contents: Data(broken.utf8))
        let r4 = try Self.night(file, results, "night-4", extra: ["--keep-nights", "3"])
        #expect(r4.status == 5, "\(r4.stdout)\n\(r4.stderr.suffix(1500))")
        #expect(r4.stdout.contains("HARNESS FAILURE cp") && r4.stdout.contains("only harness failures"))
        t = try #require(CampaignTrends.all(results: results).first)
        #expect(t.nights.map(\.label) == ["night-4", "night-3", "night-2"])
        let row4 = try #require(t.rows.first)
        #expect(row4.entries.first??.mark == .harnessFailure)
        #expect(row4.entries.first??.anomalyKinds == [])
        #expect(row4.entries.first??.regression == false)
        let html4 = try String(contentsOfFile: results + "/trends.html", encoding: .utf8)
        #expect(html4.contains("class=\"v harness\">1 harness failure(s)</span>"))
        #expect(html4.contains("nights-night-night-1.tar.gz"))
        #expect(FileManager.default.fileExists(atPath: results + "/archive/nights-night-night-1.tar.gz"))
        #expect(NightFiles.find(results: results, label: "night-1") == nil)
        let junit = try String(contentsOfFile: results + "/campaigns/nights/junit.xml", encoding: .utf8)
        #expect(junit.contains("<failure"))
    }
}
