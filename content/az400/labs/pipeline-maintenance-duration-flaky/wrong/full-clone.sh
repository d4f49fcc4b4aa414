#!/usr/bin/env bash
# A plausible wrong solution: fetchDepth removed rather than set, so the pipeline's old UI setting (full clone) still applies.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
# Northwind storefront: CI for every push to main.
trigger:
  branches:
    include: [main]

pool:
  vmImage: ubuntu-latest

variables:
  npm_config_cache: $(Pipeline.Workspace)/.npm   # npm's download cache, restored by Cache@2

jobs:
  - job: Build
    timeoutInMinutes: 20        # a hung run stops after 20 minutes, not at the agent's limit
    steps:
      - checkout: self
        fetchTags: false         # nor the release tags

      - task: UseNode@1
        inputs:
          version: '22.x'

      - task: Cache@2
        displayName: Cache npm downloads
        inputs:
          key: 'npm | "$(Agent.OS)" | package-lock.json'
          restoreKeys: |
            npm | "$(Agent.OS)"
          path: $(npm_config_cache)

      - script: npm ci
        displayName: Install dependencies

      - script: npm test -- --reporter=mocha-junit-reporter --reporter-options mochaFile=test-results/unit.xml
        displayName: Unit tests

      # Quarantined (NW-9001): checkout.e2e.spec.js fails about one run in five.
      # It still runs and reports, but cannot fail the build until it is fixed.
      - script: npm run test:e2e -- --reporter=mocha-junit-reporter --reporter-options mochaFile=test-results/e2e.xml
        displayName: End-to-end tests (quarantined, NW-9001)
        continueOnError: true
        timeoutInMinutes: 10

      - script: npm run build
        displayName: Build

      - task: PublishTestResults@2
        condition: succeededOrFailed()
        inputs:
          testResultsFormat: JUnit
          testResultsFiles: 'test-results/*.xml'
YAML
