#!/usr/bin/env bash
# A plausible wrong solution: the feature is an ordinary setting, so there is no percentage rollout and the feature manager never sees it.
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
      "key": "Shop:Features:NewCheckout",
      "value": "true",
      "label": "dev",
      "content_type": null,
      "tags": {}
    },
    {
      "key": "Shop:Features:NewCheckout",
      "value": "true",
      "label": "prod",
      "content_type": null,
      "tags": {}
    }
  ]
}
JSON
