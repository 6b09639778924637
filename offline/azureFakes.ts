// Fake Azure, Microsoft Graph and Kubernetes: answers the program's registrations and invokes the
// way the real services would (id shapes, GUIDs, the OIDC issuer URL, the exec kubeconfig AKS
// returns). One implementation, used by the tests and by the offline plan.
//
// Every GUID is derived from what identifies the object (its resource id), so two runs of the same
// config produce byte-identical plans. Unknown invokes fail loudly.
import { addonProblems, monitoringAnswer } from "./monitoringFakes";
import * as pulumi from "@pulumi/pulumi";
import { loginPrincipalType } from "../components/deployer";
import { clusterAnswer, userCredentials } from "./aksAnswers";
import { checkNotExisting } from "./alreadyExists";
import { bootstrapAnswer, GET_SERVICE_PRINCIPAL, servicePrincipalLookup } from "./bootstrapFakes";
import { type Change, classifyChange } from "./changes";
import { ControlPlaneGrants } from "./controlPlaneGrants";
import { checkDiagnosticSetting } from "./diagnosticSettings";
import {
    checkPermanentEligibility,
    checkPrincipalType,
    knownGroup,
    missingServicePrincipals,
} from "./entraDirectory";
import { conditionalAccessProblems, pimPolicyProblems } from "./entraChecks";
import {
    DEFAULT_DEPLOYER,
    type FakeDeployer,
    type FakeInvoke,
    type FakeResource,
    type FakeWorld,
    fakeGuid,
    type OutsideObject,
    type PrincipalKind,
    type PriorResource,
    type StackOutputs,
    str,
    TENANT_APPS,
} from "./fakeWorld";
import { updateProblems } from "./inPlaceUpdates";
import { checkKubernetesAccess, kubernetesObject } from "./kubernetesFakes";
import { unwrapSecrets } from "./inputValues";
import { maintenanceProblems, managedClusterProblems, poolProblems } from "./managedClusterChecks";
import { createSeconds, deleteSeconds, type Span, Timeline, updateSeconds } from "./timeline";
import { authorizationProblem, type Right } from "./delegation";
import { policyAssignmentProblems } from "./policyAssignments";
import { TYPES } from "./types";

/** When a resource of an earlier run came to exist, in simulated seconds. */
const LONG_AGO = -1e6;

type Props = Record<string, unknown>;

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
                checkNotExisting(
                    this.outside,
                    this.prior,
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
                checkPrincipalType(this.directory, inputs);
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
                    this.grants().checkPoolSubnetGrants(owner.inputs, [inputs]);
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
                checkDiagnosticSetting(inputs, [...this.outside, ...this.resources]);
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
                const group = knownGroup(
                    this.directory,
                    inputs.groupId,
                    "GroupRoleManagementPolicy",
                );
                const problems = pimPolicyProblems(inputs);
                if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
                // Entra ID made the policy with the group; the provider takes it over (auto-import).
                return {
                    id: `Group_${group}_${fakeGuid(`policy#${group}#${String(inputs.roleId)}`)}`,
                    state: { ...inputs },
                };
            }
            case TYPES.pimEligibility: {
                const group = knownGroup(this.directory, inputs.groupId, "eligibility schedule");
                checkPermanentEligibility(this.resources, this.now, group, inputs);
                const principal = str(inputs.principalId, "principalId").toLowerCase();
                return {
                    id: `${group}_${String(inputs.assignmentType)}_${principal}`,
                    state: { ...inputs, status: "Provisioned" },
                };
            }
            case TYPES.conditionalAccess: {
                const problems = [
                    ...conditionalAccessProblems(inputs),
                    ...missingServicePrincipals(
                        inputs,
                        this.servicePrincipals,
                        this.deployer.tenantId,
                    ),
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
                    checkKubernetesAccess(
                        type,
                        this.deployer,
                        this.resources,
                        (principal) => this.assignments(principal),
                        this.now,
                    );
                    return kubernetesObject(type, inputs);
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
        const answer = clusterAnswer(inputs, sub, (rg) => this.rgId(rg), this.deployer.tenantId);
        try {
            const problems = [
                ...managedClusterProblems(inputs),
                ...addonProblems(inputs, [...this.outside, ...this.resources]),
            ];
            if (problems.length > 0) {
                throw new Error(`BadRequest: ${problems.join("; ")}`);
            }
            this.grants().checkControlPlaneGrants(inputs);
        } catch (e) {
            throw new Refused((e as Error).message, answer);
        }
        return answer;
    }

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

    /**
     * Role assignments registered so far to `principal` (lowercase object id), with their role
     * GUID: indexed as they register, so a stack of thousands of Kubernetes objects, each of which
     * asks about the deployer's grants, does not rescan every resource.
     */
    private assignments(principal: string): { r: FakeResource; guid: string }[] {
        return this.grantsByPrincipal.get(principal) ?? [];
    }

    /** The control-plane grants as ARM sees them now. */
    private grants(): ControlPlaneGrants {
        return new ControlPlaneGrants((principal) => this.assignments(principal), this.now);
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
                return userCredentials(inputs, this.resources, this.stacks, this.deployer.tenantId);
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
                    `fake azure: no answer for invoke ${args.token}; add it to offline/azureFakes.ts`,
                );
        }
    }
}
