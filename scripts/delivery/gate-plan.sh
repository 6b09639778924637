#!/usr/bin/env bash
# Plans every stack file of a pull request with the BASE branch's code (review-gate.yml).
#   base/  the base branch's commit: the plan, the policy pack and these scripts (trusted);
#   head/  the pull request's head: read as data only (stack files, profiles, Pulumi.yaml).
# Each stack file of the head is planned by base/ and diffed against the base's version of the same
# file, also planned by base/; a file new in the pull request counts as all-new access (2), a
# stack file the pull request deletes likewise (its stack's access is no longer reviewed here).
# A team stack file (aks-entra:platform) is planned after the platform's, with --platform and
# that plan (issue 24's offline plan of a team stack), each side with its own side's platform.
# Writes gate/results.tsv: <stack> <file> <exit code> <diff JSON> per line. Exit 0; the gate judges.
set -uo pipefail
shopt -s nullglob
PR_NUMBER="${PR_NUMBER:?}"
root="$PWD"
mkdir -p gate/plans gate/diffs
: > gate/results.tsv

stack_of() {
    case "$1" in
        profiles/preview.yaml) echo "pr-${PR_NUMBER}" ;;
        profiles/e2e.yaml) echo "e2e-00000000" ;;
        profiles/*) return 1 ;;
        *) local s="${1#Pulumi.}"; echo "${s%.yaml}" ;;
    esac
}

files() {
    (cd "$1" && for f in Pulumi.*.yaml profiles/*.yaml; do [ -f "$f" ] && printf '%s\n' "$f"; done)
}

plan() { # plan <config file> <stack> <args...>: the base's code, always
    local config="$1" stack="$2"
    shift 2
    (cd "$root/base" && npm run plan --silent -- --config "$config" --stack "$stack" "$@")
}

# Each side's stack files and the platform stack each team stack reads (plan-order.sh, the base's):
# platform and other stacks first, a file that is a team stack on either side after.
order="$(dirname "$0")/plan-order.sh"
if ! "$order" head base > gate/order.tsv; then
    # A file names no platform stack plan-order.sh can read: every stack file fails (3), so the
    # gate refuses instead of judging a partial list.
    : > gate/order.tsv
    while read -r file; do
        stack="$(stack_of "$file")" && printf '%s\t%s\t%s\t\n' "$stack" "$file" 3 >> gate/results.tsv
    done < <(files head)
fi
"$order" base > gate/base.tsv || true
base_platform_of() { # base_platform_of <file>: the platform the base's version reads, or nothing
    awk -F '\t' -v f="$1" '$2 == f { print $3 }' gate/base.tsv
}

while IFS=$'\t' read -r stack file platform; do
    base_json="gate/plans/$stack.base.json"
    head_json="gate/plans/$stack.head.json"
    diff_json="gate/diffs/$stack.json"
    head_platform=()
    base_platform=()
    if [ -n "$platform" ]; then head_platform=(--platform "$root/gate/plans/$platform.head.json"); fi
    base_of="$(base_platform_of "$file")"
    if [ -n "$base_of" ]; then base_platform=(--platform "$root/gate/plans/$base_of.base.json"); fi
    if [ -f "base/$file" ]; then
        if ! plan "$file" "$stack" "${base_platform[@]}" --json "$root/$base_json" > /dev/null; then
            printf '%s\t%s\t%s\t\n' "$stack" "$file" 3 >> gate/results.tsv
            continue
        fi
        rc=0
        plan "$root/head/$file" "$stack" "${head_platform[@]}" --json "$root/$head_json" \
            --diff "$root/$base_json" --diff-json "$root/$diff_json" > /dev/null || rc=$?
        printf '%s\t%s\t%s\t%s\n' "$stack" "$file" "$rc" "$diff_json" >> gate/results.tsv
    else
        rc=0
        plan "$root/head/$file" "$stack" "${head_platform[@]}" --json "$root/$head_json" > /dev/null || rc=$?
        if [ "$rc" -eq 0 ]; then rc=2; fi
        printf '%s\t%s\t%s\t\n' "$stack" "$file" "$rc" >> gate/results.tsv
    fi
done < gate/order.tsv

# Stack files the pull request deletes: their stack keeps running, and no plan reviews it any more.
while read -r file; do
    stack="$(stack_of "$file")" || continue
    if [ ! -f "head/$file" ]; then printf '%s\t%s\t%s\t\n' "$stack" "$file" 2 >> gate/results.tsv; fi
done < <(files base)
cat gate/results.tsv
