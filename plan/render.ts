// The plan as text for a terminal: resource tree, dependency order, principals, access matrix,
// federated trusts and findings. Pure module.
import { formatSeconds } from "./deployTime";
import { describePrincipal, principalRank, scopeRank, VIA_WORDS } from "./labels";
import {
    compareText,
    isStanding,
    type Plan,
    type PlanResource,
    type Principal,
    sortBy,
} from "./model";
import { shortType } from "./resources";
import { loginText } from "./signIn";
import { counted, type Style, table } from "./text";

/** Properties printed one per line; others share one line. */
const MULTILINE = new Set([
    "azure-native:containerservice:ManagedCluster",
    "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy",
]);

export function principalIndex(plan: Plan): Map<string, Principal> {
    return new Map(plan.principals.map((p) => [p.key, p]));
}

export function renderText(plan: Plan, st: Style): string {
    return (
        [
            header(plan, st),
            section("Resource tree", st, tree(plan, st)),
            section("Dependency order that matters", st, order(plan, st)),
            section(deployTitle(plan), st, deploy(plan, st)),
            section("Sign-in", st, signInRows(plan, st)),
            section(`Principals (${plan.principals.length})`, st, principals(plan, st)),
            section(
                `Access matrix (${plan.grants.length} grants: ${plan.principals.length} principals x ${plan.scopes.length} scopes${plan.summary.eligibleGrants ? `; ${plan.summary.eligibleGrants} eligible through PIM` : ""}${plan.derived?.length ? `; ${plan.derived.length} derived` : ""})`,
                st,
                matrix(plan, st),
            ),
            section(
                `Federated trusts (${plan.trusts.length}): tokens that sign in as an identity`,
                st,
                trusts(plan, st),
            ),
            section(`Findings (${plan.findings.length})`, st, findings(plan, st)),
        ].join("\n\n") + "\n"
    );
}

function header(plan: Plan, st: Style): string {
    const s = plan.summary;
    const f = s.findings;
    return [
        st.bold(`aks-entra plan: stack ${plan.stack} (project ${plan.project})`),
        `${s.customResources} resources in ${s.resources - s.customResources} components, ${s.grants} grants${eligibleNote(plan)} to ${s.principals} principals, ${s.trusts} federated trusts; findings: ${f.high} high, ${f.medium} medium, ${f.low} low, ${f.info} info`,
        st.dim(
            "Evaluated offline: the real index.ts under fake Azure, Entra and Kubernetes; no credentials used, ids are placeholders.",
        ),
    ].join("\n");
}

/** ` (4 eligible through PIM)`, or nothing when no grant is only eligible. */
export function eligibleNote(plan: Plan): string {
    const n = plan.summary.eligibleGrants ?? 0;
    return n > 0 ? ` (${n} eligible through PIM)` : "";
}

function section(title: string, st: Style, body: string): string {
    return `${st.bold(st.cyan(title))}\n${body}`;
}

function tree(plan: Plan, st: Style): string {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const children = new Map<string, PlanResource[]>();
    const roots: PlanResource[] = [];
    for (const r of plan.resources) {
        if (byUrn.has(r.parent)) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
        } else {
            roots.push(r);
        }
    }
    // Components sort by their first child's wave, so the tree reads in creation order.
    const firstWave = new Map<string, number>();
    const waveOf = (r: PlanResource): number => {
        if (r.custom) return r.wave;
        const known = firstWave.get(r.urn);
        if (known !== undefined) return known;
        const kids = children.get(r.urn) ?? [];
        const w = kids.length ? Math.min(...kids.map(waveOf)) : 0;
        firstWave.set(r.urn, w);
        return w;
    };
    const order = (list: PlanResource[]) =>
        sortBy(
            [...list],
            waveOf,
            (r) => (r.custom ? 0 : 1),
            (r) => shortType(r.type),
            (r) => r.physicalName || r.name,
        );

    const lines: string[] = [];
    const walk = (r: PlanResource, prefix: string, last: boolean, root: boolean) => {
        const branch = root ? "" : last ? "└─ " : "├─ ";
        const name = r.custom ? r.physicalName || r.name : r.name;
        const logical =
            r.custom && r.physicalName && r.physicalName !== r.name ? st.dim(`  (${r.name})`) : "";
        const protect = r.protect ? st.yellow(" [protected]") : "";
        lines.push(
            `${prefix}${branch}${r.custom ? shortType(r.type) : st.bold(shortType(r.type))}  ${name}${logical}${protect}`,
        );
        const inner = prefix + (root ? "" : last ? "   " : "│  ");
        const kids = order(children.get(r.urn) ?? []);
        const bar = kids.length ? "│  " : "   ";
        const props = Object.entries(r.properties).filter(([, v]) => v !== "");
        if (props.length > 0) {
            if (MULTILINE.has(r.type)) {
                const width = Math.max(...props.map(([k]) => k.length));
                props.forEach(([k, v]) =>
                    lines.push(
                        `${inner}${bar}  ${st.dim(`${k.padEnd(width)}`)}  ${paintValue(v, st)}`,
                    ),
                );
            } else {
                lines.push(
                    `${inner}${bar}  ${props.map(([k, v]) => `${st.dim(`${k}:`)} ${paintValue(v, st)}`).join("  ")}`,
                );
            }
        }
        kids.forEach((k, n) => walk(k, inner, n === kids.length - 1, false));
    };
    order(roots).forEach((r) => walk(r, "", true, true));
    return lines.join("\n");
}

/** Shouts what weakens the cluster, quietly confirms what protects it. */
function paintValue(v: string, st: Style): string {
    if (/\b(ENABLED|NOT|LEGACY|open to any IP)\b/.test(v)) return st.red(v);
    return v;
}

function order(plan: Plan, st: Style): string {
    const lines = plan.order.map((c) => `${c.ok ? st.green("ok ") : st.red("NO ")} ${c.message}`);
    const waves = new Map<number, Map<string, number>>();
    for (const r of plan.resources.filter((x) => x.custom)) {
        const types = waves.get(r.wave) ?? new Map<string, number>();
        types.set(shortType(r.type), (types.get(shortType(r.type)) ?? 0) + 1);
        waves.set(r.wave, types);
    }
    lines.push(st.dim("Creation waves (a resource starts once everything it waits for exists):"));
    for (const w of [...waves.keys()].sort((a, b) => a - b)) {
        const types = [...waves.get(w)!].sort((a, b) => compareText(a[0], b[0]));
        lines.push(
            `  ${String(w).padStart(2)}  ${types.map(([t, n]) => counted(t, n)).join(", ")}`,
        );
    }
    return lines.join("\n");
}

/** `First pulumi up (estimate): ~9m 24s, critical path 1.01 x Azure's floor`. */
export function deployTitle(plan: Plan): string {
    const d = plan.deploy;
    const floor =
        d.floorSeconds > 0
            ? `critical path ${d.ratio.toFixed(2)} x Azure's floor`
            : "no floor (no cluster)";
    return `First pulumi up (estimate): ~${formatSeconds(d.seconds)}, ${floor}`;
}

/** What the floor is made of. */
export const FLOOR_CHAIN =
    "resource group -> control-plane identity -> its Managed Identity Operator grant -> the grant's propagation wait -> cluster -> the shortest thing after it, or the longest user pool (the pools of one virtual network of yours one after another)";

/** Where the figures come from, and what a lower `--parallel` does to them. */
export const DEPLOY_NOTE =
    'Durations are typical figures from offline/timeline.ts (docs/azure-facts.md, "Typical durations"), every ready resource started at once; ' +
    "`pulumi up --parallel N` lower than the stack's width lengthens it.";

function deploy(plan: Plan, st: Style): string {
    const d = plan.deploy;
    const rows = d.criticalPath.map((x) => [
        formatSeconds(x.start),
        formatSeconds(x.seconds),
        shortType(x.type),
        x.name,
    ]);
    return [
        table(["START", "TAKES", "TYPE", "NAME"], rows, st),
        st.dim(`Azure's floor: ${formatSeconds(d.floorSeconds)} (${FLOOR_CHAIN}).`),
        st.dim(DEPLOY_NOTE),
    ].join("\n");
}

/** Principals in display order (see principalRank). */
export function displayOrder(plan: Plan): Principal[] {
    return sortBy(
        [...plan.principals],
        principalRank,
        (p) => p.label,
        (p) => p.key,
    );
}

/** Who signs in how (plan/signIn.ts): people, and the exported kubeconfig. */
export function signInTable(plan: Plan): string[][] {
    const s = plan.signIn;
    if (!s) return [];
    return [
        ["people (getCredentialsCommand)", loginText(s.people)],
        ...(s.kubeconfig
            ? [["kubeconfig output, Kubernetes provider", loginText(s.kubeconfig)]]
            : []),
    ];
}

function signInRows(plan: Plan, st: Style): string {
    const rows = signInTable(plan);
    return rows.length ? table(["WHO", "LOGIN"], rows, st) : st.dim("not recorded");
}

function principals(plan: Plan, st: Style): string {
    const rows = displayOrder(plan).map((p) => [
        describePrincipal(p),
        p.principalType,
        p.objectId || "-",
        [
            p.clusterAdminGroup ? "AKS admin group" : "",
            p.clientId ? `clientId ${p.clientId}` : "",
            p.createdBy ? "created by this stack" : "",
            p.membersByPim ? "members only by PIM activation (just-in-time)" : "",
        ]
            .filter(Boolean)
            .join(", "),
    ]);
    return table(["PRINCIPAL", "TYPE", "OBJECT ID", "NOTES"], rows, st);
}

function matrix(plan: Plan, st: Style): string {
    const who = principalIndex(plan);
    const scopes = new Map(plan.scopes.map((s) => [s.key, s]));
    const rank = new Map(displayOrder(plan).map((p, n) => [p.key, n]));
    // Held and eligible grants, then what each principal reaches through others (derived).
    const lines = sortBy(
        [
            ...plan.grants.map((g) => ({
                principal: g.principal,
                scope: g.scope,
                level: g.level,
                order: isStanding(g) ? 0 : 1,
                role: g.role + (g.detail ? ` (${g.detail})` : ""),
                via: VIA_WORDS[g.via],
            })),
            ...(plan.derived ?? []).map((d) => ({
                principal: d.principal,
                scope: d.scope,
                level: d.level,
                order: 2,
                role: d.role,
                via: `derived ${d.path}`,
            })),
        ],
        (g) => rank.get(g.principal) ?? 0,
        (g) => (g.order === 2 ? 1 : 0),
        (g) => scopeRank(scopes.get(g.scope)!),
        (g) => scopes.get(g.scope)!.label,
        (g) => g.order,
        (g) => -g.level,
        (g) => g.role,
        (g) => g.via,
    );
    let previous = "";
    const rows = lines.map((g) => {
        const name = describePrincipal(who.get(g.principal)!);
        const shown = name === previous ? "" : name;
        previous = name;
        return [shown, scopes.get(g.scope)!.label, g.role, g.via];
    });
    return table(["PRINCIPAL", "SCOPE", "ROLE", "VIA"], rows, st, (row, col, cell) =>
        col === 2 && lines[row].level >= 4
            ? st.red(cell)
            : col === 2 && lines[row].level === 3
              ? st.yellow(cell)
              : cell,
    );
}

function trusts(plan: Plan, st: Style): string {
    const who = principalIndex(plan);
    const rows = plan.trusts.map((t) => [
        who.get(t.identity) ? describePrincipal(who.get(t.identity)!) : t.identity,
        t.issuerLabel,
        t.subject,
    ]);
    return rows.length ? table(["IDENTITY", "ISSUER", "SUBJECT"], rows, st) : st.dim("none");
}

function findings(plan: Plan, st: Style): string {
    if (plan.findings.length === 0) return st.dim("none");
    const paint = { high: st.red, medium: st.yellow, low: (s: string) => s, info: st.dim };
    return plan.findings
        .map(
            (f) =>
                `${paint[f.severity](f.severity.toUpperCase().padEnd(6))}  ${f.code}: ${f.message}`,
        )
        .join("\n");
}
