// The offline plan's data model: what `npm run plan` derives from the program's registrations, and
// the stable JSON form (`--json`) that two runs, or two commits, can diff byte for byte.
// Pure module: no Pulumi import, so the CLI can load it before the SDK.
import type { PodAdmission } from "../components/access/podAdmission";
import type { SignIn } from "./signIn";

/**
 * Bumped on any incompatible change of the JSON form; `--diff` refuses other versions.
 * 2: resources carry `immutable` (what Azure refuses to change in place or replaces), so `--diff`
 * can flag refused and replacing changes; node pools are properties `pool <name>`.
 * 3: `grants` holds eligible grants too (via `pim-eligible`, with `activation`): access a principal
 * gets only by activating a just-in-time group (PIM for Groups). A tool that read every grant as
 * standing access would misread them, and a base written before could not show their changes.
 */
export const SCHEMA_VERSION = 3;

/** What the plan and its diff show instead of a secret value. */
export const SECRET = "[secret]";

export type PrincipalKind =
    | "group"
    | "user"
    | "deployer"
    | "workload"
    | "pipeline"
    | "control-plane"
    | "kubelet"
    | "managed-identity"
    | "service-account";

/** Someone (a person, a group, an identity) who receives access. */
export interface Principal {
    /**
     * Stable across runs and stacks where the config gives a name: `group:<objectId>`,
     * `group:admins`, `workload:<ns>/<sa>`, `pipeline:<name>`, `deployer`, `control-plane`, ...
     */
    key: string;
    kind: PrincipalKind;
    /** The config name: group alias, `namespace/serviceAccount`, pipeline name, ... */
    label: string;
    objectId: string;
    /** Entra principal type as the role assignments state it (Group, User, ServicePrincipal). */
    principalType: string;
    /** Client id of a managed identity (what azure/login and the webhook use). */
    clientId?: string;
    /** URN of the resource that creates the principal, when this stack creates it. */
    createdBy?: string;
    /** True for groups AKS binds to Kubernetes cluster-admin (aadProfile.adminGroupObjectIDs). */
    clusterAdminGroup?: boolean;
    /**
     * True for a just-in-time group: created by this stack, members only by PIM activation (PIM for
     * Groups eligibility schedules and a member-role policy here, no managed members).
     */
    membersByPim?: boolean;
}

export type ScopeKind = "cluster" | "namespace" | "azure";

/** Where access applies. */
export interface Scope {
    /** `cluster`, `namespace:<ns>`, `azure:<lowercased resource id>`. */
    key: string;
    kind: ScopeKind;
    /** Short form: `cluster`, `namespace payments`, `vault kv-payments-prod`. */
    label: string;
    /** Full id: the ARM id for Azure scopes and the cluster, the namespace name otherwise. */
    id: string;
}

export type GrantVia = "azure-rbac" | "kubernetes-rbac" | "aks-admin-group" | "pim-eligible";

/**
 * The rules of activating a just-in-time group's membership, as its PIM policy (the group's
 * `member` GroupRoleManagementPolicy) declares them.
 */
export interface Activation {
    /** Principal key of the just-in-time group whose membership is activated. */
    group: string;
    /** Longest activation, in minutes; undefined when the policy does not set it (PIM's own). */
    maxMinutes?: number;
    /** Each rule: true or false as the policy sets it; undefined when it does not (PIM's own). */
    justification?: boolean;
    mfa?: boolean;
    approval?: boolean;
    /** Who approves (labels: group alias, principal label or object id), sorted. */
    approvers: string[];
}

/** One principal holding one role on one scope. */
export interface Grant {
    principal: string;
    scope: string;
    /** Display name: `AKS RBAC Writer`, `ClusterRole view`, `Role pod-reader`, `cluster-admin`. */
    role: string;
    /** Identity of the role for diffs: `azure:<guid>`, `k8s:ClusterRole/view`, `aks:cluster-admin`. */
    roleKey: string;
    /**
     * How much the role allows, for widened/narrowed: 0 unknown or kubeconfig only, 1 read,
     * 2 write, 3 admin, 4 cluster-admin.
     */
    level: number;
    /**
     * `pim-eligible`: not held, only eligible: the principal gets the role by activating membership
     * of a just-in-time group that holds it (see `activation`); every other value is standing access.
     */
    via: GrantVia;
    /** URN of the resource that makes the grant (for an eligible grant: the eligibility schedule). */
    source: string;
    /** Rules of a Role this stack creates, summarised; for an eligible grant, how it is activated. */
    detail?: string;
    /** For an eligible grant: the activation rules it comes with. */
    activation?: Activation;
}

/** A grant the principal holds now (not one it is only eligible for). */
export function isStanding(g: Pick<Grant, "via">): boolean {
    return g.via !== "pim-eligible";
}

/**
 * Access a principal reaches through another principal or object (components/access/derived.ts): the
 * grants of a service account whose token it can mint or whose pods it can run, of an identity it
 * can take over, or cluster-admin through a ClusterRoleBinding it can create. Not held: the
 * principal must act first, but nothing stops it.
 */
export interface DerivedGrant {
    /** Who reaches the access. */
    principal: string;
    scope: string;
    role: string;
    roleKey: string;
    level: number;
    /** How: `via a token for payments/payments-api`, `via takeover of identity kubelet (...)`. */
    path: string;
    /** Principal key reached through (the service account or identity); "" for a binding. */
    through: string;
    /** URN of the grant that opens the path. */
    source: string;
}

/** One derived line, as the matrix and `--diff` show it: `<path> -> <role> on <scope>`. */
export function derivedLine(d: Pick<DerivedGrant, "path" | "role">, scopeLabel: string): string {
    return `${d.path} -> ${d.role} on ${scopeLabel}`;
}

/** A federated credential: tokens from `issuer` with `subject` sign in as `identity`. */
export interface Trust {
    identity: string;
    issuer: string;
    /** `cluster OIDC issuer`, `GitHub Actions`, or the issuer URL. */
    issuerLabel: string;
    subject: string;
    audiences: string[];
    source: string;
}

export type Severity = "high" | "medium" | "low" | "info";
export const SEVERITIES: readonly Severity[] = ["high", "medium", "low", "info"];

export interface Finding {
    code: string;
    severity: Severity;
    /** Principal key, URN or config key the finding is about. */
    subject: string;
    message: string;
}

/** One registration, reduced to what a reviewer reads. Secret inputs never appear. */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent; "" for the stack's top component. */
    parent: string;
    custom: boolean;
    /** Name in Azure, Entra or Kubernetes; "" for components and providers. */
    physicalName: string;
    /** URN of the explicit provider, "" when the default one. */
    provider: string;
    /** URNs this resource waits for (explicit dependsOn and input sources). */
    dependsOn: string[];
    /** 1 for resources with nothing to wait for; components have 0. */
    wave: number;
    /** Security-relevant properties, as text. */
    properties: Record<string, string>;
    /**
     * Values Azure refuses to change in place, or whose change replaces the resource (names,
     * location, node pools, private API server), for `--diff`. Only on types that have them.
     */
    immutable?: Record<string, string>;
    protect: boolean;
}

/** A dependency that must hold for a first `pulumi up` to succeed. */
export interface OrderCheck {
    code: string;
    ok: boolean;
    /** URN of the resource that must wait. */
    resource: string;
    waitsFor: string[];
    message: string;
}

/** One resource on the critical path of a first `pulumi up`. */
export interface DeployStep {
    urn: string;
    type: string;
    name: string;
    /** Seconds into the run when it starts. */
    start: number;
    /** How long it takes (typical figures: offline/timeline.ts). */
    seconds: number;
}

/**
 * A first `pulumi up` of this stack, estimated (plan/deployTime.ts) with the engine running every
 * ready resource at once. Not an access change: `--diff` ignores it.
 */
export interface PlanDeploy {
    parallel: "unbounded";
    /** Estimated duration: the end of the critical path. */
    seconds: number;
    /** Azure's own chain: resource group, identity, grant, its wait, cluster, one thing after. */
    floorSeconds: number;
    /** seconds / floorSeconds, to three decimals (0 without a cluster). */
    ratio: number;
    criticalPath: DeployStep[];
}

export interface Plan {
    schemaVersion: number;
    project: string;
    stack: string;
    summary: {
        resources: number;
        customResources: number;
        byType: Record<string, number>;
        principals: number;
        scopes: number;
        /** Every grant, eligible ones included. */
        grants: number;
        /** Grants that are only eligible (via `pim-eligible`). */
        eligibleGrants: number;
        trusts: number;
        findings: Record<Severity, number>;
    };
    resources: PlanResource[];
    order: OrderCheck[];
    principals: Principal[];
    scopes: Scope[];
    grants: Grant[];
    /**
     * Effective access beyond the grants (components/access/derived.ts). Added within schemaVersion 3:
     * absent from plans written before it, and `--diff` then does not compare it.
     */
    derived?: DerivedGrant[];
    /**
     * Pod Security admission of each namespace (components/access/podAdmission.ts). Added within
     * schemaVersion 3: absent from plans written before it, and `--diff` then does not compare it.
     */
    podSecurity?: PodAdmission[];
    trusts: Trust[];
    findings: Finding[];
    deploy: PlanDeploy;
    /**
     * How people and the exported kubeconfig sign in, and whether with PoP tokens. Absent from
     * plans written before it (a `--diff` base).
     */
    signIn?: SignIn;
    /** Stack outputs; secret ones are replaced by "[secret]". */
    outputs: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, two-space indent, trailing newline. */
export function stableJson(value: unknown): string {
    return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            const v = (value as Record<string, unknown>)[key];
            if (v !== undefined) {
                out[key] = sortKeys(v);
            }
        }
        return out;
    }
    return value;
}

/** Plain code-point comparison: the same order on every machine and locale. */
export function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts by the given keys, in order. */
export function sortBy<T>(items: T[], ...keys: ((item: T) => string | number)[]): T[] {
    return items.sort((x, y) => {
        for (const key of keys) {
            const a = key(x);
            const b = key(y);
            const c =
                typeof a === "number" && typeof b === "number"
                    ? a - b
                    : compareText(String(a), String(b));
            if (c !== 0) {
                return c;
            }
        }
        return 0;
    });
}

export function grantKey(g: Pick<Grant, "principal" | "scope" | "roleKey">): string {
    return `${g.principal}|${g.scope}|${g.roleKey}`;
}

export function trustKey(t: Pick<Trust, "identity" | "issuerLabel" | "subject">): string {
    return `${t.identity}|${t.issuerLabel}|${t.subject}`;
}
