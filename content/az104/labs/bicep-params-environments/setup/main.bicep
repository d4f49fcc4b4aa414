// Tailspin Toys storefront: App Service plan, web app and Azure SQL logical server.
@description('Environment this deployment is for.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

param location string = resourceGroup().location

@description('App Service plan SKU: B1 for dev, P1v3 for production.')
@allowed([
  'B1'
  'P1v3'
])
param appServicePlanSku string

@minValue(1)
@maxValue(10)
param instanceCount int = 1

param sqlAdminLogin string

@secure()
param sqlAdminPassword string

param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: 'asp-storefront-${environmentName}'
  location: location
  tags: tags
  sku: {
    name: appServicePlanSku
    capacity: instanceCount
  }
  kind: 'linux'
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: 'app-storefront-${environmentName}'
  location: location
  tags: tags
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
  }
}

resource sql 'Microsoft.Sql/servers@2023-08-01-preview' = {
  name: 'sql-storefront-${environmentName}'
  location: location
  tags: tags
  properties: {
    administratorLogin: sqlAdminLogin
    administratorLoginPassword: sqlAdminPassword
    minimalTlsVersion: '1.2'
  }
}
