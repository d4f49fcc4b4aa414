#!/usr/bin/env bash
# A plausible wrong solution: the branch condition on the production job, not on the stage.
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
            displayName: Build
          - script: npm test
            displayName: Unit tests
          - publish: dist
            artifact: web
            displayName: Publish the site

  - stage: Staging
    dependsOn: Build
    jobs:
      - deployment: DeployStaging
        environment: contoso-booking-staging
        strategy:
          runOnce:
            deploy:
              steps:
                - checkout: self
                - script: ./deploy.sh staging $(Pipeline.Workspace)/web

  - stage: Production
    dependsOn: Staging
    jobs:
      - deployment: DeployProduction
        condition: and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))
        pool:
          name: Contoso-Prod-Agents
        environment: contoso-booking-prod
        strategy:
          runOnce:
            deploy:
              steps:
                - checkout: self
                - script: ./deploy.sh production $(Pipeline.Workspace)/web
YAML
git add azure-pipelines.yml
git commit -q -m "Release contoso-booking through staging and production environments"
