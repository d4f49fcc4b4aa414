#!/usr/bin/env bash
# A plausible wrong solution: the right version in package.json only, then tagged.
set -euo pipefail
git checkout -q main
sed -i '0,/"version": "2.3.1"/s//"version": "3.0.0"/' package.json
git add package.json
git commit -q -m "chore(release): 3.0.0"
git tag -a v3.0.0 -m "Release 3.0.0"
