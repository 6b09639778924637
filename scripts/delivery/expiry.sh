# Sourced by janitor-list.sh and destroy-stack.sh: when a throw-away stack expires.
#
# expires_at STACK: prints the stack's expires-at, read from its state (`pulumi stack export`): the
# tag pr-preview.yml put in aks-entra:tags and the stack wrote on every Azure resource; nothing when
# no resource has it. Not `pulumi config get`: with a self-managed backend a stack's config lives
# only in its Pulumi.<stack>.yaml, which existed on the runner that deployed it. Fails when the
# state cannot be read.
expires_at() {
    local state
    state="$(pulumi stack export --stack "$1")" || return 1
    jq -r '[.deployment.resources[]? | (.outputs.tags // .inputs.tags // {})["expires-at"] // empty] | max // empty' <<< "$state"
}

# expired DATE: true when DATE (an ISO date or date-time; a date expires at 00:00 UTC) has passed.
# Exit 2 when DATE is not a date.
expired() {
    local at
    at="$(date -u -d "$1" +%s 2>/dev/null)" || return 2
    [ "$(date -u +%s)" -ge "$at" ]
}
