/// The repository files `init` writes besides the workflows.
enum Templates {
    static let exampleManifest = #"""
    # yaml-language-server: $schema=manifest.schema.json
    #
    # One document per group of SIMs that share defaults. Replace these with your own
    # (`simfleet import` writes entries for SIMs you already have), then plan:
    #   simfleet plan manifests
    version: 1
    defaults:
      state: active
      labels: {fleet: example}
    sims:
      - icc: "89450100250731069754"   # 18 to 20 digits, the last a Luhn check digit
        name: tracker-0001
      - icc: "89450100250731069812"
        name: tracker-0002
        state: blocked                 # this entry's own value wins over defaults
        note: reported stolen, ticket OPS-1
      - icc: "89450100250731069937"
        name: tracker-0003
        protect: true                  # never terminated, whatever a plan or flag says

    """#

    static let settings = #"""
    # simfleet.yaml: optional settings, read with the same loader and diagnostics as
    # manifests. Every key is shown with its default; uncomment to change one.

    # Extra NexCon status words, by the state they mean. NexCon's documentation does not
    # list them all; an unmapped word is an error for that SIM, never a guess.
    # statusMap:
    #   replace: false      # true: only the words listed here are known
    #   active: [LIVE]
    #   blocked: [SUSPENDED]
    #   pending: [QUEUED]   # a job in progress: plan waits, apply waits for it to end

    # Apply refuses, without --force, a plan whose block and terminate steps exceed this
    # share of the managed SIMs (and are at least `minimum` steps).
    # blastRadius:
    #   percent: 10
    #   minimum: 5

    # Rules per label, judged by plan and again by apply. A denial is lifted by no flag
    # (--force, --allow-terminate), only by a reviewed change to this file.
    # policy:
    #   - name: production SIMs are never terminated here
    #     match: {env: prod}          # labels, all must match; {} matches every SIM
    #     deny: [terminate]
    #   - name: ambulances change slowly
    #     match: {fleet: ambulances}
    #     maxSteps: 5                 # steps a run may take among these SIMs
    #     requireNote: [block]        # a block needs the SIM's note: (a ticket)
    #   - name: no changes in the Friday freeze
    #     match: {}
    #     # Block is left free, so a stolen SIM is blocked at any hour (break glass and
    #     # drift repairs too); leave actions out to hold back every action.
    #     freeze: {days: [fri], from: "15:00", to: "23:59", timezone: Europe/Copenhagen,
    #              actions: [activate, restore, terminate]}
    #     mode: warn                  # deny (the default) or warn

    """#
}

extension Templates {
    /// SIMFLEET.md: the loop, its secrets and settings, and why it is safe.
    static let guide = #"""
    # Running simfleet from this repository

    `simfleet init --ci github` wrote five workflows into `.github/workflows/`. Git is the
    state: the tag `simfleet/applied` marks the last commit whose apply converged, and every
    plan and apply covers what changed since it, every commit in between included.

    ```mermaid
    flowchart LR
      PR[pull request] -->|simfleet-plan: plan, one comment| Review
      Review -->|merge to main| Plan[simfleet-apply: plan on main]
      Plan -->|reviewer approves nexcon-production| Apply[apply that plan file]
      Apply -->|exit 0 or 4| Tag[move simfleet/applied forward]
      Night[simfleet-drift, nightly] -->|fleet differs| Issue[one drift issue]
      Terminate[simfleet-terminate, by hand] --> Apply
      Glass[simfleet-break-glass, by hand] -->|block now, pull request after| PR
    ```

    ## Set up once

    1. **Where simfleet comes from.** Set repository variables (Settings → Secrets and
       variables → Actions → Variables); only administrators can change them, so no pull
       request can swap the binary that holds the key:
       - `SIMFLEET_REPOSITORY` (for example `your-org/simfleet`) and `SIMFLEET_REF` (a
         release tag of it, such as `v0.1.0`).
       - `SIMFLEET_SHA256`: the SHA-256 of that release's `simfleet-REF-linux-x86_64.tar.gz`,
         copied from its `SHA256SUMS` after checking the release. The build job downloads
         the tarball and refuses it unless it matches; nothing is compiled and nothing is
         cached.
       - Only for a ref without a release, leave `SIMFLEET_SHA256` empty and set
         `SIMFLEET_BUILD_IMAGE` to the build image pinned by digest
         (`swift:6.1-noble@sha256:…`): the build job compiles the ref in it on every run,
         with packages from Ubuntu's snapshot of a fixed date.
       The jobs that run the binary check it against the SHA-256 the build job gives as an
       output; it never travels beside the binary. If the simfleet repository is private,
       the download needs a token that can read its releases, or the source build a `token:`
       for its checkout: a fine-grained token that can read that repository alone.
    2. **Environments** (Settings → Environments), each holding the secret `NEXCON_API_KEY`
       and each limited to the branch `main` (Deployment branches and tags → Selected
       branches → `main`):
       - `nexcon-plan`: plans read statuses with it. No reviewers: it runs on every pull
         request. If NexCon ever offers read-only keys, this is where one goes, and the
         plan and drift jobs need nothing more.
       - `nexcon-production`: required reviewers. Every apply and every termination waits
         for one of them, and the reviewer approves a run whose plan is already in its
         step summary and artifacts.
       - `nexcon-break-glass`: no reviewers (it is for 3 a.m.); it can only block, and
         leaves a pull request behind and a hold per SIM (the tag `simfleet/hold/ICC`),
         which keeps every apply from restoring the SIM until that pull request is merged.
    3. **Branch protection** on `main` (a ruleset): pull requests required, with one
       approval, and the status checks `plan` and `plan-fork` required: the jobs of the
       `simfleet plan` workflow, one of which reports on every pull request (one that
       changes no manifest and no setting passes at once; the other is skipped, which a
       required check counts as passing). Nobody pushes to `main` directly.
    4. **Tag protection**: a tag ruleset on `simfleet/*` that restricts creation, update
       and deletion to the `github-actions[bot]` bypass, so only the apply workflow moves
       the tag (and `simfleet mark-applied` moves it forward only).
    5. Actions settings: "Require approval for all outside collaborators" for fork pull
       requests, workflow permissions "Read repository contents" by default (each job asks
       for what it needs), and "Allow GitHub Actions to create and approve pull requests"
       on, so break glass can open its pull request.
    6. **Checks on the break-glass pull request.** A pull request opened with the workflow's
       own token starts no workflow, so `simfleet plan` does not run on it by itself; the
       break-glass job posts the plan comment there instead. For the required check too,
       give the job a token that does start workflows: a GitHub App's installation token
       (scoped to this repository, contents and pull requests write, short-lived: the best
       choice) or a fine-grained personal access token (tied to a person, and long-lived),
       stored as a secret of the `nexcon-break-glass` environment and passed to `gh` as
       `GH_TOKEN`. Either can push and open pull requests as well, so keep it in that
       environment only.

    ## Threat model

    The NexCon key can terminate SIMs, which is forever. The promise: **a person who can
    push a branch or open a pull request can neither obtain the key nor make anything run
    with it, except by merging reviewed changes to `main`.** Forks never see it.

    - The plan workflow runs on `pull_request_target`: GitHub takes the workflow file, and
      everything its jobs run, from the base branch, so a pull request that edits a
      workflow changes nothing until it is merged; the binary comes from the ref the
      repository variables name, which a pull request cannot change.
      The pull request's files are checked out and read by simfleet as data: manifests and
      `simfleet.yaml` are parsed, never executed, links leading out of the repository are
      errors and are not followed, and no step runs a script from the pull request. A
      fork's pull request is planned declared-only (`plan --offline`) in a job with no
      environment and no key, so it learns nothing of the live fleet.
    - The plan job holds the key (to read statuses) and a token that can write the pull
      request's comment. The one program simfleet starts there is git, to read history and
      name who declared each step. It runs at the top of the checkout with the git
      directory named, never discovering a repository in another folder (a bare repository
      the pull request plants among the manifests is refused by `safe.bareRepository=explicit`),
      with hooks, fsmonitor, textconv and every configured filter, diff and merge driver
      turned off, and an environment holding no secret. A `.mailmap` in the pull request
      cannot rename the author a step names.
    - What the workflows upload lives under `$RUNNER_TEMP`, never at a path the checked-out
      pull request could hold (a `plan.json` committed as a link to a runner file), and
      `simfleet plan --out` removes a stale file before planning.
    - Every workflow input and variable a shell step uses is checked against a pattern
      first: `shards` is a number, `iccs` digits and spaces, `reason` one line.
    - The binary is a release checked against `SIMFLEET_SHA256`, or built in an image
      pinned by digest. No workflow uses the Actions cache: any job of the repository can
      write an entry in the base branch's scope, so a binary and its checksum in one entry
      could both be replaced.
    - Every environment that holds the key admits `main` only. A workflow a branch pusher
      edits and runs with `pull_request` or `workflow_dispatch` on their branch gets no key:
      the environment refuses the branch.
    - Apply, terminate and break glass refuse to run from any ref but `main`, in the job
      condition and again in the first step.
    - Permissions are declared per job, and the workflows grant nothing at the top. Actions
      are pinned by commit. Checkouts keep no credentials, except the two jobs that push (the
      tag, the break-glass branch), which upload nothing from the checkout.
    - The key is redacted from everything simfleet prints, even when a server repeats it.

    What this does not cover: a reviewer who approves a malicious change, and a compromised
    GitHub account with write access to `main`. Required reviews and the `nexcon-production`
    reviewers are the control there. GitHub itself must be trusted: that
    `pull_request_target` runs the base branch's workflow, that environments hold their
    secrets back from other branches, that pinned actions are the commits named, and that
    runners are fresh for each job. The plan job's key can read statuses but also act, as
    NexCon has no read-only keys; a flaw in simfleet's own parsing of manifests would run in
    that job, which is why manifests, settings, plan files and server answers are bounded
    and checked whole before use, and why the parsers are fuzzed. A release's `SHA256SUMS`
    proves only what the release holds: check the release (its tag, its workflow run)
    before copying its sum into `SIMFLEET_SHA256`.

    ## How the pieces fit

    1. A pull request plans everything the apply after merge would do: `--changed-since
       simfleet/applied --pull-request-base origin/main`. Each step says whether it is this
       pull request's or was merged earlier and not applied yet, so nobody approves "No
       changes" while steps wait. The plan is one comment, edited in place on each push and
       headed by the commit it was made for; when simfleet cannot plan (invalid manifests,
       a bad key), the comment says why, so no stale plan survives. A blast-radius overrun
       opens the comment as a caution and fails the check.
    2. A merge to `main` plans again, on `main`, and shows that plan in the run; the
       `nexcon-production` reviewer approves a run whose plan is visible, and the approved
       job applies *that plan file* (which is refused whole if the manifests moved on).
       Only after apply exits 0, or 4 (only declared terminations await their allowance),
       does `simfleet mark-applied` move the tag, and only forward.
    3. By hand, the apply workflow takes `scope: full` to repair drift (every SIM, not only
       what changed since the tag) and `accept-blast-radius: true` to pass `--force`, both
       behind the same reviewers and in the run's record.
    4. Every night the drift workflow plans every SIM (or `shards: 7`, a seventh a night)
       and keeps one issue labelled `simfleet-drift` open while the fleet differs; a run
       that could not plan at all says so there and fails.
    5. Terminations happen only in the terminate workflow, for the ICCs typed into it, each
       declared `state: terminated` on `main` and not protected.
    6. Break glass blocks the ICCs given at once, writes the block and the reason into their
       manifest entries on a branch, and opens a pull request to review after the fact.

    **Which runs may wait, and which may be dropped.** GitHub keeps one run pending per
    concurrency group and cancels the older pending one when another queues. Applies share
    `simfleet-apply`: a pending apply replaced by a newer one loses nothing, since the newer
    one covers everything since the tag. Terminations have their own group and break glass
    one group per run, so neither can be cancelled by an apply queueing behind it, nor
    cancel one. `cancel-in-progress` is false wherever SIMs are acted on.

    ## Every day

    - Change SIMs with a pull request that edits `manifests/`; read the plan comment.
    - `simfleet validate` and `simfleet plan --simulator` run locally without a key.
    - Keep `.simfleet/` (apply's journals and lock) out of Git; `.gitignore` does.
    - Fetch the moved tag with `git fetch --tags --force` before planning locally with
      `--changed-since simfleet/applied`.

    """#
}
