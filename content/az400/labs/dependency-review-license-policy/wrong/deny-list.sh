#!/usr/bin/env bash
# A plausible wrong solution: the deny list grows instead of becoming an allow list.
set -euo pipefail
cat > .github/workflows/dependency-review.yml <<'YAML'
name: Dependency review
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write
jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/dependency-review-action@v4
        with:
          fail-on-severity: high
          deny-licenses: GPL-2.0-only, GPL-3.0-only, AGPL-3.0-only, LGPL-3.0-only, SSPL-1.0
          allow-dependencies-licenses: pkg:npm/@lucerne/epub-fonts
          comment-summary-in-pr: on-failure
YAML
