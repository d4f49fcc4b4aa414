#!/usr/bin/env bash
# A plausible wrong solution: the matrix without a cap on parallel legs.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
trigger:
  - main

variables:
  npm_config_cache: $(Pipeline.Workspace)/.npm

jobs:
  - job: Test
    strategy:
      matrix:
        linux:
          imageName: ubuntu-latest
        windows:
          imageName: windows-latest
        mac:
          imageName: macOS-latest
    pool:
      vmImage: $(imageName)
    steps:
      - task: NodeTool@0
        inputs:
          versionSpec: 20.x
      - task: Cache@2
        displayName: Cache npm packages
        inputs:
          key: 'npm | "$(Agent.OS)" | package-lock.json'
          restoreKeys: |
            npm | "$(Agent.OS)"
          path: $(npm_config_cache)
      - script: npm ci
        displayName: Install packages
      - script: npm test
        displayName: Unit tests
      - task: PublishTestResults@2
        condition: succeededOrFailed()
        inputs:
          testResultsFormat: JUnit
          testResultsFiles: reports/junit.xml
          testRunTitle: Unit tests on $(Agent.OS)
      - task: PublishCodeCoverageResults@2
        condition: succeededOrFailed()
        inputs:
          summaryFileLocation: coverage/cobertura-coverage.xml
YAML
git add azure-pipelines.yml
git commit -q -m "Test on Linux, Windows and macOS with an npm cache and published results"
