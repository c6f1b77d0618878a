// ResultsFolderCheck: `--results` must be a folder we can write, checked before anything starts.
import Foundation
import InputFiles

/// A results folder that is a file, or that cannot be created or written, is bad input (exit 2) with
/// one clear line, not the raw text of a failed createDirectory after the nodes were placed.
public enum ResultsFolderCheck {
    public static func check(_ path: String, flag: String = "--results") throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw bad(path, flag, "is a file, not a folder") }
            guard fm.isWritableFile(atPath: path) else { throw bad(path, flag, "the folder is not writable") }
            return
        }
        // It will be created: the nearest existing parent must be a writable folder.
        var parent = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        while !fm.fileExists(atPath: parent, isDirectory: &isDir) && parent != "/" {
            parent = (parent as NSString).deletingLastPathComponent
        }
        guard isDir.boolValue else { throw bad(path, flag, "cannot be created: \(parent) is a file, not a folder") }
        guard fm.isWritableFile(atPath: parent) else { throw bad(path, flag, "cannot be created: \(parent) is not writable") }
    }

    static func bad(_ path: String, _ flag: String, _ message: String) -> InputError {
        InputError(file: path, line: 0, field: flag, message: message)
    }
}
