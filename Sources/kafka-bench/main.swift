// kafka-bench: acknowledged produces/s (acks=all: one record per request sequential and pipelined,
// and batched) and fetched records/s against one real Tansu broker with memory storage.
// Usage: kafka-bench TANSU_PATH [SECONDS]
import Foundation
import KafkaProtocol
import Supervisor

@main
struct KafkaBench {
    static func main() async throws {
        let args = CommandLine.arguments
        guard args.count >= 2, FileManager.default.isExecutableFile(atPath: args[1]) else {
            FileHandle.standardError.write("usage: kafka-bench TANSU_PATH [SECONDS]\n".data(using: .utf8)!)
            exit(2)
        }
        let seconds = args.count > 2 ? Double(args[2]) ?? -1 : 5
        guard seconds > 0, seconds <= 600 else {
            FileHandle.standardError.write("kafka-bench: SECONDS must be in 0...600, got \(args[2])\n".data(using: .utf8)!)
            exit(2)
        }
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let port = try PortAllocator.shared.allocate()
        let dir = NSTemporaryDirectory() + "kafka-bench-\(getpid())"
        let url = "tcp://127.0.0.1:\(port)"
        let started = Date()
        try supervisor.start(NodeSpec(name: "tansu", executable: args[1], arguments: ["broker", "--listener-url", url,
                                      "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"], workingDirectory: dir, ports: [port]))
        var client: KafkaClient?
        while client == nil {
            if let c = try? await KafkaClient.connect(port: port), (try? await c.apiVersions()) != nil { client = c }
            else if Date().timeIntervalSince(started) > 30 { print("tansu did not answer within 30 s"); exit(4) }
            else { try await Task.sleep(for: .milliseconds(20)) }
        }
        let c = client!
        print(String(format: "tansu memory broker answering ApiVersions after %.3f s (%d cores)", Date().timeIntervalSince(started), ProcessInfo.processInfo.activeProcessorCount))
        try await c.createTopic("bench", partitions: 1)
        let value = [UInt8](repeating: 0x61, count: 100)

        func run(_ label: String, recordsPerRequest: Int, concurrency: Int) async throws {
            let deadline = Date().addingTimeInterval(seconds)
            let t0 = Date()
            let counts = try await withThrowingTaskGroup(of: Int.self) { g in
                for _ in 0..<concurrency {
                    g.addTask {
                        var n = 0
                        let batch = (0..<recordsPerRequest).map { ProducerRecord(key: Array("k\($0)".utf8), value: value) }
                        while Date() < deadline {
                            _ = try await c.produce(topic: "bench", partition: 0, records: batch, acks: .all)
                            n += 1
                        }
                        return n
                    }
                }
                return try await g.reduce(0, +)
            }
            let dt = Date().timeIntervalSince(t0)
            print(String(format: "%@: %.0f acknowledged produce requests/s, %.0f records/s (%d requests in %.2f s)",
                         label, Double(counts) / dt, Double(counts * recordsPerRequest) / dt, counts, dt))
        }
        try await run("acks=all, 1 record/request, sequential", recordsPerRequest: 1, concurrency: 1)
        try await run("acks=all, 1 record/request, 16 in flight", recordsPerRequest: 1, concurrency: 16)
        try await run("acks=all, 100 records/request, sequential", recordsPerRequest: 100, concurrency: 1)

        let end = try await c.listOffset(topic: "bench", partition: 0)
        let t0 = Date()
        var offset: Int64 = 0, fetches = 0, empty = 0
        while offset < end {
            // Tansu may answer a fetch below the high watermark with no records (it stops reading when
            // max_wait_ms runs out); such answers are counted, and the fetch is repeated.
            let r = try await c.fetch(topic: "bench", partition: 0, offset: offset, maxWaitMs: 500, maxBytes: 1 << 20)
            fetches += 1
            guard let last = r.records.last else {
                empty += 1
                if empty > 1000 { print("fetch at \(offset) kept returning nothing below the end \(end)"); exit(1) }
                continue
            }
            offset = last.offset + 1
        }
        let dt = Date().timeIntervalSince(t0)
        print(String(format: "fetch (1 MiB max per request): %.0f records/s (%lld records in %d fetches, %d of them empty, %.2f s)",
                     Double(end) / dt, end, fetches, empty, dt))
        await c.close()
    }
}
