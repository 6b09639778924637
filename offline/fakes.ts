// Fake Azure, Microsoft Graph and Kubernetes: answers the program's registrations and invokes the
// way the real services would (id shapes, GUIDs, the OIDC issuer URL, the exec kubeconfig AKS
// returns). One implementation, used by the tests and by the offline plan.
//
// Every GUID is derived from what identifies the object (its resource id), so two runs of the same
// config produce byte-identical plans. Unknown invokes fail loudly.
import type * as pulumi from "@pulumi/pulumi";
import { v5 as uuidv5 } from "uuid";
import { stringify } from "yaml";
import { loginPrincipalType } from "../components/deployer";
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from "../components/kubeconfig";
import { AKS_ROLES } from "../components/roles";
import { createSeconds, PROPAGATION_SECONDS, type Span, Timeline } from "./timeline";

/** When a resource of an earlier run came to exist, in simulated seconds. */
const LONG_AGO = -1e6;
import { TYPES } from "./types";

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
}

/** What the fake answered for one invoke. */
export interface FakeInvoke {
    token: string;
    inputs: Props;
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
    /** Object id -> kind, for the principals the fakes know (UnmatchedPrincipalType). */
    private readonly directory = new Map<string, PrincipalKind>();
    /** Start time of the resource being answered. */
    private now = 0;

    /**
     * @param existing logical names of resources created by an earlier run: they take no time and
     *   their grants were honoured long ago.
     * @param directory principals of the tenant the stack does not create (object id -> kind).
     */
    constructor(
        readonly deployer: FakeDeployer = DEFAULT_DEPLOYER,
        private readonly existing: ReadonlySet<string> = new Set(),
        directory: Readonly<Record<string, PrincipalKind>> = {},
    ) {
        for (const [id, kind] of Object.entries(directory))
            this.directory.set(id.toLowerCase(), kind);
        this.directory.set(deployer.objectId.toLowerCase(), loginPrincipalType(deployer));
    }

    private rgId(rg: unknown): string {
        return `/subscriptions/${this.deployer.subscriptionId}/resourceGroups/${str(rg, "resourceGroupName")}`;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Props } {
        const inputs = args.inputs as Props;
        const start = this.startOf.get(`${args.type}|${args.name}`) ?? 0;
        if (args.custom === false) {
            // Component resources exist only in Pulumi's state, not in Azure.
            return { id: undefined, state: {} };
        }
        // A resource of an earlier run is unchanged: the engine passes it at once, and it has existed
        // (and its grants have been honoured) for long.
        const existed = this.existing.has(args.name);
        const span: Span = {
            start,
            end: existed ? start : start + createSeconds(args.type, true, inputs),
        };
        const createdAt = existed ? LONG_AGO : span.end;
        this.now = span.start;
        let id: string;
        let state: Props = { ...inputs };
        try {
            ({ id, state } = this.answer(args.type, args.name, inputs));
        } catch (e) {
            this.errors.push(`${args.type} ${args.name}: ${(e as Error).message}`);
            id = `${args.name}_id`;
        }
        const resource = { type: args.type, name: args.name, id, inputs, state, span, createdAt };
        this.resources.push(resource);
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
                return {
                    id: `${identityId}/federatedIdentityCredentials/${n}`,
                    state: { ...inputs, name: n },
                };
            }
            case TYPES.roleAssignment: {
                const n = str(inputs.roleAssignmentName, "roleAssignmentName");
                const scope = str(inputs.scope, "scope");
                this.checkPrincipalType(inputs);
                return {
                    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${n}`,
                    state: { ...inputs, name: n, type: "Microsoft.Authorization/roleAssignments" },
                };
            }
            case TYPES.cluster:
                return this.cluster(inputs, sub);
            case TYPES.group: {
                const objectId = fakeGuid(`group#${str(inputs.displayName, "displayName")}`);
                this.directory.set(objectId, "Group");
                // azuread 6.x: the id is /groups/<objectId> (the import format).
                return { id: `/groups/${objectId}`, state: { ...inputs, objectId } };
            }
            case TYPES.sleep:
                return { id: new Date(0).toISOString(), state: { ...inputs } };
            case TYPES.k8sProvider:
                return { id: fakeGuid(`provider#${name}`), state: { ...inputs } };
            default:
                if (type.startsWith("kubernetes:")) {
                    this.checkKubernetesAccess(type);
                    return this.kubernetesObject(type, inputs);
                }
                if (type.startsWith("pulumi:providers:")) {
                    return { id: fakeGuid(`provider#${name}`), state: { ...inputs } };
                }
                throw new Error(`no fake for resource type ${type}`);
        }
    }

    private cluster(inputs: Props, sub: string): { id: string; state: Props } {
        const problems = managedClusterProblems(inputs);
        if (problems.length > 0) {
            throw new Error(`BadRequest: ${problems.join("; ")}`);
        }
        this.checkKubeletOperator(inputs);
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

    /** Role assignments registered so far, with their role GUID. */
    private assignments(): { r: FakeResource; guid: string }[] {
        return this.resources
            .filter((r) => r.type === TYPES.roleAssignment)
            .map((r) => ({
                r,
                guid: (String(r.inputs.roleDefinitionId).split("/").pop() ?? "").toLowerCase(),
            }));
    }

    /**
     * AKS checks at create time that the control-plane identity holds Managed Identity Operator on
     * the kubelet identity, as ARM sees it then (docs/azure-facts.md, failure modes 4 and 11).
     */
    private checkKubeletOperator(inputs: Props): void {
        const kubelet = (inputs.identityProfile as { kubeletidentity?: { resourceId?: string } })
            ?.kubeletidentity?.resourceId;
        const controlPlane = (inputs.identity as { userAssignedIdentities?: string[] })
            ?.userAssignedIdentities?.[0];
        if (kubelet === undefined || controlPlane === undefined) return;
        const principal = fakeGuid(`${controlPlane}#principal`);
        const grant = this.assignments().find(
            ({ r, guid }) =>
                guid === AKS_ROLES.managedIdentityOperator &&
                String(r.inputs.scope).toLowerCase() === kubelet.toLowerCase() &&
                r.inputs.principalId === principal,
        );
        const honoured = grant && grant.r.createdAt + PROPAGATION_SECONDS.kubeletOperator;
        if (honoured === undefined || honoured > this.now) {
            throw new Error(
                `CustomKubeletIdentityMissingPermissionError: the control-plane identity ${principal} does not have Managed Identity Operator on the kubelet identity ${kubelet}` +
                    (grant
                        ? ` yet (granted at ${grant.r.createdAt} s, honoured from ${honoured} s; the cluster was created at ${this.now} s)`
                        : " (no such grant when the cluster was created)"),
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
        const grants = this.assignments().filter(
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
        if (!cluster) {
            throw new Error(`fake azure: ResourceNotFound: managed cluster ${rg}/${n}`);
        }
        const server = `https://${String(cluster.state.fqdn ?? cluster.state.privateFQDN)}:443`;
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
export function managedClusterProblems(inputs: Props): string[] {
    const problems: string[] = [];
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
