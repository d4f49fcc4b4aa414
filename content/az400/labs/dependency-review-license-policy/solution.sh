#!/usr/bin/env bash
# Reference solution: pull_request trigger, allow-list policy, high
# threshold, a comment on failure, contents read and pull-requests write.
set -euo pipefail
cat > .github/workflows/dependency-review.yml <<'YAML'
name: Dependency review

on:
  pull_request:
    branches: [main]

permissions:
  contents: read
  pull-requests: write   # comment-summary-in-pr

jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/dependency-review-action@v4
        with:
          fail-on-severity: high
          allow-licenses: MIT, Apache-2.0, BSD-2-Clause, BSD-3-Clause, ISC
          allow-dependencies-licenses: pkg:npm/@lucerne/epub-fonts
          comment-summary-in-pr: on-failure
YAML
