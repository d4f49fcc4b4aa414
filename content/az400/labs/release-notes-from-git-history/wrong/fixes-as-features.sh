#!/usr/bin/env bash
# A plausible wrong solution: every change listed under Features.
set -euo pipefail
git checkout -q main
git log --format='%s' v1.3.0..main   # what the release contains
section=$(cat <<'MD'
## 1.4.0 (2026-01-06)

### Features

- **export:** export invoices as CSV
- **api:** accept ISO 8601 due dates


- **tax:** round VAT per line instead of per invoice
- **pdf:** keep the logo's aspect ratio

MD
)
awk -v section="$section" '/^## 1\.3\.0/ && !done { print section; print ""; done = 1 } { print }' CHANGELOG.md > CHANGELOG.new
mv CHANGELOG.new CHANGELOG.md
git add CHANGELOG.md
git commit -q -m "docs(changelog): release notes for 1.4.0"
git tag -a v1.4.0 -m "Release 1.4.0"
