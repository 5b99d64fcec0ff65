import FleetModel
import Foundation

/// A break-glass block's promise that it stays: while a hold exists for a SIM that the
/// manifests on `main` still declare active (or inactive), no plan or apply restores or
/// activates it. `simfleet break-glass` records one per blocked SIM in the repository
/// itself (an annotated tag, `simfleet/hold/ICC`), so every clone that fetches tags sees
/// it. A hold ends when the manifests declare the SIM blocked (`mark-applied` then
/// deletes it) or by `simfleet release-hold`.
public struct Hold: Sendable, Hashable {
    public var icc: ICC
    /// Why: what the person who broke the glass typed.
    public var reason: String
    /// Where it came from: the workflow run, or "local".
    public var run: String
    /// The branch that declares the block, for its pull request.
    public var branch: String
    /// Who broke the glass.
    public var by: String
    /// When, as RFC 3339 in UTC.
    public var at: String

    public init(icc: ICC, reason: String, run: String, branch: String, by: String, at: String) {
        self.icc = icc
        self.reason = Self.field(reason)
        self.run = Self.field(run)
        self.branch = Self.field(branch)
        self.by = Self.field(by)
        self.at = Self.field(at)
    }

    /// The tag that records it.
    public var tag: String { Self.tagPrefix + icc.digits }
    public static let tagPrefix = "simfleet/hold/"

    /// "held by break glass (run 4242 by walker, 2026-12-06T03:12:00Z: stolen, OPS-9; branch break-glass/4242)"
    public var summary: String {
        "held by break glass (run \(run) by \(by), \(at): \(reason); branch \(branch))"
    }

    /// The tag's message: a subject naming the SIM, then one `key: value` line each.
    public var message: String {
        """
        simfleet hold \(icc.digits)

        reason: \(reason)
        run: \(run)
        branch: \(branch)
        by: \(by)
        at: \(at)

        """
    }

    /// A tag's message read back, for the ICC its name gives. Anything can be in a tag a
    /// person pushed: unknown lines are ignored, values are cut to one bounded line, and a
    /// message that names another ICC is no hold of this one. A tag with no message (a
    /// lightweight one) still holds, with its reason unknown: a hold errs on the safe side.
    public static func parse(icc: ICC, message: String) -> Hold? {
        var fields: [String: String] = [:]
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).prefix(64).makeIterator()
        if let subject = lines.next(), subject.hasPrefix("simfleet hold ") {
            guard subject.dropFirst("simfleet hold ".count).trimmingCharacters(in: .whitespaces) == icc.digits else { return nil }
        }
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            guard ["reason", "run", "branch", "by", "at"].contains(key), fields[key] == nil else { continue }
            fields[key] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        return Hold(icc: icc, reason: fields["reason"] ?? "no reason recorded", run: fields["run"] ?? "unknown",
                    branch: fields["branch"] ?? "unknown", by: fields["by"] ?? "unknown", at: fields["at"] ?? "unknown")
    }

    /// One line of at most 300 characters, with no control characters.
    static func field(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !ControlCharacters.contains(scalar) {
            guard kept.count < 300 else { break }
            kept.append(scalar)
        }
        return String(kept).trimmingCharacters(in: .whitespaces)
    }
}
