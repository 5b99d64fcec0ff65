extension Templates {
    /// `SIMFLEET.md` for `init --ci gitlab`: what to set up, and the security argument.
    static let gitLabGuide = #"""
    # Running simfleet from this project on GitLab

    `simfleet init --ci gitlab` wrote `.gitlab-ci.yml`. Git is the state: the tag
    `simfleet/applied` marks the last commit whose apply converged, and every plan and apply
    covers what changed since it, every commit in between included.

    ```mermaid
    flowchart LR
      MR[merge request] -->|simfleet-plan: one note| Review
      Review -->|merge to the default branch| Plan[simfleet-apply-plan]
      Plan -->|a deployer starts simfleet-apply in nexcon-production| Apply[apply that plan file]
      Apply -->|exit 0 or 4| Tag[move simfleet/applied forward]
      Schedule[schedule: simfleet-drift] -->|fleet differs| Issue[one drift issue]
      Terminate[Run pipeline: terminate] --> Apply
      Glass[Run pipeline: break-glass] -->|block now, merge request after| MR
    ```

    ## The security model

    GitLab has no `pull_request_target`: **a merge request pipeline runs the
    `.gitlab-ci.yml` of the merge request's source branch**, so anyone who can push a branch
    can change every job of it. Protected variables reach only pipelines of protected
    branches and tags. The promise this setup keeps: **a person who can push a branch or
    open a merge request can neither obtain the NexCon key nor make anything run with it,
    except by merging reviewed changes to the default branch.**

    - **Recommended: keep this file where branch pushers cannot write.** Settings › CI/CD ›
      General pipelines › *CI/CD configuration file* can name a file in another project,
      `.gitlab-ci.yml@your-group/fleet-pipeline`, that only maintainers can change. Then a
      merge request's pipeline runs these jobs whatever its branch holds, and reads its
      manifests as data. Only then may the merge request plan read live statuses: put a
      NexCon key in the **unprotected**, masked variable `NEXCON_PLAN_KEY`, used by the plan
      job alone. (NexCon has no read-only keys; this key could act, which is why it must
      never be where a branch pusher defines jobs.)
    - **Otherwise** (this file in this project): leave `NEXCON_PLAN_KEY` unset. Merge
      request pipelines then run without any key and post a **declared-only plan**
      (`simfleet plan --offline`): what the change does to the declared states, every step
      it implies if the fleet matched the base, labelled as such. A branch pusher could
      change that job and forge its note, so the note is advice for the reviewer; what is
      applied is always the plan made on the default branch, shown in the plan job's log
      before anyone starts the apply.
    - **Everywhere:**
      - The key that acts, `NEXCON_API_KEY`, is a **protected**, masked variable, so only
        pipelines of protected branches (the default branch) and protected tags receive it.
        Merge request pipelines of unprotected branches never do.
      - Applies run only on the default branch, as **manual** jobs in the protected
        environment `nexcon-production`; each job also refuses any ref but the protected
        default branch in its first line.
      - The tag `simfleet/applied` and the tags `simfleet/hold/*` are **protected tags**
        (Settings › Repository › Protected tags), created only by Maintainers: the project
        access token below.
      - Terminate and break glass are manual jobs of pipelines a person runs by hand on the
        default branch (Build › Pipelines › Run pipeline) with validated variables.
      - Every variable a job's script uses is checked against a pattern before the shell
        uses it: `SIMFLEET_DRIFT_SHARDS` is a number, `SIMFLEET_ICCS` digits and spaces,
        `SIMFLEET_REASON` one line, `SIMFLEET_SCOPE` `changed` or `full`.
      - Each job downloads the release `SIMFLEET_DOWNLOAD_URL` names and refuses it unless
        its SHA-256 is `SIMFLEET_SHA256`, which only maintainers can set; nothing is cached
        and no artifact carries the binary. simfleet runs git hardened, with no secret in
        its environment, and treats manifests, settings and plan files as data.

    **GitLab Premium or free.** Protected environments with required approvals (Settings ›
    CI/CD › Protected environments: "Required approvals") need GitLab Premium. On the free
    tier, protected environments still limit *who may deploy* (start the manual
    `simfleet-apply` job) to the roles or people you allow, and the protected branch's rule
    "Allowed to merge" is the review; make the merge request approval rules
    (Premium) or a convention do the rest. Everything else here is free.

    ## Set up once

    1. **Where simfleet comes from** (Settings › CI/CD › Variables, not protected, so merge
       request pipelines can download it too; maintainers only can change them):
       - `SIMFLEET_DOWNLOAD_URL`: the release tarball, e.g.
         `https://github.com/your-org/simfleet/releases/download/v0.1.0/simfleet-v0.1.0-linux-x86_64.tar.gz`
         (or a copy in this GitLab's generic package registry).
       - `SIMFLEET_SHA256`: its line in the release's `SHA256SUMS`, copied after checking
         the release.
       - `SIMFLEET_IMAGE`: the job image pinned by digest, with bash, git, curl, jq and CA
         certificates, e.g. `buildpack-deps:noble-scm@sha256:…`.
    2. **Tokens.** A project access token (Settings › Access tokens) with the `api` and
       `write_repository` scopes and the **Maintainer** role, in the protected, masked
       variable `GITLAB_TOKEN`: the drift issue, and the pushes of `simfleet/applied`, the
       holds and the break-glass branch. For merge request notes, a second project access
       token with the `api` scope and the **Reporter** role in the masked variable
       `SIMFLEET_NOTE_TOKEN`, *not* protected (merge request branches are not). With this
       file in this project a branch pusher could read it; Reporter can do nothing a
       Developer cannot, except write notes as the bot, which is why the note is advice.
       `CI_JOB_TOKEN` cannot write notes or issues.
    3. **The key.** `NEXCON_API_KEY`, protected and masked. `NEXCON_PLAN_KEY` only in the
       recommended setup (above).
    4. **Protected branch**: the default branch, "Allowed to push and merge: No one" for
       pushes and Maintainers (or your reviewers) for merges; merge request approvals if you
       have them. **Protected tags**: `simfleet/*`, allowed to create: Maintainers.
    5. **Protected environments**: `nexcon-production` and `nexcon-break-glass`, allowed to
       deploy: the people who may apply (and, on Premium, required approvals for
       `nexcon-production`). `nexcon-break-glass` is for 3 a.m.: it can only block, and
       leaves a merge request and a hold per SIM behind.
    6. **A schedule** (Build › Pipeline schedules) on the default branch, nightly, with
       `SIMFLEET_DRIFT_SHARDS` if one shard a night is enough.
    7. Pipelines for merged results are fine; "Pipelines must succeed" makes the plan a
       required check.

    ## How the pieces fit

    1. A merge request is planned by `simfleet-plan`: with `NEXCON_PLAN_KEY`, everything the
       apply after merge would do (`--changed-since simfleet/applied --pull-request-base`);
       without it, declared-only since the target branch. The plan is one note, found by its
       marker and the token's own user and edited in place on each push, headed by the
       commit; when simfleet cannot plan, the note says why. A blast-radius overrun fails
       the job.
    2. A merge to the default branch runs `simfleet-apply-plan`, which plans there and keeps
       the plan file; a person allowed to deploy to `nexcon-production` reads its log and
       starts `simfleet-apply`, which applies *that plan file* (refused whole if the
       manifests moved on). Only after apply exits 0, or 4, does `simfleet mark-applied`
       move the tag, and only forward. Applies share the resource group `simfleet-apply`,
       one at a time; a running job is never cancelled.
    3. By hand, Run pipeline with `SIMFLEET_ACTION=apply` and `SIMFLEET_SCOPE=full` repairs
       drift (every SIM); `SIMFLEET_ACCEPT_BLAST_RADIUS=true` passes `--force`.
    4. The schedule runs `simfleet-drift`, which keeps one issue labelled `simfleet-drift`
       open while the fleet differs and closes it with a note when it matches.
    5. Terminations happen only in `simfleet-terminate` (Run pipeline with
       `SIMFLEET_ACTION=terminate` and `SIMFLEET_ICCS`), each ICC declared
       `state: terminated` on the default branch and not protected.
    6. Break glass (Run pipeline with `SIMFLEET_ACTION=break-glass`, `SIMFLEET_ICCS` and
       `SIMFLEET_REASON`) blocks at once, writes the block on a branch, pushes it with a
       hold per SIM, and opens a merge request (a push option), whose own pipeline posts
       its plan.

    ## Every day

    - Change SIMs with a merge request that edits `manifests/`; read the plan note.
    - `simfleet validate` and `simfleet plan --simulator` run locally without a key.
    - Keep `.simfleet/` (apply's journals and lock) out of Git; `.gitignore` does.

    """#
}
