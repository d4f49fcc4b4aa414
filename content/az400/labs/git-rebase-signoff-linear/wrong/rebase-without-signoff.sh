#!/usr/bin/env bash
# A plausible wrong solution: a clean rebase and push, but no sign-offs.
set -euo pipefail
git checkout -q feature/retry-webhooks
git rebase -q main
git push -q --force-with-lease origin feature/retry-webhooks
