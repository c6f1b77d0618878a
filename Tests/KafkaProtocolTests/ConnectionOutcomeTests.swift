// Connection outcomes against a real broker process: refused = not sent; timeout or a lost connection
// with the request written = outcome unknown; a request on a closed connection = not sent.
import Foundation
import Supervisor
import Testing
@testable import KafkaProtocol

@Suite struct RefusedConnectionTests {
    @Test func refusedConnectionIsNotSent() async throws {
        let port = try PortAllocator.shared.allocate()  // free, and nobody listens on it
        do {
            _ = try await KafkaConnection.connect(host: "127.0.0.1", port: port)
            Issue.record("connected to a port nobody listens on")
        } catch let e as KafkaClientError {
            #expect(e.certainlyNotApplied, "\(e)")
        }
    }
}

@Suite(.enabled(if: TansuInstall.path != nil, Comment(rawValue: TansuInstall.missing)))
struct ConnectionOutcomeTests {
    @Test func pausedBrokerTimesOutAsOutcomeUnknownAndTheConnectionStaysUsable() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("pause", partitions: 1)
        try broker.pause()
        do {
            _ = try await client.bootstrap.send(ProduceRequest(acks: -1, timeoutMs: 1000, topics: [.init(name: "pause", partitions: [
                .init(index: 0, records: RecordBatch.make([(nil, Array("while paused".utf8), [])], timestamp: 1).encoded)])]),
                                                timeout: .milliseconds(300))
            Issue.record("a paused broker answered")
        } catch let e as KafkaClientError {
            guard case .outcomeUnknown = e else { Issue.record("expected outcome unknown, got \(e)"); try? broker.resume(); return }
        }
        try broker.resume()
        // The produce written before the pause may still land (it did reach the socket): the next
        // request on the same connection is answered, and the log holds 0 or 1 records, never more.
        let r = try await client.fetch(topic: "pause", partition: 0, offset: 0)
        #expect(r.records.count <= 1)
        #expect(try await client.listOffset(topic: "pause", partition: 0) == Int64(r.records.count))
    }

    @Test func killedBrokerFailsOutstandingAsUnknownThenLaterRequestsAsNotSent() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("kill", partitions: 1)
        try broker.pause()
        let before = try await client.bootstrap.requestsWritten()
        async let outstanding: FetchResponse = client.bootstrap.send(FetchRequest(maxWaitMs: 10, minBytes: 1, maxBytes: 1000, isolationLevel: .readUncommitted,
                                                                                  topics: [.init(topic: "kill", partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1000)])]),
                                                                     timeout: .seconds(30))
        // Kill only once the request is on the wire (the broker is stopped, so it cannot have answered).
        let writeDeadline = Date().addingTimeInterval(10)
        while try await client.bootstrap.requestsWritten() == before, Date() < writeDeadline { try await Task.sleep(for: .milliseconds(10)) }
        _ = try broker.supervisor.kill(TansuBroker.name)
        do {
            _ = try await outstanding
            Issue.record("a killed broker answered")
        } catch let e as KafkaClientError {
            guard case .outcomeUnknown = e else { Issue.record("expected outcome unknown, got \(e)"); return }
        }
        // Wait for the connection to notice it is closed (the kill above already closed the socket).
        let deadline = Date().addingTimeInterval(10)
        while client.bootstrap.isActive && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        do {
            _ = try await client.metadata(topics: nil)
            Issue.record("a request on a closed connection succeeded")
        } catch let e as KafkaClientError {
            #expect(e.certainlyNotApplied, "\(e)")
        }
    }
}
