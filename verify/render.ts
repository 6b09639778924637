// The verify report as text (terminal), Markdown (a PR or issue comment) and stable JSON.
// Pure module.
import { SEVERITIES } from "../plan/model";
import type { Style } from "../plan/text";
import { AREAS, type Check, isDrift, type Report } from "./compare";

const KUBERNETES: Record<Report["summary"]["kubernetes"], string> = {
    compared: "compared",
    skipped: "not compared (--no-kubernetes, or the snapshot has no Kubernetes reads)",
    unreadable: "not fully read (see Could not read)",
    "no-cluster": "not compared: the stack's cluster does not exist",
    none: "no cluster in the plan",
};

/** Drift first by severity, then area order, then subject: the same order every run. */
export function driftOf(report: Report): Check[] {
    return report.checks
        .filter(isDrift)
        .sort(
            (a, b) =>
                SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
                AREAS.indexOf(a.area) - AREAS.indexOf(b.area) ||
                (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0),
        );
}

export function headline(report: Report): string {
    const { drift, checks, errors } = report.summary;
    const read = errors > 0 ? `; ${errors} read${errors === 1 ? "" : "s"} failed` : "";
    return drift === 0
        ? `live matches the plan: ${checks} checks${read}`
        : `DRIFT: ${drift} of ${checks} checks differ from the plan${read}`;
}

function okByArea(report: Report): string {
    return AREAS.map((area) => {
        const n = report.checks.filter((c) => c.area === area && !isDrift(c)).length;
        return n > 0 ? `${area} ${n}` : "";
    })
        .filter(Boolean)
        .join(", ");
}

export function renderText(report: Report, st: Style): string {
    const lines: string[] = [];
    const drift = driftOf(report);
    const head = headline(report);
    lines.push(
        `verify ${report.stack} (${report.project}): ${drift.length > 0 ? st.red(head) : st.green(head)}`,
    );
    lines.push(`Kubernetes: ${KUBERNETES[report.summary.kubernetes]}`);
    if (drift.length > 0) {
        lines.push("", st.bold("Drift"));
        for (const c of drift) {
            lines.push(
                `  ${c.severity.toUpperCase().padEnd(6)} ${c.status.padEnd(12)} ${c.area.padEnd(20)} ${c.subject}`,
            );
            lines.push(`         ${c.message}`);
            if (c.expected !== undefined) lines.push(`         planned: ${c.expected}`);
            if (c.live !== undefined) lines.push(`         live:    ${c.live}`);
            lines.push(`         ${st.dim(c.resource)}`);
        }
    }
    const ok = okByArea(report);
    lines.push("", `As planned: ${ok || "nothing"}`);
    const groups: [string, Report["inherited"]][] = [
        [
            "Inherited access: assigned above the stack's scopes, not the stack's to grant; review it where it is assigned",
            report.inherited.filter((i) => i.where === "above"),
        ],
        [
            "Other access on shared scopes the config names (not to the stack's principals): other teams' grants",
            report.inherited.filter((i) => i.where === "shared"),
        ],
    ];
    for (const [title, list] of groups) {
        if (list.length === 0) continue;
        lines.push("", st.bold(`${title} (${list.length})`));
        for (const i of list) {
            lines.push(
                `  ${i.role} to ${i.principalType} ${i.principalId} at ${i.scope}${i.where === "above" ? ` (reaches ${i.reaches.join(", ")})` : ""}`,
            );
        }
    }
    if (report.errors.length > 0) {
        lines.push("", st.bold(`Could not read (${report.errors.length})`));
        for (const e of report.errors) lines.push(`  ${e.what}: ${e.error}`);
    }
    if (report.conflicts.length > 0) {
        lines.push(
            "",
            `Note: the stack's state maps ${report.conflicts.length} planned value(s) to two live ones: ${report.conflicts.join(", ")}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

function cell(s: string | undefined): string {
    return (s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderMarkdown(report: Report): string {
    const drift = driftOf(report);
    const out: string[] = [];
    out.push(`### verify ${report.stack}: ${headline(report)}`, "");
    out.push(`Kubernetes: ${KUBERNETES[report.summary.kubernetes]}.`, "");
    if (drift.length > 0) {
        out.push("| severity | status | area | what | planned | live |");
        out.push("|---|---|---|---|---|---|");
        for (const c of drift) {
            out.push(
                `| ${c.severity} | ${c.status} | ${c.area} | ${cell(c.subject)}<br>${cell(c.message)} | ${cell(c.expected)} | ${cell(c.live)} |`,
            );
        }
        out.push("");
    }
    out.push(`As planned: ${okByArea(report) || "nothing"}.`, "");
    if (report.inherited.length > 0) {
        out.push(
            `<details><summary>Access from above the stack's scopes, or on shared scopes (${report.inherited.length})</summary>`,
            "",
            "| role | principal | assigned at | where | reaches |",
            "|---|---|---|---|---|",
            ...report.inherited.map(
                (i) =>
                    `| ${cell(i.role)} | ${i.principalType} ${i.principalId} | ${cell(i.scope)} | ${i.where} | ${cell(i.reaches.join(", "))} |`,
            ),
            "",
            "</details>",
            "",
        );
    }
    if (report.errors.length > 0) {
        out.push(`**Could not read (${report.errors.length})**`, "");
        for (const e of report.errors) out.push(`- ${cell(e.what)}: ${cell(e.error)}`);
        out.push("");
    }
    return `${out.join("\n")}\n`;
}
