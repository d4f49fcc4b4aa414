#!/usr/bin/env bash
# A plausible wrong solution: no pull_request trigger, so alerts only appear after the merge.
set -euo pipefail
cat > .github/workflows/codeql.yml <<'YAML'
name: CodeQL
on:
  push:
    branches: [main]
  schedule:
    - cron: "0 4 * * 0"
jobs:
  analyze:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
      contents: read
      actions: read
    strategy:
      fail-fast: false
      matrix:
        language: [csharp, javascript-typescript, python]
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v4
        with:
          languages: ${{ matrix.language }}
          build-mode: none
      - uses: github/codeql-action/analyze@v4
YAML
