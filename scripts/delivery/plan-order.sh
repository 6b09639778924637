#!/usr/bin/env bash
# The stack files of a checkout in the order they can be planned offline (pr-checks.yml and
# gate-plan.sh share it):
#   plan-order.sh DIR [OTHER]
# prints "<stack> TAB <file> TAB <platform stack or nothing>" per stack file of DIR: every
# Pulumi.<stack>.yaml, profiles/preview.yaml as pr-$PR_NUMBER (the preview workflow's stack),
# profiles/e2e.yaml as e2e-00000000 (an end-to-end suite's stack). <file> is relative to DIR; the
# platform is the stack a team stack reads (aks-entra:platform; stacks.ts platforms).
# Platform and other stacks first, each team stack after: a team stack is planned only with its
# platform's plan (--platform, docs/team-stacks.md). With OTHER, the other side of a diff, a file
# that is a team stack on either side goes after, so both sides' platform plans come first.
# Exit 1 (stacks.ts's ::error:: on stderr) when a file names no platform stack it can read.
set -euo pipefail
shopt -s nullglob
PR_NUMBER="${PR_NUMBER:?}"
here="$(cd "$(dirname "$0")" && pwd -P)"
TSX="${TSX:-$here/../../node_modules/.bin/tsx}"
STACKS_TS="${STACKS_TS:-$here/stacks.ts}"

platforms() { # platforms DIR: "<file> TAB <platform or nothing>" per stack file of DIR
    local p="" list=() f
    if [ "$1" != . ]; then p="${1%/}/"; fi # stacks.ts's errors name the file as DIR/<file>
    for f in "$p"Pulumi.*.yaml "$p"profiles/preview.yaml "$p"profiles/e2e.yaml; do
        if [ -f "$f" ]; then list+=("$f"); fi
    done
    if [ "${#list[@]}" -gt 0 ]; then
        "$TSX" "$STACKS_TS" platforms "${list[@]}" | awk -v n="${#p}" '{ print substr($0, n + 1) }'
    fi
}

dir="${1:?usage: plan-order.sh DIR [OTHER]}"
mine="$(platforms "$dir")"
other=""
if [ -n "${2:-}" ]; then other="$(platforms "$2")"; fi

while IFS=$'\t' read -r file platform; do
    [ -n "$file" ] || continue
    case "$file" in
        profiles/preview.yaml) stack="pr-${PR_NUMBER}" ;;
        profiles/e2e.yaml) stack="e2e-00000000" ;;
        *) stack="${file#Pulumi.}" && stack="${stack%.yaml}" ;;
    esac
    team=0
    if [ -n "$platform" ] || awk -F '\t' -v f="$file" '$1 == f && $2 != "" { t = 1 } END { exit !t }' <<< "$other"; then
        team=1
    fi
    printf '%s\t%s\t%s\t%s\n' "$team" "$stack" "$file" "$platform"
done <<< "$mine" | sort -s -t $'\t' -k1,1 | cut -f2-
