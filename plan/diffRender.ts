// `--diff BASE.json` as a reviewer reads it: text (the terminal), Markdown (a PR comment) and the
// diff's stable JSON (`--diff-json`), from what plan/diff.ts found. Pure module.
import type { AccessChange, PlanDiff, PropertyChange } from "./diff";
import type { ImmutableChange } from "./immutable";
import { SCHEMA_VERSION, stableJson } from "./model";
import { markdownTable, type Style } from "./text";

/**
 * What changed in one property, as a reviewer reads it, [before, after]: a value that lists several
 * parts (`User, 3 x Standard_D8ds_v5, autoscale 3-10, zones 1,2,3`) shows only the parts that
 * differ (`autoscale 3-10`, `autoscale 3-12`); `(none)` stands for an absent property or part.
 * The JSON (diffJson) keeps both values whole.
 */
export function changedParts(c: PropertyChange): [string, string] {
    const parts = (v: string | undefined) => (v === undefined || v === "" ? [] : v.split(", "));
    const before = parts(c.before);
    const after = parts(c.after);
    const lost = before.filter((p) => !after.includes(p));
    const gained = after.filter((p) => !before.includes(p));
    // Only reordered, or a part repeated: the values whole.
    if (lost.length === 0 && gained.length === 0)
        return [c.before || "(none)", c.after || "(none)"];
    const side = (ps: string[]) => (ps.length > 0 ? ps.join(", ") : "(none)");
    return [side(lost), side(gained)];
}

/**
 * ` (2 of them eligible, 1 derived, 1 Pod Security)` when some grant changes are eligible (PIM),
 * derived, or a namespace's Pod Security admission.
 */
function eligibleCount(d: PlanDiff): string {
    const n = d.access.filter((c) => c.eligible).length;
    const m = d.access.filter((c) => c.derived).length;
    const k = d.access.filter((c) => c.podSecurity).length;
    const parts = [
        ...(n > 0 ? [`${n} of them eligible`] : []),
        ...(m > 0 ? [`${m} derived`] : []),
        ...(k > 0 ? [`${k} Pod Security`] : []),
    ];
    return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** ` (eligible)` or ` (derived)` after a scope. */
const scopeNote = (c: AccessChange) => (c.eligible ? " (eligible)" : c.derived ? " (derived)" : "");

const SIGN: Record<string, string> = {
    added: "+",
    removed: "-",
    widened: "^",
    narrowed: "v",
    changed: "~",
};

function accessLine(c: AccessChange): string {
    const roles =
        c.kind === "added"
            ? c.added.join(", ")
            : c.kind === "removed"
              ? c.removed.join(", ")
              : `${c.removed.join(", ")} -> ${c.added.join(", ")}`;
    return `${c.principal} on ${c.scope}${scopeNote(c)}: ${roles}`;
}

function urnTail(urn: string): string {
    return urn.split("::").slice(-1)[0] ?? urn;
}

/** `azure-native:containerservice:ManagedCluster aks-entra-cluster: pool system vmSize A -> B: why` */
export function refusedLine(c: ImmutableChange): string {
    return `${c.type} ${urnTail(c.urn)}: ${c.fact} ${c.before} -> ${c.after}: ${c.why}`;
}

export function renderDiffText(d: PlanDiff, base: string, st: Style): string {
    const lines = [st.bold(st.cyan(`Changes since ${base}`))];
    const paint = (kind: string) =>
        kind === "added" || kind === "widened"
            ? st.yellow
            : kind === "removed" || kind === "narrowed"
              ? st.green
              : (s: string) => s;
    lines.push(
        st.bold(
            `Access: ${d.accessChanged ? `${d.access.length} grant changes${eligibleCount(d)}, ${d.trusts.length} trust changes` : "unchanged"}`,
        ),
    );
    for (const c of d.access)
        lines.push(`  ${paint(c.kind)(`${SIGN[c.kind]} ${c.kind.padEnd(8)}`)} ${accessLine(c)}`);
    for (const t of d.trusts)
        lines.push(
            `  ${paint(t.kind)(`${SIGN[t.kind]} trust ${t.kind.padEnd(7)}`)} ${t.identity} <- ${t.issuer} ${t.subject}`,
        );
    if (d.refused.length > 0) {
        lines.push(
            st.bold(
                st.red(
                    `Refused or replacing: ${d.refused.length} change${d.refused.length === 1 ? "" : "s"} that pulumi up cannot make in place`,
                ),
            ),
        );
        for (const c of d.refused)
            lines.push(`  ${st.red(`! ${c.kind.padEnd(8)}`)} ${refusedLine(c)}`);
    }
    const counts = ["added", "removed", "changed"].map(
        (k) => `${d.resources.filter((r) => r.kind === k).length} ${k}`,
    );
    lines.push(st.bold(`Resources: ${counts.join(", ")}`));
    for (const r of d.resources) {
        lines.push(
            `  ${SIGN[r.kind]} ${r.kind.padEnd(8)} ${r.type} ${urnTail(r.urn)}${r.properties.length ? ` (${r.properties.join(", ")})` : ""}`,
        );
        for (const c of r.changes)
            lines.push(`      ${c.property}: ${changedParts(c).join(" -> ")}`);
    }
    if (d.findings.added.length + d.findings.resolved.length > 0) {
        lines.push(st.bold("Findings:"));
        for (const f of d.findings.added) lines.push(`  + ${f.severity} ${f.code}: ${f.message}`);
        for (const f of d.findings.resolved)
            lines.push(`  - ${f.severity} ${f.code}: ${f.message}`);
    }
    return lines.join("\n") + "\n";
}

export function renderDiffMarkdown(d: PlanDiff, base: string): string {
    const out = [`## Changes since \`${base}\``, ""];
    if (!d.accessChanged) {
        out.push("**Access: unchanged.**", "");
    } else {
        out.push(
            `**Access changes: ${d.access.length} grant${eligibleCount(d)}, ${d.trusts.length} trust.** Review before merging.`,
            "",
        );
        const rows = [
            ...d.access.map((c) => [
                c.kind,
                c.principal,
                `${c.scope}${scopeNote(c)}`,
                c.removed.join(", ") || "-",
                c.added.join(", ") || "-",
            ]),
            ...d.trusts.map((t) => [
                `trust ${t.kind}`,
                t.identity,
                `${t.issuer}`,
                t.kind === "removed" ? t.subject : "-",
                t.kind === "added" ? t.subject : "-",
            ]),
        ];
        out.push(
            markdownTable(["change", "principal", "scope / issuer", "lost", "gained"], rows),
            "",
        );
    }
    if (d.refused.length > 0) {
        out.push(
            `**Refused or replacing: ${d.refused.length}.** \`pulumi up\` would fail, or delete and recreate:`,
            "",
            markdownTable(
                ["kind", "resource", "what", "before", "after", "why"],
                d.refused.map((c) => [
                    c.kind,
                    `${c.type} ${urnTail(c.urn)}`,
                    c.fact,
                    c.before,
                    c.after,
                    c.why,
                ]),
            ),
            "",
        );
    }
    const counts = ["added", "removed", "changed"].map(
        (k) => `${d.resources.filter((r) => r.kind === k).length} ${k}`,
    );
    out.push(`Resources: ${counts.join(", ")}.`, "");
    const changed = d.resources.flatMap((r) =>
        r.changes.map((c) => [`${r.type} ${urnTail(r.urn)}`, c.property, ...changedParts(c)]),
    );
    if (changed.length > 0) {
        out.push(markdownTable(["resource", "property", "before", "after"], changed), "");
    }
    return out.join("\n");
}

/** The diff in the plan's JSON style (for tools). */
export function diffJson(d: PlanDiff): string {
    return stableJson({
        schemaVersion: SCHEMA_VERSION,
        ...d,
        // Each change also with the parts that differ, as the text and Markdown show them.
        resources: d.resources.map((r) => ({
            ...r,
            changes: r.changes.map((c) => {
                const [before, after] = changedParts(c);
                return { ...c, differs: { before, after } };
            }),
        })),
    });
}
