import FleetModel

/// Writing a plan file: the JSON `plan --out` saves and `show` reads back, from the one
/// description of its schema in PlanFile+Document.
extension PlanFile {
    public func encoded() -> String {
        var w = JSONWriter(reservingCapacity: 512 + plan.sims.count * 200 + plan.steps.count * 240)
        w.schemaValue(Document(self))
        w.newline()
        return w.string
    }
}

/// The plan file's parts that apply's report and the journal write too, from the same types.
extension JSONWriter {
    public mutating func value(_ issue: PlanIssue) { schemaValue(PlanFile.Issue(issue)) }
    public mutating func value(_ verdict: RuleVerdict) { schemaValue(PlanFile.Verdict(verdict)) }
    public mutating func value(_ declared: Declaration) { schemaValue(PlanFile.Declared(declared)) }
    public mutating func value(_ target: PlanTarget) { schemaValue(PlanFile.Document.Target(kind: target.kind.rawValue, url: target.url)) }

    /// These types hold no dictionary but `[String: String]`, so writing them cannot fail.
    mutating func schemaValue(_ value: some Encodable) {
        do {
            try self.value(encoding: value)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}
