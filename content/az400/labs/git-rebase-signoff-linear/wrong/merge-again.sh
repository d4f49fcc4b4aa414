#!/usr/bin/env bash
# A plausible wrong solution: merge main again and sign off the merge commit only.
set -euo pipefail
git checkout -q feature/retry-webhooks
git merge -q --no-edit --signoff main
git push -q origin feature/retry-webhooks
