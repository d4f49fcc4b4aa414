#!/usr/bin/env bash
# Reference solution: cherry-pick the fix with -x onto release/1.0 and tag it.
set -euo pipefail
fix=$(git log --format=%H --grep='^Fix null reference' main)
git checkout -q release/1.0
git cherry-pick -x "$fix"
git tag -a v1.0.1 -m "Hotfix 1.0.1"
git checkout -q main
