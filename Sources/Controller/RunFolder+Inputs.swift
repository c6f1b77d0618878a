// RunFolder+Inputs: a run folder's input files (test.yml and copies of the files it names).
import Foundation
import Store

extension RunFolder {
    /// test.yml plus copies of the pipeline, workload and nemesis files it names.
    func writeInputs(spec: TestSpec, name: String, concurrency: Int, rate: Double) throws {
        let fm = FileManager.default
        for (src, dst) in [(spec.pipeline, pipeline), (spec.workload, workload), (spec.nemesis, nemesis)] {
            try fm.copyItem(atPath: src, toPath: dst)
        }
        try Data(spec.resolvedYAML(name: name, concurrency: concurrency, rate: rate).utf8)
            .write(to: URL(fileURLWithPath: testSpec))
    }
}
