#!/usr/bin/env bash
# A plausible wrong solution: only the central versions are raised; the
# worker's override, the transitive package and the audit are left alone.
set -euo pipefail
sed -i 's/"Azure.Identity" Version="1.10.2"/"Azure.Identity" Version="1.13.2"/; s/"Microsoft.Data.SqlClient" Version="5.1.2"/"Microsoft.Data.SqlClient" Version="5.2.2"/' Directory.Packages.props
