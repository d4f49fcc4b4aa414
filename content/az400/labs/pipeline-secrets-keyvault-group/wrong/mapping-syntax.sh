#!/usr/bin/env bash
# A plausible wrong solution: "group:" written inside a mapping-style
# variables block defines a variable named group, not a variable group.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
trigger:
  branches:
    include: [main]
pool:
  vmImage: ubuntu-latest
variables:
  buildConfiguration: Release
  sqlServer: tailspin-sql-prod.database.windows.net
stages:
  - stage: Build
    jobs:
      - job: Build
        steps:
          - script: dotnet publish src/Tailspin.Web --configuration $(buildConfiguration) --output $(Build.ArtifactStagingDirectory)/web
            displayName: Publish the web app
          - publish: $(Build.ArtifactStagingDirectory)/web
            artifact: web
  - stage: Deploy
    dependsOn: Build
    variables:
      group: tailspin-prod-secrets
    jobs:
      - job: Release
        steps:
          - download: current
            artifact: web
          - script: ./scripts/migrate.sh --server $(sqlServer)
            displayName: Migrate the database
            env:
              SQL_ADMIN_PASSWORD: $(sql-admin-password)
          - script: ./scripts/upload-assets.sh $(Pipeline.Workspace)/web/wwwroot
            displayName: Upload static assets
            env:
              ASSETS_STORAGE_CONNECTION: $(assets-storage-connection)
YAML
