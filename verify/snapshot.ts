// What `npm run verify` reads from a deployed stack, in one JSON document: the stack's state as
// Pulumi holds it, the ARM resources as Azure's REST API returns them (properties nested), and the
// Kubernetes objects as the API server returns them. `--save-snapshot FILE` writes it, `--snapshot
// FILE` replays it offline, and the tests build them from the fakes.
// Pure module: no Azure, Kubernetes or Pulumi SDK import.
import { z } from "zod";

/** Bumped on any incompatible change; `--snapshot` refuses other versions. */
export const SNAPSHOT_VERSION = 1;

/** One resource of the stack's state (`pulumi stack export`), secrets removed. */
export interface StateResource {
    urn: string;
    type: string;
    id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

/** The stack's last deployment as Pulumi's state holds it. */
export interface StackState {
    /** Stack outputs; secret ones are "[secret]". */
    outputs: Record<string, unknown>;
    resources: StateResource[];
}

/** An ARM resource as the REST API returns it: `{ id, name, type, properties: {...}, ... }`. */
export type ArmResource = Record<string, unknown> & { id: string; name?: string; type?: string };

/** A Kubernetes object as the API server returns it (`managedFields` dropped). */
export type KubeObject = Record<string, unknown> & {
    metadata: { name: string; namespace?: string } & Record<string, unknown>;
};

/** Something verify could not read. */
export interface ReadError {
    /** What was read: `role assignments at <scope>`, `service accounts in <ns>`, ... */
    what: string;
    /** The service's own message (status code and error code first). */
    error: string;
}

/** What to read: derived from the plan and the stack's state (verify/expected.ts). */
export interface ReadTargets {
    subscriptionId: string;
    /** Managed cluster ids. */
    clusters: string[];
    /**
     * Scopes whose role assignments are listed. `below: true` (the cluster) lists assignments at,
     * above and below the scope (the cluster's namespaces); otherwise at and above (`atScope()`).
     */
    scopes: { id: string; below: boolean }[];
    /** User-assigned identity ids: each is read, and its federated credentials listed. */
    identities: string[];
    /** Namespaces whose service accounts and RoleBindings are listed. */
    namespaces: string[];
}

export interface Snapshot {
    snapshotVersion: typeof SNAPSHOT_VERSION;
    project: string;
    stack: string;
    /** ISO time of the read; informational, never compared. */
    readAt: string;
    state: StackState;
    targets: ReadTargets;
    arm: {
        managedClusters: ArmResource[];
        /** Scope id as listed -> the assignments the list returned. */
        roleAssignments: Record<string, ArmResource[]>;
        userAssignedIdentities: ArmResource[];
        /** Identity id -> its federated identity credentials. */
        federatedIdentityCredentials: Record<string, ArmResource[]>;
    };
    kubernetes: {
        /** False when the cluster was not reachable (private, or no network path): not compared. */
        read: boolean;
        serviceAccounts: KubeObject[];
        roleBindings: KubeObject[];
        clusterRoleBindings: KubeObject[];
    };
    errors: ReadError[];
}

const record = z.record(z.string(), z.unknown());
const arm = z.looseObject({ id: z.string() });
const kube = z.looseObject({
    metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});

const schema = z.object({
    snapshotVersion: z.literal(SNAPSHOT_VERSION),
    project: z.string(),
    stack: z.string(),
    readAt: z.string(),
    state: z.object({
        outputs: record,
        resources: z.array(
            z.object({
                urn: z.string(),
                type: z.string(),
                id: z.string(),
                inputs: record,
                outputs: record,
            }),
        ),
    }),
    targets: z.object({
        subscriptionId: z.string(),
        clusters: z.array(z.string()),
        scopes: z.array(z.object({ id: z.string(), below: z.boolean() })),
        identities: z.array(z.string()),
        namespaces: z.array(z.string()),
    }),
    arm: z.object({
        managedClusters: z.array(arm),
        roleAssignments: z.record(z.string(), z.array(arm)),
        userAssignedIdentities: z.array(arm),
        federatedIdentityCredentials: z.record(z.string(), z.array(arm)),
    }),
    kubernetes: z.object({
        read: z.boolean(),
        serviceAccounts: z.array(kube),
        roleBindings: z.array(kube),
        clusterRoleBindings: z.array(kube),
    }),
    errors: z.array(z.object({ what: z.string(), error: z.string() })),
});

/** Parses a snapshot file's JSON; throws an Error naming the first bad field. */
export function parseSnapshot(json: unknown): Snapshot {
    if (
        json !== null &&
        typeof json === "object" &&
        "snapshotVersion" in json &&
        json.snapshotVersion !== SNAPSHOT_VERSION
    ) {
        throw new Error(
            `snapshotVersion ${JSON.stringify(json.snapshotVersion)} is not ${SNAPSHOT_VERSION}: save it again with this version of verify`,
        );
    }
    const r = schema.safeParse(json);
    if (!r.success) {
        const issue = r.error.issues[0];
        throw new Error(`${issue.path.join(".") || "(top)"}: ${issue.message}`);
    }
    return r.data;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * A value of `pulumi stack export` with every secret replaced by "[secret]": a snapshot never
 * holds a secret (kubeconfigs, tokens), not even as ciphertext.
 */
export function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value !== null && typeof value === "object") {
        if (SECRET_SIG in value) return "[secret]";
        return Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)] as const),
        );
    }
    return value;
}
