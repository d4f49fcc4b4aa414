#!/usr/bin/env bash
# A plausible wrong solution: the template links the work item but never moves it to Done.
set -euo pipefail
git checkout -q feature/offline-reading
git rebase -q -f main --exec 'git commit -q --amend -m "$(git log -1 --format=%B)" -m "AB#4127"'
mkdir -p .github
printf '## Summary\n\n## How was it tested?\n\n## Related work item\n\nAB#\n' > .github/pull_request_template.md
printf '*           @lucerne/reader-maintainers\n/src/sync/  @lucerne/sync-team\n' > .github/CODEOWNERS
git add .github
git commit -q -m "Add a pull request template and fix CODEOWNERS" -m "AB#4127"
