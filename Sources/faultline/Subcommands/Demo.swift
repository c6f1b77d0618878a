// `faultline demo`: the README's quick start: a short AP-vs-CP campaign (campaigns/demo.yml), ending with its page.
import ArgumentParser
import Foundation

/// `faultline demo` runs campaigns/demo.yml: the CP and AP profiles side by side under the shipped
/// nemeses, a few minutes in all, and prints the path of the comparison page.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "AP vs CP on the built-in pipeline under the shipped faults, a few minutes; ends with the comparison page.",
        discussion: "Runs campaigns/demo.yml (from the current folder). Exit status as `faultline campaign`."
    )

    @Option(help: "Results folder.") var results: String = "results"
    @Option(help: "The campaign to run.") var campaign: String = "campaigns/demo.yml"

    func run() async throws {
        let status = await Campaign.execute(file: campaign, results: results, shard: (1, 1))
        throw ExitCode(status)
    }
}
