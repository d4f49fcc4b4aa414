#!/usr/bin/env bash
# A plausible wrong solution: the services are listed one by one, so the
# next service under /services is not watched.
set -euo pipefail
cat > .github/dependabot.yml <<'YAML'
version: 2
updates:
  - package-ecosystem: npm
    directories: [/web, /services/orders, /services/billing]
    schedule: {interval: weekly}
    groups:
      npm-minor-patch:
        update-types: [minor, patch]
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
