// CampaignNight: the identity of tonight's campaign run: file hashes and the components' version commands.
import Foundation
import Store

/// CampaignNight builds the `NightIdentity` a campaign's records carry: the SHA-256 of the campaign file,
/// of it plus every pipeline, workload and nemesis file it names, and the output of each component's
/// `version:` command (run once, before the first test, from the current folder).
public enum CampaignNight {
    public static func identity(campaign: CampaignFile, label: String, faultlineVersion: String) -> NightIdentity {
        let read = { (p: String) in FileManager.default.contents(atPath: p) ?? Data() }
        var inputs = read(campaign.path)
        for e in campaign.pipelines + campaign.workloads + campaign.nemeses {
            // The path is part of the hash too: the same bytes under another name are another input.
            inputs.append(Data("\u{0}\(e.path)\u{0}".utf8))
            inputs.append(read(e.path))
        }
        var versions: [ComponentVersion] = []
        for p in campaign.pipelines {
            guard let file = try? PipelineFile.load(path: p.path) else { continue }
            for c in file.components {
                guard let cmd = c.versionCommand else { continue }
                versions.append(ComponentVersion(pipeline: p.name, component: c.name, command: cmd, version: run(cmd)))
            }
        }
        return NightIdentity(label: label, campaignSHA256: SHA256.hex(read(campaign.path)), inputsSHA256: SHA256.hex(inputs),
                             faultlineVersion: faultlineVersion, components: versions)
    }

    /// The trimmed output (stdout, then stderr: some tools print their version there) of `/bin/sh -c cmd`,
    /// at most 1,000 characters; "exit N: …" when it fails, "timed out" after 10 s (the process is killed).
    static func run(_ cmd: String, timeout: Double = 10) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", cmd]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return "cannot run: \(error)" }
        final class Box: @unchecked Sendable { var data = Data() }
        let o = Box(), e = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { o.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { e.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        var timedOut = false
        if p.isRunning {
            timedOut = true
            kill(p.processIdentifier, SIGKILL)
        }
        p.waitUntilExit()
        // A grandchild may keep the pipes open after a kill: do not wait for it forever.
        _ = group.wait(timeout: .now() + 2)
        let text = { (d: Data) in String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        var s = text(o.data)
        if s.isEmpty { s = text(e.data) }
        s = String(s.prefix(1000))
        if timedOut { return "timed out after \(Int(timeout)) s" + (s.isEmpty ? "" : ": " + s) }
        if p.terminationStatus != 0 { return "exit \(p.terminationStatus)" + (s.isEmpty ? "" : ": " + String(s.prefix(200))) }
        return s
    }
}
