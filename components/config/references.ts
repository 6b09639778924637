// References from one part of the config to another: group aliases and Azure roles. Lookups go
// through Maps, never through plain objects, so a reference named `constructor` or `toString` is
// an unknown alias, not a property of Object.prototype. Pure module.
import {
    AKS_DATA_PLANE_ROLES,
    FORBIDDEN_ROLES,
    GUID_PATTERN,
    holdsIdentities,
    IDENTITY_ADMIN_ROLES,
    PRIVILEGED_ROLES,
    resolveRole,
} from "../roles";
import { DECLARED_ACCESS, privilegeOf } from "../access/privilege";
import { NAMESPACE } from "./constants";
import { show } from "./messages";
import type { AzureRoleGrant, GroupRef } from "./types";
import { NIL_GUID } from "./values";

/** The aliases of `aks-entra:groups`: those that are valid, and every name that was written. */
export class GroupAliases {
    private readonly ids = new Map<string, string>();
    private readonly written: ReadonlySet<string>;

    /**
     * `valid`: the entries the schema accepted. `written`: every alias in the stack file, so a
     * reference to an alias whose own entry is broken is not reported a second time.
     */
    constructor(valid: Iterable<[string, string]>, written: Iterable<string>) {
        for (const [alias, id] of valid) this.ids.set(alias, id.toLowerCase());
        this.written = new Set(written);
    }

    /** Alias -> object id, for the typed config (a plain object built from own entries). */
    entries(): [string, string][] {
        return [...this.ids];
    }

    /** The problem with a reference at `path`, or undefined when it resolves (or was reported). */
    problem(path: string, ref: string): string | undefined {
        if (GUID_PATTERN.test(ref)) {
            return ref === NIL_GUID
                ? `${path} ${show(ref)} is the nil GUID, which no Entra object has`
                : undefined;
        }
        if (this.ids.has(ref) || this.written.has(ref)) return undefined;
        const known = [...this.ids.keys()];
        return (
            `${path} ${show(ref)} is neither an object id (GUID) nor a name from ${NAMESPACE}:groups` +
            (known.length ? ` (known: ${known.join(", ")})` : " (none defined)")
        );
    }

    /** What a reference stands for, to find the same group given twice: its object id if known. */
    key(ref: string): string {
        if (GUID_PATTERN.test(ref)) return ref.toLowerCase();
        return this.ids.get(ref) ?? ref;
    }

    /** A reference that `problem` accepted. */
    resolve(ref: string): GroupRef {
        if (GUID_PATTERN.test(ref))
            return { objectId: ref.toLowerCase(), label: ref.toLowerCase() };
        const id = this.ids.get(ref);
        if (id === undefined) throw new Error(`aks-entra: unresolved group reference ${show(ref)}`);
        return { objectId: id, label: ref };
    }
}

function knownRoleList(): string {
    return (
        ["Reader", "Storage Blob Data Reader", "Key Vault Secrets User", "AcrPull", "..."].join(
            ", ",
        ) + " (docs/configuration.md: Configuration reference)"
    );
}

/** The role GUID of a grant's `role` (name or GUID), or its problem. */
export function grantRole(
    at: string,
    role: string,
): { guid: string; problem?: undefined } | { guid?: undefined; problem: string } {
    // A forbidden or identity-administration role by name is named as such, not as unknown
    // (which would invite its GUID).
    const byName = [
        ...Object.entries(FORBIDDEN_ROLES),
        ...IDENTITY_ADMIN_ROLES.map((g) => [g, PRIVILEGED_ROLES[g].name]),
    ];
    const forbiddenByName = byName.find(
        ([, name]) => name.toLowerCase() === role.trim().toLowerCase(),
    );
    const guid = resolveRole(role) ?? forbiddenByName?.[0];
    if (guid === undefined) {
        return {
            problem: `${at} ${show(role)} is not a known built-in role; use a role GUID or one of: ${knownRoleList()}`,
        };
    }
    if (AKS_DATA_PLANE_ROLES.includes(guid)) {
        return {
            problem: `${at} ${show(role)} is an AKS access role; give cluster access with clusterAccess, namespaces[].access or pipelines[].clusterAccess/namespaceAccess instead`,
        };
    }
    if (Object.hasOwn(FORBIDDEN_ROLES, guid)) {
        return {
            problem: `${at} ${show(role)} (${FORBIDDEN_ROLES[guid]}) is never granted by aks-entra; grant a narrower data-plane role`,
        };
    }
    return { guid };
}

/**
 * Problems of a list of Azure role grants at `path` (entries the schema refused are holes).
 * `declared`: the GUIDs of aks-entra:declaredRoles, or undefined when that key was refused (a role
 * the privilege table does not know is then not judged).
 */
export function grantProblems(
    path: string,
    grants: readonly ({ role?: string; scope?: string } | undefined)[] | undefined,
    declared: ReadonlySet<string> | undefined,
): string[] {
    const problems: string[] = [];
    const keys: string[] = [];
    (grants ?? []).forEach((g, i) => {
        if (g?.role === undefined) return;
        const role = grantRole(`${path}[${i}].role`, g.role);
        if (role.problem !== undefined) {
            problems.push(role.problem);
        } else if (privilegeOf(role.guid) === undefined && declared?.has(role.guid) === false) {
            // Fail closed (issue 29, item 7): an unknown role may allow anything.
            problems.push(
                `${path}[${i}].role ${show(g.role)} is a role aks-entra does not know: it may allow anything (Storage Account Key Operator lists the account keys, Contributor manages everything), so it is treated as privileged; declare it in ${NAMESPACE}:declaredRoles with its name, access (${DECLARED_ACCESS.join(", ")}) and intent, or grant a built-in role aks-entra knows`,
            );
        } else if (g.scope !== undefined) {
            keys.push(`${role.guid} on ${g.scope.toLowerCase()}`);
            if (IDENTITY_ADMIN_ROLES.includes(role.guid) && holdsIdentities(g.scope)) {
                const admin = PRIVILEGED_ROLES[role.guid];
                problems.push(
                    `${path}[${i}].role ${show(g.role)} (${admin.name}) on ${show(g.scope)} is identity administration over the user-assigned identities there: it ${admin.why}, the pipelines' and the deployer's included; aks-entra never grants it over a subscription, a resource group or an identity: grant the data-plane roles the workload needs instead`,
                );
            }
        }
    });
    for (const dup of duplicates(keys)) {
        problems.push(`${path} grants role ${dup} twice; list each role and scope once`);
    }
    return problems;
}

/** Grants that `grantProblems` accepted. */
export function resolveGrants(
    grants: readonly { role: string; scope: string }[] | undefined,
): AzureRoleGrant[] {
    return (grants ?? []).map((g) => {
        const role = grantRole("", g.role);
        if (role.guid === undefined) throw new Error(`aks-entra: unresolved role ${show(g.role)}`);
        return { role: g.role, roleGuid: role.guid, scope: g.scope };
    });
}

/** The values that occur more than once, in order of their second occurrence. */
export function duplicates<T>(values: readonly T[]): T[] {
    const seen = new Set<T>();
    const dupes = new Set<T>();
    for (const v of values) {
        (seen.has(v) ? dupes : seen).add(v);
    }
    return [...dupes];
}
