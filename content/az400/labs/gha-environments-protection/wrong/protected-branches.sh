#!/usr/bin/env bash
# A plausible wrong solution: protected branches only, which includes release/*.
set -euo pipefail
cat > .github/workflows/deploy.yml <<'YAML'
name: deploy

on:
  push:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build
      - uses: actions/upload-artifact@v4
        with:
          name: site
          path: dist

  deploy-staging:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: staging
      url: https://staging.bookings.margiestravel.example
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          name: site
          path: dist
      - run: ./scripts/deploy.sh staging

  deploy-production:
    needs: deploy-staging
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment:
      name: production
      url: https://bookings.margiestravel.example
    concurrency:
      group: production
      cancel-in-progress: false
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          name: site
          path: dist
      - run: ./scripts/deploy.sh production
YAML
cat > .github/environments/production.json <<'JSON'
{
  "wait_timer": 0,
  "prevent_self_review": true,
  "reviewers": [
    {"type": "Team", "id": 31337}
  ],
  "deployment_branch_policy": {
    "protected_branches": true,
    "custom_branch_policies": false
  }
}
JSON
cat > .github/environments/production.branch-policies.json <<'JSON'
[
  {"name": "main", "type": "branch"}
]
JSON
git add .github
git commit -q -m "Deploy through staging and a protected production environment"
