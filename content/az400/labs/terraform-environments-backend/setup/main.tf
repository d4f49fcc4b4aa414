terraform {
  required_version = ">= 1.10.0"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.37"
    }
  }
}

provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "app" {
  name     = "rg-wwi-orders-prod"
  location = "westeurope"
}

resource "azurerm_mssql_server" "sql" {
  name                         = "sql-wwi-orders-prod"
  resource_group_name          = azurerm_resource_group.app.name
  location                     = azurerm_resource_group.app.location
  version                      = "12.0"
  administrator_login          = "wwiadmin"
  administrator_login_password = "Vt7qR2mZ9kP4wXs8"
  minimum_tls_version          = "1.2"
}

resource "azurerm_mssql_database" "orders" {
  name      = "sqldb-orders"
  server_id = azurerm_mssql_server.sql.id
  sku_name  = "S1"
}

resource "azurerm_storage_account" "docs" {
  name                     = "stwwiordersprod"
  resource_group_name      = azurerm_resource_group.app.name
  location                 = azurerm_resource_group.app.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
