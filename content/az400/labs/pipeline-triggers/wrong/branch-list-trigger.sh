#!/usr/bin/env bash
# A plausible wrong solution: short branch lists, which cannot exclude paths, batch or skip drafts.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
# wwi-orders-api: build and test. The repository is on GitHub
# (WideWorldImporters/orders-api); the pipeline runs in Azure Pipelines.

trigger:
  - main
  - release/*

pr:
  - main
  - release/*

schedules:
  - cron: "0 2 * * 1-5"
    displayName: Nightly, on changes
    branches:
      include:
        - main
  - cron: "0 3 * * 0"
    displayName: Weekly, always
    branches:
      include:
        - main
    always: true

resources:
  pipelines:
    - pipeline: contracts
      source: wwi-shared-contracts
      project: Platform
      trigger:
        branches:
          include:
            - main

pool:
  vmImage: ubuntu-latest

steps:
  - script: dotnet build --configuration Release
    displayName: Build
  - script: dotnet test --configuration Release --no-build
    displayName: Test
YAML
git add azure-pipelines.yml
git commit -q -m "Trigger on main and release branches, PRs, schedules and the contracts pipeline"
