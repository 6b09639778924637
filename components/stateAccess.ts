// Access to the estate's Pulumi state backend and secrets key (docs/bootstrap.md): the blob paths of
// a self-managed backend's stacks, the ABAC condition that limits state writes to them, and the
// state rights the platform stack gives each team's deployment identity (aks-entra:stateBackend;
// docs/team-stacks.md). Pure module: the bootstrap (bootstrap/access.ts) and the platform stack
// (components/teams.ts) both use it. Sources: docs/azure-facts.md ("Bootstrap", "Team stacks' state").
import type { StateBackendSettings } from "./config";
import { BUILT_IN_ROLES } from "./roles";
import type { TeamRight } from "./teamBoundary";

/** The main program's Pulumi project name: its stacks' state lives under it. */
export const MAIN_PROJECT = "aks-entra";

/** Where a self-managed backend keeps the locks of a project's stacks. */
export function lockPrefix(project: string): string {
    return `.pulumi/locks/organization/${project}`;
}

/**
 * The blob paths of a Pulumi self-managed backend (project-scoped layout) for stacks `stack`:
 * `.pulumi/stacks|history|backups/<project>/<stack>`, and locks under the stack's fully qualified
 * name `organization/<project>/<stack>` (pulumi/pulumi pkg/backend/diy: store.go, lock.go;
 * docs/azure-facts.md).
 */
export function statePaths(project: string, stack: string): string[] {
    return [
        `.pulumi/stacks/${project}/${stack}.json*`,
        `.pulumi/history/${project}/${stack}/*`,
        `.pulumi/backups/${project}/${stack}/*`,
        `${lockPrefix(project)}/${stack}/*`,
    ];
}

const BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

/**
 * The ABAC condition of a Storage Blob Data Contributor assignment that allows writes and deletes
 * of blobs under `paths` only (StringLike patterns of the blob path); reads come from Storage Blob
 * Data Reader. Attributes: learn.microsoft.com/azure/storage/blobs/storage-auth-abac-attributes
 * (blobs:path, StringLike) and storage-auth-abac-examples.
 */
export function blobWriteCondition(paths: readonly string[]): string {
    const actions = [`${BLOB}/write`, `${BLOB}/add/action`, `${BLOB}/delete`]
        .map((a) => `!(ActionMatches{'${a}'})`)
        .join(" AND ");
    const where = paths.map((p) => `@Resource[${BLOB}:path] StringLike '${p}'`).join(" OR ");
    return `((${actions}) OR (${where}))`;
}

/**
 * A team's deployment identity's rights on the estate's state backend and secrets key: Storage
 * Blob Data Reader on the container (its StackReference reads the platform's state; every stack's
 * state is readable, its secrets stay encrypted under the key), Storage Blob Data Contributor on
 * the container limited by blobWriteCondition to the paths of its own stack `team-<team>` (the
 * backend's `.pulumi/meta.yaml` exists already and is only read: pulumi/pulumi pkg/backend/diy
 * meta.go, ensurePulumiMeta, writes it only into an empty bucket), and Key Vault Crypto User on the
 * key (encrypt and decrypt for the azurekeyvault:// secrets provider).
 */
export function teamStateRights(team: string, backend: StateBackendSettings): TeamRight[] {
    const stack = `team-${team}`;
    return [
        {
            key: "state-read",
            scope: backend.containerId,
            roleGuid: BUILT_IN_ROLES["Storage Blob Data Reader"],
            why: "the team stack reads the platform stack's state (its StackReference) and its own",
        },
        {
            key: "state-write",
            scope: backend.containerId,
            roleGuid: BUILT_IN_ROLES["Storage Blob Data Contributor"],
            condition: blobWriteCondition(statePaths(MAIN_PROJECT, stack)),
            why: `the team stack writes its own state (stack ${stack}) and lock, nothing else`,
        },
        {
            key: "secrets-key",
            scope: backend.secretsKeyId,
            roleGuid: BUILT_IN_ROLES["Key Vault Crypto User"],
            why: "the team stack encrypts and decrypts its secrets with the estate's key (azurekeyvault://)",
        },
    ];
}

const STATE_ROLES: Readonly<Record<string, string>> = {
    [BUILT_IN_ROLES["Storage Blob Data Reader"]]: "Storage Blob Data Reader",
    [BUILT_IN_ROLES["Storage Blob Data Contributor"]]: "Storage Blob Data Contributor",
    [BUILT_IN_ROLES["Key Vault Crypto User"]]: "Key Vault Crypto User",
};

/**
 * Whether a grant is one of teamStateRights as it makes them, and how the plan describes it: the
 * role's name, and for Storage Blob Data Contributor the stack whose paths its condition allows
 * (exactly blobWriteCondition of a `team-<team>` stack, version 2.0). Undefined for anything else,
 * a condition edited by hand included.
 */
export function teamStateRight(
    roleGuid: string,
    condition: unknown,
    conditionVersion: unknown,
): { role: string; stack?: string } | undefined {
    const role = STATE_ROLES[roleGuid];
    if (role === undefined) return undefined;
    if (roleGuid !== BUILT_IN_ROLES["Storage Blob Data Contributor"]) {
        return condition === undefined || condition === null || condition === ""
            ? { role }
            : undefined;
    }
    const stack = /StringLike '\.pulumi\/stacks\/[^/']+\/(team-[a-z0-9-]+)\.json\*'/.exec(
        typeof condition === "string" ? condition : "",
    )?.[1];
    return stack !== undefined &&
        conditionVersion === "2.0" &&
        condition === blobWriteCondition(statePaths(MAIN_PROJECT, stack))
        ? { role, stack }
        : undefined;
}
