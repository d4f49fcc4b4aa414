#!/usr/bin/env bash
# Reference solution: explicit, minimal permissions per workflow and job.
set -euo pipefail
cd .github/workflows
# ci.yml: read the repository only.
sed -i 's/^jobs:$/permissions:\n  contents: read\n\njobs:/' ci.yml
# labeler.yml: read contents, label pull requests.
sed -i 's/^    runs-on: ubuntu-latest$/    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pull-requests: write/' labeler.yml
# release.yml: create the release and publish the package.
sed -i 's/^permissions: write-all$/permissions:\n  contents: write   # gh release create\n  packages: write   # npm publish to GitHub Packages/' release.yml
# stale.yml: label, comment on and close issues and pull requests.
sed -i 's/^permissions: read-all$/permissions:\n  issues: write\n  pull-requests: write/' stale.yml
# docs.yml: nothing at the workflow level, each job its own.
cat > docs.yml <<'YAML'
name: Publish the SDK documentation

on:
  push:
    branches: [main]
    paths: ['docs/**']

permissions: {}

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci && npm run docs
      - uses: actions/upload-pages-artifact@v3
        with:
          path: docs/_site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write      # deploy to Pages
      id-token: write   # prove the deployment's origin
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
YAML
