#!/usr/bin/env bash
# A plausible wrong solution: a correct CODEOWNERS at the root, but the old
# .github/CODEOWNERS, which GitHub reads first, is still there.
set -euo pipefail
git checkout -q feature/offline-reading
git rebase -q -f main --exec 'git commit -q --amend -m "$(git log -1 --format=%B)" -m "AB#4127"'
mkdir -p .github
printf '## Summary\n\n## How was it tested?\n\n## Work item\n\nFixes AB#\n' > .github/pull_request_template.md
printf '*           @lucerne/reader-maintainers\n/src/sync/  @lucerne/sync-team\n' > CODEOWNERS
git add .github CODEOWNERS
git commit -q -m "Add a pull request template and code owners" -m "AB#4127"
