#!/usr/bin/env bash
# A plausible wrong solution: every workflow fixed except docs.yml, whose
# workflow-level Pages and OIDC rights still reach the build job.
set -euo pipefail
cd .github/workflows
sed -i 's/^jobs:$/permissions:\n  contents: read\n\njobs:/' ci.yml
sed -i 's/^    runs-on: ubuntu-latest$/    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pull-requests: write/' labeler.yml
sed -i 's/^permissions: write-all$/permissions:\n  contents: write\n  packages: write/' release.yml
sed -i 's/^permissions: read-all$/permissions:\n  issues: write\n  pull-requests: write/' stale.yml
