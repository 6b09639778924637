// The plan as Markdown for a pull-request comment, with a Mermaid flowchart of who can sign in as
// what (trusts) and who gets what where (grants). GitHub renders Mermaid in ```mermaid blocks.
// Pure module.
import { createHash } from "node:crypto";
import { describePrincipal, scopeRank } from "./labels";
import {
    derivedLine,
    type Grant,
    isStanding,
    type Plan,
    type Scope,
    sortBy,
    type Trust,
} from "./model";
import { formatSeconds } from "./deployTime";
import {
    DEPLOY_NOTE,
    deployTitle,
    displayOrder,
    eligibleNote,
    FLOOR_CHAIN,
    principalIndex,
    signInTable,
} from "./render";
import { shortType } from "./resources";
import { markdownTable } from "./text";

/** GitHub refuses to draw flowcharts with more than 500 edges; stay well below. */
export const MAX_DIAGRAM_EDGES = 300;
/** Above this many scopes the matrix becomes a list (principal, scope, role). */
const MAX_MATRIX_COLUMNS = 12;

/** A Mermaid node id: letters, digits and `_` only, unique per key (hash), never a keyword. */
export function mermaidId(prefix: string, key: string, readableFrom = key): string {
    const readable = readableFrom
        .replace(/[^A-Za-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")
        .slice(0, 40);
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 6);
    return `${prefix}_${readable}_${hash}`;
}

/** A quoted Mermaid label: quotes and angle brackets as entities. */
export function mermaidLabel(text: string): string {
    return `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;
}

/** Who presents the token of a trust: a Kubernetes service account or a GitHub workflow. */
function trustSource(t: Trust): string {
    const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(t.subject);
    if (sa) return `service account ${sa[1]}/${sa[2]}`;
    const gh = /^repo:([^:]+):(.*)$/.exec(t.subject);
    if (gh && t.issuerLabel === "GitHub Actions") {
        const what = gh[2]
            .replace(/^environment:/, "environment ")
            .replace(/^ref:refs\/heads\//, "branch ")
            .replace(/^ref:refs\/tags\//, "tag ")
            .replace(/^pull_request$/, "pull requests");
        return `GitHub ${gh[1]} ${what}`;
    }
    return `${t.issuerLabel}: ${t.subject}`;
}

export interface Diagram {
    text: string;
    nodes: number;
    edges: number;
}

/** Flowchart: token sources -> identities (trusts), principals -> scopes (grants, roles merged). */
export function mermaid(plan: Plan): Diagram {
    const who = principalIndex(plan);
    const scopes = new Map(plan.scopes.map((s) => [s.key, s]));
    const lines = ["flowchart LR"];
    const declared = new Set<string>();
    const edges: string[] = [];
    const node = (id: string, shape: [string, string], label: string, into: string[]) => {
        if (declared.has(id)) return;
        declared.add(id);
        into.push(`        ${id}${shape[0]}${mermaidLabel(label)}${shape[1]}`);
    };

    const sources: string[] = [];
    const people: string[] = [];
    const places: string[] = [];
    const principalId = (key: string) => {
        const p = who.get(key);
        return mermaidId("p", key, p?.label ?? key);
    };
    const used = new Set([
        ...plan.trusts.map((t) => t.identity),
        ...plan.grants.map((g) => g.principal),
    ]);
    for (const p of displayOrder(plan).filter((x) => used.has(x.key))) {
        node(principalId(p.key), ["[", "]"], describePrincipal(p), people);
    }
    for (const key of [...used].filter((k) => !who.has(k)).sort()) {
        node(principalId(key), ["[", "]"], key, people);
    }
    for (const s of plan.scopes) {
        node(mermaidId("s", s.key, s.label), ["([", "])"], s.label, places);
    }
    for (const t of plan.trusts) {
        const src = mermaidId("t", `${t.issuerLabel}|${t.subject}`, trustSource(t));
        node(src, ["{{", "}}"], trustSource(t), sources);
        edges.push(`    ${src} -->|"signs in as"| ${principalId(t.identity)}`);
    }
    // Eligible grants (PIM) are their own dotted edge: access only while an activation lasts.
    const pairs = new Map<string, { p: string; s: Scope; roles: string[]; eligible: boolean }>();
    for (const g of sortBy(
        [...plan.grants],
        (x) => -x.level,
        (x) => x.role,
    )) {
        const eligible = !isStanding(g);
        const key = `${g.principal}|${g.scope}|${eligible}`;
        const entry = pairs.get(key) ?? {
            p: g.principal,
            s: scopes.get(g.scope)!,
            roles: [],
            eligible,
        };
        entry.roles.push(
            g.level === 0 && g.role.endsWith("Cluster User Role") ? "kubeconfig" : g.role,
        );
        pairs.set(key, entry);
    }
    const rank = new Map(displayOrder(plan).map((p, n) => [p.key, n]));
    const ordered = sortBy(
        [...pairs.values()],
        (e) => rank.get(e.p) ?? -1,
        (e) => e.p,
        (e) => scopeRank(e.s),
        (e) => e.s.label,
        (e) => (e.eligible ? 1 : 0),
    );
    for (const { p, s, roles, eligible } of ordered) {
        const label = mermaidLabel(`${eligible ? "eligible: " : ""}${roles.join(", ")}`);
        edges.push(
            `    ${principalId(p)} ${eligible ? "-.->" : "-->"}|${label}| ${mermaidId("s", s.key, s.label)}`,
        );
    }

    const group = (id: string, title: string, body: string[]) =>
        body.length ? [`    subgraph ${id}[${mermaidLabel(title)}]`, ...body, "    end"] : [];
    lines.push(
        ...group("tokens", "Token issuers", sources),
        ...group("principals", "Principals", people),
        ...group("scopes", "Scopes", places),
        ...edges,
    );
    return { text: lines.join("\n"), nodes: declared.size, edges: edges.length };
}

/** A role in a matrix cell: eligible ones say so. */
function cellRole(g: Grant): string {
    return isStanding(g) ? g.role : `${g.role} (eligible)`;
}

export function renderMarkdown(plan: Plan, prelude = ""): string {
    const who = principalIndex(plan);
    const scopes = new Map(plan.scopes.map((s) => [s.key, s]));
    const s = plan.summary;
    const out: string[] = [`# aks-entra plan: stack \`${plan.stack}\``, ""];
    out.push(
        `${s.customResources} resources, ${s.grants} grants${eligibleNote(plan)} to ${s.principals} principals, ${s.trusts} federated trusts. ` +
            `Findings: **${s.findings.high} high**, ${s.findings.medium} medium, ${s.findings.low} low, ${s.findings.info} info. ` +
            "Evaluated offline (fake Azure, Entra and Kubernetes; object ids of created identities are placeholders).",
        "",
    );
    if (prelude) out.push(prelude, "");

    out.push("## Findings", "");
    out.push(
        plan.findings.length
            ? markdownTable(
                  ["severity", "finding", "detail"],
                  plan.findings.map((f) => [f.severity, `\`${f.code}\``, f.message]),
              )
            : "None.",
        "",
    );

    const login = signInTable(plan);
    if (login.length) out.push("## Sign-in", "", markdownTable(["who", "login"], login), "");

    out.push("## Who can do what, where", "");
    const diagram = mermaid(plan);
    if (diagram.edges <= MAX_DIAGRAM_EDGES) {
        out.push("```mermaid", diagram.text, "```", "");
    } else {
        out.push(
            `_Diagram omitted: ${diagram.edges} edges is more than GitHub draws; see the tables below._`,
            "",
        );
    }

    const columns = plan.scopes;
    const derived = plan.derived ?? [];
    if (columns.length <= MAX_MATRIX_COLUMNS) {
        // Derived roles (their paths are listed below) follow the held and eligible ones.
        const cell = (p: string, c: string) => [
            ...plan.grants.filter((g) => g.principal === p && g.scope === c).map(cellRole),
            ...new Set(
                derived
                    .filter((d) => d.principal === p && d.scope === c)
                    .map((d) => `${d.role} (derived)`),
            ),
        ];
        const rows = displayOrder(plan)
            .filter((p) => plan.grants.some((g) => g.principal === p.key))
            .map((p) => [
                `${describePrincipal(p)}${p.objectId ? ` <br><sub>${p.objectId}</sub>` : ""}`,
                ...columns.map((c) => cell(p.key, c.key).join(", ")),
            ]);
        out.push(markdownTable(["principal", ...columns.map((c) => c.label)], rows), "");
    } else {
        out.push(
            markdownTable(
                ["principal", "scope", "role", "via"],
                plan.grants.map((g) => [
                    describePrincipal(who.get(g.principal)!),
                    scopes.get(g.scope)!.label,
                    cellRole(g),
                    g.via,
                ]),
            ),
            "",
        );
    }
    const eligible = plan.grants.filter((g) => !isStanding(g));
    if (eligible.length) {
        out.push(
            "Eligible through PIM (held only while an activation of the just-in-time group lasts):",
            "",
            ...eligible.map(
                (g) =>
                    `- ${describePrincipal(who.get(g.principal)!)}: ${g.role} on ${scopes.get(g.scope)!.label}, ${g.detail ?? ""}`,
            ),
            "",
        );
    }
    if (derived.length) {
        out.push(
            "Derived (not held: reached through a service account, an identity or a binding the principal can create):",
            "",
            ...derived.map(
                (d) =>
                    `- ${describePrincipal(who.get(d.principal)!)}: ${derivedLine(d, scopes.get(d.scope)!.label)}`,
            ),
            "",
        );
    }
    const custom = plan.grants.filter((g) => g.detail && g.via === "kubernetes-rbac");
    if (custom.length) {
        out.push(
            "Roles created by this stack:",
            "",
            ...[
                ...new Set(
                    custom.map(
                        (g) => `- \`${g.role}\` in ${scopes.get(g.scope)!.label}: ${g.detail}`,
                    ),
                ),
            ],
            "",
        );
    }

    out.push("## Federated trusts", "");
    out.push(
        plan.trusts.length
            ? markdownTable(
                  ["identity", "issuer", "subject"],
                  plan.trusts.map((t) => [
                      who.get(t.identity) ? describePrincipal(who.get(t.identity)!) : t.identity,
                      t.issuerLabel,
                      `\`${t.subject}\``,
                  ]),
              )
            : "None.",
        "",
    );

    out.push("## Dependency order", "");
    out.push(...plan.order.map((c) => `- ${c.ok ? "✅" : "❌"} ${c.message}`), "");

    out.push(`## ${deployTitle(plan)}`, "");
    out.push(
        markdownTable(
            ["start", "takes", "type", "name"],
            plan.deploy.criticalPath.map((x) => [
                formatSeconds(x.start),
                formatSeconds(x.seconds),
                `\`${shortType(x.type)}\``,
                x.name,
            ]),
        ),
        "",
        `Azure's floor: ${formatSeconds(plan.deploy.floorSeconds)} (${FLOOR_CHAIN}). ${DEPLOY_NOTE}`,
        "",
    );

    out.push("<details><summary>Resources by type</summary>", "");
    out.push(
        markdownTable(
            ["type", "count"],
            Object.entries(s.byType)
                .map(([t, n]) => [`\`${shortType(t)}\``, String(n)])
                .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
        ),
        "",
        "</details>",
        "",
    );
    return out.join("\n");
}
