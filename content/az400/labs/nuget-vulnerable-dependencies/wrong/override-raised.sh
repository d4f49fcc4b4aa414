#!/usr/bin/env bash
# A plausible wrong solution: everything fixed, but the worker's override is
# raised to 13.0.3 instead of removed, so the version is no longer central.
set -euo pipefail
cat > Directory.Packages.props <<'XML'
<Project>
  <PropertyGroup>
    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
    <CentralPackageTransitivePinningEnabled>true</CentralPackageTransitivePinningEnabled>
  </PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Azure.Identity" Version="1.13.2" />
    <PackageVersion Include="Microsoft.Data.SqlClient" Version="5.2.2" />
    <PackageVersion Include="Newtonsoft.Json" Version="13.0.3" />
    <PackageVersion Include="Serilog.AspNetCore" Version="8.0.1" />
    <PackageVersion Include="System.Text.Json" Version="8.0.5" />
  </ItemGroup>
</Project>
XML
sed -i 's/VersionOverride="12.0.3"/VersionOverride="13.0.3"/' src/Woodgrove.Payments.Worker/Woodgrove.Payments.Worker.csproj
sed -i 's#</LangVersion>#</LangVersion>\n    <NuGetAuditMode>all</NuGetAuditMode>\n    <WarningsAsErrors>$(WarningsAsErrors);NU1903;NU1904</WarningsAsErrors>#' Directory.Build.props
