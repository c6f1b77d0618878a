// RunReport: report.html of one run, made from the run folder alone (test.yml, results.json, history, logs).
import Foundation
import Store

/// RunReport renders a run's page: parameters, a verdict per checker with its counts, example ops of
/// every anomaly, latency / throughput / availability over time with fault windows shaded, a timeline of
/// the processes around each anomaly, the nemesis events and links to every log. Tables are capped and
/// the scatter collapsed onto pixels, so a million-op history gives a page of a few megabytes at most.
public enum RunReport {
    static let maxTimelines = 6
    static let maxNemesisRows = 200
    static let maxExampleChars = 700

    /// Renders report.html for `run` (the history is read from its history.jsonl).
    public static func render(_ run: StoredRun) -> String {
        var notes: [String] = []
        var history = History(ops: [])
        do {
            let loaded = try run.loadHistory()
            history = loaded.history
            notes += loaded.warnings
        } catch {
            notes.append("cannot read the history: \(error)")
        }
        return render(run, history: history, notes: notes)
    }

    public static func render(_ run: StoredRun, history: History, notes: [String] = []) -> String {
        var notes = notes
        let end = history.ops.map(\.time).max() ?? 0
        let pairs: [CompletedOp]
        do { pairs = try history.pairs() } catch {
            notes.append("the history's ops do not pair up (\(error)); charts and timelines are left out")
            pairs = []
        }
        // Fault and outcome windows as the checkers measured them (results.json), never re-derived here.
        let timeline = run.results?.summary.timeline
        let faults = timeline?.faults ?? []
        var b = ""
        b += "<nav><a href=\"../../index.html\">← all runs</a><a href=\"#verdicts\">verdicts</a><a href=\"#anomalies\">anomalies</a><a href=\"#latency\">latency</a><a href=\"#throughput\">throughput</a><a href=\"#availability\">availability</a><a href=\"#nemesis\">nemesis</a><a href=\"#logs\">logs</a></nav>"
        b += "<h1>\(HTML.esc(run.test)) \(HTML.verdict(run.valid))</h1>"
        b += "<p class=\"note\">run \(HTML.esc(run.stamp)) · \(history.ops.count) history ops, \(pairs.count) client ops, \(history.ops.filter { $0.process == .nemesis }.count) nemesis events · \(HTML.esc(run.dir))</p>"
        for n in notes { b += "<p class=\"note\">⚠ \(HTML.esc(n))</p>" }
        b += parameters(run)
        b += verdicts(run)
        b += anomalies(run, history: history, pairs: pairs)
        b += FunnelChart.section(run.results)
        b += "<h2 id=\"latency\">Latency over time</h2>"
        b += "<p class=\"note\">Each completed op is a point at its completion time; colour is its outcome, shape its function.</p>"
        b += LatencyChart.render(pairs: pairs, faults: faults, end: end)
        if let timeline {
            let w = Windows(timeline)
            b += "<h2 id=\"throughput\">Throughput over time</h2>" + RateCharts.throughput(w, faults: faults, end: end)
            b += "<h2 id=\"availability\">Availability over time</h2>" + RateCharts.availability(w, faults: faults, end: end)
        } else {
            let why = "<p class=\"note\">No stored outcome windows: the run has no availability or perf verdict (checked by `faultline analyze`).</p>"
            b += "<h2 id=\"throughput\">Throughput over time</h2>" + why + "<h2 id=\"availability\">Availability over time</h2>" + why
        }
        b += nemesis(history)
        b += logs(run)
        return HTML.page(title: "\(run.test) \(run.stamp) – Faultline", body: b)
    }

    /// Writes `<run>/report.html`; returns its path.
    @discardableResult
    public static func write(_ run: StoredRun) throws -> String {
        let path = RunFolder(run.dir).report
        try RunFolder.writeText(render(run), to: path)
        return path
    }

    static func parameters(_ run: StoredRun) -> String {
        var s = "<h2>Test</h2><table>"
        for (k, v) in run.parameters { s += "<tr><th>\(HTML.esc(k))</th><td>\(HTML.esc(v))</td></tr>" }
        s += "</table>"
        for file in [RunFolder.File.pipeline, .workload, .nemesis].map(\.name) {
            guard let d = FileManager.default.contents(atPath: run.dir + "/" + file) else { continue }
            s += "<details><summary>\(file)</summary><pre>\(HTML.short(String(decoding: d.prefix(20_000), as: UTF8.self), 20_000))</pre></details>"
        }
        s += "<p class=\"note\">Re-run exactly: <code>faultline run --test \(HTML.esc(run.dir))/test.yml</code> · re-check: <code>faultline analyze \(HTML.esc(run.dir))</code></p>"
        return s
    }

    static func verdicts(_ run: StoredRun) -> String {
        var s = "<h2 id=\"verdicts\">Verdicts</h2>"
        guard let results = run.results else {
            return s + "<p>No results.json: the run did not finish. <code>faultline analyze</code> checks what it recorded.</p>"
        }
        s += "<table><tr><th>checker</th><th>verdict</th><th>counts</th><th>note</th></tr>"
        for v in results.verdicts {
            let counts = v.counts.sorted { $0.key < $1.key }.map { k, n in
                n > 0 ? "<b>\(HTML.esc(k))</b>&nbsp;\(n)" : "<span class=\"muted\">\(HTML.esc(k))&nbsp;0</span>"
            }.joined(separator: " · ")
            s += "<tr><td>\(HTML.esc(v.checker))</td><td>\(HTML.verdict(v.valid))</td><td>\(counts)</td><td>\(HTML.short(v.error ?? "", 400))</td></tr>"
        }
        s += "</table>"
        let m = RunMetrics(results: results)
        s += "<table><tr><th>ok share</th><th>longest gap</th><th>slowest recovery</th><th>p50</th><th>p99</th><th>lost</th><th>stale</th></tr><tr>"
        s += "<td class=\"n\">\(HTML.num(m.okRatio, 3))</td><td class=\"n\">\(HTML.num(m.longestGap, 2, unit: " s"))</td><td class=\"n\">\(HTML.num(m.recovery, 3, unit: " s"))\(m.noRecovery > 0 ? " (\(m.noRecovery) never)" : "")</td>"
        s += "<td class=\"n\">\(HTML.num(m.p50, 2, unit: " ms"))</td><td class=\"n\">\(HTML.num(m.p99, 2, unit: " ms"))</td><td class=\"n\">\(m.lost.map(String.init) ?? "–")</td><td class=\"n\">\(m.stale.map(String.init) ?? "–")</td></tr></table>"
        return s
    }

    static func anomalies(_ run: StoredRun, history: History, pairs: [CompletedOp]) -> String {
        var s = "<h2 id=\"anomalies\">Anomalies and example ops</h2>"
        guard let results = run.results else { return s + "<p class=\"muted\">No verdicts.</p>" }
        var pairAt: [Int: Int] = [:]
        for (i, p) in pairs.enumerated() {
            pairAt[p.invoke.index] = i
            if let c = p.completion { pairAt[c.index] = i }
        }
        var timelines = 0
        var any = false
        // Invalid verdicts first; a valid checker's examples (fail ops of availability, …) are folded away.
        let order: [RunValidity] = [.invalid, .unknown, .valid]
        for v in results.verdicts.sorted(by: { order.firstIndex(of: $0.valid)! < order.firstIndex(of: $1.valid)! }) {
            let named = v.examples.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            guard !named.isEmpty else { continue }
            any = true
            let folded = v.valid == .valid
            s += folded ? "<details><summary><b>\(HTML.esc(v.checker))</b> \(HTML.verdict(v.valid)) examples of \(named.map { HTML.esc($0.key) }.joined(separator: ", "))</summary>"
                : "<h3>\(HTML.esc(v.checker)) \(HTML.verdict(v.valid))</h3>"
            for (anomaly, examples) in named {
                s += "<p><b>\(HTML.esc(anomaly))</b>: \(v.counts[anomaly] ?? examples.count) (\(examples.count) example\(examples.count == 1 ? "" : "s") shown)</p>"
                for e in examples.prefix(10) { s += "<div class=\"ex\"><code>\(HTML.short(e.description, maxExampleChars))</code></div>" }
                // A timeline around the first example of each anomaly a checker judged (or a stale read).
                let worth = !folded || anomaly == "stale-read"
                if worth, timelines < maxTimelines, let first = examples.first,
                    let idx = TimelineChart.opIndex(in: first), pairAt[idx] != nil
                {
                    s += "<details\(timelines < 3 ? " open" : "")><summary>Processes around op \(idx) (\(HTML.esc(anomaly)))</summary>"
                    s += TimelineChart.render(history: history, pairs: pairs, pairAt: pairAt, target: idx)
                    s += "</details>"
                    timelines += 1
                }
            }
            if folded { s += "</details>" }
        }
        if !any { s += "<p>No checker named an anomaly.</p>" }
        return s
    }

    static func nemesis(_ history: History) -> String {
        let ops = history.ops.filter { $0.process == .nemesis }
        var s = "<h2 id=\"nemesis\">Nemesis events</h2>"
        guard !ops.isEmpty else { return s + "<p class=\"muted\">No fault was injected.</p>" }
        s += "<table><tr><th>time (s)</th><th>op</th><th>event</th><th>value</th></tr>"
        for op in ops.prefix(maxNemesisRows) {
            s += "<tr><td class=\"n\">\(String(format: "%.3f", Double(op.time) / 1e9))</td><td class=\"n\">\(op.index)</td><td>\(HTML.esc(op.f))</td><td><code>\(HTML.short(op.value.description, 400))</code></td></tr>"
        }
        s += "</table>"
        if ops.count > maxNemesisRows { s += "<p class=\"note\">\(ops.count - maxNemesisRows) more events in \(RunFolder.File.history.name).</p>" }
        return s
    }

    static func logs(_ run: StoredRun) -> String {
        var s = "<h2 id=\"logs\">Files and logs</h2><ul>"
        for f in [RunFolder.File.testSpec, .history, .results, .log].map(\.name) where FileManager.default.fileExists(atPath: run.dir + "/" + f) {
            s += "<li><a href=\"\(HTML.href(f))\">\(HTML.esc(f))</a></li>"
        }
        s += "</ul>"
        let nodes = run.nodeLogs()
        if !nodes.isEmpty {
            s += "<table><tr><th>node</th><th>files</th></tr>"
            for (n, files) in nodes {
                s += "<tr><td>\(HTML.esc(n))</td><td>" + files.map { "<a href=\"\(HTML.href($0))\">\(HTML.esc(($0 as NSString).lastPathComponent))</a>" }.joined(separator: " · ") + "</td></tr>"
            }
            s += "</table>"
        }
        if let d = FileManager.default.contents(atPath: RunFolder(run.dir).log) {
            let lines = String(decoding: d.suffix(64_000), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            s += "<details><summary>\(RunFolder.File.log.name) (last \(min(lines.count, 40)) lines)</summary><pre>\(HTML.esc(lines.suffix(40).joined(separator: "\n")))</pre></details>"
        }
        return s
    }
}
