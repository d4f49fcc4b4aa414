#!/usr/bin/env bash
# Reference solution: one job template with typed parameters, used three
# times, and a run-time parameter passed to it.
set -euo pipefail
mkdir -p templates
cat > templates/build-service.yml <<'YAML'
parameters:
  - name: service
    type: string
  - name: nodeVersion
    type: string
    default: '22'
    values: ['20', '22']
  - name: runIntegrationTests
    type: boolean
    default: false

jobs:
  - job: build_${{ parameters.service }}
    displayName: Build ${{ parameters.service }}
    steps:
      - task: NodeTool@0
        inputs:
          versionSpec: ${{ parameters.nodeVersion }}.x
      - script: npm ci
        workingDirectory: services/${{ parameters.service }}
      - script: npm test
        workingDirectory: services/${{ parameters.service }}
      - ${{ if parameters.runIntegrationTests }}:
          - script: npm run test:integration
            workingDirectory: services/${{ parameters.service }}
YAML
cat > azure-pipelines.yml <<'YAML'
parameters:
  - name: integrationTests
    displayName: Run the integration tests
    type: boolean
    default: false

trigger:
  - main

pool:
  vmImage: ubuntu-latest

jobs:
  - template: templates/build-service.yml
    parameters:
      service: orders
      runIntegrationTests: ${{ parameters.integrationTests }}
  - template: templates/build-service.yml
    parameters:
      service: billing
      nodeVersion: '20'
      runIntegrationTests: ${{ parameters.integrationTests }}
  - template: templates/build-service.yml
    parameters:
      service: catalog
      runIntegrationTests: ${{ parameters.integrationTests }}
YAML
git add templates azure-pipelines.yml
git commit -q -m "Build the services with one job template"
