// What verify expects to find live: the offline plan of the stack's config (its registrations, as
// the fakes answered them), with every value the fakes invented replaced by what Azure answered
// when the stack was deployed, read from the stack's state.
//
// The fakes invent ids the way Azure does (docs/azure-facts.md, "Formats"): a subscription, a
// tenant, principal and client ids of identities, object ids of groups, the OIDC issuer URL, role
// assignment names derived from them. The same resource (same URN: names are deterministic) in the
// stack's state holds the real ones, so each fake value maps to exactly one live value. Values the
// config gives (group object ids, scopes, subnets) are never mapped: when the state disagrees with
// them, the config changed since the last `pulumi up`, and that is drift to report, not to hide.
// Pure module: no Azure, Kubernetes or Pulumi SDK import.
import type { Registration } from "../offline/harness";
import { TYPES } from "../offline/types";
import { at, text, strings, k8sName } from "../plan/registrations";
import { describePrincipal } from "../plan/labels";
import type { Plan } from "../plan/model";
import type { ReadTargets, StackState, StateResource } from "./snapshot";

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Fake value (lowercase) -> live value, learnt from resources present in both runs. */
export class LiveValues {
    private readonly tokens = new Map<string, string>();
    private readonly whole = new Map<string, string>();
    /**
     * Planned values that two resources of the state map to different live values, with the two
     * URNs (the first mapping is kept).
     */
    readonly conflicts: string[] = [];
    /** The URN being learnt from, and the URN each mapping was learnt from. */
    private urn = "";
    private readonly from = new Map<string, string>();

    /** Learns from one resource: as the plan registers it and as the stack's state holds it. */
    learnResource(urn: string, pairs: [fake: unknown, live: unknown][]): void {
        this.urn = urn;
        for (const [fake, live] of pairs) this.learn(fake, live);
    }

    /** `keep`: lowercase GUIDs the config gives; never mapped. */
    constructor(private readonly keep: ReadonlySet<string>) {}

    /** Learns from one value as the plan has it and as the state has it. */
    learn(fake: unknown, live: unknown): void {
        if (typeof fake === "string" && typeof live === "string") {
            this.learnText(fake, live);
        } else if (Array.isArray(fake) && Array.isArray(live)) {
            this.learnList(fake, live);
        } else if (isObject(fake) && isObject(live)) {
            for (const key of Object.keys(fake)) {
                if (key in live) this.learn(fake[key], live[key]);
            }
        }
    }

    /**
     * Lists of objects (pools, subjects) keep the program's order: pair them by position. Lists of
     * ids are often sorted (a group's owners), so position says nothing: elements on both sides and
     * ids the config gives are set aside, and a pair is learnt only when one element is left.
     */
    private learnList(fake: unknown[], live: unknown[]): void {
        if (fake.length === live.length && fake.every(isObject) && live.every(isObject)) {
            fake.forEach((f, i) => this.learn(f, live[i]));
            return;
        }
        const key = (v: unknown) => JSON.stringify(v).toLowerCase();
        const inFake = new Set(fake.map(key));
        const inLive = new Set(live.map(key));
        const given = (v: unknown) =>
            typeof v === "string" && (v.match(GUID) ?? []).some((g) => this.keep.has(lower(g)));
        const f = fake.filter((v) => !inLive.has(key(v)) && !given(v));
        const l = live.filter((v) => !inFake.has(key(v)) && !given(v));
        if (f.length === 1 && l.length === 1) this.learn(f[0], l[0]);
    }

    private learnText(fake: string, live: string): void {
        if (fake === live) return;
        const fakeGuids = fake.match(GUID) ?? [];
        const liveGuids = live.match(GUID) ?? [];
        const sameShape =
            fakeGuids.length > 0 &&
            fakeGuids.length === liveGuids.length &&
            fake.replace(GUID, "#").toLowerCase() === live.replace(GUID, "#").toLowerCase();
        if (sameShape) {
            fakeGuids.forEach((f, i) => this.set(this.tokens, f.toLowerCase(), liveGuids[i]));
        } else if (fakeGuids.some((g) => !this.keep.has(g.toLowerCase()))) {
            // A value the fakes made up whole (an FQDN with a random label, say).
            this.set(this.whole, fake.toLowerCase(), live);
        }
    }

    private set(map: Map<string, string>, fake: string, live: string): void {
        // Never from an id the config gives: a pair that differs there is a config change since
        // the last up, and mapping it would hide drift. (Onto one is fine: the live subscription
        // or deployer may well be named in the config too.)
        if (this.keep.has(fake) || fake === lower(live)) return;
        const known = map.get(fake);
        if (known === undefined) {
            map.set(fake, live);
            this.from.set(fake, this.urn);
        } else if (known.toLowerCase() !== live.toLowerCase()) {
            this.conflicts.push(
                `${this.from.get(fake)} has ${known}, ${this.urn} has ${live} for the same planned value`,
            );
        }
    }

    /** The live form of a value of the plan (strings inside arrays and objects too). */
    live<T>(value: T): T {
        if (typeof value === "string") {
            const whole = this.whole.get(value.toLowerCase());
            if (whole !== undefined) return whole as T;
            return value.replace(GUID, (g) => this.tokens.get(g.toLowerCase()) ?? g) as T;
        }
        if (Array.isArray(value)) return value.map((v: unknown) => this.live(v)) as T;
        if (isObject(value)) {
            return Object.fromEntries(
                Object.entries(value).map(([k, v]) => [k, this.live(v)]),
            ) as T;
        }
        return value;
    }
}

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

export interface ExpectedCluster {
    urn: string;
    id: string;
    name: string;
    /** The cluster's inputs as the program sends them, in live values (Pulumi's input shape). */
    inputs: Record<string, unknown>;
    /** Node pools declared as their own resources: name -> inputs. */
    pools: Record<string, Record<string, unknown>>;
    /** The OIDC issuer URL the stack's state recorded for it ("" when not deployed). */
    issuerUrl: string;
}

export interface ExpectedAssignment {
    urn: string;
    /** Assignment name (a GUID) as the stack creates it. */
    name: string;
    scope: string;
    roleGuid: string;
    principalId: string;
    principalType: string;
    /** How the plan describes the grant: `group sre -> AKS RBAC Writer on namespace payments`. */
    label: string;
}

export interface ExpectedIdentity {
    urn: string;
    id: string;
    principalId: string;
    clientId: string;
    label: string;
}

export interface ExpectedCredential {
    urn: string;
    identityId: string;
    identityLabel: string;
    name: string;
    issuer: string;
    subject: string;
    audiences: string[];
    /** True for a Kubernetes service account's credential: the issuer must be the cluster's. */
    clusterIssuer: boolean;
}

export interface ExpectedServiceAccount {
    urn: string;
    namespace: string;
    name: string;
    /** `azure.workload.identity/*` annotations and labels the stack sets. */
    annotations: Record<string, string>;
    labels: Record<string, string>;
}

export interface Subject {
    kind: string;
    name: string;
    namespace?: string;
}

export interface ExpectedBinding {
    urn: string;
    kind: "RoleBinding" | "ClusterRoleBinding";
    namespace: string;
    name: string;
    roleRef: { kind: string; name: string };
    subjects: Subject[];
}

export interface Expected {
    targets: ReadTargets;
    clusters: ExpectedCluster[];
    assignments: ExpectedAssignment[];
    identities: ExpectedIdentity[];
    credentials: ExpectedCredential[];
    serviceAccounts: ExpectedServiceAccount[];
    bindings: ExpectedBinding[];
    /** False when the stack's state holds none of the plan's resources (never deployed, destroyed). */
    deployed: boolean;
    /**
     * URNs of role assignments and bindings whose inputs in the stack's state differ from the
     * plan's: the config changed since the last `pulumi up`, so a difference live is not (only) a
     * change by hand.
     */
    stateDiffers: string[];
    /** Custom resources of the plan that the stack's state does not hold: not deployed yet. */
    notDeployed: { urn: string; type: string; name: string }[];
    /** Resources of the state that the plan no longer registers: `pulumi up` would delete them. */
    notPlanned: { urn: string; type: string; id: string }[];
    /**
     * Ids (lowercase) of what the stack creates: on these, and below its cluster, any access the
     * stack did not grant is drift. Scopes the config names (a shared registry, vault, subnet)
     * carry other teams' access too: there only the stack's own principals are held to the plan.
     */
    ownedScopes: string[];
    /** Object ids (lowercase) of the principals the stack creates: identities and groups. */
    stackPrincipals: string[];
    /** Labels of the plan's scopes by live id (lowercase), for the report. */
    scopeLabels: Record<string, string>;
    /** Labels of the plan's principals by live object id (lowercase), for the report. */
    principalLabels: Record<string, string>;
    conflicts: string[];
}

/** The subscription of an ARM id, lowercase; "" when it has none. */
export function subscriptionOf(id: string): string {
    return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? "";
}

/** What decides a grant, per type: compared between the plan and the stack's state. */
const STATE_COMPARED: Record<string, string[]> = {
    [TYPES.roleAssignment]: ["scope", "roleDefinitionId", "principalId", "principalType"],
    [TYPES.roleBinding]: ["roleRef", "subjects"],
    [TYPES.clusterRoleBinding]: ["roleRef", "subjects"],
};

/** Kubernetes resources the stack's state lists under their URN, Azure ones too: all but these. */
const NOT_DEPLOYED_IGNORED = new Set<string>([TYPES.k8sProvider, TYPES.sleep]);

export function expectedFrom(input: {
    plan: Plan;
    registrations: readonly Registration[];
    state: StackState;
    /** The stack's config as in Pulumi.<stack>.yaml: the GUIDs it gives are never mapped. */
    rawConfig: Readonly<Record<string, unknown>>;
}): Expected {
    const keep = new Set((JSON.stringify(input.rawConfig).match(GUID) ?? []).map(lower));
    const values = new LiveValues(keep);
    const stateByUrn = new Map<string, StateResource>(input.state.resources.map((r) => [r.urn, r]));
    const notDeployed: Expected["notDeployed"] = [];
    for (const reg of input.registrations) {
        if (!reg.custom || reg.type.startsWith("pulumi:providers:")) continue;
        const live = stateByUrn.get(reg.urn);
        if (!live) {
            if (!NOT_DEPLOYED_IGNORED.has(reg.type))
                notDeployed.push({ urn: reg.urn, type: reg.type, name: reg.name });
            continue;
        }
        values.learnResource(reg.urn, [
            [reg.id, live.id],
            [reg.inputs, live.inputs],
            [reg.state, live.outputs],
        ]);
    }
    const stateDiffers = input.registrations
        .filter((r) => STATE_COMPARED[r.type] !== undefined && stateByUrn.has(r.urn))
        .filter((r) => {
            const keys = STATE_COMPARED[r.type];
            const pick = (v: Record<string, unknown>) =>
                JSON.stringify(keys.map((k) => v[k])).toLowerCase();
            return pick(values.live(r.inputs)) !== pick(stateByUrn.get(r.urn)!.inputs);
        })
        .map((r) => r.urn);
    const planned = new Set(input.registrations.map((r) => r.urn));
    const notPlanned = input.state.resources
        .filter(
            (r) =>
                !planned.has(r.urn) &&
                r.id !== "" &&
                !r.type.startsWith("pulumi:") &&
                !NOT_DEPLOYED_IGNORED.has(r.type),
        )
        .map((r) => ({ urn: r.urn, type: r.type, id: r.id }));

    const regs = (type: string) => input.registrations.filter((r) => r.type === type && r.custom);
    const issuerOf = (urn: string) =>
        text(at(stateByUrn.get(urn)?.outputs, "oidcIssuerProfile", "issuerURL"));

    const clusters = regs(TYPES.cluster).map((r) => ({
        urn: r.urn,
        id: values.live(r.id),
        name: text(r.inputs.resourceName),
        inputs: values.live(r.inputs),
        pools: Object.fromEntries(
            regs(TYPES.agentPool)
                .filter(
                    (p) => values.live(text(p.inputs.resourceName)) === text(r.inputs.resourceName),
                )
                .map((p) => [text(p.inputs.agentPoolName), values.live(p.inputs)]),
        ),
        issuerUrl: issuerOf(r.urn),
    }));

    const grantLabel = new Map<string, string>();
    const principals = new Map(input.plan.principals.map((p) => [p.key, p]));
    const scopes = new Map(input.plan.scopes.map((s) => [s.key, s]));
    for (const g of input.plan.grants) {
        const p = principals.get(g.principal);
        const s = scopes.get(g.scope);
        grantLabel.set(
            g.source,
            `${p?.label ?? g.principal} -> ${g.role} on ${s?.label ?? g.scope}`,
        );
    }
    const assignments = regs(TYPES.roleAssignment).map((r) => {
        const roleDefinitionId = values.live(text(r.inputs.roleDefinitionId));
        return {
            urn: r.urn,
            name: values.live(text(r.inputs.roleAssignmentName)),
            scope: values.live(text(r.inputs.scope)),
            roleGuid: lower(roleDefinitionId.split("/").pop() ?? ""),
            principalId: lower(values.live(text(r.inputs.principalId))),
            principalType: text(r.inputs.principalType),
            label: grantLabel.get(r.urn) ?? r.name,
        };
    });

    const identityLabel = (id: string) =>
        input.plan.principals.find((p) => p.createdBy && values.live(idOf(p.createdBy)) === id)
            ?.label ?? id.split("/").pop();
    const idOf = (urn: string) => input.registrations.find((r) => r.urn === urn)?.id ?? "";
    const identities = regs(TYPES.identity).map((r) => {
        const id = values.live(r.id);
        return {
            urn: r.urn,
            id,
            principalId: lower(values.live(text(r.state.principalId))),
            clientId: lower(values.live(text(r.state.clientId))),
            label: identityLabel(id) ?? id,
        };
    });

    const clusterIssuers = new Set(
        regs(TYPES.cluster).map((c) => text(at(c.state, "oidcIssuerProfile", "issuerURL"))),
    );
    const credentials = regs(TYPES.fic).map((r) => {
        const identityId = values.live(r.id.replace(/\/federatedIdentityCredentials\/[^/]+$/i, ""));
        return {
            urn: r.urn,
            identityId,
            identityLabel: identities.find((i) => same(i.id, identityId))?.label ?? identityId,
            name: text(r.inputs.federatedIdentityCredentialResourceName),
            issuer: values.live(text(r.inputs.issuer)),
            subject: values.live(text(r.inputs.subject)),
            audiences: strings(r.inputs.audiences),
            clusterIssuer: clusterIssuers.has(text(r.inputs.issuer)),
        };
    });

    const serviceAccounts = regs(TYPES.serviceAccount).map((r) => ({
        urn: r.urn,
        namespace: text(at(r.inputs, "metadata", "namespace")),
        name: text(at(r.inputs, "metadata", "name")),
        annotations: workloadIdentityKeys(values.live(at(r.inputs, "metadata", "annotations"))),
        labels: workloadIdentityKeys(values.live(at(r.inputs, "metadata", "labels"))),
    }));

    const bindings = [
        ...regs(TYPES.roleBinding).map((r) => binding(r, "RoleBinding")),
        ...regs(TYPES.clusterRoleBinding).map((r) => binding(r, "ClusterRoleBinding")),
    ].map((b) => values.live(b));

    const namespaces = regs(TYPES.namespace).map((r) => k8sName(r));
    const subscriptionId =
        subscriptionOf(clusters[0]?.id ?? "") ||
        subscriptionOf(identities[0]?.id ?? "") ||
        subscriptionOf(input.state.resources.find((r) => subscriptionOf(r.id))?.id ?? "");
    const clusterIds = new Set(clusters.map((c) => lower(c.id)));
    const scopeIds = new Map<string, { id: string; below: boolean }>();
    for (const s of input.plan.scopes) {
        if (s.kind === "namespace") continue;
        const id = values.live(s.id);
        scopeIds.set(lower(id), { id, below: clusterIds.has(lower(id)) });
    }
    for (const a of assignments) {
        const parentCluster = [...clusterIds].find((c) => lower(a.scope).startsWith(`${c}/`));
        if (parentCluster) continue; // a namespace: listed with its cluster
        if (!scopeIds.has(lower(a.scope)))
            scopeIds.set(lower(a.scope), { id: a.scope, below: false });
    }
    for (const c of clusters) scopeIds.set(lower(c.id), { id: c.id, below: true });
    // The stack's own resource group, with everything in it (identities, the workspace, the
    // cluster): listed at, above and below, so access granted by hand on any of it is seen.
    for (const rg of regs(TYPES.resourceGroup)) {
        const id = values.live(rg.id);
        scopeIds.set(lower(id), { id, below: true });
    }

    const scopeLabels: Record<string, string> = {};
    for (const s of input.plan.scopes) scopeLabels[lower(values.live(s.id))] = s.label;
    for (const c of clusters) {
        for (const ns of namespaces)
            scopeLabels[lower(`${c.id}/namespaces/${ns}`)] = `namespace ${ns}`;
    }
    const principalLabels: Record<string, string> = {};
    for (const p of input.plan.principals) {
        if (p.objectId) principalLabels[lower(values.live(p.objectId))] = describePrincipal(p);
    }

    const ownedScopes = input.registrations
        .filter((r) => r.custom && r.id.startsWith("/subscriptions/"))
        .map((r) => lower(values.live(r.id)));
    const stackPrincipals = [
        ...identities.map((i) => i.principalId),
        ...regs(TYPES.group).map((g) => lower(values.live(text(g.state.objectId)))),
    ].filter(Boolean);

    return {
        deployed: input.registrations.some((r) => r.custom && stateByUrn.has(r.urn)),
        stateDiffers,
        ownedScopes: [...new Set(ownedScopes)].sort(compare),
        stackPrincipals: [...new Set(stackPrincipals)].sort(compare),
        targets: {
            subscriptionId,
            clusters: clusters.map((c) => c.id),
            scopes: [...scopeIds.values()].sort((a, b) => compare(lower(a.id), lower(b.id))),
            identities: identities.map((i) => i.id),
            namespaces: [...new Set(namespaces)].sort(compare),
        },
        clusters,
        assignments,
        identities,
        credentials,
        serviceAccounts,
        bindings,
        notDeployed,
        notPlanned,
        scopeLabels,
        principalLabels,
        conflicts: values.conflicts,
    };
}

function binding(r: Registration, kind: ExpectedBinding["kind"]): ExpectedBinding {
    const ref = (r.inputs.roleRef ?? {}) as Record<string, unknown>;
    const subjects = Array.isArray(r.inputs.subjects) ? r.inputs.subjects : [];
    return {
        urn: r.urn,
        kind,
        namespace: text(at(r.inputs, "metadata", "namespace")),
        name: text(at(r.inputs, "metadata", "name")),
        roleRef: { kind: text(ref.kind), name: text(ref.name) },
        subjects: normaliseSubjects(subjects),
    };
}

/** Subjects as `kind/namespace/name`-sorted plain objects, for comparison. */
export function normaliseSubjects(subjects: readonly unknown[]): Subject[] {
    return subjects
        .filter(isObject)
        .map((s) => ({
            kind: text(s.kind),
            name: text(s.name),
            ...(text(s.namespace) ? { namespace: text(s.namespace) } : {}),
        }))
        .sort((a, b) =>
            compare(
                `${a.kind}/${a.namespace ?? ""}/${a.name}`,
                `${b.kind}/${b.namespace ?? ""}/${b.name}`,
            ),
        );
}

function workloadIdentityKeys(value: unknown): Record<string, string> {
    if (!isObject(value)) return {};
    return Object.fromEntries(
        Object.entries(value)
            .filter(([k, v]) => k.startsWith("azure.workload.identity/") && typeof v === "string")
            .map(([k, v]) => [k, String(v)] as const)
            .sort(([a], [b]) => compare(a, b)),
    );
}

function lower(s: string): string {
    return s.toLowerCase();
}

function same(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
