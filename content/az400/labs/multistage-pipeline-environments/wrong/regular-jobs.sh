#!/usr/bin/env bash
# A plausible wrong solution: the stages are right, but the deployments are
# regular jobs running the deploy script, so no environment (and no approval) applies.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
trigger:
  branches:
    include:
      - main
      - feature/*

pool:
  vmImage: ubuntu-latest

stages:
  - stage: Build
    jobs:
      - job: BuildAndTest
        steps:
          - script: npm ci && npm run build
          - script: npm test
          - publish: dist
            artifact: web
  - stage: Staging
    jobs:
      - job: DeployStaging
        steps:
          - download: current
            artifact: web
          - script: ./deploy.sh staging $(Pipeline.Workspace)/web
  - stage: Production
    condition: and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))
    pool:
      name: Contoso-Prod-Agents
    jobs:
      - job: DeployProduction
        steps:
          - download: current
            artifact: web
          - script: ./deploy.sh production $(Pipeline.Workspace)/web
YAML
git add azure-pipelines.yml
git commit -q -m "Deploy in stages"
