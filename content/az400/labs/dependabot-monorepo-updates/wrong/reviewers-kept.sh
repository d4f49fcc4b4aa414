#!/usr/bin/env bash
# A plausible wrong solution: reviewers kept on every entry instead of
# CODEOWNERS, and the Dockerfile's images forgotten.
set -euo pipefail
cat > .github/dependabot.yml <<'YAML'
version: 2
updates:
  - package-ecosystem: npm
    directories: [/web, "/services/*"]
    schedule: {interval: weekly}
    groups:
      npm-minor-patch:
        update-types: [minor, patch]
    reviewers: [trey-research/platform-team]
  - package-ecosystem: nuget
    directory: /api
    schedule: {interval: weekly}
    reviewers: [trey-research/platform-team]
  - package-ecosystem: gomod
    directory: /tools/migrator
    schedule: {interval: weekly}
    reviewers: [trey-research/platform-team]
  - package-ecosystem: github-actions
    directory: /
    schedule: {interval: weekly}
    groups:
      actions:
        patterns: ["*"]
YAML
