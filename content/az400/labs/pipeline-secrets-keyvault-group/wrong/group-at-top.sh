#!/usr/bin/env bash
# A plausible wrong solution: the group at the pipeline level, so the Build
# stage (which runs for pull requests) can read production secrets.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
trigger:
  branches:
    include: [main]
pool:
  vmImage: ubuntu-latest
variables:
  - group: tailspin-prod-secrets
  - name: buildConfiguration
    value: Release
  - name: sqlServer
    value: tailspin-sql-prod.database.windows.net
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
