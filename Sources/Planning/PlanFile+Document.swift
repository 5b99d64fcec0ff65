import FleetModel

/// The plan file's schema, described once: JSONDecoder reads it (`decode`) and
/// JSONWriter writes it (`encoded`), both from these types. Values are kept as the file
/// spells them; `PlanFile.decode` checks them and builds the plan.
extension PlanFile {
    struct Document: Codable {
        struct Version: Decodable { var formatVersion: Int }
        struct Target: Codable { var kind: String; var url: String }
        struct Scope: Codable {
            var paths: [String]
            var targets: [String]
            var labels: [String: String]
            var shard: String?
            /// Written for readers; recomputed from the rest when read.
            var partial: Bool?
            var unselected: Int
            var changedSince: Base?
        }
        struct Base: Codable {
            struct Origin: Codable { var icc: String; var origin: String; var commit: String?; var subject: String? }
            struct Removed: Codable { var icc: String; var name: String?; var source: Location }
            var ref: String
            var mergeBase: String
            var unchanged: Int
            var settingsChange: String?
            var pullRequestBase: String?
            var origins: [Origin]?
            var removed: [Removed]
        }
        struct Summary: Codable {
            var managed, activate, block, restore, terminate, refused, unchanged, errors, pending: Int
        }
        struct Radius: Codable {
            var disruptive: Int
            var managed: Int
            var percent: Double
            var minimum: Int
            var exceeded: Bool?
        }
        struct Explained: Codable { var unavailable: String? }
        /// The rules that caught steps, in the order they first catch one; for readers.
        struct RuleCount: Codable { var rule: String; var denied, warned, frozen: Int }
        struct SavedHold: Codable { var icc, reason, run, branch, by, at: String }
        /// Fields in the order the file spells them (declaration order is the written order).
        struct SavedStep: Codable {
            var icc: String; var name: String?; var action, from, to: String; var wave: Int; var refused: Bool
            var reason, note, manifestNote, callbackUrl: String?; var protect: Bool
            var source: Location; var policy: [Verdict]; var declared: Declared?
        }
        struct SavedSIM: Codable {
            var icc: String; var name: String?; var desired: String; var observed, live: String?; var outcome: String
            var source: Location; var declared: Declared?
        }

        var formatVersion: Int
        var simfleetVersion: String
        var target: Target
        var manifestDigest: String
        var fileDigests: [String: String]?
        var scope: Scope
        var summary: Summary
        var blastRadius: Radius
        var explanations: Explained
        var policy: [RuleCount]?
        /// Shown by `show`; apply reads the holds from the repository, never from here.
        var holds: [SavedHold]?
        var steps: [SavedStep]
        var sims: [SavedSIM]
        var errors: [Issue]
        var warnings: [Issue]
    }

    /// `{"path", "line", "column"}`, or the path alone for a whole file (line 0).
    struct Location: Codable {
        var path: String
        var line: Int?
        var column: Int?

        init(_ location: SourceLocation) {
            path = location.path
            (line, column) = location.line > 0 ? (location.line, location.column) : (nil, nil)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            guard let line else { return }
            try container.encode(line, forKey: .line)
            try container.encode(column ?? 0, forKey: .column)
        }
    }

    /// A policy verdict, in the plan file and the journal.
    struct Verdict: Codable {
        var rule: String
        var effect: String
        var reason: String
        init(_ verdict: RuleVerdict) { (rule, effect, reason) = (verdict.rule, verdict.effect.rawValue, verdict.reason) }
    }

    /// Where a SIM's state was declared and by which commit: the plan file's and the journal's `declared`.
    struct Declared: Codable {
        var source: Location
        var committed: Bool
        var commit: String?
        var author: String?
        /// Written for readers; `authorTime` and `authorZone` are what is read.
        var date: String?
        var authorTime: Int64?
        var authorZone: String?
        var subject: String?
        var pullRequest: Int?

        init(_ declared: Declaration) {
            source = Location(declared.line)
            committed = declared.commit != nil
            guard let commit = declared.commit else { return }
            (self.commit, author, date, authorTime) = (commit.id, commit.author, commit.date, commit.authorTime)
            (authorZone, subject, pullRequest) = (commit.authorZone, commit.subject, commit.pullRequest)
        }
    }

    /// An error or warning about a SIM, in the plan file and apply's report.
    struct Issue: Codable {
        var icc: String?
        var name: String?
        var source: Location?
        var message: String
        init(_ issue: PlanIssue) {
            (icc, name, source, message) = (issue.icc?.description, issue.name, issue.location.map(Location.init), issue.message)
        }
    }
}

extension PlanFile.Document {
    /// The document for a plan file, field for field.
    init(_ file: PlanFile) {
        let plan = file.plan, scope = file.scope, declared = plan.explanations.declared
        formatVersion = PlanFile.formatVersion
        simfleetVersion = file.simfleetVersion
        target = Target(kind: file.target.kind.rawValue, url: file.target.url)
        manifestDigest = file.manifestDigest
        fileDigests = file.fileDigests
        self.scope = Scope(
            paths: scope.paths, targets: scope.targets.map(\.description), labels: scope.labels, shard: scope.shard?.description,
            partial: scope.isPartial, unselected: scope.unselected,
            changedSince: scope.changedSince.map { base in
                Base(ref: base.ref, mergeBase: base.mergeBase, unchanged: base.unchanged, settingsChange: base.settingsChange,
                     pullRequestBase: base.pullRequestBase,
                     origins: base.origins.sorted(by: { $0.key < $1.key }).map { icc, origin in
                         switch origin {
                         case .pullRequest: Base.Origin(icc: icc.description, origin: "pull-request")
                         case .drift: Base.Origin(icc: icc.description, origin: "drift")
                         case .mergedEarlier(let commit, let subject):
                             Base.Origin(icc: icc.description, origin: "merged-earlier", commit: commit, subject: subject)
                         }
                     },
                     removed: base.removed.map { Base.Removed(icc: $0.icc.description, name: $0.name, source: .init($0.location)) })
            })
        let s = plan.summary, radius = plan.blastRadius
        summary = Summary(managed: s.managed, activate: s.activate, block: s.block, restore: s.restore, terminate: s.terminate,
                          refused: s.refused, unchanged: s.unchanged, errors: s.errors, pending: s.pending)
        blastRadius = Radius(disruptive: radius.disruptive, managed: radius.managed, percent: radius.limit.percent,
                             minimum: radius.limit.minimum, exceeded: radius.exceeded)
        explanations = Explained(unavailable: plan.explanations.unavailable)
        policy = Self.ruleCounts(plan.steps)
        holds = plan.holds.map { SavedHold(icc: $0.icc.description, reason: $0.reason, run: $0.run, branch: $0.branch, by: $0.by, at: $0.at) }
        steps = plan.steps.map { step in
            SavedStep(icc: step.icc.description, name: step.name, action: step.action.rawValue, from: step.from.rawValue,
                      to: step.to.rawValue, wave: step.wave, refused: step.refused, reason: step.reason, note: step.note,
                      manifestNote: step.manifestNote, callbackUrl: step.callbackURL, protect: step.protect,
                      source: .init(step.location), policy: step.verdicts.map(PlanFile.Verdict.init),
                      declared: declared[step.icc].map(PlanFile.Declared.init))
        }
        sims = plan.sims.map { sim in
            SavedSIM(icc: sim.icc.description, name: sim.name, desired: sim.desired.rawValue, observed: sim.observed,
                     live: sim.live?.rawValue, outcome: sim.outcome.rawValue, source: .init(sim.location),
                     declared: declared[sim.icc].map(PlanFile.Declared.init))
        }
        errors = plan.errors.map(PlanFile.Issue.init)
        warnings = plan.warnings.map(PlanFile.Issue.init)
    }

    private static func ruleCounts(_ steps: [Step]) -> [RuleCount] {
        var order: [String] = []
        var counts: [String: RuleCount] = [:]
        for verdict in steps.lazy.flatMap(\.verdicts) {
            if counts[verdict.rule] == nil {
                order.append(verdict.rule)
                counts[verdict.rule] = RuleCount(rule: verdict.rule, denied: 0, warned: 0, frozen: 0)
            }
            switch verdict.effect {
            case .deny: counts[verdict.rule]!.denied += 1
            case .warn: counts[verdict.rule]!.warned += 1
            case .freeze: counts[verdict.rule]!.frozen += 1
            }
        }
        return order.map { counts[$0]! }
    }
}
