#!/usr/bin/env bash
# Destroys and removes one throw-away stack (pr-<number> or e2e-<8 hex>): the PR workflow when a
# pull request closes or loses its preview-stack label, and the janitor for an expired one. Both run
# it in the GitHub environment preview-destroy (an identity that can only destroy such stacks) and
# in the concurrency group stack-<stack>, so no other run of this stack is in progress: a lock
# still on it is a killed run's, and `pulumi cancel` removes it first (with the Blob Storage
# backend it deletes the stack's lock files: pulumi/pulumi pkg/backend/diy/backend.go,
# CancelCurrentUpdate). Destroy needs the state only, not the stack file.
set -euo pipefail
stack="${1:?usage: destroy-stack.sh <pr-N | e2e-xxxxxxxx>}"
if ! [[ "$stack" =~ ^(pr-[0-9]+|e2e-[0-9a-f]{8})$ ]]; then
    echo "::error::destroy-stack.sh destroys pr-<number> and e2e-<8 hex> stacks only, not '$stack'"
    exit 1
fi
if ! pulumi stack ls --json | jq -e --arg s "$stack" 'any(.[]; .name == $s or (.name | endswith("/" + $s)))' > /dev/null; then
    echo "No stack $stack: nothing to destroy."
    exit 0
fi
# The janitor listed the stack as expired before it got the group; a preview deployed since then
# moved expires-at: check again, now that no run of the stack can start.
if [ "${ONLY_IF_EXPIRED:-false}" = "true" ]; then
    # shellcheck source=scripts/delivery/expiry.sh
    . "$(dirname "$0")/expiry.sh"
    at="$(expires_at "$stack")"
    if [ -z "$at" ] || ! expired "$at"; then
        echo "Stack $stack is not expired any more (expires-at ${at:-none}): kept."
        exit 0
    fi
fi
if ! pulumi cancel --yes --stack "$stack"; then
    echo "::warning::pulumi cancel $stack failed; destroying all the same"
fi
pulumi destroy --yes --non-interactive --stack "$stack"
pulumi stack rm --yes --non-interactive "$stack"
echo "Stack \`$stack\` destroyed and removed." >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
