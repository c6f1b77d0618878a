// Which file a `faultline serve` request path names, and how to label it for a browser.
import Foundation

/// ServedFile maps a request path to a regular file inside the served folder, or says why not.
/// The folder holds logs and histories written by the systems under test, so the rules are strict:
/// the path is percent-decoded once, may not hold NUL or other control bytes or a `..` component,
/// and the file's resolved path (all symlinks followed) must stay inside the folder's resolved
/// path; otherwise a link planted in a run folder would serve any file the user can read.
struct ServedFile {
    enum Refusal: Error, Equatable {
        case badPath, notFound
    }

    /// The folder's resolved path (symlinks followed), without a trailing slash.
    let root: String

    init(folder: String) {
        root = ServedFile.resolve(folder) ?? URL(fileURLWithPath: folder).standardizedFileURL.path
    }

    /// The resolved path of the file to send for `requestPath` (the URL path, still encoded,
    /// query included or not).
    func file(for requestPath: String) -> Result<String, Refusal> {
        let raw = requestPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard let decoded = raw.removingPercentEncoding else { return .failure(.badPath) }
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return .failure(.badPath) }
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0 == ".." || $0 == "." }) { return .failure(.badPath) }
        var candidate = root
        for p in parts { candidate += "/" + p }
        guard let resolved = ServedFile.resolve(candidate), isInside(resolved) else { return .failure(.notFound) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir) else { return .failure(.notFound) }
        if !isDir.boolValue { return .success(resolved) }
        // A folder: its index.html, under the same rule (it may be a link too).
        guard let index = ServedFile.resolve(resolved + "/index.html"), isInside(index),
            FileManager.default.fileExists(atPath: index, isDirectory: &isDir), !isDir.boolValue
        else { return .failure(.notFound) }
        return .success(index)
    }

    private func isInside(_ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// realpath(3): nil when the path or a link on the way does not exist.
    static func resolve(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// An explicit type for every file, so that a browser never sniffs a log holding markup
    /// as HTML. Anything not listed is an opaque download.
    static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "png": return "image/png"
        case "log", "jsonl", "yml", "yaml", "edn", "txt", "xml", "csv", "md": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    /// Our pages have no script: a sandbox with nothing allowed but their own inline styles,
    /// images and links, so a hostile file can never run code on the served origin.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"
}
