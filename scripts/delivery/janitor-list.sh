#!/usr/bin/env bash
# The janitor's list (janitor.yml): every pr-<number> and e2e-<8 hex> stack whose expires-at has
# passed, written as stacks=<JSON array> to $GITHUB_OUTPUT for the destroy jobs (one a stack, each
# in the concurrency group stack-<stack> that the PR workflow uses too), and a table of what it found
# in the run's summary. Read-only: it runs as plan-read.
#
# Where expires-at is read: the stack's state (`pulumi stack export`), as the tag expires-at that
# pr-preview.yml put in aks-entra:tags and the stack wrote on every Azure resource. Not
# `pulumi config get --stack pr-<n>`: with a self-managed backend a stack's config lives only in its
# Pulumi.pr-<n>.yaml, which existed on the runner that deployed it and is in no checkout. A stack
# with no such tag in its state (its first up failed before any resource) is listed, not touched.
# expires-at is an ISO date (or date-time): a stack expires at 00:00 UTC of that date.
set -uo pipefail
DRY_RUN="${DRY_RUN:-false}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
now="$(date -u +%s)"
failed=0
{
    echo "## Preview stacks"
    echo
    if [ "$DRY_RUN" = "true" ]; then echo "Dry run: nothing destroyed."; echo; fi
    echo "| stack | expires-at | action |"
    echo "|---|---|---|"
} >> "$summary"
if ! stacks="$(pulumi stack ls --json | jq -r '.[].name | select(test("(^|/)(pr-[0-9]+|e2e-[0-9a-f]{8})$"))')"; then
    echo "::error::pulumi stack ls failed"
    exit 1
fi
expired=()
count=0
for stack in $stacks; do
    count=$((count + 1))
    if ! state="$(pulumi stack export --stack "$stack")"; then
        echo "::error::pulumi stack export $stack failed"
        echo "| \`$stack\` | ? | **state unreadable**, see the log |" >> "$summary"
        failed=1
        continue
    fi
    expires_at="$(jq -r '[.deployment.resources[]? | (.outputs.tags // .inputs.tags // {})["expires-at"] // empty] | max // empty' <<< "$state")"
    if [ -z "$expires_at" ]; then
        echo "| \`$stack\` | none | kept: no expires-at tag in its state; look at it |" >> "$summary"
        continue
    fi
    if ! expires="$(date -u -d "$expires_at" +%s 2>/dev/null)"; then
        echo "| \`$stack\` | $expires_at | kept: not a date |" >> "$summary"
        continue
    fi
    if [ "$now" -lt "$expires" ]; then
        echo "| \`$stack\` | $expires_at | kept: not expired |" >> "$summary"
        continue
    fi
    if [ "$DRY_RUN" = "true" ]; then
        echo "| \`$stack\` | $expires_at | expired: would be destroyed and removed |" >> "$summary"
        continue
    fi
    expired+=("${stack##*/}")
    echo "| \`$stack\` | $expires_at | expired: destroyed and removed by the job destroy ${stack##*/} |" >> "$summary"
done
if [ "$count" -eq 0 ]; then echo "| none | | no pr-* or e2e-* stack |" >> "$summary"; fi
json="$(printf '%s\n' "${expired[@]}" | jq -R . | jq -cs 'map(select(. != ""))')"
echo "stacks=$json" >> "${GITHUB_OUTPUT:-/dev/stdout}"
exit "$failed"
