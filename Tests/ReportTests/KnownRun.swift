// KnownRun: a run folder written by hand with a known history (a stale read, a hostile string), for the page tests.
import Foundation

enum KnownRun {
    static let hostile = "<script>alert(1)</script>"

    /// The history: on k1, write 1, write 2, then a read of 1 after write 2 was acknowledged (not
    /// linearizable, 1 version stale); a write of the hostile string on k2, read back; a failed write whose
    /// error is the hostile string; a partition whose value holds it too.
    static let history = """
        {"index":0,"time":1000000,"process":0,"type":"invoke","f":"write","key":"k1","value":1}
        {"index":1,"time":3000000,"process":0,"type":"ok","f":"write","key":"k1","value":1,"node":"store-1"}
        {"index":2,"time":4000000,"process":0,"type":"invoke","f":"write","key":"k1","value":2}
        {"index":3,"time":6000000,"process":0,"type":"ok","f":"write","key":"k1","value":2,"node":"store-1"}
        {"index":4,"time":500000000,"process":"nemesis","type":"info","f":"start-partition","value":{"cut":"\(hostile)"}}
        {"index":5,"time":700000000,"process":1,"type":"invoke","f":"read","key":"k1","value":null}
        {"index":6,"time":703000000,"process":1,"type":"ok","f":"read","key":"k1","value":1,"node":"store-3"}
        {"index":7,"time":800000000,"process":2,"type":"invoke","f":"write","key":"k2","value":"\(hostile)"}
        {"index":8,"time":802000000,"process":2,"type":"ok","f":"write","key":"k2","value":"\(hostile)","node":"store-2"}
        {"index":9,"time":900000000,"process":3,"type":"invoke","f":"write","key":"k1","value":5}
        {"index":10,"time":905000000,"process":3,"type":"fail","f":"write","key":"k1","value":5,"error":"\(hostile)"}
        {"index":11,"time":1500000000,"process":"nemesis","type":"info","f":"stop-partition","value":{}}
        {"index":12,"time":1600000000,"process":2,"type":"invoke","f":"read","key":"k2","value":null}
        {"index":13,"time":1601000000,"process":2,"type":"ok","f":"read","key":"k2","value":"\(hostile)","node":"store-2"}

        """

    static let workload = """
        name: register
        kind: register
        target: store
        keys: 2
        checkers: [linearizable, staleness, availability, perf]

        """

    /// Writes `<results>/<test>/<stamp>/` with test.yml, workload.yml, history.jsonl (no results.json yet:
    /// `faultline analyze` computes it) and a node log holding the hostile string; returns the run folder.
    static func write(results: String, test: String = "known", stamp: String = "20261125T010203Z", truncated: Bool = false) -> String {
        let dir = "\(results)/\(test)/\(stamp)"
        try? FileManager.default.createDirectory(atPath: dir + "/nodes/store-1", withIntermediateDirectories: true)
        let test = """
            name: \(test)
            pipeline: pipeline.yml
            workload: workload.yml
            nemesis: nemesis.yml
            time_limit: 2.0
            seed: 42
            concurrency: 4
            rate: 100.0

            """
        var h = history
        if truncated { h += "{\"index\":14,\"time\":1700000000,\"process\":4,\"ty" }
        for (name, text) in [("test.yml", test), ("workload.yml", workload), ("history.jsonl", h),
                             ("nodes/store-1/stderr.log", "boot \(hostile)\n")] {
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(text.utf8))
        }
        return dir
    }
}
