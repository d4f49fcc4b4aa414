#!/usr/bin/env bash
# A plausible wrong solution: labels and flag right, but the API key stays a plain value (now per environment).
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
      "value": "sk_test_Qm4xZc7VbN2kLp9RtY6wHs3JdF8gAe1U",
      "label": "dev",
      "content_type": null,
      "tags": {}
    },
    {
      "key": "Shop:Payments:ApiKey",
      "value": "sk_live_faLGioSdY8dJ1O1J2aBgwPHWk0l2e2zH",
      "label": "prod",
      "content_type": null,
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
