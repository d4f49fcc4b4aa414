#!/usr/bin/env bash
# A plausible wrong solution: the comment is asked for, but the token may not write to pull requests.
set -euo pipefail
cat > .github/workflows/dependency-review.yml <<'YAML'
name: Dependency review
on:
  pull_request:
permissions:
  contents: read
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
          comment-summary-in-pr: always
YAML
