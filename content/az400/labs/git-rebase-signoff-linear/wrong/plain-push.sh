#!/usr/bin/env bash
# A plausible wrong solution: the right rebase, then a plain push, which origin rejects.
set -euo pipefail
git checkout -q feature/retry-webhooks
git rebase -q --signoff main
git push -q origin feature/retry-webhooks 2>/dev/null || echo "push rejected (non-fast-forward)"
