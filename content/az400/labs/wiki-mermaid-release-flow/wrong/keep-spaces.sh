#!/usr/bin/env bash
# A plausible wrong solution: the content is fixed in place, under a file name with a space.
set -euo pipefail
cat > "docs/wiki/release flow.md" <<'MD'
[[_TOC_]]

# Release flow

How a change reaches production (work item #4512).

## Sequence

::: mermaid
sequenceDiagram
    participant Dev as Developer
    participant PR as Pull request
    participant CI as Pipeline
    participant Stg as Staging
    participant App as Approver
    participant Prod as Production
    Dev->>PR: Open a pull request to main
    PR->>CI: Build validation
    CI-->>PR: Build and tests pass
    PR->>CI: Merge to main starts the release
    CI->>Stg: Deploy to staging
    CI->>App: Request approval for production
    App-->>CI: Approve
    CI->>Prod: Deploy to production
:::
MD
printf 'release flow\n' >> docs/wiki/.order
git add docs/wiki
git commit -q -m "Document the release flow (#4512)"
