#!/usr/bin/env bash
# A plausible wrong solution: exists-action skip, which leaves a header
# that is already there untouched, instead of delete.
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
        <rate-limit-by-key calls="100" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@(context.Response.StatusCode == 200)" />
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
        <set-header name="X-Powered-By" exists-action="skip" />
        <set-header name="X-AspNet-Version" exists-action="skip" />
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>
XML
