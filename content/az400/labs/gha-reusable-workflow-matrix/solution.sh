#!/usr/bin/env bash
# Reference solution: a reusable workflow with typed inputs and a required
# secret, called from one matrix job, and a concurrency group per ref.
set -euo pipefail
cat > .github/workflows/node-build.yml <<'YAML'
name: node-build

on:
  workflow_call:
    inputs:
      package:
        description: Folder of the package under packages/
        type: string
        required: true
      node-version:
        description: Node.js version
        type: string
        default: '20'
    secrets:
      NPM_TOKEN:
        description: Token to install the private @adatum packages
        required: true

jobs:
  build:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: packages/${{ inputs.package }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${{ inputs.node-version }}
          registry-url: https://npm.pkg.github.com
      - run: npm ci
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
      - run: npm test
YAML
cat > .github/workflows/ci.yml <<'YAML'
name: ci

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read
  packages: read

concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: true

jobs:
  build:
    strategy:
      fail-fast: false
      matrix:
        package: [api, web]
    uses: ./.github/workflows/node-build.yml
    with:
      package: ${{ matrix.package }}
    secrets:
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
YAML
git add .github/workflows
git commit -q -m "Build the packages with a reusable workflow"
