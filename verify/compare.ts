// Compares what was read live (a Snapshot) with what the plan expects (verify/expected.ts): the
// cluster's security settings, every role assignment on the stack's scopes (missing, changed and
// extra: a live access review), identities, federated credentials, service-account annotations and
// RoleBindings. Pure module.
import { AKS_ROLES } from "../components/roles";
import { isPrivilegedRole, roleLevel } from "../components/access";
import { roleName } from "../plan/labels";
import { at, text } from "../plan/registrations";
import type { Severity } from "../plan/model";
import { type Expected, type ExpectedCluster, normaliseSubjects, type Subject } from "./expected";
import type { ArmResource, KubeObject, ReadError, Snapshot } from "./snapshot";

/** Bumped on any incompatible change of `--json`. */
export const REPORT_VERSION = 1;

export type Area =
    | "stack"
    | "cluster"
    | "role-assignment"
    | "identity"
    | "federated-credential"
    | "service-account"
    | "rbac-binding";

export const AREAS: readonly Area[] = [
    "stack",
    "cluster",
    "role-assignment",
    "identity",
    "federated-credential",
    "service-account",
    "rbac-binding",
];

/**
 * ok: live is as planned. missing: planned, not there. changed: there, not as planned. extra:
 * there, not planned (access or trust the stack did not grant). not-deployed: in the plan, not in
 * the stack's state (config changed since the last `pulumi up`).
 */
export type Status = "ok" | "missing" | "changed" | "extra" | "not-deployed";

export interface Check {
    area: Area;
    status: Status;
    /** Drift severity; "info" for ok. */
    severity: Severity;
    /** What is checked: `local accounts`, `group sre -> AKS RBAC Writer on namespace payments`. */
    subject: string;
    /** The resource: an ARM id, `namespace/name` or a URN. */
    resource: string;
    expected?: string;
    live?: string;
    message: string;
    /** URN of the stack's resource a missing check is about. */
    urn?: string;
}

/**
 * Access the stack neither grants nor owns: inherited from above a stack scope, or held by others
 * on a shared scope the config names. Listed for the reviewer, not drift.
 */
export interface Inherited {
    scope: string;
    role: string;
    principalId: string;
    principalType: string;
    /** The stack scopes it reaches. */
    reaches: string[];
    /** above: assigned above a stack scope; shared: on a scope the config names, to someone else. */
    where: "above" | "shared";
}

export interface Report {
    reportVersion: typeof REPORT_VERSION;
    project: string;
    stack: string;
    summary: {
        checks: number;
        ok: number;
        drift: number;
        byStatus: Record<Status, number>;
        inherited: number;
        errors: number;
        /** compared: read and compared; skipped: --no-kubernetes; unreadable: reads failed. */
        kubernetes: "compared" | "skipped" | "unreadable" | "no-cluster" | "none";
    };
    checks: Check[];
    inherited: Inherited[];
    errors: ReadError[];
    /** Fake values that mapped to two live ones: the state is inconsistent (should be empty). */
    conflicts: string[];
}

export function isDrift(c: Pick<Check, "status">): boolean {
    return c.status !== "ok";
}

export function compareLive(expected: Expected, read: Snapshot): Report {
    const snapshot = withAbsentScopes(read);
    const checks: Check[] = [];
    const inherited: Inherited[] = [];
    for (const r of expected.notDeployed) {
        checks.push({
            area: "stack",
            status: "not-deployed",
            severity: "medium",
            subject: `${r.type.split(":").pop()} ${r.name}`,
            resource: r.urn,
            message: "in the plan of this config, not in the stack's state: run pulumi up",
        });
    }
    for (const r of expected.notPlanned) {
        checks.push({
            area: "stack",
            status: "extra",
            severity: "medium",
            subject: `${r.type.split(":").pop()} ${r.urn.split("::").pop()}`,
            resource: r.id,
            message:
                "in the stack's state, no longer in the plan of this config: pulumi up deletes it",
        });
    }
    // Nothing deployed: every resource is "not deployed", and there is nothing else to compare.
    const clusters = expected.deployed ? expected.clusters : [];
    for (const c of clusters) checks.push(...clusterChecks(c, snapshot));
    if (expected.deployed) {
        const assignments = assignmentChecks(expected, snapshot);
        checks.push(...assignments.checks);
        inherited.push(...assignments.inherited);
        checks.push(...identityChecks(expected, snapshot));
        checks.push(...credentialChecks(expected, snapshot));
    }
    const kubernetes: Report["summary"]["kubernetes"] =
        expected.clusters.length === 0
            ? "none"
            : expected.deployed && snapshot.arm.managedClusters.length === 0
              ? "no-cluster"
              : !snapshot.kubernetes.read
                ? "skipped"
                : snapshot.errors.some((e) => KUBE_READS.test(e.what))
                  ? "unreadable"
                  : "compared";
    if (snapshot.kubernetes.read) checks.push(...kubernetesChecks(expected, snapshot));

    // A 404 on a cluster or identity the plan expects is its absence, reported as missing above;
    // every other error is a read that failed, and the review is incomplete.
    const errors = snapshot.errors.filter(
        (e) =>
            !(notFound(e) && /^(managed cluster|identity) /.test(e.what)) &&
            // Kubernetes not compared (--no-kubernetes): its reads' failures do not count either.
            (snapshot.kubernetes.read || !KUBE_READS.test(e.what)),
    );
    // Two resources of the state disagree on what one planned value is live: the comparison
    // cannot be trusted where it is used, so the review is incomplete (exit 3).
    for (const conflict of expected.conflicts) {
        errors.push({ what: "mapping the plan's ids to the deployment's", error: conflict });
    }
    // What the stack-level checks report (config changed since the last up) is not reported again
    // by area: a resource not deployed yet is not also "missing", one no longer planned not "extra".
    const notDeployed = new Set(expected.notDeployed.map((r) => r.urn));
    const notPlanned = new Set(expected.notPlanned.map((r) => r.id.toLowerCase()));
    const reported = checks.filter(
        (c) =>
            c.area === "stack" ||
            !(
                (c.status === "missing" && c.urn !== undefined && notDeployed.has(c.urn)) ||
                (c.status === "extra" && notPlanned.has(c.resource.toLowerCase()))
            ),
    );
    checks.length = 0;
    checks.push(...reported);
    const byStatus: Record<Status, number> = {
        ok: 0,
        missing: 0,
        changed: 0,
        extra: 0,
        "not-deployed": 0,
    };
    for (const c of checks) byStatus[c.status]++;
    return {
        reportVersion: REPORT_VERSION,
        project: snapshot.project,
        stack: snapshot.stack,
        summary: {
            checks: checks.length,
            ok: byStatus.ok,
            drift: checks.length - byStatus.ok,
            byStatus,
            inherited: inherited.length,
            errors: errors.length,
            kubernetes,
        },
        checks,
        inherited,
        errors,
        conflicts: expected.conflicts,
    };
}

const CHANGED_SINCE_UP =
    "the config changed since the last pulumi up (the stack's state differs from the plan too): run pulumi up";

/**
 * A scope whose role assignments ARM answers 404 for does not exist (a deleted cluster, say): it
 * holds no assignments, so the stack's planned ones there are missing, not unread.
 */
function withAbsentScopes(snapshot: Snapshot): Snapshot {
    const prefix = "role assignments at ";
    const absent = snapshot.errors.filter((e) => notFound(e) && e.what.startsWith(prefix));
    if (absent.length === 0) return snapshot;
    const roleAssignments = { ...snapshot.arm.roleAssignments };
    for (const e of absent) roleAssignments[e.what.slice(prefix.length)] = [];
    return {
        ...snapshot,
        arm: { ...snapshot.arm, roleAssignments },
        errors: snapshot.errors.filter((e) => !absent.includes(e)),
    };
}

/** ARM's answer for something that does not exist (404 ResourceNotFound and the like). */
function notFound(e: ReadError): boolean {
    return /^404\b/.test(e.error);
}

const KUBE_READS = /^(service accounts|role bindings|cluster role bindings|kubernetes)/;

// ---------------------------------------------------------------------------------------------
// Cluster security settings

interface Setting {
    subject: string;
    /** The value the stack sends, from the cluster's inputs (undefined: the stack leaves it). */
    want: (c: ExpectedCluster) => unknown;
    /** The value live, from the ARM GET body. */
    got: (live: ArmResource) => unknown;
    severity: Severity;
}

const props = (live: ArmResource, ...path: string[]) => at(live, "properties", ...path);
const sortedLower = (v: unknown) =>
    Array.isArray(v) ? v.map((x) => String(x).toLowerCase()).sort() : v;
const addon = (profiles: unknown, name: string): unknown => {
    if (profiles === null || typeof profiles !== "object") return undefined;
    const key = Object.keys(profiles).find((k) => k.toLowerCase() === name);
    return key ? at(profiles, key, "enabled") : undefined;
};

/** The cluster settings that decide who gets in and as whom (docs/azure-facts.md). */
const SETTINGS: Setting[] = [
    {
        subject: "AKS-managed Entra ID",
        want: (c) => at(c.inputs, "aadProfile", "managed"),
        got: (l) => props(l, "aadProfile", "managed"),
        severity: "high",
    },
    {
        subject: "Azure RBAC for Kubernetes authorization",
        want: (c) => at(c.inputs, "aadProfile", "enableAzureRBAC"),
        got: (l) => props(l, "aadProfile", "enableAzureRBAC"),
        severity: "high",
    },
    {
        subject: "Entra tenant",
        want: (c) => text(at(c.inputs, "aadProfile", "tenantID")).toLowerCase() || undefined,
        got: (l) => text(props(l, "aadProfile", "tenantID")).toLowerCase(),
        severity: "high",
    },
    {
        subject: "cluster-admin groups (aadProfile.adminGroupObjectIDs)",
        want: (c) => sortedLower(at(c.inputs, "aadProfile", "adminGroupObjectIDs") ?? []),
        got: (l) => sortedLower(props(l, "aadProfile", "adminGroupObjectIDs") ?? []),
        severity: "high",
    },
    {
        subject: "local accounts disabled",
        want: (c) => c.inputs.disableLocalAccounts,
        got: (l) => props(l, "disableLocalAccounts") ?? false,
        severity: "high",
    },
    {
        subject: "OIDC issuer",
        want: (c) => at(c.inputs, "oidcIssuerProfile", "enabled"),
        got: (l) => props(l, "oidcIssuerProfile", "enabled") ?? false,
        severity: "high",
    },
    {
        subject: "OIDC issuer URL (federated credentials trust it)",
        want: (c) => c.issuerUrl || undefined,
        got: (l) => props(l, "oidcIssuerProfile", "issuerURL"),
        severity: "high",
    },
    {
        subject: "workload identity",
        want: (c) => at(c.inputs, "securityProfile", "workloadIdentity", "enabled"),
        got: (l) => props(l, "securityProfile", "workloadIdentity", "enabled") ?? false,
        severity: "high",
    },
    {
        subject: "control-plane identity",
        want: (c) =>
            c.inputs.identity === undefined
                ? undefined
                : {
                      type: at(c.inputs, "identity", "type"),
                      ids: sortedLower(
                          identityIds(at(c.inputs, "identity", "userAssignedIdentities")),
                      ),
                  },
        got: (l) => ({
            type: at(l, "identity", "type"),
            ids: sortedLower(identityIds(at(l, "identity", "userAssignedIdentities"))),
        }),
        severity: "high",
    },
    {
        subject: "kubelet identity",
        want: (c) =>
            text(at(c.inputs, "identityProfile", "kubeletidentity", "resourceId")).toLowerCase() ||
            undefined,
        got: (l) =>
            text(props(l, "identityProfile", "kubeletidentity", "resourceId")).toLowerCase(),
        severity: "high",
    },
    {
        subject: "private API server",
        want: (c) => at(c.inputs, "apiServerAccessProfile", "enablePrivateCluster") ?? false,
        got: (l) => props(l, "apiServerAccessProfile", "enablePrivateCluster") ?? false,
        severity: "high",
    },
    {
        subject: "API server authorized IP ranges",
        want: (c) =>
            sortedLower(at(c.inputs, "apiServerAccessProfile", "authorizedIPRanges") ?? []),
        got: (l) => sortedLower(props(l, "apiServerAccessProfile", "authorizedIPRanges") ?? []),
        severity: "high",
    },
    {
        subject: "Azure Policy add-on",
        want: (c) => addon(c.inputs.addonProfiles, "azurepolicy") ?? false,
        got: (l) => addon(props(l, "addonProfiles"), "azurepolicy") ?? false,
        severity: "medium",
    },
    {
        subject: "Image Cleaner",
        want: (c) => at(c.inputs, "securityProfile", "imageCleaner", "enabled") ?? false,
        got: (l) => props(l, "securityProfile", "imageCleaner", "enabled") ?? false,
        severity: "low",
    },
];

function identityIds(v: unknown): string[] {
    if (Array.isArray(v)) return v.map(String);
    return v !== null && typeof v === "object" ? Object.keys(v) : [];
}

function show(v: unknown): string {
    if (v === undefined) return "(not set)";
    if (Array.isArray(v)) return v.length === 0 ? "(none)" : v.map(show).join(", ");
    if (v !== null && typeof v === "object") {
        return Object.entries(v)
            .map(([k, x]) => `${k} ${show(x)}`)
            .join("; ");
    }
    return typeof v === "string" ? v : JSON.stringify(v);
}

function clusterChecks(c: ExpectedCluster, snapshot: Snapshot): Check[] {
    const live = snapshot.arm.managedClusters.find((m) => same(m.id, c.id));
    if (!live) {
        const unreadable = snapshot.errors.some(
            (e) => e.what === `managed cluster ${c.id}` && !notFound(e),
        );
        return unreadable
            ? []
            : [
                  {
                      area: "cluster",
                      status: "missing",
                      severity: "high",
                      subject: `cluster ${c.name}`,
                      resource: c.id,
                      message: "the stack's cluster does not exist",
                  },
              ];
    }
    const out: Check[] = [];
    for (const s of SETTINGS) {
        const want = s.want(c);
        if (want === undefined) continue;
        const got = s.got(live);
        const ok = JSON.stringify(want) === JSON.stringify(got);
        out.push({
            area: "cluster",
            status: ok ? "ok" : "changed",
            severity: ok ? "info" : s.severity,
            subject: s.subject,
            resource: c.id,
            expected: show(want),
            live: show(got),
            message: ok ? "as planned" : "changed outside the stack",
        });
    }
    // Node SSH, per pool: the inline system pool and the pools declared as their own resources.
    const livePools = (props(live, "agentPoolProfiles") ?? []) as Record<string, unknown>[];
    const wantPools: [string, unknown][] = [
        ...((c.inputs.agentPoolProfiles ?? []) as Record<string, unknown>[]).map(
            (p) => [text(p.name), at(p, "securityProfile", "sshAccess")] as [string, unknown],
        ),
        ...Object.entries(c.pools).map(
            ([name, p]) => [name, at(p, "securityProfile", "sshAccess")] as [string, unknown],
        ),
    ];
    for (const [name, want] of wantPools) {
        if (want === undefined) continue;
        const pool = livePools.find((p) => text(p.name) === name);
        const got = pool ? (at(pool, "securityProfile", "sshAccess") ?? "LocalUser") : undefined;
        const ok = got !== undefined && text(got).toLowerCase() === text(want).toLowerCase();
        out.push({
            area: "cluster",
            status: pool === undefined ? "missing" : ok ? "ok" : "changed",
            severity: ok ? "info" : "high",
            subject: `node SSH, pool ${name}`,
            resource: c.id,
            expected: show(want),
            live: show(got),
            message:
                pool === undefined
                    ? "the node pool does not exist"
                    : ok
                      ? "as planned"
                      : "changed outside the stack",
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Role assignments: missing, changed, extra; inherited ones listed apart

interface LiveAssignment {
    id: string;
    name: string;
    scope: string;
    roleGuid: string;
    principalId: string;
    principalType: string;
}

function liveAssignment(a: ArmResource): LiveAssignment {
    const p = (a.properties ?? {}) as Record<string, unknown>;
    return {
        id: a.id,
        name: text(a.name).toLowerCase(),
        scope: text(p.scope),
        roleGuid: (text(p.roleDefinitionId).split("/").pop() ?? "").toLowerCase(),
        principalId: text(p.principalId).toLowerCase(),
        principalType: text(p.principalType),
    };
}

function assignmentChecks(
    expected: Expected,
    snapshot: Snapshot,
): { checks: Check[]; inherited: Inherited[] } {
    // ARM ids compare without case: a snapshot read under another casing of a scope still counts.
    const lists = new Map(
        Object.entries(snapshot.arm.roleAssignments).map(([scope, list]) => [lowerOf(scope), list]),
    );
    const listed = expected.targets.scopes.filter((s) => lists.has(lowerOf(s.id)));
    const byId = new Map<string, LiveAssignment>();
    for (const s of listed) {
        for (const a of lists.get(lowerOf(s.id)) ?? [])
            byId.set(a.id.toLowerCase(), liveAssignment(a));
    }
    /** Listed: a listed scope itself, or below a cluster (its namespaces). */
    const atListed = (scope: string) =>
        listed.some(
            (s) => same(s.id, scope) || (s.below && lowerOf(scope).startsWith(`${lowerOf(s.id)}/`)),
        );
    const created = new Set(expected.ownedScopes);
    /** The stack's own: what it creates, and anything below its cluster. */
    const owned = (scope: string) =>
        created.has(lowerOf(scope)) ||
        listed.some((s) => s.below && lowerOf(scope).startsWith(`${lowerOf(s.id)}/`));
    const stackPrincipal = new Set(expected.stackPrincipals);
    const key = (a: { scope: string; roleGuid: string; principalId: string }) =>
        `${lowerOf(a.scope)}|${a.roleGuid}|${a.principalId}`;
    const live = [...byId.values()];
    const liveByKey = new Map(live.filter((a) => atListed(a.scope)).map((a) => [key(a), a]));
    const used = new Set<string>();
    const checks: Check[] = [];
    const inherited: Inherited[] = [];
    const changedSinceUp = new Set(expected.stateDiffers);
    const scopeLabel = (scope: string) => expected.scopeLabels[lowerOf(scope)] ?? shortScope(scope);
    const principal = (id: string, type: string) =>
        expected.principalLabels[id] ?? `${type || "principal"} ${id}`;

    for (const e of expected.assignments) {
        const readable = atListed(e.scope);
        const base = {
            area: "role-assignment" as const,
            subject: e.label,
            resource: `${e.scope}/providers/Microsoft.Authorization/roleAssignments/${e.name}`,
            expected: `${roleName(e.roleGuid)} to ${e.principalType} ${e.principalId}`,
        };
        if (!readable) continue; // its scope could not be read: an error, not drift
        const hit = liveByKey.get(key(e));
        if (hit) {
            used.add(hit.id.toLowerCase());
            const ok = hit.principalType === e.principalType;
            checks.push({
                ...base,
                status: ok ? "ok" : "changed",
                severity: ok ? "info" : "medium",
                live: `${roleName(hit.roleGuid)} to ${hit.principalType} ${hit.principalId}`,
                message: ok
                    ? "as planned"
                    : `principalType is ${hit.principalType}, planned ${e.principalType}`,
            });
            continue;
        }
        // The stack's own assignment (same name, same scope) holding something else.
        const twin = live.find(
            (a) =>
                a.name === e.name.toLowerCase() &&
                same(a.scope, e.scope) &&
                !used.has(a.id.toLowerCase()),
        );
        if (twin) {
            used.add(twin.id.toLowerCase());
            checks.push({
                ...base,
                status: "changed",
                severity: "high",
                live: `${roleName(twin.roleGuid)} to ${twin.principalType} ${twin.principalId}`,
                message: changedSinceUp.has(e.urn)
                    ? CHANGED_SINCE_UP
                    : "the stack's role assignment was replaced outside the stack",
            });
            continue;
        }
        checks.push({
            ...base,
            status: "missing",
            urn: e.urn,
            severity: roleLevel(e.roleGuid) >= 3 ? "medium" : "low",
            message: "not assigned: the principal lacks access the stack grants",
        });
    }

    for (const a of live) {
        if (used.has(a.id.toLowerCase())) continue;
        const mine = stackPrincipal.has(a.principalId);
        if ((atListed(a.scope) && owned(a.scope)) || mine) {
            checks.push({
                area: "role-assignment",
                status: "extra",
                severity: isPrivilegedRole(a.roleGuid)
                    ? "high"
                    : roleLevel(a.roleGuid) >= 2
                      ? "medium"
                      : "low",
                subject: `${principal(a.principalId, a.principalType)} -> ${roleName(a.roleGuid)} on ${scopeLabel(a.scope)}`,
                resource: a.id,
                live: `${roleName(a.roleGuid)} to ${a.principalType} ${a.principalId}`,
                message: mine
                    ? "a principal the stack creates holds access the stack did not grant"
                    : `access the stack did not grant${a.roleGuid === AKS_ROLES.clusterAdminLocal ? " (local admin credentials)" : ""}`,
            });
            continue;
        }
        const shared = atListed(a.scope);
        inherited.push({
            scope: a.scope,
            role: roleName(a.roleGuid),
            principalId: a.principalId,
            principalType: a.principalType,
            where: shared ? "shared" : "above",
            reaches: shared
                ? [scopeLabel(a.scope)]
                : listed
                      .filter((s) =>
                          lowerOf(s.id).startsWith(`${lowerOf(a.scope).replace(/\/$/, "")}/`),
                      )
                      .map((s) => scopeLabel(s.id))
                      .sort(),
        });
    }
    return { checks, inherited: dedupeInherited(inherited) };
}

function dedupeInherited(list: Inherited[]): Inherited[] {
    const seen = new Map<string, Inherited>();
    for (const i of list) {
        const k = `${lowerOf(i.scope)}|${i.role}|${i.principalId}`;
        if (!seen.has(k)) seen.set(k, i);
    }
    return [...seen.values()];
}

const SCOPE_WORDS: Record<string, string> = {
    subscriptions: "subscription",
    resourcegroups: "resource group",
    namespaces: "namespace",
};

/** `/subscriptions/s/resourceGroups/rg` -> `resource group rg`: the last type and name of an id. */
function shortScope(id: string): string {
    const parts = id.split("/").filter(Boolean);
    if (parts.length < 2) return id;
    const type = parts[parts.length - 2];
    return `${SCOPE_WORDS[type.toLowerCase()] ?? type} ${parts[parts.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Identities and their federated credentials

function identityChecks(expected: Expected, snapshot: Snapshot): Check[] {
    const out: Check[] = [];
    for (const e of expected.identities) {
        const live = snapshot.arm.userAssignedIdentities.find((i) => same(i.id, e.id));
        if (!live) {
            if (snapshot.errors.some((x) => x.what === `identity ${e.id}` && !notFound(x)))
                continue;
            out.push({
                area: "identity",
                status: "missing",
                urn: e.urn,
                severity: "high",
                subject: `identity ${e.label}`,
                resource: e.id,
                message: "the stack's identity does not exist",
            });
            continue;
        }
        const principalId = text(at(live, "properties", "principalId")).toLowerCase();
        const clientId = text(at(live, "properties", "clientId")).toLowerCase();
        const ok = principalId === e.principalId && clientId === e.clientId;
        out.push({
            area: "identity",
            status: ok ? "ok" : "changed",
            severity: ok ? "info" : "high",
            subject: `identity ${e.label}`,
            resource: e.id,
            expected: `principal ${e.principalId}, client ${e.clientId}`,
            live: `principal ${principalId}, client ${clientId}`,
            message: ok
                ? "as planned"
                : "recreated outside the stack: its grants and the service accounts that name it point at the old one",
        });
    }
    return out;
}

function credentialChecks(expected: Expected, snapshot: Snapshot): Check[] {
    const out: Check[] = [];
    const liveIssuers = new Set(
        snapshot.arm.managedClusters.map((m) =>
            text(at(m, "properties", "oidcIssuerProfile", "issuerURL")),
        ),
    );
    const listedIdentities = Object.keys(snapshot.arm.federatedIdentityCredentials);
    const used = new Set<string>();
    for (const e of expected.credentials) {
        const listKey = listedIdentities.find((k) => same(k, e.identityId));
        if (listKey === undefined) continue; // not read: an error entry says why
        const list = snapshot.arm.federatedIdentityCredentials[listKey];
        const live = list.find((f) => text(f.name) === e.name);
        const subject = `${e.identityLabel} trusts ${e.subject}`;
        const want = `issuer ${e.issuer}, subject ${e.subject}, audiences ${[...e.audiences].sort().join(" ")}`;
        if (!live) {
            out.push({
                area: "federated-credential",
                status: "missing",
                urn: e.urn,
                severity: "medium",
                subject,
                resource: `${e.identityId}/federatedIdentityCredentials/${e.name}`,
                expected: want,
                message: "not there: the workload or pipeline cannot sign in",
            });
            continue;
        }
        used.add(live.id.toLowerCase());
        const issuer = text(at(live, "properties", "issuer"));
        const liveSubject = text(at(live, "properties", "subject"));
        const audiences = ((at(live, "properties", "audiences") ?? []) as string[])
            .map(String)
            .sort();
        const got = `issuer ${issuer}, subject ${liveSubject}, audiences ${audiences.join(" ")}`;
        const problems: string[] = [];
        // Entra compares the issuer as an exact string (docs/azure-facts.md): a missing trailing
        // slash is a different issuer, and the token exchange fails with AADSTS70021.
        if (issuer !== e.issuer)
            problems.push(
                "the issuer differs from the planned one (Entra compares it as an exact string)",
            );
        if (e.clusterIssuer && liveIssuers.size > 0 && !liveIssuers.has(issuer))
            problems.push("the issuer is not the cluster's live OIDC issuer URL");
        if (liveSubject !== e.subject) problems.push("the subject differs from the planned one");
        if (audiences.join(" ") !== [...e.audiences].sort().join(" "))
            problems.push("the audiences differ from the planned ones");
        out.push({
            area: "federated-credential",
            status: problems.length === 0 ? "ok" : "changed",
            severity: problems.length === 0 ? "info" : "high",
            subject,
            resource: live.id,
            expected: want,
            live: got,
            message: problems.length === 0 ? "as planned" : problems.join("; "),
        });
    }
    for (const key of listedIdentities) {
        const label = expected.identities.find((i) => same(i.id, key))?.label ?? key;
        for (const f of snapshot.arm.federatedIdentityCredentials[key]) {
            if (used.has(f.id.toLowerCase())) continue;
            if (
                expected.credentials.some((e) => same(e.identityId, key) && e.name === text(f.name))
            )
                continue;
            out.push({
                area: "federated-credential",
                status: "extra",
                severity: "high",
                subject: `${label} trusts ${text(at(f, "properties", "subject"))}`,
                resource: f.id,
                live: `issuer ${text(at(f, "properties", "issuer"))}, subject ${text(at(f, "properties", "subject"))}`,
                message:
                    "a trust the stack did not make: whoever holds such tokens signs in as the identity",
            });
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes: service-account annotations, RoleBindings and ClusterRoleBindings

function kubeName(o: KubeObject): string {
    return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function stringMap(v: unknown, prefix: string): Record<string, string> {
    if (v === null || typeof v !== "object") return {};
    return Object.fromEntries(
        Object.entries(v)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, x]) => [k, String(x)] as const)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
}

function showSubjects(subjects: readonly Subject[]): string {
    return subjects
        .map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name}`)
        .join(", ");
}

/** Namespaces AKS and its add-ons manage (kube-system; the Azure Policy add-on's Gatekeeper). */
export const PLATFORM_NAMESPACES: readonly string[] = ["kube-system", "gatekeeper-system"];

/** Kubernetes groups that hold everyone (or every service account): never a platform subject. */
const BROAD_GROUPS = /^system:(authenticated|unauthenticated|anonymous|serviceaccounts(:.*)?)$/;

/**
 * Kubernetes' own bindings of the broad groups (the discovery and self-review roles every cluster
 * has): the binding, its ClusterRole and the group, exactly.
 */
const DEFAULT_BROAD_BINDINGS = new Set([
    "system:basic-user",
    "system:discovery",
    "system:public-info-viewer",
    "system:service-account-issuer-discovery",
]);

const GUID_OR_UPN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|@/i;

/**
 * A ClusterRoleBinding Kubernetes or AKS makes, not access someone granted: every subject is one
 * of the platform's own (docs/azure-facts.md, item 25):
 * - a `system:` user or group (the control plane, nodes, `system:masters`), except the broad groups
 *   (everyone signed in, anonymous, every service account), which only Kubernetes' default
 *   discovery bindings may hold;
 * - a service account in a namespace AKS manages (kube-system, gatekeeper-system);
 * - a certificate identity of an `aks-` binding (a User that is neither an Entra object id nor a
 *   UPN: reachable only with local accounts, which the cluster checks report);
 * - an admin group of aadProfile.adminGroupObjectIDs bound to cluster-admin (checked with the
 *   cluster's settings).
 * Anything else, `system:` or `aks-` name or not, is reported.
 */
function platformOwned(o: KubeObject, adminGroups: ReadonlySet<string>): boolean {
    const name = o.metadata.name;
    const ref = text(at(o, "roleRef", "name"));
    const subjects = normaliseSubjects((o.subjects as unknown[]) ?? []);
    return subjects.every((s) => {
        if (BROAD_GROUPS.test(s.name)) return DEFAULT_BROAD_BINDINGS.has(name) && ref === name;
        if (s.name.startsWith("system:") && s.kind !== "ServiceAccount") return true;
        if (s.kind === "ServiceAccount") return PLATFORM_NAMESPACES.includes(s.namespace ?? "");
        if (s.kind === "Group" && adminGroups.has(s.name.toLowerCase()))
            return ref === "cluster-admin";
        return name.startsWith("aks-") && s.kind === "User" && !GUID_OR_UPN.test(s.name);
    });
}

function kubernetesChecks(expected: Expected, snapshot: Snapshot): Check[] {
    const out: Check[] = [];
    const changedSinceUp = new Set(expected.stateDiffers);
    const sas = new Map(snapshot.kubernetes.serviceAccounts.map((o) => [kubeName(o), o]));
    for (const e of expected.serviceAccounts) {
        const key = `${e.namespace}/${e.name}`;
        const live = sas.get(key);
        if (!live) {
            if (listFailed(snapshot, "service accounts", e.namespace)) continue;
            out.push({
                area: "service-account",
                status: "missing",
                urn: e.urn,
                severity: "medium",
                subject: `service account ${key}`,
                resource: key,
                message: "not there: pods that name it do not start",
            });
            continue;
        }
        const want = { ...e.annotations, ...e.labels };
        const got = {
            ...stringMap(live.metadata.annotations, "azure.workload.identity/"),
            ...stringMap(live.metadata.labels, "azure.workload.identity/"),
        };
        const wrong = Object.keys({ ...want, ...got })
            .sort()
            .filter((k) => want[k] !== got[k]);
        out.push({
            area: "service-account",
            status: wrong.length === 0 ? "ok" : "changed",
            severity: wrong.length === 0 ? "info" : "high",
            subject: `service account ${key}`,
            resource: key,
            expected: show(Object.entries(want).map(([k, v]) => `${k}=${v}`)),
            live: show(Object.entries(got).map(([k, v]) => `${k}=${v}`)),
            message:
                wrong.length === 0
                    ? "as planned"
                    : wrong
                          .map(
                              (k) =>
                                  `${k} is ${got[k] ?? "(not set)"}, planned ${want[k] ?? "(not set)"}`,
                          )
                          .join("; "),
        });
    }

    const liveBindings = [
        ...snapshot.kubernetes.roleBindings.map((o) => ({ kind: "RoleBinding" as const, o })),
        ...snapshot.kubernetes.clusterRoleBindings.map((o) => ({
            kind: "ClusterRoleBinding" as const,
            o,
        })),
    ];
    const used = new Set<string>();
    for (const e of expected.bindings) {
        const key = e.namespace ? `${e.namespace}/${e.name}` : e.name;
        const hit = liveBindings.find((b) => b.kind === e.kind && kubeName(b.o) === key);
        const want = `${e.roleRef.kind} ${e.roleRef.name} to ${showSubjects(e.subjects)}`;
        if (!hit) {
            if (
                listFailed(
                    snapshot,
                    e.kind === "RoleBinding" ? "role bindings" : "cluster role bindings",
                    e.namespace,
                )
            )
                continue;
            out.push({
                area: "rbac-binding",
                status: "missing",
                urn: e.urn,
                severity: "medium",
                subject: `${e.kind} ${key}`,
                resource: key,
                expected: want,
                message: "not there: its subjects lack access the stack grants",
            });
            continue;
        }
        used.add(`${hit.kind}|${key}`);
        const ref = (hit.o.roleRef ?? {}) as Record<string, unknown>;
        const subjects = normaliseSubjects((hit.o.subjects as unknown[]) ?? []);
        const got = `${text(ref.kind)} ${text(ref.name)} to ${showSubjects(subjects)}`;
        const ok = got === want;
        out.push({
            area: "rbac-binding",
            status: ok ? "ok" : "changed",
            severity: ok ? "info" : "high",
            subject: `${e.kind} ${key}`,
            resource: key,
            expected: want,
            live: got,
            message: ok
                ? "as planned"
                : changedSinceUp.has(e.urn)
                  ? CHANGED_SINCE_UP
                  : "edited outside the stack",
        });
    }
    const namespaces = new Set(expected.targets.namespaces);
    const adminGroups = new Set(
        expected.clusters.flatMap((c) =>
            ((at(c.inputs, "aadProfile", "adminGroupObjectIDs") ?? []) as string[]).map((g) =>
                String(g).toLowerCase(),
            ),
        ),
    );
    for (const b of liveBindings) {
        const key = kubeName(b.o);
        if (used.has(`${b.kind}|${key}`)) continue;
        if (b.kind === "RoleBinding" && !namespaces.has(b.o.metadata.namespace ?? "")) continue;
        if (b.kind === "ClusterRoleBinding" && platformOwned(b.o, adminGroups)) continue;
        const ref = (b.o.roleRef ?? {}) as Record<string, unknown>;
        const subjects = normaliseSubjects((b.o.subjects as unknown[]) ?? []);
        const strong =
            /^(cluster-admin|admin|edit)$/.test(text(ref.name)) || b.kind === "ClusterRoleBinding";
        out.push({
            area: "rbac-binding",
            status: "extra",
            severity: strong ? "high" : "medium",
            subject: `${b.kind} ${key}`,
            resource: key,
            live: `${text(ref.kind)} ${text(ref.name)} to ${showSubjects(subjects)}`,
            message: "access the stack did not grant",
        });
    }
    return out;
}

function listFailed(snapshot: Snapshot, what: string, namespace: string): boolean {
    return snapshot.errors.some((e) => e.what === (namespace ? `${what} in ${namespace}` : what));
}

function same(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

function lowerOf(s: string): string {
    return s.toLowerCase();
}
