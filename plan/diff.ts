// `--diff BASE.json`: what changes in access (grants added, removed, widened, narrowed; trusts added,
// removed) and in resources (each property with its old and new value) between an earlier plan and
// this one. plan/diffRender.ts writes it out. Pure module.
import { podSecurityChanges } from "./diffPodSecurity";
import { type ImmutableChange, immutableChanges } from "./immutable";
import { describePrincipal } from "./labels";
import {
    type Activation,
    compareText,
    type Finding,
    type Grant,
    isStanding,
    type Plan,
    type PlanResource,
    SCHEMA_VERSION,
    SECRET,
    sortBy,
    type Trust,
    trustKey,
} from "./model";

export type AccessChangeKind = "added" | "removed" | "widened" | "narrowed" | "changed";

/**
 * What changed in the roles one principal holds on one scope, or is eligible for there (PIM:
 * standing and eligible roles are compared apart). Roles only gained: added; only lost: removed;
 * some swapped: widened or narrowed by the highest level gained vs lost (reader -> admin is
 * widened); at equal levels, an eligible role whose activation rules only loosened (longer, no
 * MFA, no justification, no approval) is widened, only tightened narrowed; changed otherwise.
 */
export interface AccessChange {
    kind: AccessChangeKind;
    principal: string;
    scope: string;
    /** True when the roles are eligible ones (PIM), not held. */
    eligible?: boolean;
    /**
     * True when the roles are derived ones (components/access/derived.ts): reached through a service
     * account, an identity or a binding; each role then reads `<path> -> <role>`.
     */
    derived?: boolean;
    /**
     * True for a namespace's Pod Security admission labels (plan/diffPodSecurity.ts): the
     * principal is whoever creates pods there, each role reads `enforce <level>`.
     */
    podSecurity?: boolean;
    /** Roles lost. */
    removed: string[];
    /** Roles gained. */
    added: string[];
    /** Every role held after the change. */
    after: string[];
}

export interface TrustChange {
    kind: "added" | "removed";
    identity: string;
    issuer: string;
    subject: string;
}

export interface ResourceChange {
    kind: "added" | "removed" | "changed";
    urn: string;
    type: string;
    /** Property names that changed. */
    properties: string[];
    /** Each changed property with its value in the base plan and in this one. */
    changes: PropertyChange[];
}

/**
 * One property of a resource (a key of PlanResource.properties, e.g. `pool apps1a2b`) and its
 * value before and after; undefined where the property is absent. Values are the plan's text,
 * which never holds a secret; a property named like one of the resource's secret inputs shows
 * SECRET all the same.
 */
export interface PropertyChange {
    property: string;
    before?: string;
    after?: string;
}

export interface PlanDiff {
    accessChanged: boolean;
    /** Changes Azure refuses in place, or that replace a resource: `pulumi up` fails or recreates. */
    refused: ImmutableChange[];
    access: AccessChange[];
    trusts: TrustChange[];
    resources: ResourceChange[];
    findings: { added: Finding[]; resolved: Finding[] };
}

/** A base plan that cannot be compared. */
export class BasePlanError extends Error {}

export function parseBasePlan(text: string, file: string): Plan {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        throw new BasePlanError(
            `${file} is not JSON (${(e as Error).message}); pass a file written by --json`,
        );
    }
    const plan = value as Partial<Plan> | null;
    if (plan === null || typeof plan !== "object" || plan.schemaVersion !== SCHEMA_VERSION) {
        throw new BasePlanError(
            `${file} has schemaVersion ${JSON.stringify(plan?.schemaVersion)}; this plan writes ${SCHEMA_VERSION}: regenerate the base with --json`,
        );
    }
    for (const key of [
        "resources",
        "principals",
        "scopes",
        "grants",
        "trusts",
        "findings",
    ] as const) {
        if (!Array.isArray(plan[key])) {
            throw new BasePlanError(`${file} has no "${key}" list; pass a file written by --json`);
        }
    }
    return plan as Plan;
}

const maxLevel = (gs: Grant[]) => Math.max(-1, ...gs.map((g) => g.level));

/**
 * How activation rules moved from `a` to `b`: 1 looser only (a longer activation; MFA,
 * justification or approval dropped), -1 stricter only, 0 neither or both (or unknown).
 */
export function activationTrend(a: Activation | undefined, b: Activation | undefined): number {
    if (!a || !b) return 0;
    const moves: number[] = [];
    if (a.maxMinutes !== undefined && b.maxMinutes !== undefined) {
        moves.push(Math.sign(b.maxMinutes - a.maxMinutes));
    } else if (a.maxMinutes !== b.maxMinutes) {
        moves.push(NaN);
    }
    for (const rule of ["mfa", "justification", "approval"] as const) {
        if (a[rule] === b[rule]) continue;
        moves.push(a[rule] === undefined || b[rule] === undefined ? NaN : a[rule] ? 1 : -1);
    }
    if (moves.some((m) => Number.isNaN(m))) return 0;
    const up = moves.some((m) => m > 0);
    const down = moves.some((m) => m < 0);
    return up && !down ? 1 : down && !up ? -1 : 0;
}

/** The same trend over the eligible roles swapped in one change (paired by role). */
function eligibleTrend(lost: Grant[], gained: Grant[]): number {
    const trends = gained.map((g) => {
        const before = lost.find((l) => l.roleKey === g.roleKey);
        return before ? activationTrend(before.activation, g.activation) : NaN;
    });
    if (trends.length === 0 || trends.length !== lost.length) return 0;
    if (trends.every((t) => t === 1 || t === 0) && trends.includes(1)) return 1;
    if (trends.every((t) => t === -1 || t === 0) && trends.includes(-1)) return -1;
    return 0;
}
// The role's text too: a declared role renamed is a change a reviewer must see.
const roleId = (g: Grant) => `${g.roleKey}|${g.level}|${g.role}|${g.detail ?? ""}`;

/**
 * Access, trusts, resources and findings of `base` against `current`. The first-up estimate
 * (`deploy`) is not compared: how long a first `pulumi up` takes is no access change, and a base
 * plan written before the estimate existed has none.
 */
export function diffPlans(base: Plan, current: Plan): PlanDiff {
    const label = (plan: Plan, key: string) => {
        const p = plan.principals.find((x) => x.key === key);
        return p ? describePrincipal(p) : key;
    };
    const scopeLabel = (plan: Plan, key: string) =>
        plan.scopes.find((s) => s.key === key)?.label ?? key;

    // A base written before derived access existed (no `derived`) says nothing about it.
    const compareDerived = base.derived !== undefined;
    const pairs = (plan: Plan) => {
        const m = new Map<string, Grant[]>();
        for (const g of plan.grants) {
            const key = `${g.principal}\u0000${g.scope}\u0000${isStanding(g) ? "" : "eligible"}`;
            m.set(key, [...(m.get(key) ?? []), g]);
        }
        // Derived access as grants whose role says its path, compared apart from held ones.
        for (const d of compareDerived ? (plan.derived ?? []) : []) {
            const key = `${d.principal}\u0000${d.scope}\u0000derived`;
            const g: Grant = {
                principal: d.principal,
                scope: d.scope,
                role: `${d.path} -> ${d.role}`,
                roleKey: `${d.roleKey}|${d.path}`,
                level: d.level,
                via: "azure-rbac",
                source: d.source,
            };
            m.set(key, [...(m.get(key) ?? []), g]);
        }
        return m;
    };
    const before = pairs(base);
    const after = pairs(current);
    const access: AccessChange[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
        const b = before.get(key) ?? [];
        const a = after.get(key) ?? [];
        const bIds = new Set(b.map(roleId));
        const aIds = new Set(a.map(roleId));
        const lost = b.filter((g) => !aIds.has(roleId(g)));
        const gained = a.filter((g) => !bIds.has(roleId(g)));
        if (lost.length === 0 && gained.length === 0) continue;
        const [principal, scope, kindOf] = key.split("\u0000") as [string, string, string];
        const eligible = kindOf === "eligible";
        const trend = eligible ? eligibleTrend(lost, gained) : 0;
        const kind: AccessChangeKind =
            lost.length === 0
                ? "added"
                : gained.length === 0
                  ? "removed"
                  : maxLevel(gained) > maxLevel(lost)
                    ? "widened"
                    : maxLevel(gained) < maxLevel(lost)
                      ? "narrowed"
                      : trend > 0
                        ? "widened"
                        : trend < 0
                          ? "narrowed"
                          : "changed";
        const where = a.length ? current : base;
        access.push({
            kind,
            principal: label(where, principal),
            scope: scopeLabel(where, scope),
            eligible: eligible ? true : undefined,
            derived: kindOf === "derived" ? true : undefined,
            removed: lost.map(roleText).sort(),
            added: gained.map(roleText).sort(),
            after: a.map(roleText).sort(),
        });
    }

    access.push(...podSecurityChanges(base, current));

    const trustMap = (plan: Plan) => new Map(plan.trusts.map((t) => [trustKey(t), t]));
    const tb = trustMap(base);
    const ta = trustMap(current);
    const trustChange = (kind: TrustChange["kind"], plan: Plan, t: Trust): TrustChange => ({
        kind,
        identity: label(plan, t.identity),
        issuer: t.issuerLabel,
        subject: t.subject,
    });
    const trusts = [
        ...[...ta].filter(([k]) => !tb.has(k)).map(([, t]) => trustChange("added", current, t)),
        ...[...tb].filter(([k]) => !ta.has(k)).map(([, t]) => trustChange("removed", base, t)),
    ];

    const rb = new Map(base.resources.map((r) => [r.urn, r]));
    const ra = new Map(current.resources.map((r) => [r.urn, r]));
    const resources: ResourceChange[] = [];
    const refused: ImmutableChange[] = [];
    for (const [urn, r] of ra) {
        const old = rb.get(urn);
        if (!old) {
            resources.push({ kind: "added", urn, type: r.type, properties: [], changes: [] });
            continue;
        }
        refused.push(...immutableChanges(urn, r.type, old.immutable, r.immutable));
        const changes = propertyChanges(old, r);
        if (changes.length)
            resources.push({
                kind: "changed",
                urn,
                type: r.type,
                properties: changes.map((c) => c.property),
                changes,
            });
    }
    for (const [urn, r] of rb) {
        if (!ra.has(urn))
            resources.push({ kind: "removed", urn, type: r.type, properties: [], changes: [] });
    }

    const findingKey = (f: Finding) => `${f.code}|${f.subject}|${f.message}`;
    const fb = new Set(base.findings.map(findingKey));
    const fa = new Set(current.findings.map(findingKey));

    const kinds: AccessChangeKind[] = ["widened", "added", "changed", "narrowed", "removed"];
    return {
        accessChanged: access.length > 0 || trusts.length > 0,
        refused: sortBy(
            refused,
            (c) => c.kind,
            (c) => c.urn,
            (c) => c.fact,
        ),
        access: sortBy(
            access,
            (c) => kinds.indexOf(c.kind),
            (c) => c.principal,
            (c) => c.scope,
            (c) => (c.eligible ? 1 : c.derived ? 2 : 0),
        ),
        trusts: sortBy(
            trusts,
            (t) => t.kind,
            (t) => t.identity,
            (t) => t.subject,
        ),
        resources: sortBy(
            resources,
            (r) => r.kind,
            (r) => r.urn,
        ),
        findings: {
            added: current.findings.filter((f) => !fb.has(findingKey(f))),
            resolved: base.findings.filter((f) => !fa.has(findingKey(f))),
        },
    };
}

/** Every property whose text differs between two plans of one resource, sorted by name. */
export function propertyChanges(
    old: Pick<PlanResource, "properties">,
    now: Pick<PlanResource, "properties">,
): PropertyChange[] {
    const secret = new Set(
        [old.properties.secretInputs, now.properties.secretInputs].flatMap((s) =>
            s ? s.split(", ") : [],
        ),
    );
    const shown = (props: Record<string, string>, key: string) =>
        Object.hasOwn(props, key) ? (secret.has(key) ? SECRET : props[key]) : undefined;
    const keys = new Set([...Object.keys(old.properties), ...Object.keys(now.properties)]);
    return [...keys]
        .filter((k) => old.properties[k] !== now.properties[k])
        .sort(compareText)
        .map((property) => ({
            property,
            before: shown(old.properties, property),
            after: shown(now.properties, property),
        }));
}

function roleText(g: Grant): string {
    return g.detail ? `${g.role} (${g.detail})` : g.role;
}
