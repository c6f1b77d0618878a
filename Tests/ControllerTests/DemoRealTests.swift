// `faultline demo --real`: the flag, the campaign it runs (campaigns/demo-real.yml) and, opt-in
// (FAULTLINE_SLOW=1, several minutes), the whole real demo.
import Controller
import Foundation
import History
import Testing

struct DemoRealTests {
    /// The real demo's campaign loads: both real profiles under the stage faults and the failover.
    @Test func demoRealCampaignLoads() throws {
        let c = try CampaignFile.load(path: CLIRunner.root.appendingPathComponent("campaigns/demo-real.yml").path)
        #expect(c.name == "demo-real")
        #expect(c.pipelines.map(\.name) == ["real-cp", "real-ap"])
        #expect(c.nemeses.map(\.name) == ["real-stages", "real-primary-failover"])
        #expect(Set(c.expect.keys) == ["real-cp", "real-ap"])
        #expect(c.cells.count == 4)
    }

    /// `--real` is a flag of `demo`: it runs the installer (which installs only what is missing), then
    /// the campaign; a campaign that does not exist is exit 2 naming it. Without `--real` the installer
    /// is not run (its line never appears).
    @Test func realFlagRunsTheInstallerThenTheCampaign() async throws {
        let dir = CLIRunner.tempDir("demo-real")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = dir + "/no-such-campaign.yml"
        let r = try await CLIRunner.run(["demo", "--real", "--campaign", missing, "--results", dir], timeout: 600)
        #expect(r.status == 2, "stdout: \(r.stdout.suffix(500)) stderr: \(r.stderr.suffix(800))")
        #expect(r.stderr.contains("no-such-campaign.yml"), "\(r.stderr.suffix(800))")
        let help = try await CLIRunner.run(["demo", "--help"])
        #expect(help.stdout.contains("--real"), "\(help.stdout)")
        let bad = try await CLIRunner.run(["demo", "--reel"])
        #expect(bad.status != 0 && bad.stderr.contains("--reel"), "\(bad.stderr)")
    }

    /// Opt-in: the whole real demo (both profiles under both nemeses): every expectation holds and the
    /// comparison page is written.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_SLOW"] == "1" && RealBackendPipelineTests.servers))
    func wholeRealDemo() async throws {
        let dir = CLIRunner.tempDir("demo-real-run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await CLIRunner.run(["demo", "--real", "--results", dir], timeout: 1800)
        #expect(r.status == 0, "stdout: \(r.stdout.suffix(1500)) stderr: \(r.stderr.suffix(1500))")
        #expect(r.stdout.contains("4 of 4 expectations held"), "\(r.stdout.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: dir + "/campaigns/demo-real/comparison.html"))
    }
}
