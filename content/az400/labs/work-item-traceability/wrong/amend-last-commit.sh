#!/usr/bin/env bash
# A plausible wrong solution: only the last commit gets the link (commit --amend).
set -euo pipefail
git checkout -q feature/offline-reading
git commit -q --amend -m "$(git log -1 --format=%B)" -m "AB#4127"
mkdir -p .github
printf '## Summary\n\n## How was it tested?\n\n## Work item\n\nFixes AB#\n' > .github/pull_request_template.md
printf '*           @lucerne/reader-maintainers\n/src/sync/  @lucerne/sync-team\n' > .github/CODEOWNERS
git add .github
git commit -q -m "Add a pull request template, fix CODEOWNERS" -m "AB#4127"
