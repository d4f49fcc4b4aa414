#!/usr/bin/env bash
# Reference solution: replay the commits on main with sign-offs, then update
# the pull request branch with a lease.
set -euo pipefail
git checkout -q feature/retry-webhooks
git rebase -q --signoff main
git push -q --force-with-lease origin feature/retry-webhooks
