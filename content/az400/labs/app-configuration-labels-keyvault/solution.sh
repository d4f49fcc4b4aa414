#!/usr/bin/env bash
# Reference solution: dev and prod labels, Key Vault references per
# environment, and the NewCheckout flag (percentage filter in prod).
set -euo pipefail
cat > config/appconfig.kvset.json <<'JSON'
{
  "items": [
    {
      "key": "Shop:Payments:Endpoint",
      "value": "https://api.sandbox.payments.vanarsdel.example/v2",
      "label": "dev",
      "content_type": null,
      "tags": {}
    },
    {
      "key": "Shop:Payments:Endpoint",
      "value": "https://api.payments.vanarsdel.example/v2",
      "label": "prod",
      "content_type": null,
      "tags": {}
    },
    {
      "key": "Shop:Payments:ApiKey",
      "value": "{\"uri\":\"https://kv-vanarsdel-dev.vault.azure.net/secrets/payments-api-key\"}",
      "label": "dev",
      "content_type": "application/vnd.microsoft.appconfig.keyvaultref+json;charset=utf-8",
      "tags": {}
    },
    {
      "key": "Shop:Payments:ApiKey",
      "value": "{\"uri\":\"https://kv-vanarsdel-prod.vault.azure.net/secrets/payments-api-key\"}",
      "label": "prod",
      "content_type": "application/vnd.microsoft.appconfig.keyvaultref+json;charset=utf-8",
      "tags": {}
    },
    {
      "key": "Shop:Cache:TtlSeconds",
      "value": "30",
      "label": "dev",
      "content_type": null,
      "tags": {}
    },
    {
      "key": "Shop:Cache:TtlSeconds",
      "value": "300",
      "label": "prod",
      "content_type": null,
      "tags": {}
    },
    {
      "key": ".appconfig.featureflag/NewCheckout",
      "value": "{\"id\":\"NewCheckout\",\"description\":\"The one-page checkout\",\"enabled\":true,\"conditions\":{\"client_filters\":[]}}",
      "label": "dev",
      "content_type": "application/vnd.microsoft.appconfig.ff+json;charset=utf-8",
      "tags": {}
    },
    {
      "key": ".appconfig.featureflag/NewCheckout",
      "value": "{\"id\":\"NewCheckout\",\"description\":\"The one-page checkout\",\"enabled\":true,\"conditions\":{\"client_filters\":[{\"name\":\"Microsoft.Percentage\",\"parameters\":{\"Value\":10}}]}}",
      "label": "prod",
      "content_type": "application/vnd.microsoft.appconfig.ff+json;charset=utf-8",
      "tags": {}
    }
  ]
}
JSON
