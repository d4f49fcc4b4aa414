#!/usr/bin/env bash
# A plausible wrong solution: every commit subject since v1.2.0 pasted in, chores included.
set -euo pipefail
git checkout -q main
{
  printf '## 1.4.0\n\n### Features\n\n'
  git log --format='- %s' v1.2.0..main --grep='^feat'
  printf '\n### Bug Fixes\n\n'
  git log --format='- %s' v1.2.0..main --grep='^fix'
  printf '\n### Other\n\n'
  git log --format='- %s' v1.2.0..main --invert-grep --grep='^feat' --grep='^fix'
  printf '\n'
} > section.md
awk 'FNR == NR { s = s $0 "\n"; next } /^## 1\.3\.0/ && !done { printf "%s", s; done = 1 } { print }' section.md CHANGELOG.md > CHANGELOG.new
mv CHANGELOG.new CHANGELOG.md
rm section.md
git add CHANGELOG.md
git commit -q -m "docs(changelog): release notes for 1.4.0"
git tag -a v1.4.0 -m "Release 1.4.0"
