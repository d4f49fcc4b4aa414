#!/usr/bin/env bash
# A plausible wrong solution: quota-by-key (a call volume quota, answered
# with 403) instead of the per-partner rate limit.
set -euo pipefail
cat > policies/orders-api.xml <<'XML'
<!--
  Orders API: policy for all operations.
  Kept in git and deployed by the APIOps pipeline, which lints this file
  with an XML parser before it publishes it.
-->
<policies>
    <inbound>
        <base />
        <validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized: a valid partner access token is required." require-scheme="Bearer">
            <openid-config url="https://login.fabrikam-partners.example/.well-known/openid-configuration" />
            <audiences>
                <audience>api://fabrikam-orders</audience>
            </audiences>
            <required-claims>
                <claim name="scp" match="any" separator=" ">
                    <value>orders.read</value>
                </claim>
            </required-claims>
        </validate-jwt>
        <quota-by-key calls="100" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@(context.Response.StatusCode == 200)" />
        <set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
        <set-header name="X-Api-Gateway" exists-action="override">
            <value>fabrikam-apim</value>
        </set-header>
        <set-header name="X-Powered-By" exists-action="delete" />
        <set-header name="X-AspNet-Version" exists-action="delete" />
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>
XML
