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
TSX="${TSX:-$root/base/node_modules/.bin/tsx}"
STACKS_TS="${STACKS_TS:-$root/base/scripts/delivery/stacks.ts}"
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

# The platform stack each stack file reads (team stacks), on both sides: one tsx run a side.
platforms() { # platforms <side>: "<side>/<file> TAB <platform or nothing>" per stack file
    local list=()
    while read -r f; do list+=("$1/$f"); done < <(files "$1")
    if [ "${#list[@]}" -gt 0 ]; then "$TSX" "$STACKS_TS" platforms "${list[@]}"; fi
}
platforms head > gate/platforms.tsv
platforms base >> gate/platforms.tsv
platform_of() { # platform_of <side>/<file>
    awk -F '\t' -v f="$1" '$1 == f { print $2 }' gate/platforms.tsv
}

# Platform and other stacks first, team stacks after: a team's plan needs its platform's.
: > gate/order.tsv
while read -r file; do
    stack_of "$file" > /dev/null || continue
    platform="$(platform_of "head/$file")"
    printf '%s\t%s\t%s\n' "$([ -n "$platform" ] && echo 1 || echo 0)" "$file" "$platform" >> gate/order.tsv
done < <(files head)

while IFS=$'\t' read -r _ file platform; do
    stack="$(stack_of "$file")"
    base_json="gate/plans/$stack.base.json"
    head_json="gate/plans/$stack.head.json"
    diff_json="gate/diffs/$stack.json"
    head_platform=()
    base_platform=()
    if [ -n "$platform" ]; then
        head_platform=(--platform "$root/gate/plans/$platform.head.json")
        if [ -f "base/$file" ]; then
            base_platform=(--platform "$root/gate/plans/$(platform_of "base/$file").base.json")
        fi
    fi
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
done < <(sort -s -t $'\t' -k1,1 gate/order.tsv)

# Stack files the pull request deletes: their stack keeps running, and no plan reviews it any more.
while read -r file; do
    stack="$(stack_of "$file")" || continue
    if [ ! -f "head/$file" ]; then printf '%s\t%s\t%s\t\n' "$stack" "$file" 2 >> gate/results.tsv; fi
done < <(files base)
cat gate/results.tsv
