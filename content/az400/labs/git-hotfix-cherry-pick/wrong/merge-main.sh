#!/usr/bin/env bash
# A plausible wrong solution: merging main brings the 1.1 features along.
set -euo pipefail
git checkout -q release/1.0
git merge -q --no-edit main
git tag -a v1.0.1 -m "Hotfix 1.0.1"
git checkout -q main
