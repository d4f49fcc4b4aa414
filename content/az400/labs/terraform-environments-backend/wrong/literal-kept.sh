#!/usr/bin/env bash
# A plausible wrong solution: variables and files added, but the server keeps the literal password.
set -euo pipefail
mkdir -p env
cat > main.tf <<'HCL'
terraform {
  required_version = ">= 1.10.0"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.37"
    }
  }
  # Partial configuration: terraform init -backend-config=env/<env>.azurerm.tfbackend
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
}

locals {
  suffix = "wwi-orders-${var.environment}"
}

resource "azurerm_resource_group" "app" {
  name     = "rg-${local.suffix}"
  location = var.location
}

resource "azurerm_mssql_server" "sql" {
  name                         = "sql-${local.suffix}"
  resource_group_name          = azurerm_resource_group.app.name
  location                     = azurerm_resource_group.app.location
  version                      = "12.0"
  administrator_login          = "wwiadmin"
  administrator_login_password = var.sql_admin_password
  minimum_tls_version          = "1.2"
}

resource "azurerm_mssql_database" "orders" {
  name      = "sqldb-orders"
  server_id = azurerm_mssql_server.sql.id
  sku_name  = var.sql_sku
}

# Azure Verified Module (0.x: pin the minor version, breaking changes can come with each one).
module "docs_storage" {
  source  = "Azure/avm-res-storage-storageaccount/azurerm"
  version = "~> 0.9.0"

  name             = "stwwiorders${var.environment}"
  parent_id        = azurerm_resource_group.app.id
  location         = azurerm_resource_group.app.location
  account_sku_name = var.storage_sku
}
HCL
cat > variables.tf <<'HCL'
variable "environment" {
  description = "dev, test or prod; part of every resource name."
  type        = string
  validation {
    condition     = contains(["dev", "test", "prod"], var.environment)
    error_message = "environment must be dev, test or prod."
  }
}

variable "location" {
  description = "Azure region of the environment."
  type        = string
}

variable "sql_sku" {
  description = "SKU of the orders database."
  type        = string
}

variable "storage_sku" {
  description = "SKU of the documents storage account, e.g. Standard_LRS or Standard_GZRS."
  type        = string
}

variable "sql_admin_password" {
  description = "SQL administrator password: TF_VAR_sql_admin_password, from Key Vault in the pipeline."
  type        = string
  sensitive   = true
}
HCL
for e in dev test prod; do
  case $e in
    dev)  loc=westeurope  sku=Basic rep=Standard_LRS ;;
    test) loc=westeurope  sku=S0    rep=Standard_LRS ;;
    prod) loc=northeurope sku=S3    rep=Standard_GZRS ;;
  esac
  cat > env/$e.tfvars <<HCL
environment = "$e"
location    = "$loc"
sql_sku     = "$sku"
storage_sku = "$rep"
HCL
  cat > env/$e.azurerm.tfbackend <<HCL
resource_group_name  = "rg-wwi-tfstate"
storage_account_name = "stwwitfstate"
container_name       = "tfstate"
key                  = "orders-$e.tfstate"
use_azuread_auth     = true
HCL
done
# The mistake:
sed -i 's/administrator_login_password = var.sql_admin_password/administrator_login_password = "Vt7qR2mZ9kP4wXs8"/' main.tf
