#!/usr/bin/env bash
# A plausible wrong solution: the reference and the flag are added, but values stay unlabelled (prod's values only).
set -euo pipefail
cat > config/appconfig.kvset.json <<'JSON'
{
  "items": [
    {
      "key": "Shop:Payments:Endpoint",
      "value": "https://api.payments.vanarsdel.example/v2",
      "label": null,
      "content_type": null,
      "tags": {}
    },
    {
      "key": "Shop:Payments:ApiKey",
      "value": "{\"uri\":\"https://kv-vanarsdel-prod.vault.azure.net/secrets/payments-api-key\"}",
      "label": null,
      "content_type": "application/vnd.microsoft.appconfig.keyvaultref+json;charset=utf-8",
      "tags": {}
    },
    {
      "key": "Shop:Cache:TtlSeconds",
      "value": "300",
      "label": null,
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
