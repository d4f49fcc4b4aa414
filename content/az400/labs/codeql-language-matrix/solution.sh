#!/usr/bin/env bash
# Reference solution: push, pull_request and schedule triggers; a language
# matrix without builds; CodeQL action v4; the token code scanning needs.
set -euo pipefail
cat > .github/workflows/codeql.yml <<'YAML'
name: CodeQL

on:
  push:
    branches: [main]
  pull_request:
    branches: [main]
  schedule:
    - cron: '17 3 * * 1'   # Mondays, 03:17 UTC

jobs:
  analyze:
    name: Analyze (${{ matrix.language }})
    runs-on: ubuntu-latest
    permissions:
      security-events: write   # upload the results
      contents: read           # private repository: check out the code
      actions: read            # private repository: read the workflow run
    strategy:
      fail-fast: false
      matrix:
        include:
          - language: csharp
            build-mode: none
          - language: javascript-typescript
            build-mode: none
          - language: python
            build-mode: none
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v4
        with:
          languages: ${{ matrix.language }}
          build-mode: ${{ matrix.build-mode }}
      - uses: github/codeql-action/analyze@v4
        with:
          category: /language:${{ matrix.language }}
YAML
