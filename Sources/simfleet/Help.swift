// What each command's --help says beyond its options: the reference that used to fill
// the README, kept beside the commands it describes.
enum Help {
    static let plan = #"""
        Reads the manifests (default manifests), asks NexCon for the live /status of every SIM they name, and prints the plan. It sends no action.

          $ swift run simfleet plan --simulator
          Made against the NexCon simulator at http://127.0.0.1:PORT, not the real API.

          Wave 1:
            ~ block     89450100250731070026  truck-045       active → blocked  # stolen 2026-11-02, ticket OPS-1234
            ~ restore   89450100250731069754  truck-042       blocked → active
            ~ restore   89450100250731070778  truck-048       blocked → active
            ~ restore   89460200311200044120  meter-kbh-0001  blocked → active
            ~ restore   89460200311200044377  meter-kbh-0003  blocked → active
            + activate  89450100250731069937  truck-044       inactive → active
            + activate  89450100250731070513  truck-019       inactive → active  (activated first so it can be blocked: the SIM is briefly live)  # lost in transit, ticket OPS-1240
            + activate  89450100250731070893  truck-049       inactive → active

          Wave 2:
            ~ block     89450100250731070513  truck-019       active → blocked  # lost in transit, ticket OPS-1240

          Wave 3 (terminations, last):
            - terminate 89450100250731070380  truck-012       blocked → terminated  REFUSED, not allowed: run apply with --allow-terminate 89450100250731070380 (the terminate workflow)  # truck scrapped 2026-10, ticket OPS-1188

          Plan: 3 to activate, 2 to block, 4 to restore, 1 to terminate (1 refused).

        (That is the first run on a fresh checkout: the embedded simulator derives the live states from the ICCs. It keeps its state in .simfleet/simulator.json, so after swift run simfleet apply --simulator --auto-approve the next plan shows only the refused termination; delete that file to start over.)

        A manifest's note: follows its steps (# stolen 2026-11-02, ticket OPS-1234), in text, in the markdown's note column and as manifestNote in the JSON.

        How live states become steps. A SIM's first step is in wave 1 and its second in wave 2; inside a wave blocks come first (cutting traffic on a lost SIM is the urgent case), then restores, then activations, each by ICC; every termination comes last, in a wave of its own. The same input always gives byte-identical output.

          inactive | active | activate
          inactive | blocked | activate, then block (noted: the SIM is briefly live)
          active | blocked | block
          blocked | active | restore
          inactive, active or blocked | terminated | terminate
          equal | equal | none
          terminated | anything else | error: a termination cannot be undone
          active or blocked | inactive | error: no NexCon call makes a SIM inactive again
          a job running | any | no step: "job in progress, re-run later"

        Terminations are planned only for an explicit state: terminated (removing a SIM from the manifests only stops managing it), and are refused unless the run has --allow-terminate ICC (repeatable) or --allow-terminate all. protect: true refuses them whatever the flags say.

        Warnings. expect: facts that the live status contradicts are drift warnings (a mapping must be a subset of the live one, a list must be contained in it).

        Blast radius. Disruptive steps are every block and every termination that is not protected, *including terminations this run refuses for want of --allow-terminate*: apply could be given that flag, so the plan shows the verdict apply will enforce. When they exceed 10% of the managed SIMs (every SIM the manifests read declare, also when the plan covers only some of them) and number at least 5, the plan warns that apply will need --force (both numbers are set in simfleet.yaml).

        Policy rules. simfleet.yaml's policy: rules (deny, maxSteps, requireNote, freeze, each for the SIMs whose labels match, in deny or warn mode) are evaluated by every plan: each step carries its verdicts, a denied step is refused with the rule's name and reason, and every format lists the rules' denied and warned steps under their names (the markdown at its top; github as annotations titled policy: NAME). A freeze is judged when apply runs; the plan lists the steps it covers.

        Live status words. NexCon documents only ACTIVATED; simfleet reads, without regard to case: active ACTIVATED, ACTIVE; blocked BLOCKED, SUSPENDED; inactive INACTIVE, NOT_ACTIVATED, NEW, READY; terminated TERMINATED, CANCELLED; a job running ACTIVATING, BLOCKING, RESTORING, TERMINATING, PENDING, PROCESSING. Any other word is an error for that SIM ("unrecognised live status"), never a guess.

          --format text|markdown|json|github: text (default; colour only on a terminal, never with NO_COLOR), markdown for a pull-request comment (summary table first, steps grouped by action with each manifest's note:, long groups folded, never over 65,000 characters: groups that do not fit are left out whole and named, with where the full plan is), JSON, or github: each per-SIM error and warning as a workflow annotation (::error file=,line=,col=::) at its manifest entry, then the summary
          --no-step-summary: when GITHUB_STEP_SUMMARY names a file (GitHub Actions), plan appends its full markdown to it, up to the 1 MiB GitHub shows a step; this turns that off. A file that cannot be written is a warning, never a failure
          --out FILE: also save the JSON plan (the same bytes as --format json): its scope (manifest paths, targets, labels, shard), a SHA-256 digest of the resolved manifests in scope (over a versioned canonical form of its own, so no output format can change it), the steps, every SIM's observed status, errors and warnings, the target API and simfleet's version; no secrets. Only a regular file (or a new one) is written: a device, a FIFO or a folder there is an error, never replaced
          --detailed-exitcode: exit 2 when the manifests and the fleet differ, refused terminations and SIMs with a job in progress included (a drift check must see them)
          --comment-key KEY: the markdown starts with the hidden line <!-- simfleet:plan:KEY --> instead of <!-- simfleet:plan -->, so CI can find and edit one comment per manifest folder (letters, digits, ., _, -)
          --pr-comment: post the markdown as the pull request's one comment carrying the marker, edited in place on later runs and headed by the commit; when simfleet stops before planning (invalid manifests, a bad key), the comment shows the errors instead, so no stale plan survives a push. Reads GITHUB_TOKEN (or --github-token-file FILE), GITHUB_REPOSITORY, GITHUB_EVENT_PATH (or --pull-request N) and GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3). Only comments by --github-identity LOGIN (default github-actions[bot], the Actions token's) are edited; other people's, even with the marker, are left alone. Every page of comments is read (Link headers, only within the API's origin); no redirect is followed; plain http only to loopback. A failure to post is one warning line (401, 403, 404, 422, rate limits with when to retry, the network) and never changes the exit status; the token is redacted even when GitHub repeats it. In a GitLab CI job (GITLAB_CI=true) the note goes to the merge request instead: GITLAB_TOKEN (or --gitlab-token-file FILE; a project access token with the api scope, since CI_JOB_TOKEN cannot write notes), CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID (or --pull-request IID), the head commit from CI_MERGE_REQUEST_SOURCE_BRANCH_SHA or CI_COMMIT_SHA; only notes by the token's own user (GET /user) are edited, every page is read (Link, else X-Next-Page, within the API), a 429 is waited out when Retry-After asks for at most 60 s, and the budget is GitLab's 1,000,000 characters
          --drift-issue: keep the one open issue labelled --drift-label (default simfleet-drift) and carrying the marker: opened or updated while the fleet differs, listing every differing SIM; updated to say so when simfleet could not plan at all; closed with a comment when the fleet matches. Same environment and warnings as --pr-comment
          --changed-since REF: plan only the SIMs whose desired state changed since the commit HEAD shares with REF, at that commit or any commit since (see below); needs git
          --pull-request-base REF: with --changed-since simfleet/applied, in a pull request: mark each step as this pull request's (commits HEAD has and REF, the branch it goes into, does not) or as merged earlier and not applied yet, with the commit and its subject, and say how many of each there are
          --target ICC, --target-file FILE, --label key=value: plan a subset (repeatable; labels must all match); every format then says the plan is partial and how many SIMs it left out
          --shard K/N: plan one Nth of the fleet, chosen by a hash of each ICC (FNV-1a), so N runs cover every SIM exactly once whatever else the manifests hold; for a nightly drift check too large for one job. Every format says which shard
          --allow-terminate ICC|all: allow terminations (repeatable)
          --simulator: use an embedded simulator instead of the real API; every format says so
          --api-url URL: else NEXCON_API_URL, else https://app.nexcon.io; plain http:// only to loopback; a user:password@, a ?query or a #fragment in it is refused, since a token there would end up in plan files and import headers
          --api-key-file FILE: else NEXCON_API_KEY; a file or a pipe (<(vault read ...)), UTF-8, a BOM and CRLF allowed; a warning if other users can read it. A key with control characters is refused before anything is sent
          --max-retry-wait DURATION: the longest wait a Retry-After may ask for (default 60s)
          --ca-file FILE: also trust these PEM CA certificates (a proxy that inspects TLS); SSL_CERT_FILE adds one too. Proxies: HTTPS_PROXY (http://[user:password@]host[:port], https tunnelled with CONNECT, so the key stays inside TLS), HTTP_PROXY and NO_PROXY (hosts, domains, addresses, CIDR ranges, or *), lowercase forms first, as curl reads them; loopback is always direct; the proxy's credentials are never printed, and a proxy variable that cannot be used stops the run before anything is sent
          --max-manifest-size MiB: refuse manifest files larger than this (default 64)
          --follow-external-links: follow links in the manifests that lead outside their repository (the nearest folder above with .git, else the folder holding the path); by default each is an error at the link, since a pull request could otherwise read the runner's files and see them in annotations
          --parallelism N: requests in flight and pooled connections (default 16)
          --rate N: at most N requests per second
          --config FILE: settings file (default simfleet.yaml if present), with statusMap, blastRadius and policy rules
          --explain / --no-explain: name under each text step the commit, author, date, pull request and deciding manifest line (with --changed-since, one walk of the history since the base, git log -p; otherwise, and for what the walk cannot prove, git blame, one process per manifest file with changes); on by default for markdown (a declared column), json (declared objects), --out, the step summary and GitHub posting
          --no-progress: no progress line (shown on standard error only when it is a terminal)

        Exit status, for plan (--detailed-exitcode adds 2):

          0: the plan was made; without --detailed-exitcode, whether or not it has changes
          1: no plan: bad manifests, settings, flags, key or ref (nothing was planned, nothing sent)
          2: with --detailed-exitcode: the manifests and the fleet differ, and there are no errors. Refused terminations count: the only difference may be a termination nobody allowed, and a drift check must see it. So does a SIM with a job in progress: it is not converged until it settles, and the plan lists it ("Not converged: no steps, but 1 SIM has a job in progress"); and so does a SIM a break-glass hold keeps blocked
          5: planned, but some SIMs could not be: not found, unreadable, an unknown status word, or a state they cannot reach. The rest of the plan is shown and --out is written with the errors; apply of that file carries out the valid steps and exits 3, so one broken SIM never stops a repair

        The markdown starts with a hidden marker line, <!-- simfleet:plan -->, that CI can look for to edit its one comment in place; a plan without changes is that line and one more.

        Outside text. Names, notes and states from manifests, and everything NexCon says, are shown inert in every format: control characters appear escaped (\u{1B}) in text; markdown escapes |, <, >, backticks, @ mentions, autolinked URLs and line breaks in every cell; GitHub annotations percent-encode %, CR and LF. Text taken from NexCon's answers (error bodies, status words, job ids, facts) has the API key redacted (bearer [redacted]), control characters removed and is cut to 200 characters before it is stored, printed or journaled, so a server that repeats the Authorization header cannot leak the key.

        Talking to NexCon. The first status request goes alone; simfleet fans out only once it succeeds, so a wrong key or URL costs one call. 401 and 403 end the run at once with one message about the key or the IP allowlist. 404 is "ICC not found in this account" for that SIM. Timeouts, connection errors, 5xx and 429 are retried with exponential backoff and full jitter; Retry-After is honoured in the two forms RFC 9110 allows (seconds, or an HTTP date; anything else is ignored), up to --max-retry-wait (default 60s; a longer wait asked for is cut, and the run says so), and a 429 pauses and slows every worker, not just the one refused. When NexCon declares X-RateLimit-Limit, simfleet paces itself just under it. A redirect ends the run with "NexCon redirected to LOCATION; simfleet does not follow redirects", so the key cannot be sent elsewhere. MSISDNs are never shown in full: only their last four digits.

        Requests use HTTP/1.1 with keep-alive, at most --parallelism connections (and never more than the file descriptors left: simfleet raises its soft ulimit -n to the hard limit at start, and a tight limit slows the sweep rather than crashing it), each request bounded by a 30 s deadline and each answer by 1 MB. An https:// URL whose server does not answer the TLS handshake within 3 s (a plain-http port, most likely) ends the run with that message at once, and TLS errors name the reason without internal paths. https certificates are verified against the system's trust store; a certificate that fails verification ends the run with one message and is not retried. The key is sent only after the TLS handshake.

        PLANS THAT COST WHAT THE CHANGE COSTS: --CHANGED-SINCE REF

        NexCon has no bulk endpoint, so a full plan reads every SIM's status: at 20 requests a second, 100,000 SIMs take 83 minutes. A pull request that blocks three stolen trackers should cost three calls, and with --changed-since it does:

          simfleet plan --changed-since origin/main     # in a pull request: what this branch changes
          simfleet apply --changed-since simfleet/applied --auto-approve   # on main: what changed since the last good apply

        - What counts as changed. simfleet finds the merge-base of REF and HEAD (the three-dot diff a pull request's "files changed" shows), reads the manifests as they were there and as every commit since wrote them through git (ls-tree, one git log --raw --full-history over the range, merges compared with their first parent, then every version in one cat-file --batch; the work tree is never touched, and git is run without a shell), and compares each SIM's resolved desired state with the work tree's, uncommitted edits included. A SIM is changed when it is new, or its state, protect, callbackUrl or expect differs at the merge-base or at any commit in between, however the change was made: an edited entry, a changed defaults: (which changes every SIM under it), or an entry moved under other defaults. A change made and undone between the ends counts, since an apply of the middle commit may have carried out its half (restore X, then block X again: X is checked). A new name, labels or note alone, an entry moved to another file, or a file renamed without changes needs no API call. A file whose bytes are unchanged and that no commit in the range touched is not parsed twice. The other versions are compared entry by entry: a SIM entry whose text and surroundings (the rest of its document, defaults: included) equal an entry the work tree holds declares what the work tree declares and is not decoded, so the cost follows the entries that changed; a version that cannot be split safely (anchors, several documents, multi-line flow text) is decoded whole.
        - Settings. When the settings file (simfleet.yaml, or --config) was touched by a commit in the range, or the work tree's differs from the merge-base's, the plan covers every SIM in scope, since status words or the blast radius can change any verdict. Every format says so: Full plan: the settings changed since simfleet/applied (simfleet.yaml changed in 3f9c2d1), ..., and the JSON's scope.changedSince.settingsChange.
        - What is queried. Only changed SIMs. The rest are one line: Partial plan: 99,997 SIMs not checked (unchanged since origin/main, merge-base 3f9c2d1). SIMs the base declared and the work tree does not are listed as "No longer managed; left as they are" and are never changed (terminating one takes state: terminated).
        - Saying it is partial. Text, markdown and JSON say so (the JSON's scope holds partial, unselected and changedSince with the ref, the merge-base commit, the unchanged count and the removed SIMs), and so does a plan narrowed by --target, --target-file or --label.
        - A saved plan records the merge-base commit. apply plan.json compares the manifests with that same commit again, so the changed set, and with it the digest, is re-derived rather than trusted; a change since the plan was made refuses it whole.
        - Errors, each with nothing sent: a REF that names no commit ("fetch it first"), a shallow clone without the merge-base ("fetch the whole history: actions/checkout with fetch-depth: 0"), no git work tree, manifests outside the repository, and no git on PATH.
        - What it cannot see. Drift: a SIM someone blocked in NexCon's portal while its manifest did not change. The scheduled full plan in Running in CI is the drift check.

        Git is the state; there is no state file. The CI recipe keeps a lightweight tag, simfleet/applied, on the last commit whose apply exited 0 (or 4: only terminations await their allowance). Each apply on main runs --changed-since simfleet/applied, so a failed or partial apply leaves the tag where it was and the next run retries everything since, every commit in between included; steps already done then read as done and are not sent again. Before the first apply there is no tag: apply without --changed-since once (the recipe does this by itself), or tag the commit that matches the fleet: git tag simfleet/applied <commit> && git push origin simfleet/applied.
        """#

    static let apply = #"""
          simfleet plan manifests --out plan.json      # in CI, posted for review
          simfleet apply plan.json --allow-terminate 89450100250731070380

        apply plan.json carries out a plan saved by plan --out. apply [PATH...] plans afresh (taking plan's options, --changed-since REF included), prints the plan and asks Apply these N steps? Only 'yes' will be accepted: on a terminal; without a terminal it needs --auto-approve, else it exits 1 having sent nothing. A plan records what it was made against: a plan made with --simulator cannot be applied to a real API, nor the reverse, nor one API's plan to another's URL.

        A saved plan is a reviewed list of steps; the manifests are the authority. A plan file is something a person could edit, so apply trusts nothing in it that widens what it may do. Before anything is sent, it checks the whole file and refuses it, with every problem listed and nothing sent (exit 1), when:

        - it is not a simfleet plan, or its formatVersion is not the one this simfleet writes; any field has the wrong type; a step has an unknown action or state, a to its action cannot reach, a wave below 1; or the same step is listed twice;
        - the manifests it names (its scope.paths, read from the current folder, narrowed by its recorded targets and labels, and for a --changed-since plan to the SIMs changed since its recorded merge-base, compared again through git) do not load cleanly, or their digest differs from the plan's: "the manifests changed since this plan was made (digest X, now Y); run plan again";
        - a step names an ICC no manifest in scope declares, or a SIM's steps are not exactly the path a fresh plan would take from the first step's from to the manifests' desired state, in the waves a fresh plan gives them.

        Names, callback URLs, protect, refusals and the managed count (for the blast radius) are then taken from the manifests, never from the file. Run apply from the folder plan ran in.

        Policy rules from simfleet.yaml are judged again here, from the manifests' labels and notes, and each freeze again as each step is about to be sent (a step that reaches a freeze while apply runs is held back, "frozen since HH:MM"): a denied step is not sent, is reported refused with the rule's name (exit 3), and is lifted by no flag (--force, --allow-terminate), only by a reviewed change to simfleet.yaml and a new plan (a step the saved plan showed denied stays denied); a warned step is sent and reported on standard error. The journal's outcome records carry each step's policy verdicts and its declared commit (git blame of the work tree, never the plan file's).

        Targeting a saved plan. --target, --target-file and --label apply only the plan's steps for the matching SIMs; the report says "Applied N of the plan's M steps". A targeted ICC that no manifest in scope declares, or targets that match no step, are an error and nothing is sent.

        Guards, before anything is sent. More disruptive steps than the blast-radius limit allows need --force, counted by the same rule as the plan. Terminations need --allow-terminate ICC|all given to *apply itself*, whatever the plan file says, and protect: true always refuses them. An ICC given to --allow-terminate (in plan too) must be one the manifests declare state: terminated and do not protect: a protected ICC, one declared in another state, or one no manifest declares is an error naming the ICC and why, exit 1, nothing sent.

        Errors. Manifest errors stop everything: nothing is sent. A per-SIM error (status unreadable, state unreachable, unmapped status) stops only that SIM: the other steps are applied, the report lists the SIM under "not planned", and the exit status is 3. A SIM with a job in progress when planned is not converged either: the report lists it under "SIMs that did not settle", and the exit status is 3. This is the same for a saved and a fresh plan, and matches refused terminations: an urgent block on a stolen SIM does not wait for an unrelated SIM.

        One apply at a time. Apply holds an exclusive lock on .simfleet/apply.lock in the working folder for its whole run; a second apply there exits 1 at once, naming the holder (pid and start time). The kernel releases the lock when the holder exits, even after SIGKILL. NexCon cannot lock across machines, so CI must serialise applies (in GitHub Actions, a concurrency group with cancel-in-progress: false). Should two runs meet anyway, a 409 from NexCon for an action of ours is not taken as success: apply reads the status and reports the step *done by another run* once the other job reaches the target, and never counts one SIM's step as confirmed twice.

        Execution. Waves run in order; inside a wave up to --parallelism requests are in flight at once, and up to four times as many steps: a step waiting for its job sends nothing, so under a rate limit the waits overlap and the requests keep the limit busy. Right before each call simfleet reads the SIM's status again: at the step's from, it sends; already at the step's target (or further along the SIM's planned path), it counts the step as done; anything else is *stale* ("changed since the plan was made") and is skipped. A job already running for the SIM is waited for first. After sending, it reads /status until the SIM reaches the target (*confirmed*), falls back after its job was seen running (*failed*), or --wait-timeout (default 10m) passes (*unknown*).

        Waiting has a budget. The first read after sending comes at 90% of the typical job time seen so far (measured from NexCon's answer to the read that confirmed the job, never counting a wait for a rate-limit slot), then each pause half again the last, from 100 ms, but at most a quarter of the job's age (or of the typical job time) and at least 250 ms once grown, so a job is noticed within about a quarter of its time and costs about 6 reads for 1 s, 16 for 10 s and 27 for a minute; after the first minute at most 12 reads per SIM per minute (one every 5 s). NexCon may show no transitional status at all, keeping the old one until the job ends, so a SIM that has not moved yet is a job still running, never at once a failure. But a lost read can hide a failed job: when our accepted action has waited longer than three typical job times (at least 5 s; no bound before any job was seen to end) and the SIM is still at from with no transitional status ever seen, the job is taken to have failed unseen, and the action is sent again once, that read being the usual read-before-act; a second such silence is *failed*. The rule is WaitSchedule and StepDecision, tested on virtual time. A SIM's second step runs only after its first succeeded; terminations run only when every other step succeeded, else they are *held back*. Each call carries the SIM's callbackUrl, or --callback-url.

        Ambiguity. After a timeout, a dropped connection or a 5xx on an action, simfleet reads the status before anything else: if the action took effect or is running, it waits for it; only if the SIM is provably unchanged does it send again, after a backoff, within the same budget of 6 attempts as status reads. A 429 proves nothing happened and is retried after Retry-After. Another 4xx (a 409, say) is followed by a status read: at the target it is *done by another run*, with a job running it waits for that job, otherwise the step *failed*. These decisions are one pure state machine (Sources/Reconciler/StepDecision.swift), tested move by move.

        Journal. Append-only JSON Lines at --journal FILE (default .simfleet/journal/<UTC time to the millisecond>-<pid>.jsonl), created new for each run: an existing file or a link there is an error and nothing is sent, so a planted file cannot take the record elsewhere or mix two runs. .simfleet/ itself (lock, journals, the embedded simulator's state) must be a real folder: a committed .simfleet link or file is refused. The journal holds a header (simfleet version, manifest digest, target), then for every step its intent before sending, the response (HTTP code, job id), and its outcome; a summary last. Each record is written as it happens, so it survives the process being killed; the file is synced to disk after each wave and at the end. No secrets. The header is written and synced before the first action: if that fails (a full disk, say), apply exits 1 having sent nothing. If a later write fails, no new step starts (as after a first SIGINT), nothing is sent that the journal did not record, and the report opens with "THE JOURNAL IS INCOMPLETE" and exits 3. A report that cannot be written (standard output on a full disk, a closed pipe) never changes the exit status.

        Interruption. The first SIGINT or SIGTERM stops new steps, waits for those in flight and writes the summary; a second exits at once. After a SIGKILL at any point, simfleet plan shows exactly what remains and simfleet apply (the same plan file, or a fresh plan) finishes it without sending any action twice.

        Progress. On a terminal, apply redraws one line on standard error: Applying: wave 2/3 · 120/500 steps done · 3 not converged · 16 in flight · 12/s · 32s left. Without a terminal (a CI log) it prints that line every 10 s instead. --no-progress turns both off.

        Report. A summary in text, or --format json|markdown|github for CI to post back (the markdown starts with <!-- simfleet:apply -->, or <!-- simfleet:apply:KEY --> with --comment-key KEY; github annotates the manifest entries of failed and unknown steps and of SIMs not planned). Long runs of identical outcomes are one line in text and markdown (467 steps not started: the run was interrupted); the JSON report and the journal still list each step. With GITHUB_STEP_SUMMARY set, the markdown is also appended to the step summary (--no-step-summary turns it off). --pr-comment posts the markdown as the pull request's one <!-- simfleet:apply --> comment, after the run, as plan --pr-comment does.

        Exit status, for apply:

          0 | every step converged (confirmed, already done, or done by another run), and every SIM in scope was planned and settled | yes
          1 | nothing was sent (bad input, a refused plan file, a guard, an --allow-terminate that no declared termination matches, no approval, the lock held); with --format json the report says so too (exitCode, nothingSent, errors) | no
          3 | partial: steps refused (protected, denied, frozen, or held by break glass), failed, stale, held back, skipped or unknown, SIMs not planned, or SIMs with a job in progress when planned ("did not settle"); each is listed | no
          4 | every step converged but for terminations the manifests declare and this run was not allowed to send; they are listed as awaiting-termination, and the drift check keeps showing them until the terminate workflow carries them out | yes: they wait for a person, not for a retry
        """#

    static let show = #"""
        Renders a saved plan again, byte for byte as plan printed it for the same run (pass the same --comment-key for the same markdown marker); the JSON is the file itself. It reads no manifests, no key and nothing from the network. A file that is not a simfleet plan, or one in a newer format, gets one clear error.
        """#

    static let importing = #"""
        Brings SIMs that already exist under management: it reads each one's live status (the same client, pacing, --rate, --simulator and API options as plan) and writes a manifest declaring each SIM as it is, so validate passes and plan shows no changes.

          simfleet import --csv inventory.csv --column ICC --name-column "Vehicle" --out manifests/imported.yaml

          # Imported by simfleet 0.1.0. Live status read from the NexCon API at https://app.nexcon.io.
          # Each state is the SIM's live status at import; the comments are for orientation only.
          version: 1
          sims:
            - icc: "89450100250731070026"
              name: "truck-045"
              state: active  # MSISDN ending 3400, IoT Nordic 1GB

        - Input. ICCs as arguments, --icc-file FILE (one a line, # comments), and --csv FILE --column NAME (NAME is a header; quoting, embedded commas and line breaks are read by SwiftCSV (https://github.com/swiftcsv/SwiftCSV)), with --name-column NAME for name:. Each ICC is imported once. An invalid ICC is a path:line:column error like validate's, and then nothing is read or written.
        - Skipped: ICCs already declared under --manifests PATH (repeatable; default manifests, if it exists), each with a note, so importing again never declares a SIM twice.
        - Left out, each with its reason, and exit status 1: SIMs not found in the account, whose status could not be read, with a job running, or in a status word simfleet does not know (map it under statusMap:). The others are still written.
        - The file. Names are written quoted and product names as cleaned one-line comments, so nothing NexCon or a spreadsheet says can change the manifest's structure; only the MSISDN's last four digits are written. --out is never overwritten without --force, and is written atomically. When every SIM is skipped, no file is written.
        """#

    static let set = #"""
        Changes declared SIMs' state (and note) in the manifests, in place, and sends nothing: the change is then committed, reviewed and applied like any other (the break-glass workflow commits it and applies it at once).

          simfleet set 89450100250731070026 --state blocked --note "stolen 2026-11-30, ticket OPS-1250"

        - Only the lines it must. A SIM's own state: and note: values are replaced where they stand; a SIM that inherits its state from defaults: gets one state: line after its icc: line (or , state: blocked inside a {...} entry). Comments, order, quoting and line endings elsewhere stay byte for byte. Notes are written as double-quoted scalars, so no text can change the file's structure.
        - Or nothing. Every ICC must be declared under --manifests (default manifests), the manifests must be valid before, and the edited files must validate and read back as asked after (protect: true with --state terminated does not), else nothing is written and the errors are listed (exit 1). Files are replaced atomically.
        """#

    static let markApplied = #"""
        Moves the tag the pipeline keeps on the last converged commit, only forward: it reads apply's JSON report and moves the local tag to HEAD only when that apply exited 0 or 4, HEAD is on --branch, and the tag's current commit is an ancestor of HEAD, so a re-run of an older workflow run never moves it back over changes not yet applied. Push it with git push --force origin refs/tags/simfleet/applied. Exit status: 0 moved (or already there), 1 refused with the reason, nothing moved.
        """#

    static let initializing = #"""
        Writes manifests/example.yaml (with the schema modeline) and manifests/manifest.schema.json, simfleet.yaml with every setting commented, and .gitignore holding .simfleet/; with --ci github, also the five workflows and SIMFLEET.md, and with --ci gitlab, .gitlab-ci.yml and a SIMFLEET.md for GitLab (Running in CI). A file that exists is left alone unless --force is given; .simfleet/ is added to an existing .gitignore that lacks it; a link or folder where a file belongs is an error, and nothing is written through it. Exit status: 0, or 1 when a file could not be written.
        """#

    static let schema = #"""
        Prints the JSON Schema (draft 2020-12) of the manifest format.
        """#

    static let simulator = #"""
        A stand-in for NexCon's API, like LocalStack or moto for AWS. It binds 127.0.0.1:8080 by default (--port 0 picks a free port) and prints listening on http://HOST:PORT as its first line, so scripts can read the port. SIGINT or SIGTERM stops it gracefully and saves its state.

          swift run simfleet simulator --port 0 --seed-from-manifests manifests --state .simfleet/sim.json
          curl -s -H 'Authorization: bearer dev-key' -d '{"icc":"89450100250731069754"}' \
            http://127.0.0.1:PORT/api/v1/simcard/status

        The API as documented. POST /api/v1/simcard/{activate,block,restore,terminate,status} with {"icc", "callbackUrl"} (status takes only icc) and Authorization: bearer KEY (the word bearer in any case). A status answer is {"status", "tags", "countryCode", "msisdn", "product": {"id", "name"}, "pool": {"id", "name"}}.

        What NexCon does not document, and the simulator assumes (each can be switched so a client is tested against other answers):

          statuses INACTIVE, ACTIVATED, BLOCKED, TERMINATED, and ACTIVATING, BLOCKING, RESTORING, TERMINATING while a job runs |  | a --seed file may give any status text; such SIMs accept no action
          a running job shows its transitional status | shown | --transitional none: the old status until the job ends, as an API that documents only ACTIVATED may do
          activate INACTIVE→ACTIVATED, block ACTIVATED→BLOCKED, restore BLOCKED→ACTIVATED, terminate from INACTIVE/ACTIVATED/BLOCKED→TERMINATED; nothing leaves TERMINATED |  | 
          an accepted action answers {"jobId", "icc", "status"} with the transitional status, and the job ends later | 2 s | --job-duration 200ms (0 ends jobs at once)
          some jobs fail and put the SIM back | none | --job-failure-rate 0.1
          an action whose target is already reached | 200, jobId null | --repeat conflict answers 409
          the finished job is POSTed to its callbackUrl as {"jobId", "icc", "action", "status", "success", "finishedAt"}, retried up to 5 times with doubling backoff on non-2xx or timeout | only to loopback hosts: manifests name production hosts, and a test or demo must not call them; others are withheld | --callbacks any (or none)
          error bodies are {"error": {"code", "message"}}: 400 malformed body, 401 key, 404 unknown ICC or path, 409 invalid transition or job running, 429 rate limit, 500 |  | 

        Faults, each off by default: --latency 50ms (plus up to --latency-jitter at random); --rate-limit N requests per second per key, a token bucket answering 429 with Retry-After and X-RateLimit-Limit/Remaining/Reset; --fail-rate P answers 500 before any change; --drop-rate P closes the connection with no response, and for actions a coin decides whether the change was made first, so the ambiguity a client must handle is real. --random-seed N makes a faulty run repeat exactly.

        Fleet. --seed FILE reads a JSON or YAML list of SIM records (icc, status, tags, countryCode, msisdn, product, pool); --seed-from-manifests PATH adds every ICC of those manifests in a live status derived from the ICC, so a demo plan shows every kind of step. --state FILE reloads the state at start and saves it after changes (atomically: temporary file, fsync, rename; at most five writes a second, coalesced, and always on shutdown). A saved state wins over seeds for the ICCs it knows; seeds add the rest. Jobs still running at shutdown finish after a restart.

        Keys. --api-key, else NEXCON_SIMULATOR_API_KEY, else the development key dev-key.

        For tests and audits, behind the same key: GET /_simulator/calls lists the newest API calls, oldest first (time, path, icc, code (null when dropped), jobId, and applied for a dropped action), up to --call-log N of them (default 100,000, so a long-running simulator's memory stays bounded), and forgotten, how many older calls are no longer listed, and failedJobs (jobId, icc, action of each job that failed, so an audit can tell a second action after a failure from a duplicate); GET /_simulator/sims returns the whole state.
        """#

    static let validate = #"""
        Checks manifests offline. Needs no API key and sends nothing.

        - text (default): diagnostics as path:line:column: error: message (a note, such as where a duplicate ICC is first declared, follows as path:line:column: note: ...), then a summary line.
        - json: {"formatVersion": 2, "valid", "files", "diagnostics": [{"severity", "code", "path", "line", "column", "message", "notes"}], "sims": [...]}; notes only when there are any. sims is present only for valid input and holds each SIM's resolved desired state: defaults applied, labels merged, and its source location.
        - github: one ::error file=F,line=L,col=C,title=CODE::message workflow command per problem, so GitHub Actions annotates the pull request, then the summary line.

        Exit status: 0 when valid, 1 when not, 64 for a usage error.

        Every diagnostic carries a stable code (SF-ICC-CHECKDIGIT, ...); the README lists them all under Diagnostic codes.
        """#
}
