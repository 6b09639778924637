// Fake Azure, Microsoft Graph and Kubernetes: answers the program's registrations and invokes the
// way the real services would (id shapes, GUIDs, the OIDC issuer URL, the exec kubeconfig AKS
// returns). One implementation, used by the tests and by the offline plan.
//
// Every GUID is derived from what identifies the object (its resource id), so two runs of the same
// config produce byte-identical plans. Unknown invokes fail loudly.
import { addonProblems, diagnosticSinkProblems, monitoringAnswer } from "./monitoringFakes";
import * as pulumi from "@pulumi/pulumi";
import { v5 as uuidv5 } from "uuid";
import { stringify } from "yaml";
import { versionRefusal } from "../components/aksVersions";
import { loginPrincipalType } from "../components/deployer";
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from "../components/kubeconfig";
import { maxSurgeProblem } from "../components/config/values";
import { AKS_ROLES } from "../components/roles";
import { ephemeralProblem } from "../components/vmLocalDisk";
import { bootstrapAnswer, GET_SERVICE_PRINCIPAL, servicePrincipalLookup } from "./bootstrapFakes";
import { overlappingWrites, type WriteOperation } from "./concurrency";
import {
    createSeconds,
    deleteSeconds,
    PROPAGATION_SECONDS,
    type Span,
    Timeline,
    updateSeconds,
} from "./timeline";
import { authorizationProblem, type Right } from "./delegation";
import { policyAssignmentProblems } from "./policyAssignments";
import { TYPES } from "./types";

/** When a resource of an earlier run came to exist, in simulated seconds. */
const LONG_AGO = -1e6;

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

/**
 * Azure refused a create, and what the fakes answer for it all the same: the resource as Azure
 * describes one it accepted. The refusal is recorded and fails the run at the end, like every
 * other; the answer lets the rest of the run go on as for any other refusal, so nothing the
 * program derives from the resource (an apply, an invoke, a dependent's inputs) fails on a
 * property Azure computes and the run reports Azure's message alone.
 */
class Refused extends Error {
    constructor(
        message: string,
        readonly answer: { id: string; state: Props },
    ) {
        super(message);
    }
}

function fail(message: string): never {
    throw new Error(message);
}

function str(value: unknown, what: string): string {
    if (typeof value !== "string" || value.length === 0) {
        throw new Error(`fake azure: ${what} is missing`);
    }
    return value;
}

export class AzureFakes implements pulumi.runtime.Mocks {
    readonly resources: FakeResource[] = [];
    private readonly byKey = new Map<string, FakeResource>();
    readonly invokes: FakeInvoke[] = [];
    /** Problems found while answering; asserted empty by the harness (throwing would hang). */
    readonly errors: string[] = [];
    /** When each registration starts and ends; the harness records spans by URN. */
    readonly timeline = new Timeline();
    /** Start time of the registration being answered, set by the harness (type|name -> seconds). */
    readonly startOf = new Map<string, number>();
    /** URN and ignoreChanges of the registration being answered, set by the harness (type|name). */
    readonly registering = new Map<string, { urn: string; ignoreChanges: readonly string[] }>();
    /** The stack's state from an earlier run, by URN. */
    private readonly prior = new Map<string, PriorResource>();
    private readonly outside: readonly OutsideObject[];
    private readonly stacks: Readonly<Record<string, StackOutputs>>;
    private readonly rights?: readonly Right[];
    /** Client ids (lowercase) of the applications with a service principal in the tenant. */
    private readonly servicePrincipals: ReadonlySet<string>;
    /** Object id -> kind, for the principals the fakes know (UnmatchedPrincipalType). */
    private readonly directory = new Map<string, PrincipalKind>();
    /** Start time of the resource being answered. */
    private now = 0;
    /** Role assignments by principal (lowercase object id), in registration order. */
    private readonly grantsByPrincipal = new Map<string, { r: FakeResource; guid: string }[]>();

    /**
     * @param existing logical names of resources created by an earlier run: they take no time and
     *   their grants were honoured long ago.
     * @param directory principals of the tenant the stack does not create (object id -> kind).
     * @param world the stack's state from an earlier run and the objects outside it.
     */
    constructor(
        readonly deployer: FakeDeployer = DEFAULT_DEPLOYER,
        private readonly existing: ReadonlySet<string> = new Set(),
        directory: Readonly<Record<string, PrincipalKind>> = {},
        world: FakeWorld = {},
    ) {
        // The login's kind as its client id suggests, unless the directory says otherwise (a person
        // signed in through another public client than the Azure CLI).
        this.directory.set(deployer.objectId.toLowerCase(), loginPrincipalType(deployer));
        for (const [id, kind] of Object.entries(directory))
            this.directory.set(id.toLowerCase(), kind);
        for (const r of world.previous ?? []) this.prior.set(r.urn, r);
        this.outside = world.outside ?? [];
        this.stacks = world.stacks ?? {};
        this.rights = world.rights;
        this.servicePrincipals = new Set(
            (world.servicePrincipals ?? TENANT_APPS).map((id) => id.toLowerCase()),
        );
    }

    private rgId(rg: unknown): string {
        return `/subscriptions/${this.deployer.subscriptionId}/resourceGroups/${str(rg, "resourceGroupName")}`;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Props } {
        const inputs = args.inputs as Props;
        const key = `${args.type}|${args.name}`;
        const start = this.startOf.get(key) ?? 0;
        if (args.custom === false) {
            // Component resources exist only in Pulumi's state, not in Azure.
            return { id: undefined, state: {} };
        }
        const registering = this.registering.get(key);
        const urn = registering?.urn ?? "";
        const prior = this.prior.get(urn);
        this.now = start;
        let id: string;
        let state: Props = { ...inputs };
        try {
            ({ id, state } = this.answer(args.type, args.name, inputs));
            if (prior && args.type === TYPES.group) {
                // Graph assigns a group's object id when it is created; an update keeps it.
                id = prior.id;
                state = { ...state, objectId: prior.state.objectId };
                if (typeof prior.state.objectId === "string") {
                    this.directory.set(prior.state.objectId, "Group");
                }
            }
        } catch (e) {
            this.errors.push(`${args.type} ${args.name}: ${(e as Error).message}`);
            if (e instanceof Refused) ({ id, state } = e.answer);
            else id = `${args.name}_id`;
        }
        // A resource of an earlier run that is unchanged: the engine passes it at once, and it has
        // existed (and its grants have been honoured) for long.
        const change: Change =
            !prior && this.existing.has(args.name)
                ? { op: "same", reason: "exists already (RunOptions.existing)" }
                : classifyChange(
                      args.type,
                      prior,
                      id,
                      unwrapSecrets(inputs) as Props,
                      registering?.ignoreChanges ?? [],
                  );
        const seconds = {
            create: createSeconds(args.type, true, inputs),
            same: 0,
            update: updateSeconds(args.type, true, inputs),
            replace:
                createSeconds(args.type, true, inputs) +
                (change.deleteBeforeReplace ? deleteSeconds(args.type, true) : 0),
        }[change.op];
        const span: Span = { start, end: start + seconds };
        const exists = change.op === "same" || change.op === "update";
        const createdAt = exists ? LONG_AGO : span.end;
        try {
            if (change.op === "update" && prior) {
                const problems = updateProblems(args.type, prior.inputs, change.after ?? {});
                if (problems.length > 0) throw new Error(problems.join("; "));
            }
            if (
                change.op === "create" ||
                (change.op === "replace" && !change.deleteBeforeReplace)
            ) {
                this.checkNotExisting(
                    args.type,
                    urn,
                    id,
                    unwrapSecrets(inputs) as Props,
                    change.op === "replace" ? prior : undefined,
                );
            }
        } catch (e) {
            this.errors.push(`${args.type} ${args.name}: ${(e as Error).message}`);
        }
        const resource: FakeResource = {
            type: args.type,
            name: args.name,
            id,
            inputs,
            state,
            span,
            createdAt,
            urn,
            op: change.op,
            ...(change.reason !== undefined ? { reason: change.reason } : {}),
            ...(change.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        };
        this.resources.push(resource);
        if (args.type === TYPES.roleAssignment) {
            const principal = String(inputs.principalId).toLowerCase();
            const guid = (String(inputs.roleDefinitionId).split("/").pop() ?? "").toLowerCase();
            const list = this.grantsByPrincipal.get(principal) ?? [];
            list.push({ r: resource, guid });
            this.grantsByPrincipal.set(principal, list);
        }
        this.byKey.set(`${args.type}|${args.name}|${id}`, resource);
        return { id, state };
    }

    /**
     * A create of an object that exists already fails: azure-native checks before it creates
     * ("cannot create already existing resource", docs/azure-facts.md failure mode 14), the
     * Kubernetes API answers 409 AlreadyExists, and ARM refuses a second role assignment of one
     * role to one principal on one scope under another name (RoleAssignmentExists, 409). What exists:
     * the objects outside the stack's state, those of its previous state under other URNs (their
     * deletes come after every create), and the old object of a create-before-delete replacement
     * (`replacing`) that keeps its id, as a replacement forced by a property rather than a name
     * does: Pulumi deletes it only after the new one is created.
     */
    private checkNotExisting(
        type: string,
        urn: string,
        id: string,
        inputs: Props,
        replacing?: PriorResource,
    ): void {
        const others = [
            ...this.outside,
            ...[...this.prior.values()].filter((p) => p.urn !== urn || p === replacing),
        ];
        const lower = id.toLowerCase();
        if (type.startsWith("azure-native:")) {
            const taken = others.find(
                (o) => o.type.startsWith("azure-native:") && o.id.toLowerCase() === lower,
            );
            if (taken) throw new Error(`cannot create already existing resource '${id}'`);
        }
        if (type.startsWith("kubernetes:")) {
            if (others.some((o) => o.type === type && o.id === id)) {
                throw new Error(`AlreadyExists (409): ${kindOf(type)} "${id}" already exists`);
            }
        }
        if (type === TYPES.roleAssignment) {
            const mine = assignmentKey(id, inputs);
            const twin = others.find(
                (o) =>
                    o.type === TYPES.roleAssignment &&
                    o.id.toLowerCase() !== lower &&
                    assignmentKey(o.id, o.inputs ?? {}) === mine,
            );
            if (twin) {
                throw new Error(
                    `RoleAssignmentExists: The role assignment already exists. (409: ${twin.id} assigns the same role to the same principal on the same scope)`,
                );
            }
        }
    }

    private answer(type: string, name: string, inputs: Props): { id: string; state: Props } {
        const sub = this.deployer.subscriptionId;
        switch (type) {
            case TYPES.resourceGroup: {
                const rg = str(inputs.resourceGroupName, "resourceGroupName");
                return {
                    id: this.rgId(rg),
                    state: { ...inputs, name: rg, provisioningState: "Succeeded" },
                };
            }
            case TYPES.identity: {
                const n = str(inputs.resourceName, "resourceName");
                const id = `${this.rgId(inputs.resourceGroupName)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`;
                this.authorize("Microsoft.ManagedIdentity/userAssignedIdentities/write", id);
                this.directory.set(fakeGuid(`${id}#principal`), "ServicePrincipal");
                return {
                    id,
                    state: {
                        ...inputs,
                        name: n,
                        type: "Microsoft.ManagedIdentity/userAssignedIdentities",
                        clientId: fakeGuid(`${id}#client`),
                        principalId: fakeGuid(`${id}#principal`),
                        tenantId: this.deployer.tenantId,
                    },
                };
            }
            case TYPES.fic: {
                const n = str(
                    inputs.federatedIdentityCredentialResourceName,
                    "federatedIdentityCredentialResourceName",
                );
                const identityId = `${this.rgId(inputs.resourceGroupName)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${str(inputs.resourceName, "resourceName")}`;
                // Federated credentials are the identity's children: its write rights cover them.
                this.authorize(
                    "Microsoft.ManagedIdentity/userAssignedIdentities/write",
                    identityId,
                );
                return {
                    id: `${identityId}/federatedIdentityCredentials/${n}`,
                    state: { ...inputs, name: n },
                };
            }
            case TYPES.roleAssignment: {
                const n = str(inputs.roleAssignmentName, "roleAssignmentName");
                const scope = str(inputs.scope, "scope");
                this.checkPrincipalType(inputs);
                this.authorize("Microsoft.Authorization/roleAssignments/write", scope, {
                    roleGuid: str(inputs.roleDefinitionId, "roleDefinitionId").split("/").pop()!,
                    principalType: str(inputs.principalType, "principalType"),
                });
                return {
                    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${n}`,
                    state: { ...inputs, name: n, type: "Microsoft.Authorization/roleAssignments" },
                };
            }
            case TYPES.cluster:
                return this.cluster(inputs, sub);
            case TYPES.agentPool: {
                const pool = str(inputs.agentPoolName, "agentPoolName");
                const problems = poolProblems(inputs, `agent pool ${pool}`);
                if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
                const cluster = str(inputs.resourceName, "resourceName");
                const owner = this.resources.find(
                    (r) => r.type === TYPES.cluster && r.inputs.resourceName === cluster,
                );
                if (owner) {
                    const system = ((owner.inputs.agentPoolProfiles ?? []) as Props[])[0] ?? {};
                    const mode = (owner.inputs.networkProfile as Props | undefined)
                        ?.networkPluginMode;
                    if (
                        (typeof inputs.podSubnetID === "string") !==
                        (typeof system.podSubnetID === "string")
                    ) {
                        throw new Error(
                            `BadRequest: agent pool ${pool}: every agent pool of a cluster with a pod subnet needs one, and none without (the entire cluster uses one type of CNI)`,
                        );
                    }
                    if (typeof inputs.podSubnetID === "string" && mode === "overlay") {
                        throw new Error(
                            `BadRequest: agent pool ${pool}: podSubnetID cannot be used with networkPluginMode overlay`,
                        );
                    }
                    this.checkPoolSubnetGrants(owner.inputs, [inputs]);
                }
                return {
                    id: `${this.rgId(inputs.resourceGroupName)}/providers/Microsoft.ContainerService/managedClusters/${cluster}/agentPools/${pool}`,
                    state: { ...inputs, name: pool, provisioningState: "Succeeded" },
                };
            }
            case TYPES.maintenance: {
                const problems = maintenanceProblems(inputs);
                if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
                const cluster = str(inputs.resourceName, "resourceName");
                const n = str(inputs.configName, "configName");
                return {
                    id: `${this.rgId(inputs.resourceGroupName)}/providers/Microsoft.ContainerService/managedClusters/${cluster}/maintenanceConfigurations/${n}`,
                    state: { ...inputs, name: n },
                };
            }
            case TYPES.workspace: {
                const n = str(inputs.workspaceName, "workspaceName");
                const days = inputs.retentionInDays;
                if (typeof days === "number" && (days < 30 || days > 730)) {
                    throw new Error(
                        `InvalidParameter: retentionInDays ${days} is outside 30-730 for the PerGB2018 pricing tier`,
                    );
                }
                const id = `${this.rgId(inputs.resourceGroupName)}/providers/Microsoft.OperationalInsights/workspaces/${n}`;
                return {
                    id,
                    state: {
                        ...inputs,
                        name: n,
                        customerId: fakeGuid(`${id}#customer`),
                        provisioningState: "Succeeded",
                    },
                };
            }
            case TYPES.diagnosticSetting: {
                this.checkDiagnosticSetting(inputs);
                const n = str(inputs.name, "name");
                return {
                    id: `${str(inputs.resourceUri, "resourceUri")}/providers/Microsoft.Insights/diagnosticSettings/${n}`,
                    state: { ...inputs, type: "Microsoft.Insights/diagnosticSettings" },
                };
            }
            case TYPES.policyAssignment: {
                const problems = policyAssignmentProblems(inputs);
                if (problems.length > 0) throw new Error(problems.join("; "));
                const n = str(inputs.policyAssignmentName, "policyAssignmentName");
                return {
                    id: `${str(inputs.scope, "scope")}/providers/Microsoft.Authorization/policyAssignments/${n}`,
                    state: {
                        ...inputs,
                        name: n,
                        type: "Microsoft.Authorization/policyAssignments",
                    },
                };
            }
            case TYPES.group: {
                const objectId = fakeGuid(`group#${str(inputs.displayName, "displayName")}`);
                this.directory.set(objectId, "Group");
                // azuread 6.x: the id is /groups/<objectId> (the import format).
                return { id: `/groups/${objectId}`, state: { ...inputs, objectId } };
            }
            case TYPES.pimPolicy: {
                const group = this.knownGroup(inputs.groupId, "GroupRoleManagementPolicy");
                const problems = pimPolicyProblems(inputs);
                if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
                // Entra ID made the policy with the group; the provider takes it over (auto-import).
                return {
                    id: `Group_${group}_${fakeGuid(`policy#${group}#${String(inputs.roleId)}`)}`,
                    state: { ...inputs },
                };
            }
            case TYPES.pimEligibility: {
                const group = this.knownGroup(inputs.groupId, "eligibility schedule");
                this.checkPermanentEligibility(group, inputs);
                const principal = str(inputs.principalId, "principalId").toLowerCase();
                return {
                    id: `${group}_${String(inputs.assignmentType)}_${principal}`,
                    state: { ...inputs, status: "Provisioned" },
                };
            }
            case TYPES.conditionalAccess: {
                const problems = [
                    ...conditionalAccessProblems(inputs),
                    ...this.missingServicePrincipals(inputs),
                ];
                if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
                return {
                    id: fakeGuid(`ca#${str(inputs.displayName, "displayName")}`),
                    state: { ...inputs },
                };
            }
            case TYPES.sleep:
                return { id: new Date(0).toISOString(), state: { ...inputs } };
            case TYPES.k8sProvider:
                return { id: fakeGuid(`provider#${name}`), state: { ...inputs } };
            case "pulumi:pulumi:StackReference": {
                // A read of a stack's outputs: the engine answers from the backend's state.
                const stack = str(inputs.name, "StackReference name");
                const known = this.stacks[stack];
                if (!known) throw new Error(`fake pulumi: no stack ${stack} in this backend`);
                return {
                    id: stack,
                    state: {
                        name: stack,
                        outputs: known.outputs,
                        secretOutputNames: [...(known.secretOutputNames ?? [])],
                    },
                };
            }
            default:
                if (type.startsWith("kubernetes:")) {
                    this.checkKubernetesAccess(type);
                    return this.kubernetesObject(type, inputs);
                }
                if (type.startsWith("pulumi:providers:")) {
                    return { id: fakeGuid(`provider#${name}`), state: { ...inputs } };
                }
                {
                    const known = [...this.outside, ...this.resources];
                    const m = monitoringAnswer(
                        type,
                        inputs,
                        () => this.rgId(inputs.resourceGroupName),
                        known,
                    );
                    if (m) return m;
                }
                return (
                    bootstrapAnswer(type, inputs, (rg) => this.rgId(rg)) ??
                    fail(`no fake for resource type ${type}`)
                );
        }
    }

    /**
     * A cluster AKS creates, or refuses (its problems, the control plane's grants) with the cluster
     * it would have created as the answer (Refused): the program reads its name, OIDC issuer and
     * user kubeconfig, so an answer without them would fail the run on the program's own checks.
     */
    private cluster(inputs: Props, sub: string): { id: string; state: Props } {
        const answer = this.clusterAnswer(inputs, sub);
        try {
            const problems = [
                ...managedClusterProblems(inputs),
                ...addonProblems(inputs, [...this.outside, ...this.resources]),
            ];
            if (problems.length > 0) {
                throw new Error(`BadRequest: ${problems.join("; ")}`);
            }
            this.checkControlPlaneGrants(inputs);
        } catch (e) {
            throw new Refused((e as Error).message, answer);
        }
        return answer;
    }

    private clusterAnswer(inputs: Props, sub: string): { id: string; state: Props } {
        const n = str(inputs.resourceName, "resourceName");
        const id = `${this.rgId(inputs.resourceGroupName)}/providers/Microsoft.ContainerService/managedClusters/${n}`;
        const location = str(inputs.location, "location");
        const dnsPrefix = str(inputs.dnsPrefix, "dnsPrefix");
        const suffix = fakeGuid(`${id}#fqdn`).slice(0, 8);
        const identity = inputs.identity as
            { type?: string; userAssignedIdentities?: string[] } | undefined;
        const userAssigned = Object.fromEntries(
            (identity?.userAssignedIdentities ?? []).map((uai) => [
                uai,
                { clientId: fakeGuid(`${uai}#client`), principalId: fakeGuid(`${uai}#principal`) },
            ]),
        );
        const api = (inputs.apiServerAccessProfile ?? {}) as { enablePrivateCluster?: boolean };
        const fqdn = `${dnsPrefix}-${suffix}.hcp.${location}.azmk8s.io`;
        return {
            id,
            state: {
                ...inputs,
                name: n,
                type: "Microsoft.ContainerService/ManagedClusters",
                provisioningState: "Succeeded",
                powerState: { code: "Running" },
                kubernetesVersion: inputs.kubernetesVersion ?? "1.35.4",
                currentKubernetesVersion: inputs.kubernetesVersion ?? "1.35.4",
                fqdn: api.enablePrivateCluster ? undefined : fqdn,
                privateFQDN: api.enablePrivateCluster
                    ? `${dnsPrefix}-${suffix}.${fakeGuid(id).slice(0, 8)}.privatelink.${location}.azmk8s.io`
                    : undefined,
                azurePortalFQDN: `${dnsPrefix}-${suffix}.portal.hcp.${location}.azmk8s.io`,
                identity: {
                    type: identity?.type,
                    userAssignedIdentities: userAssigned,
                    tenantId: this.deployer.tenantId,
                },
                oidcIssuerProfile: {
                    enabled: true,
                    // Real shape: https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/ (trailing slash).
                    issuerURL: `https://${location}.oic.prod-aks.azure.com/${this.deployer.tenantId}/${fakeGuid(`${id}#oidc`)}/`,
                },
                maxAgentPools: 100,
                resourceUID: fakeGuid(`${id}#uid`).replace(/-/g, "").slice(0, 24),
                subscription: sub,
            },
        };
    }

    /**
     * Role assignments registered so far to `principal` (lowercase object id), with their role
     * GUID: indexed as they register, so a stack of thousands of Kubernetes objects, each of which
     * asks about the deployer's grants, does not rescan every resource.
     */
    /** ARM's authorization of a write by a deployer whose rights are known (FakeWorld.rights). */
    private authorize(
        action: Parameters<typeof authorizationProblem>[2],
        scope: string,
        request?: { roleGuid: string; principalType: string },
    ): void {
        if (this.rights === undefined) return;
        const problem = authorizationProblem(
            this.rights,
            this.deployer.objectId,
            action,
            scope,
            request,
        );
        if (problem !== undefined) throw new Error(problem);
    }

    private assignments(principal: string): { r: FakeResource; guid: string }[] {
        return this.grantsByPrincipal.get(principal) ?? [];
    }

    /**
     * AKS checks at create time that the control-plane identity holds, as ARM sees it then
     * (docs/azure-facts.md, failure modes 4 and 11; roles table): Managed Identity Operator on the
     * kubelet identity; with API Server VNet Integration Network Contributor on the API server
     * subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration); with KMS etcd encryption
     * Key Vault Crypto User on the key and, for a private vault, Key Vault Contributor on the vault
     * (learn.microsoft.com/azure/aks/use-kms-etcd-encryption); and with your own private DNS zone
     * Private DNS Zone Contributor on the zone and Network Contributor on the nodes' virtual
     * network, where AKS links the zone (learn.microsoft.com/azure/aks/private-clusters;
     * Azure/AKS#2711; docs/azure-facts.md failure mode 29). A grant on a scope above counts.
     */
    private checkControlPlaneGrants(inputs: Props): void {
        const kubelet = (inputs.identityProfile as { kubeletidentity?: { resourceId?: string } })
            ?.kubeletidentity?.resourceId;
        const controlPlane = (inputs.identity as { userAssignedIdentities?: string[] })
            ?.userAssignedIdentities?.[0];
        if (controlPlane === undefined) return;
        const principal = fakeGuid(`${controlPlane}#principal`);
        if (kubelet !== undefined) {
            const target = kubelet.toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.managedIdentityOperator,
                (at) => target === at || target.startsWith(`${at}/`),
                (why) =>
                    `CustomKubeletIdentityMissingPermissionError: the control-plane identity ${principal} does not have Managed Identity Operator on the kubelet identity ${kubelet}${why}`,
            );
        }
        this.checkPrivateDnsZoneGrants(inputs, principal);
        this.checkPoolSubnetGrants(inputs, (inputs.agentPoolProfiles ?? []) as Props[]);
        const api = (inputs.apiServerAccessProfile ?? {}) as Props;
        if (api.enableVnetIntegration === true && typeof api.subnetId === "string") {
            // "Lack of permissions at the API server subnet can cause a provisioning failure"
            // (learn.microsoft.com/azure/aks/api-server-vnet-integration).
            const subnet = api.subnetId.toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.networkContributor,
                (at) => subnet === at || subnet.startsWith(`${at}/`),
                (why) =>
                    `LinkedAuthorizationFailed: the control-plane identity ${principal} has no Network Contributor on the API server subnet ${String(api.subnetId)}${why}`,
            );
        }
        const kms = (inputs.securityProfile as { azureKeyVaultKms?: Props } | undefined)
            ?.azureKeyVaultKms;
        if (kms?.enabled === true && kms.keyVaultNetworkAccess === "Private") {
            // A private vault: AKS makes the private link to it as the control plane, which needs
            // Key Vault Contributor on the vault (learn.microsoft.com/azure/aks/use-kms-etcd-encryption).
            const vault = String(kms.keyVaultResourceId).toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.keyVaultContributor,
                (at) => vault === at || vault.startsWith(`${at}/`),
                (why) =>
                    `KMSKeyVaultAccessDenied: the control-plane identity ${principal} cannot link the private key vault ${String(kms.keyVaultResourceId)}: it holds no Key Vault Contributor on the vault${why}`,
            );
        }
        if (typeof inputs.diskEncryptionSetID === "string") {
            // "Ensure your AKS cluster identity has read permission of DiskEncryptionSet"
            // (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys).
            const des = inputs.diskEncryptionSetID.toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.reader,
                (at) => des === at || des.startsWith(`${at}/`),
                (why) =>
                    `LinkedAuthorizationFailed: the control-plane identity ${principal} does not have permission to perform action 'Microsoft.Compute/diskEncryptionSets/read' on the disk encryption set ${String(inputs.diskEncryptionSetID)}${why}`,
            );
        }
        if (kms?.enabled === true) {
            // Vault names are global: the key id's vault and key name find the key's ARM scope.
            const key = /^https:\/\/([^.]+)\.vault\.azure\.net\/keys\/([^/]+)\//.exec(
                String(kms.keyId),
            );
            const suffix = key
                ? `/providers/microsoft.keyvault/vaults/${key[1]}/keys/${key[2]}`.toLowerCase()
                : "(no key)";
            this.requireGrant(
                principal,
                AKS_ROLES.keyVaultCryptoUser,
                (at) => {
                    const tail = at.slice(at.indexOf("/providers/microsoft.keyvault/vaults/"));
                    return (
                        tail.startsWith("/providers/") &&
                        (suffix === tail || suffix.startsWith(`${tail}/`))
                    );
                },
                (why) =>
                    `KMSKeyVaultAccessDenied: the control-plane identity ${principal} cannot use the KMS key ${String(kms.keyId)}: it holds no Key Vault Crypto User on the key or its vault${why}`,
            );
        }
    }

    /**
     * AKS joins a pool's nodes to its vnetSubnetID and its pods to its podSubnetID as the cluster's
     * control plane, which needs Network Contributor there (or on the VNet) when the pool is created
     * (learn.microsoft.com/azure/aks/concepts-network-legacy-cni, prerequisites: "at least Network
     * Contributor permissions on the subnet within the virtual network").
     */
    private checkPoolSubnetGrants(cluster: Props, pools: Props[]): void {
        const controlPlane = (cluster.identity as { userAssignedIdentities?: string[] } | undefined)
            ?.userAssignedIdentities?.[0];
        if (controlPlane === undefined) return;
        const principal = fakeGuid(`${controlPlane}#principal`);
        for (const pool of pools) {
            for (const key of ["vnetSubnetID", "podSubnetID"]) {
                const subnet = pool[key];
                if (typeof subnet !== "string") continue;
                const target = subnet.toLowerCase();
                this.requireGrant(
                    principal,
                    AKS_ROLES.networkContributor,
                    (at) => target === at || target.startsWith(`${at}/`),
                    (why) =>
                        `LinkedAuthorizationFailed: the control-plane identity ${principal} does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope '${subnet}' (${key} of agent pool ${String(pool.name ?? pool.agentPoolName)})${why}`,
                );
            }
        }
    }

    /** The grants of your own private DNS zone (see checkControlPlaneGrants). */
    private checkPrivateDnsZoneGrants(inputs: Props, principal: string): void {
        const zone = (inputs.apiServerAccessProfile as { privateDNSZone?: unknown } | undefined)
            ?.privateDNSZone;
        if (typeof zone !== "string" || !zone.startsWith("/")) return;
        const within = (target: string) => (at: string) =>
            target.toLowerCase() === at || target.toLowerCase().startsWith(`${at}/`);
        this.requireGrant(
            principal,
            AKS_ROLES.privateDnsZoneContributor,
            within(zone),
            (why) =>
                `CustomPrivateDNSZoneMissingPermissionError: Service principal or user-assigned identity must be given permission to read and write to custom private dns zone ${zone}. Check access result not allowed for action Microsoft.Network/privateDnsZones/write${why}`,
        );
        const pools = (inputs.agentPoolProfiles ?? []) as { vnetSubnetID?: unknown }[];
        const subnet = pools.map((p) => p.vnetSubnetID).find((x) => typeof x === "string");
        if (typeof subnet !== "string") return;
        const vnet = subnet.replace(/\/subnets\/[^/]+$/i, "");
        this.requireGrant(
            principal,
            AKS_ROLES.networkContributor,
            within(vnet),
            (why) =>
                `LinkedAuthorizationFailed: The client '${principal}' has permission to perform action 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write' on scope '${zone}'; however, it does not have permission to perform action 'Microsoft.Network/virtualNetworks/join/action' on the linked scope(s) '${vnet}'${why}`,
        );
    }

    /**
     * Throws `message(why)` unless `principal` holds `role` on a scope `covers` accepts (given in
     * lowercase), honoured now.
     */
    private requireGrant(
        principal: string,
        role: string,
        covers: (scope: string) => boolean,
        message: (why: string) => string,
    ): void {
        const grant = this.assignments(principal.toLowerCase()).find(
            ({ r, guid }) =>
                guid === role &&
                covers(String(r.inputs.scope).toLowerCase()) &&
                r.inputs.principalId === principal,
        );
        const honoured = grant && grant.r.createdAt + PROPAGATION_SECONDS.kubeletOperator;
        if (honoured === undefined || honoured > this.now) {
            throw new Error(
                message(
                    grant
                        ? ` yet (granted at ${grant.r.createdAt} s, honoured from ${honoured} s; the cluster was created at ${this.now} s)`
                        : " (no such grant when the cluster was created)",
                ),
            );
        }
    }

    /**
     * Azure Monitor accepts only the log categories the resource type has, needs a destination,
     * and refuses a second setting that sends a category to a destination another setting of the
     * same resource already sends it to.
     */
    private checkDiagnosticSetting(inputs: Props): void {
        const uri = str(inputs.resourceUri, "resourceUri").toLowerCase();
        const logs = (inputs.logs ?? []) as { category?: string; enabled?: boolean }[];
        const problems: string[] = [];
        if (/\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/.test(uri)) {
            for (const l of logs) {
                if (!AKS_LOG_CATEGORIES.includes(String(l.category))) {
                    problems.push(
                        `Category '${String(l.category)}' is not supported for Microsoft.ContainerService/managedClusters`,
                    );
                }
            }
        }
        problems.push(...diagnosticSinkProblems(inputs));
        const sink =
            inputs.workspaceId ?? inputs.storageAccountId ?? inputs.eventHubAuthorizationRuleId;
        if (sink === undefined) {
            problems.push(
                "a diagnostic setting needs a destination (workspaceId, storage, event hub)",
            );
        }
        const others = [...this.outside, ...this.resources].filter(
            (o) =>
                o.type === TYPES.diagnosticSetting &&
                String(o.inputs?.resourceUri).toLowerCase() === uri &&
                o.inputs?.name !== inputs.name,
        );
        for (const o of others) {
            const theirs = ((o.inputs?.logs ?? []) as { category?: string }[]).map(
                (l) => l.category,
            );
            const shared = logs.filter((l) => theirs.includes(l.category));
            if (
                String(o.inputs?.workspaceId).toLowerCase() === String(sink).toLowerCase() &&
                shared.length > 0
            ) {
                problems.push(
                    `Conflict: data sink '${String(sink)}' is already used in diagnostic setting '${String(o.inputs?.name)}' for category '${String(shared[0].category)}'`,
                );
            }
        }
        if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
    }

    /**
     * A Conditional Access policy targets applications of the tenant, by their service principal
     * (AKS: "select Azure Kubernetes Service Microsoft Entra Server" among the Enterprise
     * applications, learn.microsoft.com/azure/aks/access-control-managed-azure-ad): an included
     * application without one is refused (docs/azure-facts.md failure mode 30; the message is a
     * paraphrase).
     */
    private missingServicePrincipals(inputs: Props): string[] {
        const apps = ((inputs.conditions as Props | undefined)?.applications ?? {}) as Props;
        const included = (apps.includedApplications ?? []) as unknown[];
        return included
            .filter((a): a is string => typeof a === "string" && /^[0-9a-f-]{36}$/i.test(a))
            .filter((a) => !this.servicePrincipals.has(a.toLowerCase()))
            .map(
                (a) =>
                    `includedApplications: application ${a} has no service principal in tenant ${this.deployer.tenantId}`,
            );
    }

    /** The object id of a group Graph knows (created earlier in the run, or in the directory). */
    private knownGroup(groupId: unknown, what: string): string {
        const id = str(groupId, `${what} groupId`).toLowerCase();
        if (this.directory.get(id) !== "Group") {
            throw new Error(
                `Request_ResourceNotFound: ${what}: group ${id} does not exist (give the group's object id)`,
            );
        }
        return id;
    }

    /**
     * PIM refuses a permanent eligibility while the group's member policy requires eligibilities to
     * expire, which its default policy does (RoleAssignmentRequestPolicyValidationFailed,
     * hashicorp/terraform-provider-azuread#1450): the stack's policy must be written first.
     */
    private checkPermanentEligibility(group: string, inputs: Props): void {
        if (inputs.permanentAssignment !== true) return;
        const policy = this.resources.find(
            (r) =>
                r.type === TYPES.pimPolicy &&
                String(r.inputs.groupId).toLowerCase() === group &&
                r.inputs.roleId === inputs.assignmentType &&
                r.createdAt <= this.now,
        );
        const rules = policy?.inputs.eligibleAssignmentRules as
            { expirationRequired?: boolean } | undefined;
        if (rules?.expirationRequired !== false) {
            throw new Error(
                `RoleAssignmentRequestPolicyValidationFailed: the group's ${String(inputs.assignmentType)} policy requires an expiration (Expiration_EndUser_Assignment)` +
                    (policy
                        ? ""
                        : "; no policy of the stack was in effect when the eligibility was requested"),
            );
        }
    }

    /** ARM compares a role assignment's principalType with what Graph knows of the principal. */
    private checkPrincipalType(inputs: Props): void {
        const id = str(inputs.principalId, "principalId").toLowerCase();
        const known = this.directory.get(id);
        const said = inputs.principalType as string | undefined;
        if (known !== undefined && said !== undefined && said !== known) {
            throw new Error(
                `UnmatchedPrincipalType: The PrincipalId '${id}' has type '${known}', which is different from specified PrincipalType '${said}'.`,
            );
        }
    }

    /**
     * The Kubernetes API answers 403 until the deployer (the login) holds an AKS RBAC role on the
     * cluster that the authorizer honours: granted on the cluster or a scope above it, at least
     * five minutes earlier (docs/azure-facts.md, failure mode 7), or access from outside the stack.
     */
    private checkKubernetesAccess(type: string): void {
        if (this.deployer.clusterAccessOutsideStack) return;
        const cluster = this.resources.find((r) => r.type === TYPES.cluster);
        if (!cluster) return;
        const me = this.deployer.objectId.toLowerCase();
        const clusterId = cluster.id.toLowerCase();
        const roles: string[] = [AKS_ROLES.rbacClusterAdmin, AKS_ROLES.rbacAdmin];
        const grants = this.assignments(me).filter(
            ({ r, guid }) =>
                roles.includes(guid) &&
                String(r.inputs.principalId).toLowerCase() === me &&
                (clusterId === String(r.inputs.scope).toLowerCase() ||
                    clusterId.startsWith(`${String(r.inputs.scope).toLowerCase()}/`)),
        );
        const honoured = Math.min(
            ...grants.map(({ r }) => r.createdAt + PROPAGATION_SECONDS.aksRbac),
        );
        if (honoured > this.now) {
            throw new Error(
                `Forbidden (403): ${type} by ${me}: ` +
                    (grants.length === 0
                        ? "the deployer has no AKS RBAC role on the cluster"
                        : `the deployer's AKS RBAC role is honoured from ${honoured} s, the call came at ${this.now} s`),
            );
        }
    }

    private kubernetesObject(type: string, inputs: Props): { id: string; state: Props } {
        const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
        const n = str(metadata.name, `${type} metadata.name`);
        const id = metadata.namespace ? `${metadata.namespace}/${n}` : n;
        return {
            id,
            state: { ...inputs, metadata: { ...metadata, uid: fakeGuid(`${type}#${id}`) } },
        };
    }

    /** The resource registered with this type, logical name and id. */
    find(type: string, name: string, id: string): FakeResource | undefined {
        return this.byKey.get(`${type}|${name}|${id}`);
    }

    call(args: pulumi.runtime.MockCallArgs): Props {
        const inputs = args.inputs as Props;
        this.invokes.push({ token: args.token, inputs });
        switch (args.token) {
            case "azure-native:authorization:getClientConfig":
                return { ...this.deployer };
            case "azuread:index/getClientConfig:getClientConfig":
                return {
                    tenantId: this.deployer.tenantId,
                    objectId: this.deployer.objectId,
                    clientId: this.deployer.clientId,
                };
            case "azure-native:containerservice:listManagedClusterUserCredentials":
                return this.userCredentials(inputs);
            case "azuread:index/getServicePrincipals:getServicePrincipals": {
                // Only the lookup by client id with ignoreMissing, as the program asks.
                const wanted = (inputs.clientIds ?? []) as string[];
                if (inputs.ignoreMissing !== true || wanted.length === 0) {
                    throw new Error(
                        "fake azuread: getServicePrincipals is answered for clientIds with ignoreMissing only",
                    );
                }
                const found = wanted.filter((id) => this.servicePrincipals.has(id.toLowerCase()));
                return {
                    clientIds: found,
                    objectIds: found.map((id) => fakeGuid(`sp#${id.toLowerCase()}`)),
                    displayNames: found.map((id) => `app ${id}`),
                    servicePrincipals: [],
                    ignoreMissing: true,
                    returnAll: false,
                    id: "servicePrincipals",
                };
            }
            case GET_SERVICE_PRINCIPAL:
                return servicePrincipalLookup(inputs);
            default:
                // Fails the program: an invoke the fakes do not know would be a guess, not Azure.
                throw new Error(
                    `fake azure: no answer for invoke ${args.token}; add it to offline/fakes.ts`,
                );
        }
    }

    /** The exec-format user kubeconfig AKS returns: kubelogin with an interactive device-code login. */
    private userCredentials(inputs: Props): Props {
        const rg = str(inputs.resourceGroupName, "resourceGroupName");
        const n = str(inputs.resourceName, "resourceName");
        if (inputs.format !== "exec") {
            throw new Error(
                "fake azure: listManagedClusterUserCredentials without format exec returns an azure auth-provider kubeconfig; ask for exec",
            );
        }
        const cluster = this.resources.find(
            (r) =>
                r.type === TYPES.cluster && r.state.name === n && r.inputs.resourceGroupName === rg,
        );
        // A team stack's cluster is its platform's (docs/team-stacks.md): known from its outputs.
        const platform = Object.values(this.stacks).find(
            (s) => s.outputs.clusterName === n && s.outputs.resourceGroupName === rg,
        );
        if (!cluster && !platform) {
            throw new Error(`fake azure: ResourceNotFound: managed cluster ${rg}/${n}`);
        }
        const fqdn = cluster
            ? (cluster.state.fqdn ?? cluster.state.privateFQDN)
            : `${n}-${fakeGuid(`${rg}/${n}#fqdn`).slice(0, 8)}.hcp.azmk8s.io`;
        const server = `https://${String(fqdn)}:443`;
        const user = `clusterUser_${rg}_${n}`;
        const kubeconfig = {
            apiVersion: "v1",
            clusters: [
                {
                    cluster: {
                        "certificate-authority-data": Buffer.from(`fake CA of ${n}`).toString(
                            "base64",
                        ),
                        server,
                    },
                    name: n,
                },
            ],
            contexts: [{ context: { cluster: n, user }, name: n }],
            "current-context": n,
            kind: "Config",
            preferences: {},
            users: [
                {
                    name: user,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            args: [
                                "get-token",
                                "--environment",
                                "AzurePublicCloud",
                                "--server-id",
                                AKS_SERVER_APP_ID,
                                "--client-id",
                                AKS_CLIENT_APP_ID,
                                "--tenant-id",
                                this.deployer.tenantId,
                                "--login",
                                "devicecode",
                            ],
                            command: "kubelogin",
                            env: null,
                            installHint:
                                "\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n",
                            interactiveMode: "IfAvailable",
                            provideClusterInfo: false,
                        },
                    },
                },
            ],
        };
        return {
            kubeconfigs: [
                {
                    name: "clusterUser",
                    value: Buffer.from(stringify(kubeconfig)).toString("base64"),
                },
            ],
        };
    }
}

/**
 * The ManagedCluster requests AKS refuses, so that a design that sends one fails offline too. Each
 * is a documented AKS rule; the messages paraphrase AKS's errors.
 */
export function managedClusterProblems(inputs: Props, today: Date = new Date()): string[] {
    const problems: string[] = [];
    // Past AKS end of support, AKS refuses the create (docs/azure-facts.md, AKS Kubernetes
    // versions); config validation refuses such a version first, by the same table.
    const version = inputs.kubernetesVersion;
    if (
        typeof version === "string" &&
        /^\d+\.\d+(\.\d+)?$/.test(version) &&
        versionRefusal(version, today, undefined) !== undefined
    ) {
        problems.push(
            `K8sVersionNotSupported: version ${version} is not supported in this region (past AKS end of support)`,
        );
    }
    const aad = (inputs.aadProfile ?? {}) as Props;
    const api = (inputs.apiServerAccessProfile ?? {}) as Props;
    const upgrade = (inputs.autoUpgradeProfile ?? {}) as Props;
    const net = (inputs.networkProfile ?? {}) as Props;
    const identity = (inputs.identity ?? {}) as Props;
    const pools = (inputs.agentPoolProfiles ?? []) as Props[];
    const security = (inputs.securityProfile ?? {}) as { workloadIdentity?: { enabled?: boolean } };
    const oidc = (inputs.oidcIssuerProfile ?? {}) as { enabled?: boolean };

    if (inputs.disableLocalAccounts === true && aad.managed !== true) {
        problems.push(
            "local accounts can only be disabled on a cluster with AKS-managed Entra integration",
        );
    }
    if (aad.enableAzureRBAC === true && aad.managed !== true) {
        problems.push("Azure RBAC for Kubernetes needs AKS-managed Entra integration");
    }
    if (
        aad.managed === true &&
        ["clientAppID", "serverAppID", "serverAppSecret"].some((k) => aad[k] !== undefined)
    ) {
        problems.push(
            "legacy Entra (client/server app) fields cannot be set with managed integration",
        );
    }
    if (
        api.enablePrivateCluster === true &&
        Array.isArray(api.authorizedIPRanges) &&
        api.authorizedIPRanges.length > 0
    ) {
        problems.push("authorized IP ranges are not supported on a private cluster");
    }
    if (
        upgrade.upgradeChannel === "node-image" &&
        upgrade.nodeOSUpgradeChannel !== undefined &&
        upgrade.nodeOSUpgradeChannel !== "NodeImage"
    ) {
        problems.push("nodeOSUpgradeChannel must be NodeImage when upgradeChannel is node-image");
    }
    const serviceCidr = typeof net.serviceCidr === "string" ? net.serviceCidr : "";
    const servicePrefix = /^[\d.]+\/(\d+)$/.exec(serviceCidr)?.[1];
    if (servicePrefix !== undefined && Number(servicePrefix) < 12) {
        // kube-apiserver: "specified --service-cluster-ip-range is too large; for 32-bit
        // addresses, the mask must be >= 12"; AKS: "smaller than /12".
        problems.push(
            `serviceCidr ${String(net.serviceCidr)} is too large; the mask must be >= 12`,
        );
    }
    // "You can't specify an existing resource group for the node resource group" (AKS FAQ).
    if (
        typeof inputs.nodeResourceGroup === "string" &&
        inputs.nodeResourceGroup.toLowerCase() === String(inputs.resourceGroupName).toLowerCase()
    ) {
        problems.push(
            `nodeResourceGroup ${inputs.nodeResourceGroup} is an existing resource group (the cluster's own); AKS creates the node resource group`,
        );
    }
    const podSubnets = pools.filter((p) => typeof p.podSubnetID === "string").length;
    if (podSubnets > 0 && net.networkPluginMode === "overlay") {
        problems.push("podSubnetID cannot be used with networkPluginMode overlay");
    }
    if (podSubnets > 0 && podSubnets < pools.length) {
        problems.push(
            "every agent pool of a cluster with a pod subnet needs one (the entire cluster uses one type of CNI)",
        );
    }
    if (net.networkPolicy === "cilium" && net.networkDataplane !== "cilium") {
        problems.push("network policy cilium requires networkDataplane cilium");
    }
    if (net.networkDataplane === "cilium" && net.networkPlugin !== "azure") {
        problems.push("the cilium dataplane requires the azure network plugin");
    }
    if (security.workloadIdentity?.enabled === true && oidc.enabled !== true) {
        problems.push("workload identity requires the OIDC issuer to be enabled");
    }
    const profile = inputs.identityProfile as { kubeletidentity?: unknown } | undefined;
    if (profile?.kubeletidentity !== undefined && identity.type !== "UserAssigned") {
        problems.push("a custom kubelet identity requires a user-assigned control-plane identity");
    }
    if (
        identity.type === "UserAssigned" &&
        (!Array.isArray(identity.userAssignedIdentities) ||
            identity.userAssignedIdentities.length !== 1)
    ) {
        problems.push("a user-assigned control plane takes exactly one identity resource id");
    }
    const cleaner = (inputs.securityProfile as { imageCleaner?: Props } | undefined)?.imageCleaner;
    const hours = cleaner?.intervalHours;
    if (cleaner?.enabled === true && typeof hours === "number" && (hours < 24 || hours > 2160)) {
        problems.push(`imageCleaner.intervalHours ${hours} is outside 24-2160`);
    }
    const defender = (inputs.securityProfile as { defender?: Props } | undefined)?.defender;
    if (
        (defender?.securityMonitoring as { enabled?: boolean } | undefined)?.enabled === true &&
        typeof defender?.logAnalyticsWorkspaceResourceId !== "string"
    ) {
        problems.push("Defender security monitoring needs logAnalyticsWorkspaceResourceId");
    }
    const kms = (inputs.securityProfile as { azureKeyVaultKms?: Props } | undefined)
        ?.azureKeyVaultKms;
    if (kms?.enabled === true) {
        if (!/^https:\/\/[^/]+\/keys\/[^/]+\/[0-9a-f]{32}$/i.test(String(kms.keyId))) {
            problems.push(`azureKeyVaultKms.keyId ${String(kms.keyId)} is not a versioned key id`);
        }
        if (kms.keyVaultNetworkAccess === "Private" && typeof kms.keyVaultResourceId !== "string") {
            problems.push("a private KMS key vault needs keyVaultResourceId");
        }
        // "If a cluster has KMS turned on and has a private key vault, it must use the API Server
        // VNet Integration tunnel"; Konnectivity is not offered for private vaults to subscriptions
        // since 2024-09-15 (learn.microsoft.com/azure/aks/use-kms-etcd-encryption).
        if (kms.keyVaultNetworkAccess === "Private" && api.enableVnetIntegration !== true) {
            problems.push(
                "a KMS key vault with keyVaultNetworkAccess Private needs API Server VNet Integration (apiServerAccessProfile.enableVnetIntegration): Konnectivity is not offered for private key vaults",
            );
        }
    }
    problems.push(...vnetIntegrationProblems(api, pools));
    problems.push(...pools.flatMap((p) => poolProblems(p, `agent pool ${String(p.name)}`)));
    if (!pools.some((p) => p.mode === "System")) {
        problems.push("a cluster needs at least one System mode agent pool");
    }
    for (const p of pools) {
        if (typeof p.name !== "string" || !/^[a-z][a-z0-9]{0,11}$/.test(p.name)) {
            problems.push(
                `agent pool name ${String(p.name)} must be 1-12 lowercase letters and digits, starting with a letter`,
            );
        }
        if (
            p.enableAutoScaling === true &&
            (typeof p.minCount !== "number" || typeof p.maxCount !== "number")
        ) {
            problems.push(`agent pool ${String(p.name)} autoscales without minCount and maxCount`);
        }
    }
    return problems;
}

/**
 * API Server VNet Integration in your own VNet (learn.microsoft.com/azure/aks/api-server-vnet-integration;
 * ARM's apiServerAccessProfile.subnetId: "required when creating a new cluster with BYO Vnet"):
 * the API server's subnet is another subnet of the nodes' VNet. Its delegation and size are
 * properties of the subnet, which the fakes do not hold.
 */
function vnetIntegrationProblems(api: Props, pools: Props[]): string[] {
    if (api.enableVnetIntegration !== true) {
        return typeof api.subnetId === "string"
            ? ["apiServerAccessProfile.subnetId is used only with enableVnetIntegration true"]
            : [];
    }
    const nodes = pools.map((p) => p.vnetSubnetID).find((id) => typeof id === "string");
    if (typeof api.subnetId !== "string") {
        return typeof nodes === "string"
            ? [
                  "apiServerAccessProfile.subnetId is required for API Server VNet Integration when the nodes are in your own VNet (vnetSubnetID)",
              ]
            : [];
    }
    const subnet = api.subnetId.toLowerCase();
    const vnet = (id: string) => id.toLowerCase().replace(/\/subnets\/[^/]+$/, "");
    if (typeof nodes !== "string") {
        return [
            "apiServerAccessProfile.subnetId needs the nodes in the same VNet (agent pool vnetSubnetID)",
        ];
    }
    if (
        pools.some(
            (p) => typeof p.vnetSubnetID === "string" && p.vnetSubnetID.toLowerCase() === subnet,
        )
    ) {
        return [
            `apiServerAccessProfile.subnetId ${api.subnetId} is also a node subnet; the API server subnet is delegated to Microsoft.ContainerService/managedClusters and used by nothing else`,
        ];
    }
    if (vnet(subnet) !== vnet(nodes)) {
        return [
            `apiServerAccessProfile.subnetId ${api.subnetId} is not in the nodes' VNet ${vnet(nodes)}`,
        ];
    }
    return [];
}

/**
 * The resource-log categories of Microsoft.ContainerService/managedClusters, restated from Azure
 * Monitor's reference (learn.microsoft.com/azure/aks/monitor-aks-reference), not from the stack.
 */
export const AKS_LOG_CATEGORIES: readonly string[] = [
    "kube-apiserver",
    "kube-audit",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "cloud-controller-manager",
    "guard",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
];

/** What AKS refuses of any pool, inline or an AgentPool. */
export function poolProblems(pool: Props, where: string): string[] {
    const out: string[] = [];
    const ssh = (pool.securityProfile as { sshAccess?: unknown } | undefined)?.sshAccess;
    if (ssh !== undefined && ssh !== "LocalUser" && ssh !== "Disabled") {
        out.push(
            `${where}: securityProfile.sshAccess ${JSON.stringify(ssh)} is not LocalUser or Disabled`,
        );
    }
    if (typeof pool.vmSize === "string" && ONE_VCPU_SIZES.includes(pool.vmSize.toLowerCase())) {
        out.push(
            `${where}: VM size ${pool.vmSize} has fewer than 2 vCPUs, which AKS does not allow`,
        );
    }
    // Max pods: 10-250, and below 30 only when the pool's nodes hold 30 together
    // (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning).
    const maxPods = pool.maxPods;
    if (typeof maxPods === "number") {
        const nodes = Number(pool.minCount ?? pool.count ?? 1);
        if (maxPods < 10 || maxPods > 250) {
            out.push(`${where}: maxPods ${maxPods} is outside 10-250`);
        } else if (maxPods < 30 && maxPods * nodes < 30) {
            out.push(
                `${where}: maxPods ${maxPods} on ${nodes} node(s) leaves room for fewer than 30 pods in the pool`,
            );
        }
    }
    if (pool.osDiskType === "Ephemeral" && typeof pool.vmSize === "string") {
        const size = typeof pool.osDiskSizeGB === "number" ? pool.osDiskSizeGB : undefined;
        const problem = ephemeralProblem(pool.vmSize, size);
        if (problem !== undefined) out.push(`${where}: OS disk type Ephemeral: ${problem}`);
    }
    const surge = (pool.upgradeSettings as { maxSurge?: unknown } | undefined)?.maxSurge;
    if (
        surge !== undefined &&
        (typeof surge !== "string" || maxSurgeProblem(surge) !== undefined)
    ) {
        out.push(
            `${where}: upgradeSettings.maxSurge ${show(surge)} is not an integer or a percentage`,
        );
    }
    // AgentPool count: 1-1000 for System pools, 0-1000 for User pools (the ARM schema's text).
    const least = pool.mode === "System" ? 1 : 0;
    for (const key of ["count", "minCount"]) {
        const n = pool[key];
        if (typeof n === "number" && (n < least || n > 1000)) {
            out.push(
                `${where}: ${key} ${n} is outside ${least}-1000 for a ${String(pool.mode)} pool`,
            );
        }
    }
    return out;
}

/**
 * The values the azuread provider accepts for `activation_rules.maximum_duration`, restated from
 * its schema (hashicorp/terraform-provider-azuread,
 * internal/services/policies/group_role_management_policy_resource.go, StringInSlice): 30 minutes
 * to 23 h 30 in 30-minute steps, then `P1D`. `PT1D`, which its docs show, is not among them.
 */
export const PROVIDER_MAX_DURATIONS: readonly string[] = [
    "PT30M",
    "PT1H",
    "PT1H30M",
    "PT2H",
    "PT2H30M",
    "PT3H",
    "PT3H30M",
    "PT4H",
    "PT4H30M",
    "PT5H",
    "PT5H30M",
    "PT6H",
    "PT6H30M",
    "PT7H",
    "PT7H30M",
    "PT8H",
    "PT8H30M",
    "PT9H",
    "PT9H30M",
    "PT10H",
    "PT10H30M",
    "PT11H",
    "PT11H30M",
    "PT12H",
    "PT12H30M",
    "PT13H",
    "PT13H30M",
    "PT14H",
    "PT14H30M",
    "PT15H",
    "PT15H30M",
    "PT16H",
    "PT16H30M",
    "PT17H",
    "PT17H30M",
    "PT18H",
    "PT18H30M",
    "PT19H",
    "PT19H30M",
    "PT20H",
    "PT20H30M",
    "PT21H",
    "PT21H30M",
    "PT22H",
    "PT22H30M",
    "PT23H",
    "PT23H30M",
    "P1D",
];

/**
 * Sizes with one vCPU (or a shared core) that AKS refuses for any pool, restated from Microsoft's
 * size tables (learn.microsoft.com/azure/virtual-machines/sizes) and AKS's rule "VM sizes with
 * less than 2 CPUs may not be used" (learn.microsoft.com/azure/aks/quotas-skus-regions).
 */
const ONE_VCPU_SIZES: readonly string[] = [
    "Standard_A0",
    "Standard_A1",
    "Standard_A1_v2",
    "Standard_B1ls",
    "Standard_B1s",
    "Standard_B1ms",
    "Standard_D1",
    "Standard_D1_v2",
    "Standard_DS1",
    "Standard_DS1_v2",
    "Standard_DS11-1_v2",
    "Standard_F1",
    "Standard_F1s",
    "Standard_DC1s_v2",
    "Standard_DC1ds_v3",
    "Standard_DC1s_v3",
].map((s) => s.toLowerCase());

/**
 * PIM's member-role policy as the provider (at preview: maximumDuration) and Graph (approval rules)
 * refuse it.
 */
export function pimPolicyProblems(inputs: Props): string[] {
    const out: string[] = [];
    if (inputs.roleId !== "member" && inputs.roleId !== "owner") {
        out.push(`roleId ${String(inputs.roleId)} is not member or owner`);
    }
    const a = (inputs.activationRules ?? {}) as Props;
    const d = a.maximumDuration;
    if (d !== undefined && !PROVIDER_MAX_DURATIONS.includes(d as string)) {
        out.push(
            `expected activation_rules.0.maximum_duration to be one of PT30M..PT23H30M in 30-minute steps or P1D, got ${JSON.stringify(d)}`,
        );
    }
    const approvers = ((a.approvalStage as Props | undefined)?.primaryApprovers ?? []) as Props[];
    if (a.requireApproval === true && approvers.length === 0) {
        out.push("requireApproval needs an approvalStage with at least one primary approver");
    }
    for (const p of approvers) {
        if (p.type !== "singleUser" && p.type !== "groupMembers") {
            out.push(`approver type ${String(p.type)} is not singleUser or groupMembers`);
        }
    }
    return out;
}

/** What Graph refuses of a Conditional Access policy (conditionalAccessPolicy resource). */
export function conditionalAccessProblems(inputs: Props): string[] {
    const out: string[] = [];
    if (
        !["enabled", "disabled", "enabledForReportingButNotEnforced"].includes(String(inputs.state))
    ) {
        out.push(
            `state ${String(inputs.state)} is not enabled, disabled or enabledForReportingButNotEnforced`,
        );
    }
    const c = (inputs.conditions ?? {}) as Props;
    const apps = (c.applications ?? {}) as Props;
    if (!Array.isArray(apps.includedApplications) || apps.includedApplications.length === 0) {
        out.push("conditions.applications needs includedApplications");
    }
    if (!Array.isArray(c.clientAppTypes) || c.clientAppTypes.length === 0) {
        out.push("conditions.clientAppTypes is required");
    }
    const users = (c.users ?? {}) as Props;
    if (
        !["includedUsers", "includedGroups", "includedRoles"].some(
            (k) => Array.isArray(users[k]) && (users[k] as unknown[]).length > 0,
        )
    ) {
        out.push("conditions.users includes nobody");
    }
    const g = (inputs.grantControls ?? {}) as Props;
    if (g.operator !== "AND" && g.operator !== "OR") {
        out.push(`grantControls.operator ${String(g.operator)} is not AND or OR`);
    }
    const known = [
        "block",
        "mfa",
        "approvedApplication",
        "compliantApplication",
        "compliantDevice",
        "domainJoinedDevice",
        "passwordChange",
    ];
    for (const b of (g.builtInControls ?? []) as unknown[]) {
        if (!known.includes(String(b)))
            out.push(`builtInControls ${String(b)} is not a built-in control`);
    }
    return out;
}

/** Planned-maintenance configurations AKS refuses (learn.microsoft.com/azure/aks/planned-maintenance). */
export function maintenanceProblems(inputs: Props): string[] {
    const out: string[] = [];
    const name = inputs.configName;
    if (
        !["default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"].includes(
            String(name),
        )
    ) {
        out.push(
            `maintenance configuration name ${String(name)} is not default, aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule`,
        );
    }
    const w = (inputs.maintenanceWindow ?? {}) as Props;
    const hours = w.durationHours;
    if (typeof hours !== "number" || hours < 4 || hours > 24) {
        out.push(`maintenanceWindow.durationHours ${String(hours)} is outside 4-24`);
    }
    if (typeof w.startTime !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(w.startTime)) {
        out.push(`maintenanceWindow.startTime ${String(w.startTime)} is not HH:mm`);
    }
    return out;
}

/** Mock inputs carry secrets as Pulumi's wire form `{<sigKey>: <secretSig>, value}`. */
export function isSecretValue(value: unknown): value is { value: unknown } {
    return (
        value !== null &&
        typeof value === "object" &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
            pulumi.runtime.specialSecretSig
    );
}

/** A value with every secret replaced by what it holds. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Deep equality of input values, where a key holding undefined is a key that is absent. */
export function sameValue(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return (
            Array.isArray(a) &&
            Array.isArray(b) &&
            a.length === b.length &&
            a.every((x, i) => sameValue(x, b[i]))
        );
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
    const x = a as Props;
    const y = b as Props;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    return [...keys].every((k) => sameValue(x[k], y[k]));
}

/** `[*]` in an ignoreChanges path: every element of an array. */
const EVERY = Symbol("every element");
type PathPart = string | number | typeof EVERY;

/** `agentPoolProfiles[0].count`, `tags["cost-center"]`, `agentPoolProfiles[*].count`. */
function parsePath(path: string): PathPart[] {
    const parts: PathPart[] = [];
    for (const m of path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+|\*)\]|([^.[\]]+)/g)) {
        if (m[1] !== undefined) parts.push(m[1]);
        else if (m[2] !== undefined) parts.push(m[2] === "*" ? EVERY : Number(m[2]));
        else parts.push(m[3]);
    }
    return parts;
}

function resetPath(news: unknown, olds: unknown, parts: readonly PathPart[]): unknown {
    if (parts.length === 0) return olds;
    const [head, ...rest] = parts;
    if (head === EVERY) {
        if (!Array.isArray(news)) return news;
        return news.map((v, i) => resetPath(v, Array.isArray(olds) ? olds[i] : undefined, rest));
    }
    if (news === null || typeof news !== "object") return news;
    const copy = (Array.isArray(news) ? [...(news as unknown[])] : { ...news }) as Record<
        string | number,
        unknown
    >;
    const old =
        olds !== null && typeof olds === "object"
            ? (olds as Record<string | number, unknown>)[head]
            : undefined;
    copy[head] = rest.length === 0 ? old : resetPath(copy[head], old, rest);
    if (copy[head] === undefined && !Array.isArray(copy)) delete copy[head];
    return copy;
}

/**
 * The inputs Pulumi compares and sends on an update: the new inputs with each ignoreChanges path
 * reset to its value in the old inputs (removed where the old inputs have none), as the engine's
 * processIgnoreChanges does.
 */
export function applyIgnoreChanges(
    news: Props,
    olds: Props,
    ignoreChanges: readonly string[],
): Props {
    let out: unknown = news;
    for (const path of ignoreChanges) out = resetPath(out, olds, parsePath(path));
    return out as Props;
}

/** How a registration compares with the same URN in the previous state. */
export interface Change {
    op: Exclude<StepOp, "delete" | "delete-skipped">;
    reason?: string;
    /** The replacement deletes the old object before it creates the new one (same name). */
    deleteBeforeReplace?: boolean;
    /** The inputs an update sends (ignoreChanges applied). */
    after?: Props;
}

/**
 * Properties whose change replaces the resource although its id stays:
 * - time.Sleep `triggers`: RequiresReplace in terraform-provider-time's time_sleep, which
 *   @pulumiverse/time bridges; createDuration itself updates in place (and sleeps only on create).
 * - RoleBinding and ClusterRoleBinding `roleRef`: immutable in the Kubernetes API, and a forced
 *   replacement in pulumi-kubernetes (forceNewProperties, provider/pkg/provider/diff.go). A named
 *   object keeps its name, so pulumi-kubernetes deletes it before creating it again.
 * - ResourceGroup and ManagedCluster `location`: azure-native's forceNewMap
 *   (provider/pkg/gen/replacement.go, "Resources"/"ResourceGroup" and
 *   "ContainerService"/"ManagedCluster"). The id keeps the name, so the replacement's create meets
 *   the old resource (checkNotExisting; docs/azure-facts.md failure mode 26).
 */
const REPLACE_ON: Readonly<Record<string, readonly string[]>> = {
    [TYPES.resourceGroup]: ["location"],
    [TYPES.cluster]: ["location"],
    [TYPES.sleep]: ["triggers"],
    [TYPES.roleBinding]: ["roleRef"],
    [TYPES.clusterRoleBinding]: ["roleRef"],
};

/**
 * What Pulumi does with a registration given the previous state of its URN: create without one;
 * replace when the id the inputs name changes (a name in an azure-native resource's path, a
 * Kubernetes object's metadata.name or namespace; create-before-delete, Pulumi's default) or a
 * property in REPLACE_ON changes; same when the inputs are equal after ignoreChanges; else update.
 */
export function classifyChange(
    type: string,
    prior: { id: string; inputs: Props } | undefined,
    id: string,
    inputs: Props,
    ignoreChanges: readonly string[],
): Change {
    if (!prior) return { op: "create" };
    if (prior.id !== id) {
        return { op: "replace", reason: `its id changes: ${prior.id} -> ${id}` };
    }
    const after = applyIgnoreChanges(inputs, prior.inputs, ignoreChanges);
    // A region compares as azure-native compares it: "West Europe" is westeurope.
    const same = (k: string) =>
        k === "location"
            ? location(prior.inputs[k]) === location(after[k])
            : sameValue(prior.inputs[k], after[k]);
    const forced = (REPLACE_ON[type] ?? []).filter((k) => !same(k));
    if (forced.length > 0) {
        const dbr = type.startsWith("kubernetes:");
        return {
            op: "replace",
            reason: `${forced.join(", ")} changed, which replaces it${dbr ? " (the same name: delete before create)" : ""}`,
            deleteBeforeReplace: dbr,
        };
    }
    const changed = [...new Set([...Object.keys(prior.inputs), ...Object.keys(after)])]
        .filter((k) => !sameValue(prior.inputs[k], after[k]))
        .sort();
    if (changed.length === 0) return { op: "same" };
    return { op: "update", reason: `changes ${changed.join(", ")}`, after };
}

function show(value: unknown): string {
    return value === undefined ? "(unset)" : JSON.stringify(value);
}

function zonesOf(value: unknown): string {
    return Array.isArray(value) ? (value as unknown[]).map(String).sort().join(",") : "";
}

/** A value at a dotted path of plain objects. */
function valueAt(props: Props, path: string): unknown {
    let v: unknown = props;
    for (const k of path.split(".")) {
        v = v !== null && typeof v === "object" ? (v as Props)[k] : undefined;
    }
    return v;
}

/** A pool's properties AKS cannot change on an existing pool (see updateProblems). */
const FIXED_POOL_PROPERTIES = [
    "vmSize",
    "enableEncryptionAtHost",
    "availabilityZones",
    "osSKU",
    "scaleSetPriority",
    "vnetSubnetID",
    // Set when the pool is made: learn.microsoft.com/azure/aks/concepts-network-ip-address-planning
    // (maxPods: "add a new node pool"), concepts-storage ("You can't change the OS disk size after
    // cluster or node pool creation"; the ARM schema: osDiskType "May not be changed after
    // creation"), and the pod subnet with the pool's scale set.
    "maxPods",
    "osDiskType",
    "osDiskSizeGB",
    "podSubnetID",
] as const;

function poolChanges(before: Props, after: Props, where: string, prefix: string): string[] {
    const out: string[] = [];
    for (const p of FIXED_POOL_PROPERTIES) {
        const changed =
            p === "availabilityZones"
                ? zonesOf(before[p]) !== zonesOf(after[p])
                : !sameValue(before[p], after[p]);
        if (changed) {
            out.push(
                `PropertyChangeNotAllowed: Changing property '${prefix}${p}' is not allowed (${where}: ${show(before[p])} -> ${show(after[p])}); AKS cannot change it on an existing node pool: add a pool with the new value, move the workloads, remove the old pool`,
            );
        }
    }
    return out;
}

function location(value: unknown): string {
    return typeof value === "string" ? value.toLowerCase().replace(/\s+/g, "") : "";
}

/**
 * The in-place updates Azure refuses, with messages that paraphrase Azure's. Sources:
 * - location: ARM cannot move a resource (InvalidResourceLocation, pulumi/pulumi-azure-native#3053;
 *   the message is ARM's).
 * - inline pools added or removed: "Adding agent pools to an existing cluster is not allowed
 *   through managed cluster operations" (azure-native's ManagedCluster docs; docs/azure-facts.md
 *   failure mode 13, pulumi/pulumi-azure-native#579, #2719).
 * - a pool's vmSize ("You can't change the VM size of a node pool after you create it",
 *   learn.microsoft.com/azure/aks/manage-node-pools; AKS answers PropertyChangeNotAllowed "Changing
 *   property 'agentPoolProfile.vmSize' is not allowed", Azure/bicep-registry-modules#7130), its
 *   availabilityZones (learn.microsoft.com/azure/aks/availability-zones), osSKU, scaleSetPriority
 *   and vnetSubnetID (set when the pool's scale set is made; docs/azure-facts.md failure mode 17),
 *   enableEncryptionAtHost ("can only be set at cluster or node pool creation time",
 *   learn.microsoft.com/azure/aks/enable-host-encryption).
 * - dnsPrefix, nodeResourceGroup: PropertyChangeNotAllowed (docs/azure-facts.md failure mode 17,
 *   hashicorp/terraform-provider-azurerm#2611).
 * - enablePrivateCluster, privateDNSZone: a Private Link API server cannot be made public or
 *   private, nor moved to another zone, after creation (learn.microsoft.com/azure/aks/private-clusters);
 *   with API Server VNet Integration it can be made either, and that integration cannot be turned
 *   off nor moved to another subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration).
 * - aadProfile.managed, oidcIssuerProfile.enabled: cannot be turned off once on (docs/azure-facts.md
 *   failure mode 9; learn.microsoft.com/azure/aks/use-oidc-issuer).
 * - networkProfile podCidr, serviceCidr, dnsServiceIP, outboundType, networkPlugin: the cluster's
 *   network is set at create (plan/immutable.ts; AKS offers only one-way migrations of some).
 * - RoleAssignment principalId, roleDefinitionId, principalType under one name: ARM answers
 *   RoleAssignmentUpdateNotPermitted.
 * Everything else of these types updates in place: counts, autoscaler bounds, taints, labels,
 * modes, upgrade channels, tags, authorized IP ranges, Kubernetes upgrades, and a federated
 * credential's issuer, subject and audiences.
 */
export function updateProblems(type: string, before: Props, after: Props): string[] {
    const out: string[] = [];
    if (
        type.startsWith("azure-native:") &&
        before.location !== undefined &&
        location(before.location) !== location(after.location)
    ) {
        out.push(
            `InvalidResourceLocation: The resource already exists in location ${show(before.location)}; a resource with the same name cannot be created in location ${show(after.location)}. Azure cannot move it: create it under a new name`,
        );
    }
    switch (type) {
        case TYPES.cluster: {
            const pools = (props: Props) =>
                new Map(
                    ((props.agentPoolProfiles ?? []) as Props[]).map((p) => [String(p.name), p]),
                );
            const old = pools(before);
            const now = pools(after);
            for (const name of now.keys()) {
                if (!old.has(name)) {
                    out.push(
                        `Adding agent pools to an existing cluster is not allowed through managed cluster operations (agent pool ${name} is new in agentPoolProfiles; declare it as an AgentPool resource)`,
                    );
                }
            }
            for (const [name, p] of old) {
                const q = now.get(name);
                if (!q) {
                    out.push(
                        `Removing agent pools from an existing cluster is not allowed through managed cluster operations (agent pool ${name} is gone from agentPoolProfiles)`,
                    );
                } else {
                    out.push(...poolChanges(p, q, `agent pool ${name}`, "agentPoolProfile."));
                }
            }
            for (const p of ["dnsPrefix", "nodeResourceGroup"]) {
                if (!sameValue(before[p], after[p])) {
                    out.push(
                        `PropertyChangeNotAllowed: Changing property '${p}' is not allowed (${show(before[p])} -> ${show(after[p])}); AKS sets it only when the cluster is created`,
                    );
                }
            }
            const isPrivate = (props: Props) =>
                valueAt(props, "apiServerAccessProfile.enablePrivateCluster") === true;
            const integrated = (props: Props) =>
                valueAt(props, "apiServerAccessProfile.enableVnetIntegration") === true;
            if (integrated(before) && !integrated(after)) {
                out.push(
                    "API Server VNet Integration cannot be disabled once enabled (apiServerAccessProfile.enableVnetIntegration true -> false)",
                );
            }
            const apiSubnet = "apiServerAccessProfile.subnetId";
            if (
                integrated(before) &&
                integrated(after) &&
                !sameValue(valueAt(before, apiSubnet), valueAt(after, apiSubnet))
            ) {
                out.push(
                    `Changing property '${apiSubnet}' is not allowed (${show(valueAt(before, apiSubnet))} -> ${show(valueAt(after, apiSubnet))}); the API server stays in the subnet it was integrated with`,
                );
            }
            // With API Server VNet Integration, public access can be added or removed in place.
            if (
                isPrivate(before) !== isPrivate(after) &&
                !(integrated(before) && integrated(after))
            ) {
                out.push(
                    `Changing property 'apiServerAccessProfile.enablePrivateCluster' is not allowed (${isPrivate(before)} -> ${isPrivate(after)}); a Private Link API server cannot be made public or private after creation`,
                );
            }
            const zone = "apiServerAccessProfile.privateDNSZone";
            if (!sameValue(valueAt(before, zone), valueAt(after, zone))) {
                out.push(
                    `Changing property '${zone}' is not allowed (${show(valueAt(before, zone))} -> ${show(valueAt(after, zone))}); the private DNS zone is set at create`,
                );
            }
            for (const [path, what] of [
                ["aadProfile.managed", "AKS-managed Entra integration"],
                ["oidcIssuerProfile.enabled", "The OIDC issuer"],
            ]) {
                if (valueAt(before, path) === true && valueAt(after, path) !== true) {
                    out.push(
                        `${what} cannot be disabled once enabled (${path} true -> ${show(valueAt(after, path))})`,
                    );
                }
            }
            for (const p of [
                "podCidr",
                "serviceCidr",
                "dnsServiceIP",
                "outboundType",
                "networkPlugin",
                // AKS migrates Azure CNI to Overlay, and the Azure dataplane to Cilium, one way only
                // (learn.microsoft.com/azure/aks/update-azure-cni): never back.
                ...(valueAt(before, "networkProfile.networkPluginMode") === "overlay"
                    ? ["networkPluginMode"]
                    : []),
                ...(valueAt(before, "networkProfile.networkDataplane") === "cilium"
                    ? ["networkDataplane"]
                    : []),
            ]) {
                const path = `networkProfile.${p}`;
                if (!sameValue(valueAt(before, path), valueAt(after, path))) {
                    out.push(
                        `Changing property '${path}' is not allowed (${show(valueAt(before, path))} -> ${show(valueAt(after, path))}); the cluster's network is set at create`,
                    );
                }
            }
            break;
        }
        case TYPES.agentPool:
            out.push(
                ...poolChanges(before, after, `agent pool ${String(after.agentPoolName)}`, ""),
            );
            break;
        case TYPES.roleAssignment:
            for (const p of ["principalId", "roleDefinitionId", "principalType"]) {
                const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
                if (norm(before[p]) !== norm(after[p])) {
                    out.push(
                        `RoleAssignmentUpdateNotPermitted: Tenant ID, application ID, principal ID, and scope are not allowed to be updated (${p} ${show(before[p])} -> ${show(after[p])} under the same roleAssignmentName)`,
                    );
                }
            }
            break;
        default:
            break;
    }
    return out;
}

/** A role assignment's (scope, role GUID, principal), lowercased: what ARM keeps unique. */
function assignmentKey(id: string, inputs: Props): string {
    const scope =
        typeof inputs.scope === "string"
            ? inputs.scope
            : id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, "");
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const role = text(inputs.roleDefinitionId).split("/").pop() ?? "";
    return [scope, role, text(inputs.principalId)].join("|").toLowerCase();
}

/** `Namespace` of `kubernetes:core/v1:Namespace`. */
function kindOf(type: string): string {
    return type.split(":").pop() ?? type;
}

/** One write of a federated credential in the timeline: a create, update or delete. */
export interface FicOperation extends WriteOperation {
    op: StepOp;
    /** resourceGroupName and resourceName (the identity) come from here. */
    inputs: Props;
}

/**
 * Azure rejects concurrent federated-credential writes under one managed identity, creates and
 * deletes alike (docs/azure-facts.md failure modes 2 and 16; pulumi/pulumi-azure-native#4343,
 * hashicorp/terraform-provider-azurerm#29242). A problem for each write that overlaps an earlier
 * one of the same identity.
 */
export function ficConcurrencyProblems(ops: readonly FicOperation[]): string[] {
    return overlappingWrites(
        ops,
        (o) => `${String(o.inputs.resourceGroupName)}|${String(o.inputs.resourceName)}`,
    ).map(({ earlier: a, later: b }) => {
        const identity = b.id.replace(/\/federatedIdentityCredentials\/[^/]+$/i, "");
        return `${TYPES.fic} ${b.name}: ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity: Too many Federated Identity Credentials are written concurrently for the managed identity ${identity} (${b.op} at ${b.span.start}-${b.span.end} s beside the ${a.op} of ${a.name} at ${a.span.start}-${a.span.end} s)`;
    });
}
