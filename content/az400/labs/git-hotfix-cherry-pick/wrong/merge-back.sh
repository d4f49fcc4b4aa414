#!/usr/bin/env bash
# A plausible wrong solution: the right hotfix, then release/1.0 merged back into main.
set -euo pipefail
fix=$(git log --format=%H --grep='^Fix null reference' main)
git checkout -q release/1.0
git cherry-pick -x "$fix"
git tag -a v1.0.1 -m "Hotfix 1.0.1"
git checkout -q main
git merge -q --no-edit release/1.0
