#!/usr/bin/env bash
# A plausible wrong solution: the right cherry-pick, but a lightweight tag.
set -euo pipefail
fix=$(git log --format=%H --grep='^Fix null reference' main)
git checkout -q release/1.0
git cherry-pick -x "$fix"
git tag v1.0.1
git checkout -q main
