/// The environment of every program simfleet starts: an allowlist, not a denylist, so no
/// credential reaches a child whatever its name (`NEXCON_API_KEY`, `GITHUB_TOKEN`, a
/// runner's own tokens), and no variable that redirects what a program reads or runs
/// (`GIT_DIR`, `GIT_EXTERNAL_DIFF`, `GIT_SSH_COMMAND`, `LD_PRELOAD`) is passed on.
public enum ChildEnvironment {
    /// Passed through as set: where programs are, the user's own configuration, and a
    /// place for temporary files.
    public static let passed: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "XDG_CONFIG_HOME",
        // These only narrow what git reads: less configuration, no search above a folder.
        "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES",
        // Who a commit or tag simfleet makes is by (break glass): names, not secrets.
        "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
    ]

    /// `environment` reduced to the allowlist, with `fixed` set over it.
    public static func make(from environment: [String: String], fixed: [String: String] = [:]) -> [String: String] {
        var child = environment.filter { passed.contains($0.key) }
        // Messages and dates in one language, so nothing depends on the user's locale.
        child["LC_ALL"] = "C"
        child["LANG"] = "C"
        child.merge(fixed) { $1 }
        return child
    }
}
