// Shared Key Vaults of the loyalty platform, one per environment
// (deployed by the platform team to rg-fourthcoffee-shared).
@allowed(['dev', 'test', 'prod'])
param environmentName string
param location string = resourceGroup().location

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-fourthcoffee-${environmentName}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    enabledForTemplateDeployment: false
  }
}
