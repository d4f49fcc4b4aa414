#!/usr/bin/env bash
# A plausible wrong solution: the release job gets contents write only, so
# npm publish to GitHub Packages is refused.
set -euo pipefail
cd .github/workflows
sed -i 's/^jobs:$/permissions:\n  contents: read\n\njobs:/' ci.yml
sed -i 's/^    runs-on: ubuntu-latest$/    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pull-requests: write/' labeler.yml
sed -i 's/^permissions: write-all$/permissions:\n  contents: write/' release.yml
sed -i 's/^permissions: read-all$/permissions:\n  issues: write\n  pull-requests: write/' stale.yml
