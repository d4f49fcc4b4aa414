#!/usr/bin/env bash
# Reference solution: one entry per ecosystem, weekly, npm over /web and
# /services/* with a minor+patch group, actions grouped, reviews by CODEOWNERS.
set -euo pipefail
cat > .github/dependabot.yml <<'YAML'
version: 2
updates:
  - package-ecosystem: npm
    directories:
      - /web
      - /services/*
    schedule:
      interval: weekly
      day: monday
      time: "06:00"
      timezone: Europe/Berlin
    groups:
      npm-minor-patch:
        update-types: [minor, patch]

  - package-ecosystem: nuget
    directory: /api
    schedule:
      interval: weekly

  - package-ecosystem: gomod
    directory: /tools/migrator
    schedule:
      interval: weekly

  - package-ecosystem: docker
    directory: /deploy
    schedule:
      interval: weekly

  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
    groups:
      actions:
        patterns: ["*"]
YAML
cat > .github/CODEOWNERS <<'TXT'
# Dependency manifests are reviewed by the platform team.
**/package.json           @trey-research/platform-team
**/package-lock.json      @trey-research/platform-team
/api/*.csproj             @trey-research/platform-team
/tools/migrator/go.mod    @trey-research/platform-team
/tools/migrator/go.sum    @trey-research/platform-team
/deploy/Dockerfile        @trey-research/platform-team
/.github/workflows/       @trey-research/platform-team
TXT
