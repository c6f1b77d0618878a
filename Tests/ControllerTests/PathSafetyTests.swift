// Names that become paths never leave --results, and nothing recorded is deleted by a later run.
import FaultlineTesting
import Foundation
import Testing

struct PathSafetyTests {
    /// Every file and folder under `dir` (to show that nothing was written outside it).
    static func tree(_ dir: String) -> Set<String> {
        Set(FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? [])
    }

    @Test func nameOptionWithPathPartsExits2() throws {
        let base = CLIRunner.tempDir("name-opt")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let results = base + "/deep/results"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        for name in ["../../x", "a/b", "..", ".hidden", "tab\tname", "nl\nname", ""] {
            let r = try CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                       "--nemesis", "none", "--time-limit", "1", "--seed", "1", "--name", name,
                                       "--results", results], timeout: 60)
            #expect(r.status == 2, "--name \(name.debugDescription): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("--name"), "\(r.stderr)")
        }
        #expect(Self.tree(base) == ["deep", "deep/results"], "nothing written anywhere: \(Self.tree(base))")
    }

    @Test func pipelineNameWithPathPartsExits2NamingFileAndLine() throws {
        let base = CLIRunner.tempDir("name-file")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let results = base + "/a/b/c/results"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        let shipped = try String(contentsOfFile: CLIRunner.root.path + "/pipelines/cp.yml", encoding: .utf8)
        let pipeline = base + "/evil.yml"
        CLIRunner.write(shipped.replacingOccurrences(of: "\nname: cp\n", with: "\nname: ../../../../tmp/x\n"), to: pipeline)
        let line = shipped.components(separatedBy: "\n").firstIndex(of: "name: cp").map { $0 + 1 } ?? -1
        let r = try CLIRunner.run(["run", "--pipeline", pipeline, "--workload", "workloads/register.yml", "--nemesis", "none",
                                   "--time-limit", "1", "--seed", "1", "--results", results], timeout: 60)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("\(pipeline):\(line): field name:"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(Self.tree(base) == ["a", "a/b", "a/b/c", "a/b/c/results", "evil.yml"], "\(Self.tree(base))")
    }

    /// `results/<name>/latest` that is a real folder (someone's data, not our link) survives a
    /// run into the same test folder, untouched, and the run says so.
    @Test func realLatestFolderIsLeftAlone() throws {
        let results = CLIRunner.tempDir("latest")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let latest = results + "/keep/latest"
        try FileManager.default.createDirectory(atPath: latest + "/inner", withIntermediateDirectories: true)
        CLIRunner.write("precious\n", to: latest + "/inner/data.txt")
        let r = try CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                   "--nemesis", "none", "--time-limit", "1", "--seed", "1", "--name", "keep",
                                   "--results", results, "--quiet"], timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("latest") && r.stderr.contains("left it"), "\(r.stderr)")
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: latest, isDirectory: &isDir) && isDir.boolValue)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: latest)) == nil, "still a real folder")
        #expect((try? String(contentsOfFile: latest + "/inner/data.txt", encoding: .utf8)) == "precious\n")
        // The run itself was recorded next to it.
        let runs = (try FileManager.default.contentsOfDirectory(atPath: results + "/keep")).filter { $0 != "latest" }
        #expect(runs.count == 1)
        if let run = runs.first { #expect(FileManager.default.fileExists(atPath: results + "/keep/\(run)/results.json")) }
    }
}
