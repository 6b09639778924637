// The fake world's shapes: who deploys, the stack's state from an earlier run, the objects outside
// it, and what the fakes saw of each registration and invoke. Also fakeGuid, from which every GUID
// of the fakes is derived (what identifies the object seeds it). Pure module.
import { v5 as uuidv5 } from "uuid";
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from "../components/kubeconfig";
import type { Right } from "./delegation";
import type { Span } from "./timeline";

/** Who is running `pulumi up` in the fake world. */
export interface FakeDeployer {
    tenantId: string;
    subscriptionId: string;
    /** Object id of the deploying user or service principal. */
    objectId: string;
    /** The Azure CLI's app id for a person (`az login`); the principal's own for an application. */
    clientId: string;
    /**
     * The deployer already holds Kubernetes access from outside the stack (a member of an admin
     * group): what `aks-entra:deployer.clusterAdmin: false` asserts. Defaults to false.
     */
    clusterAccessOutsideStack?: boolean;
}

/** Principal kinds as Microsoft Graph knows them. */
export type PrincipalKind = "User" | "Group" | "ServicePrincipal";

const FAKE_NAMESPACE = "3b241101-e2bb-4255-8caf-4136c566a962";

/** A deterministic GUID for `seed`. */
export function fakeGuid(seed: string): string {
    return uuidv5(seed, FAKE_NAMESPACE);
}

export const DEFAULT_DEPLOYER: FakeDeployer = {
    tenantId: fakeGuid("tenant"),
    subscriptionId: fakeGuid("subscription"),
    objectId: fakeGuid("deployer"),
    clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", // Azure CLI's public client app id
};

type Props = Record<string, unknown>;

/** What Pulumi does with one resource in a `pulumi up` or `pulumi destroy` (harness.ts, Step). */
export type StepOp = "create" | "same" | "update" | "replace" | "delete" | "delete-skipped";

/** One resource of the stack's state from an earlier run, as the fakes compare it. */
export interface PriorResource {
    urn: string;
    type: string;
    name: string;
    id: string;
    /** Inputs as stored in state (secrets unwrapped). */
    inputs: Props;
    state: Props;
}

/**
 * An object that exists in Azure (or the cluster) but that the stack's state does not know: left
 * by an interrupted `pulumi up`, or made by someone else. `inputs` says what it holds where a check
 * needs it (a role assignment's scope, roleDefinitionId and principalId).
 */
export interface OutsideObject {
    type: string;
    id: string;
    inputs?: Props;
}

/** The outputs of a stack as a StackReference reads them. */
export interface StackOutputs {
    outputs: Props;
    /** Names of outputs stored encrypted. */
    secretOutputNames?: readonly string[];
}

/** The world before this run: the stack's state and what exists outside it. */
export interface FakeWorld {
    previous?: readonly PriorResource[];
    outside?: readonly OutsideObject[];
    /**
     * Stacks a StackReference can read, by fully qualified name (`org/project/stack`): the stack
     * being updated, with the outputs of its last update ({} before the first).
     */
    stacks?: Readonly<Record<string, StackOutputs>>;
    /**
     * The deployer's role assignments outside the stack (a team stack's deployment identity, with
     * the rights its platform made): when given, ARM authorizes the stack's identity and
     * role-assignment writes against them (offline/delegation.ts). Undefined: not checked.
     */
    rights?: readonly Right[];
    /**
     * Client ids of the applications that have a service principal in the tenant. Defaults to
     * TENANT_APPS: the Microsoft applications the stack relies on, as in a tenant where AKS with
     * Entra ID has been used.
     */
    servicePrincipals?: readonly string[];
}

/**
 * The Microsoft applications a tenant that uses AKS with Entra ID has service principals for: the
 * AKS Microsoft Entra server and client applications and the Azure CLI.
 */
export const TENANT_APPS: readonly string[] = [
    AKS_SERVER_APP_ID,
    AKS_CLIENT_APP_ID,
    DEFAULT_DEPLOYER.clientId,
];

/** What the fake saw of one registration. */
export interface FakeResource {
    type: string;
    name: string;
    id: string;
    inputs: Props;
    state: Props;
    /** When it starts and ends in the simulated `pulumi up` (timeline.ts); 0 s if it exists. */
    span: Span;
    /** When it came to exist: its span's end, or long ago for a resource of an earlier run. */
    createdAt: number;
    /** URN the harness announced for it; "" when registered without the harness. */
    urn: string;
    /** What Pulumi does with it, compared with the stack's previous state. */
    op: Exclude<StepOp, "delete" | "delete-skipped">;
    /** Why, for anything but a plain create: the properties that changed, what forced a replace. */
    reason?: string;
    /** A replacement that deletes the old object first (its span holds both). */
    deleteBeforeReplace?: boolean;
}

/** What the fake answered for one invoke. */
export interface FakeInvoke {
    token: string;
    inputs: Props;
}

/** A required string input: the fakes refuse a registration without it. */
export function str(value: unknown, what: string): string {
    if (typeof value !== "string" || value.length === 0) {
        throw new Error(`fake azure: ${what} is missing`);
    }
    return value;
}
