/// A stable name for a kind of problem, such as `SF-ICC-CHECKDIGIT`: the message may be
/// reworded, the code keeps its meaning, so CI, editors and tests key on it. This is the
/// registry of codes, as rustc keeps its error codes in one place; each message is
/// written once, beside the rule that emits it. The README lists every case, and a test
/// keeps the two in step.
public enum DiagnosticCode: String, CaseIterable, Sendable, Comparable {
    // Files and ICCs, wherever they are read

    /// A file simfleet must read is missing, unreadable, not a regular file, or too large.
    case fileRead = "SF-FILE-READ"
    /// A file simfleet must write could not be written.
    case fileWrite = "SF-FILE-WRITE"
    /// An ICC's last digit is not its Luhn check digit.
    case iccCheckDigit = "SF-ICC-CHECKDIGIT"
    /// An ICC holds a character that is not a digit.
    case iccDigits = "SF-ICC-DIGITS"
    /// One ICC declared by two entries, or seeded twice (the note points at the first).
    case iccDuplicate = "SF-ICC-DUPLICATE"
    /// An ICC has fewer than 18 or more than 20 digits.
    case iccLength = "SF-ICC-LENGTH"
    /// A SIM entry or record without an ICC.
    case iccMissing = "SF-ICC-MISSING"

    // YAML, for manifests, settings and seed files (YAML)

    /// A key written twice in one mapping.
    case keyDuplicate = "SF-KEY-DUPLICATE"
    /// A key that is not plain text.
    case keyNotText = "SF-KEY-NOT-TEXT"
    /// A key simfleet does not know, with the nearest known one when there is one.
    case keyUnknown = "SF-KEY-UNKNOWN"
    /// Nesting deeper than simfleet reads.
    case yamlDepth = "SF-YAML-DEPTH"
    /// The file is not UTF-8.
    case yamlEncoding = "SF-YAML-ENCODING"
    /// The file is not valid YAML (libyaml's own message, at its position).
    case yamlSyntax = "SF-YAML-SYNTAX"
    /// An anchor, alias or explicit tag: left out on purpose, so no file expands anything.
    case yamlUnsupported = "SF-YAML-UNSUPPORTED"

    // Manifests and simfleet.yaml (Manifests)

    /// A callback URL that is not an absolute https URL (or http to loopback).
    case callbackURL = "SF-CALLBACK-URL"
    /// `blastRadius` holds a value out of range.
    case configBlastRadius = "SF-CONFIG-BLASTRADIUS"
    /// A `policy` rule's `freeze` names an unknown day or time zone, or a time that is not HH:MM.
    case configFreeze = "SF-CONFIG-FREEZE"
    /// A `policy` rule is malformed: no name or a repeated one, an unknown action or mode,
    /// a `match` that is not labels, or a `maxSteps` that is not a positive number.
    case configPolicy = "SF-CONFIG-POLICY"
    /// simfleet.yaml is not one mapping.
    case configShape = "SF-CONFIG-SHAPE"
    /// `statusMap` is malformed, or maps one status word to two states.
    case configStatusMap = "SF-CONFIG-STATUSMAP"
    /// A link that leads outside the repository, not followed.
    case linkOutside = "SF-LINK-OUTSIDE"
    /// A document, SIM entry or value of the wrong kind (a list where a mapping belongs).
    case manifestShape = "SF-MANIFEST-SHAPE"
    /// A file or folder name that is not UTF-8, so no plan could name it.
    case nameNotUTF8 = "SF-NAME-NOT-UTF8"
    /// A manifest path under which no file declares a SIM.
    case noSIMs = "SF-NO-SIMS"
    /// `protect: true` with `state: terminated`, which no run can satisfy.
    case protectTerminated = "SF-PROTECT-TERMINATED"
    /// A SIM with no `state:`, on the entry or under `defaults:`.
    case stateMissing = "SF-STATE-MISSING"
    /// A state that is not active, blocked, inactive or terminated.
    case stateUnknown = "SF-STATE-UNKNOWN"
    /// A key written with no value.
    case valueMissing = "SF-VALUE-MISSING"
    /// A value of the wrong type (text where true or false belongs, and so on).
    case valueType = "SF-VALUE-TYPE"
    /// A manifest version this simfleet does not read.
    case versionUnsupported = "SF-VERSION-UNSUPPORTED"

    // Plans, targets and allowances (Planning)

    /// `--allow-terminate` names a SIM its manifest does not declare `state: terminated`.
    case allowTerminateNotDeclared = "SF-ALLOW-TERMINATE-NOT-DECLARED"
    /// `--allow-terminate` names a protected SIM.
    case allowTerminateProtected = "SF-ALLOW-TERMINATE-PROTECTED"
    /// `--allow-terminate` names an ICC no manifest declares.
    case allowTerminateUndeclared = "SF-ALLOW-TERMINATE-UNDECLARED"
    /// A plan file written by another simfleet's format (older or newer).
    case planFormat = "SF-PLAN-FORMAT"
    /// A plan file whose fields are out of range or inconsistent.
    case planInvalid = "SF-PLAN-INVALID"
    /// Not a simfleet plan file at all.
    case planNotAPlan = "SF-PLAN-NOT-A-PLAN"
    /// A saved plan holds a step a fresh plan from the manifests could not contain (an
    /// edited file, a protected termination, a wrong wave); nothing is sent.
    case planUnauthorized = "SF-PLAN-UNAUTHORIZED"
    /// The targets and labels match nothing.
    case targetNoMatch = "SF-TARGET-NO-MATCH"
    /// `--target` names an ICC no manifest in scope declares.
    case targetUndeclared = "SF-TARGET-UNDECLARED"

    // Simulator seed files (NexConSimulator)

    /// A seed file or record of the wrong shape.
    case seedShape = "SF-SEED-SHAPE"

    // Commands (the executable)

    /// An `import --csv` column that the header does not have.
    case csvColumn = "SF-CSV-COLUMN"
    /// An `import --csv` file that is not CSV simfleet can read.
    case csvInvalid = "SF-CSV-INVALID"
    /// `import --out` names a file that exists, without `--force`.
    case outputExists = "SF-OUTPUT-EXISTS"
    /// The manifests changed since the saved plan was made.
    case planStale = "SF-PLAN-STALE"
    /// A saved plan made against another API (or the simulator) than this apply's.
    case planTarget = "SF-PLAN-TARGET"
    /// `mark-applied --report` names a file that is not `apply --format json`'s report.
    case reportInvalid = "SF-REPORT-INVALID"
    /// `set` cannot make this edit safely in place; edit the file by hand.
    case setNotEditable = "SF-SET-NOT-EDITABLE"
    /// `set` names an ICC no manifest declares.
    case setUndeclared = "SF-SET-UNDECLARED"
    /// `break-glass` cannot block a SIM as asked (not active, denied by a rule, protected
    /// from the edit); nothing is sent.
    case breakGlass = "SF-BREAK-GLASS"
    /// The break-glass holds (tags `simfleet/hold/*`) cannot be read; nothing is sent.
    case gitHolds = "SF-GIT-HOLDS"

    public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.rawValue < b.rawValue }
}
