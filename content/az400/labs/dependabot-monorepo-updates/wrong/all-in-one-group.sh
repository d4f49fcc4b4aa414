#!/usr/bin/env bash
# A plausible wrong solution: one npm group with every update type, so
# major upgrades hide inside the weekly batch.
set -euo pipefail
cat > .github/dependabot.yml <<'YAML'
version: 2
updates:
  - package-ecosystem: npm
    directories: [/web, "/services/*"]
    schedule: {interval: weekly}
    groups:
      npm-all:
        update-types: [major, minor, patch]
  - package-ecosystem: nuget
    directory: /api
    schedule: {interval: weekly}
  - package-ecosystem: gomod
    directory: /tools/migrator
    schedule: {interval: weekly}
  - package-ecosystem: docker
    directory: /deploy
    schedule: {interval: weekly}
  - package-ecosystem: github-actions
    directory: /
    schedule: {interval: weekly}
    groups:
      actions:
        patterns: ["*"]
YAML
printf '**/package.json @trey-research/platform-team\n' > .github/CODEOWNERS
