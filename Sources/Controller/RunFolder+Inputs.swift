// RunFolder+Inputs: a run folder's input files (test.yml and copies of the files it names).
import Foundation
import Store

extension RunFolder {
    /// test.yml plus copies of the pipeline, workload and nemesis files it names.
    static func writeInputs(runDir: String, spec: TestSpec, name: String, concurrency: Int, rate: Double) throws {
        let fm = FileManager.default
        for (src, dst) in [(spec.pipeline, "pipeline.yml"), (spec.workload, "workload.yml"), (spec.nemesis, "nemesis.yml")] {
            try fm.copyItem(atPath: src, toPath: runDir + "/" + dst)
        }
        try Data(spec.resolvedYAML(name: name, concurrency: concurrency, rate: rate).utf8)
            .write(to: URL(fileURLWithPath: runDir + "/test.yml"))
    }
}
