#!/usr/bin/env bash
# A plausible wrong solution: every language in one job, one after the other.
set -euo pipefail
cat > .github/workflows/codeql.yml <<'YAML'
name: CodeQL
on:
  push:
    branches: [main]
  pull_request:
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
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v4
        with:
          languages: csharp, javascript-typescript, python
          build-mode: none
      - uses: github/codeql-action/analyze@v4
YAML
