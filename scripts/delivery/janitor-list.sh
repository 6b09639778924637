#!/usr/bin/env bash
# The janitor's list (janitor.yml): every pr-<number> and e2e-<8 hex> stack whose expires-at has
# passed, written as stacks=<JSON array> to $GITHUB_OUTPUT for the destroy jobs (one a stack, each
# in the concurrency group stack-<stack> that the PR workflow uses too), and a table of what it found
# in the run's summary. Read-only: it runs as plan-read.
#
# expires-at is read from each stack's state (expiry.sh). A stack with no such tag in its state (its
# first up failed before any resource) is listed, not touched.
set -uo pipefail
# shellcheck source=scripts/delivery/expiry.sh
. "$(dirname "$0")/expiry.sh"
DRY_RUN="${DRY_RUN:-false}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
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
    if ! expires_at="$(expires_at "$stack")"; then
        echo "::error::pulumi stack export $stack failed"
        echo "| \`$stack\` | ? | **state unreadable**, see the log |" >> "$summary"
        failed=1
        continue
    fi
    if [ -z "$expires_at" ]; then
        echo "| \`$stack\` | none | kept: no expires-at tag in its state; look at it |" >> "$summary"
        continue
    fi
    rc=0
    expired "$expires_at" || rc=$?
    if [ "$rc" -eq 2 ]; then
        echo "| \`$stack\` | $expires_at | kept: not a date |" >> "$summary"
        continue
    fi
    if [ "$rc" -ne 0 ]; then
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
