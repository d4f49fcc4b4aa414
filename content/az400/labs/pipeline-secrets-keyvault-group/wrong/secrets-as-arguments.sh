#!/usr/bin/env bash
# A plausible wrong solution: the right group in the right place, but the
# secrets are still passed to the scripts as arguments.
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
      - group: tailspin-prod-secrets
    jobs:
      - job: Release
        steps:
          - download: current
            artifact: web
          - script: ./scripts/migrate.sh --server $(sqlServer) --password $(sql-admin-password)
            displayName: Migrate the database
          - script: |
              ./scripts/upload-assets.sh "$(assets-storage-connection)" $(Pipeline.Workspace)/web/wwwroot
            displayName: Upload static assets
YAML
