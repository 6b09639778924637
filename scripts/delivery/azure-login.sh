#!/usr/bin/env bash
# Signs the Azure CLI in as the job's federated identity (README: CI sign-in), for the az session
# the Blob Storage state backend and the Key Vault secrets provider use: what azure/login does,
# without a third-party action (its v2 runs on Node 20, which GitHub's runners no longer run).
# The GitHub OIDC token (audience api://AzureADTokenExchange, the federated credential's audience)
# is exchanged by `az login --federated-token`; az keeps it for about five minutes (Azure/login#372),
# so this runs right before the first pulumi command. Needs `id-token: write` and the az CLI
# (preinstalled on GitHub's ubuntu runners; install it on a self-hosted runner).
set -euo pipefail
: "${AZURE_CLIENT_ID:?the GitHub environment variable AZURE_CLIENT_ID}"
: "${AZURE_TENANT_ID:?the repository variable AZURE_TENANT_ID}"
: "${AZURE_SUBSCRIPTION_ID:?the repository variable AZURE_SUBSCRIPTION_ID}"
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?no OIDC token: the job needs permissions: id-token: write}"
token="$(curl -sSf -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange" | jq -r .value)"
echo "::add-mask::$token"
az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" \
    --federated-token "$token" --output none
az account set --subscription "$AZURE_SUBSCRIPTION_ID"
