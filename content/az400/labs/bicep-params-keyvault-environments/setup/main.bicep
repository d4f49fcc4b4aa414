// Fourth Coffee loyalty platform: App Service and Azure SQL.
@allowed(['dev', 'test', 'prod'])
param environmentName string
param location string = resourceGroup().location
param appServicePlanSku string
param sqlDatabaseSku string
param sqlAdminLogin string

@secure()
param sqlAdminPassword string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'asp-loyalty-${environmentName}'
  location: location
  sku: { name: appServicePlanSku }
  kind: 'linux'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'app-fourthcoffee-loyalty-${environmentName}'
  location: location
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: { linuxFxVersion: 'DOTNETCORE|8.0', minTlsVersion: '1.2' }
  }
}

resource sql 'Microsoft.Sql/servers@2023-08-01' = {
  name: 'sql-fourthcoffee-loyalty-${environmentName}'
  location: location
  properties: {
    administratorLogin: sqlAdminLogin
    administratorLoginPassword: sqlAdminPassword
    minimalTlsVersion: '1.2'
  }
}

resource db 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: sql
  name: 'sqldb-loyalty'
  location: location
  sku: { name: sqlDatabaseSku }
}
