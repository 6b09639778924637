// The dev stack (Pulumi.dev.yaml) as the engine would receive it: every resource's security-relevant
// inputs, role GUIDs and scopes, principal types, trusts, providers and outputs.
// Facts cited: docs/azure-facts.md.
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import {
    AKS_ROLES,
    configFromPulumi,
    parseConfig,
    pulumiConfigMap,
    roleAssignmentName,
    StackNames,
    userPoolAzureName,
} from "../components";
import { DEFAULT_DEPLOYER } from "../offline/fakes";
import type { RunResult } from "../offline/harness";
import { minimalConfig, ofType, one, run, stackConfig, TYPES } from "./helpers";

const DEV = stackConfig("dev");
const RBAC = "rbac.authorization.k8s.io";
const sub = (r: RunResult) => r.deployer.subscriptionId;
const roleDef = (subscription: string, guid: string) =>
    `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

// Config values of the dev stack, read back from the YAML so the test follows the file.
const groups = DEV["aks-entra:groups"] as Record<string, string>;
const admins = DEV["aks-entra:admins"] as { members: string[] };
const cfg = configFromPulumi(pulumiConfigMap(DEV));

describe("dev stack", function () {
    let r: RunResult;
    const names = new StackNames("aks-entra", "dev");

    before(async function () {
        r = await run();
    });

    const clusterReg = () => one(r, TYPES.cluster, "aks-entra-cluster");
    const identity = (name: string) => one(r, TYPES.identity, name);

    it("creates the resource group with the stack's deterministic name and tags", function () {
        const rg = one(r, TYPES.resourceGroup, "aks-entra-rg");
        assert.equal(rg.inputs.resourceGroupName, names.resourceGroup);
        assert.equal(rg.inputs.location, "westeurope");
        assert.deepEqual(rg.inputs.tags, {
            "managed-by": "pulumi",
            "aks-entra-project": "aks-entra",
            "aks-entra-stack": "dev",
            "cost-center": "platform",
            environment: "dev",
        });
    });

    it("creates a security-enabled admin group, unique in the tenant, owned by the deployer", function () {
        const g = one(r, TYPES.group, "aks-entra-admins-group");
        assert.equal(g.inputs.displayName, names.adminGroupDisplayName);
        assert.equal(g.inputs.securityEnabled, true);
        assert.equal(g.inputs.mailEnabled, false);
        assert.equal(g.inputs.preventDuplicateNames, true);
        // Pulumi.dev.yaml fixes the deployer (deployer.objectId); the fake login is that deployer.
        const deployer = (DEV["aks-entra:deployer"] as { objectId: string }).objectId;
        assert.equal(deployer, r.deployer.objectId);
        // The deployer only: any other owner could add itself (issue 29, rules/adminGroupControl.ts).
        assert.deepEqual(g.inputs.owners, [deployer]);
        assert.deepEqual(g.inputs.members, admins.members);
    });

    it("creates distinct user-assigned control-plane and kubelet identities", function () {
        const cp = identity("aks-entra-identities-control-plane");
        const kubelet = identity("aks-entra-identities-kubelet");
        assert.equal(cp.inputs.resourceName, names.controlPlaneIdentity);
        assert.equal(kubelet.inputs.resourceName, names.kubeletIdentity);
        assert.notEqual(cp.id, kubelet.id);
    });

    it("grants the control plane Managed Identity Operator on the kubelet identity (failure mode 4)", function () {
        const cp = identity("aks-entra-identities-control-plane");
        const kubelet = identity("aks-entra-identities-kubelet");
        const mio = one(r, TYPES.roleAssignment, "aks-entra-identities-kubelet-operator");
        assert.equal(mio.inputs.scope, kubelet.id);
        assert.equal(
            mio.inputs.roleDefinitionId,
            roleDef(sub(r), "f1a07417-d97a-45cb-824c-7a7467783830"),
        );
        assert.equal(mio.inputs.principalId, cp.state.principalId);
        assert.equal(mio.inputs.principalType, "ServicePrincipal");
    });

    it("configures AKS-managed Entra with Azure RBAC, admin groups and the tenant, and no legacy fields", function () {
        const c = clusterReg();
        const created = one(r, TYPES.group, "aks-entra-admins-group");
        assert.deepEqual(c.inputs.aadProfile, {
            managed: true,
            enableAzureRBAC: true,
            adminGroupObjectIDs: [created.state.objectId, groups["platform-admins"]],
            tenantID: r.deployer.tenantId,
        });
    });

    it("turns local accounts off, Kubernetes RBAC on, OIDC issuer and workload identity on", function () {
        const c = clusterReg().inputs;
        assert.equal(c.disableLocalAccounts, true);
        assert.equal(c.enableRBAC, true);
        assert.deepEqual(c.oidcIssuerProfile, { enabled: true });
        // Image Cleaner on, weekly, as Pulumi.dev.yaml says (Azure Policy built-in af3c26b2);
        // Defender and KMS are opt-in and absent.
        assert.deepEqual(c.securityProfile, {
            workloadIdentity: { enabled: true },
            imageCleaner: { enabled: true, intervalHours: 168 },
        });
        // The Azure Policy add-on (built-in 0a15ec92), under the key AKS uses; Container Insights
        // (on by default) to the stack's workspace with managed-identity ingestion; the Secrets
        // Store CSI driver off (opt-in).
        const workspace = one(r, TYPES.workspace, "aks-entra-audit-workspace");
        assert.deepEqual(c.addonProfiles, {
            azurepolicy: { enabled: true },
            omsagent: {
                enabled: true,
                config: { logAnalyticsWorkspaceResourceID: workspace.id, useAADAuth: "true" },
            },
            azureKeyvaultSecretsProvider: { enabled: false },
        });
        assert.deepEqual(c.azureMonitorProfile, { metrics: { enabled: false } });
    });

    it("runs the control plane as the user-assigned identity and nodes as the kubelet identity", function () {
        const c = clusterReg().inputs;
        const cp = identity("aks-entra-identities-control-plane");
        const kubelet = identity("aks-entra-identities-kubelet");
        // Input is an array of resource ids (docs/azure-facts.md, item 10).
        assert.deepEqual(c.identity, { type: "UserAssigned", userAssignedIdentities: [cp.id] });
        assert.deepEqual(c.identityProfile, {
            kubeletidentity: {
                resourceId: kubelet.id,
                clientId: kubelet.state.clientId,
                objectId: kubelet.state.principalId,
            },
        });
    });

    it("applies the cluster settings of the config", function () {
        const c = clusterReg().inputs;
        assert.equal(c.resourceName, names.cluster);
        assert.equal(c.dnsPrefix, names.dnsPrefix);
        assert.equal(c.nodeResourceGroup, names.nodeResourceGroup);
        assert.equal(c.kubernetesVersion, "1.35");
        assert.deepEqual(c.sku, { name: "Base", tier: "Standard" });
        assert.deepEqual(c.apiServerAccessProfile, {
            enablePrivateCluster: false,
            authorizedIPRanges: ["203.0.113.0/24", "198.51.100.17/32"],
            disableRunCommand: true,
        });
        assert.deepEqual(c.autoUpgradeProfile, {
            upgradeChannel: "patch",
            nodeOSUpgradeChannel: "NodeImage",
        });
        const pick = (p: Record<string, unknown>) => ({
            name: p.name,
            mode: p.mode,
            osSKU: p.osSKU,
            vmSize: p.vmSize,
            count: p.count,
            enableAutoScaling: p.enableAutoScaling,
            minCount: p.minCount,
            maxCount: p.maxCount,
            availabilityZones: p.availabilityZones,
            nodeTaints: p.nodeTaints,
            vnetSubnetID: p.vnetSubnetID,
        });
        const subnet = cfg.cluster.network!.subnetId;
        // Only the system pool is inline (docs/azure-facts.md, failure mode 13).
        assert.deepEqual((c.agentPoolProfiles as Record<string, unknown>[]).map(pick), [
            {
                name: "system",
                mode: "System",
                osSKU: "AzureLinux",
                vmSize: "Standard_D4ds_v5",
                count: 3,
                enableAutoScaling: true,
                minCount: 3,
                maxCount: 5,
                availabilityZones: ["1", "2", "3"],
                // User pools exist, so only system pods run on the system pool.
                nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
                vnetSubnetID: subnet,
            },
        ]);
        // Every user pool is an AgentPool of this cluster, in the same subnet, created after it and
        // deleted with it; its Azure name is its config name plus 4 hex of VM size, zones, OS, spot.
        const pools = r.registrations.filter((x) => x.type === TYPES.agentPool);
        assert.deepEqual(
            pools.map((p) => ({
                ...pick({ ...p.inputs, name: p.inputs.agentPoolName }),
                resourceName: p.inputs.resourceName,
                nodeLabels: p.inputs.nodeLabels,
                scaleSetPriority: p.inputs.scaleSetPriority,
                spotMaxPrice: p.inputs.spotMaxPrice,
                deletedWith: p.deletedWith,
                ignoreChanges: p.ignoreChanges,
            })),
            cfg.cluster.userPools.map((u) => ({
                name: userPoolAzureName(u),
                mode: "User",
                osSKU: "AzureLinux",
                vmSize: "Standard_D8ds_v5",
                count: u.name === "apps" ? 3 : 1,
                enableAutoScaling: true,
                minCount: u.name === "apps" ? 3 : 1,
                maxCount: u.name === "apps" ? 10 : 20,
                availabilityZones: ["1", "2", "3"],
                nodeTaints: u.name === "apps" ? undefined : ["workload-class=batch:NoSchedule"],
                vnetSubnetID: subnet,
                resourceName: names.cluster,
                nodeLabels:
                    u.name === "apps"
                        ? { "workload-class": "general", "aks-entra/pool": "apps" }
                        : { "aks-entra/pool": "batch" },
                scaleSetPriority: u.name === "apps" ? undefined : "Spot",
                spotMaxPrice: u.name === "apps" ? undefined : -1,
                deletedWith: clusterReg().urn,
                ignoreChanges: ["count"],
            })),
        );
        assert.match(String(pools[0].inputs.agentPoolName), /^apps[0-9a-f]{4}$/);
        assert.ok(pools.every((p) => p.dependencies.includes(clusterReg().urn)));
        assert.deepEqual(c.networkProfile, {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            loadBalancerSku: "standard",
            // As configured (cluster.network).
            dnsServiceIP: "10.0.0.10",
            outboundType: "loadBalancer",
            podCidr: "10.244.0.0/16",
            serviceCidr: "10.0.0.0/16",
        });
        assert.equal(c.supportPlan, "KubernetesOfficial");
        assert.deepEqual(clusterReg().ignoreChanges, ["agentPoolProfiles[0].count"]);
    });

    it("leaves the only pool untainted so applications can run on it", async function () {
        const r2 = await run({ config: minimalConfig() });
        const c = one(r2, TYPES.cluster, "aks-entra-cluster").inputs;
        const pools = c.agentPoolProfiles as Record<string, unknown>[];
        assert.deepEqual(
            pools.map((p) => [p.name, p.mode, p.nodeTaints]),
            [["system", "System", undefined]],
        );
        // A public API server with no ranges sends [] so removed ranges are cleared.
        assert.deepEqual(
            (c.apiServerAccessProfile as Record<string, unknown>).authorizedIPRanges,
            [],
        );
    });

    it("grants exactly the configured Azure RBAC, plus Cluster User Role once per principal", function () {
        const clusterId = clusterReg().id;
        const adminGroupId = one(r, TYPES.group, "aks-entra-admins-group").state.objectId as string;
        const pipeline = identity("aks-entra-ci-payments-deploy").state.principalId as string;
        const prPipeline = identity("aks-entra-ci-payments-pr").state.principalId as string;
        const jit = (n: string) =>
            one(r, TYPES.group, `aks-entra-jit-${n}-group`).state.objectId as string;
        const ns = (n: string) => `${clusterId}/namespaces/${n}`;
        const G = groups;
        const expected = [
            // clusterAccess
            [G.sre, "Group", AKS_ROLES.rbacReader, clusterId],
            [G.auditors, "Group", AKS_ROLES.rbacReader, clusterId],
            // namespaces[].access
            [G["payments-devs"], "Group", AKS_ROLES.rbacWriter, ns("payments")],
            [G.developers, "Group", AKS_ROLES.rbacReader, ns("payments")],
            [G.sre, "Group", AKS_ROLES.rbacAdmin, ns("observability")],
            // pipelines[].namespaceAccess
            [pipeline, "ServicePrincipal", AKS_ROLES.rbacWriter, ns("payments")],
            [prPipeline, "ServicePrincipal", AKS_ROLES.rbacReader, ns("payments")],
            // jit: the JIT groups hold the role (test/jit.test.ts)
            [jit("oncall-admin"), "Group", AKS_ROLES.rbacClusterAdmin, clusterId],
            [jit("payments-admin"), "Group", AKS_ROLES.rbacAdmin, ns("payments")],
            [jit("oncall-admin"), "Group", AKS_ROLES.clusterUser, clusterId],
            [jit("payments-admin"), "Group", AKS_ROLES.clusterUser, clusterId],
            // Cluster User Role: every principal above, and every admin group
            ...[
                G.sre,
                G.auditors,
                G["payments-devs"],
                G.developers,
                G["platform-admins"],
                adminGroupId,
            ].map((p) => [p, "Group", AKS_ROLES.clusterUser, clusterId]),
            [pipeline, "ServicePrincipal", AKS_ROLES.clusterUser, clusterId],
            [prPipeline, "ServicePrincipal", AKS_ROLES.clusterUser, clusterId],
        ].map(([p, t, role, scope]) => `${p} ${t} ${role} ${scope}`);
        const actual = ofType(r, TYPES.roleAssignment)
            .filter((a) => a.name.startsWith("aks-entra-access-"))
            .map((a) => {
                const guid = String(a.inputs.roleDefinitionId).split("/").pop();
                assert.equal(a.inputs.roleDefinitionId, roleDef(sub(r), guid!));
                return `${String(a.inputs.principalId)} ${String(a.inputs.principalType)} ${guid} ${String(a.inputs.scope)}`;
            });
        assert.deepEqual(actual.sort(), expected.sort());
    });

    it("gives a group bound only by a RoleBinding Cluster User Role, so it can fetch a kubeconfig", async function () {
        const releaseManagers = "4d3c2b1a-0f9e-4d8c-b7a6-958473625140";
        const r2 = await run({
            config: minimalConfig({
                namespaces: [
                    {
                        name: "payments",
                        roles: [
                            { name: "releases", clusterRole: "edit", groups: [releaseManagers] },
                        ],
                    },
                ],
            }),
        });
        const grants = ofType(r2, TYPES.roleAssignment).filter(
            (a) => a.inputs.principalId === releaseManagers,
        );
        assert.deepEqual(
            grants.map((a) => [
                a.inputs.principalType,
                String(a.inputs.roleDefinitionId).split("/").pop(),
                a.inputs.scope,
            ]),
            [["Group", AKS_ROLES.clusterUser, one(r2, TYPES.cluster, "aks-entra-cluster").id]],
        );
    });

    it("uses deployer.objectId, when set, for the deployer's grant and the group's owners", async function () {
        const fixed = "0d9c8b7a-6f5e-4d3c-8b1a-0f9e8d7c6b5a";
        // Someone else signs in (with access of their own); the stack still grants the fixed deployer.
        const r2 = await run({
            config: minimalConfig({
                deployer: { objectId: fixed.toUpperCase(), principalType: "User" },
                namespaces: [{ name: "apps" }],
            }),
            deployer: { ...DEFAULT_DEPLOYER, clusterAccessOutsideStack: true },
        });
        const grant = one(r2, TYPES.roleAssignment, "aks-entra-connection-deployer-cluster-admin");
        assert.equal(grant.inputs.principalId, fixed);
        assert.notEqual(fixed, r2.deployer.objectId, "not the logged-in principal");
        assert.deepEqual(one(r2, TYPES.group, "aks-entra-admins-group").inputs.owners, [fixed]);
    });

    it("names every role assignment by the GUID of (scope, role, principal)", function () {
        for (const a of ofType(r, TYPES.roleAssignment)) {
            const guid = String(a.inputs.roleDefinitionId).split("/").pop()!;
            assert.equal(
                a.inputs.roleAssignmentName,
                roleAssignmentName(String(a.inputs.scope), guid, String(a.inputs.principalId)),
                a.name,
            );
        }
    });

    it("gives the deployer (dev's pipeline) AKS RBAC Cluster Admin on the resource group, as a ServicePrincipal, and waits for it before Kubernetes calls", function () {
        const grant = one(r, TYPES.roleAssignment, "aks-entra-connection-deployer-cluster-admin");
        assert.equal(
            grant.inputs.principalId,
            (DEV["aks-entra:deployer"] as { objectId: string }).objectId,
        );
        assert.equal(grant.inputs.principalType, "ServicePrincipal");
        assert.equal(grant.inputs.roleDefinitionId, roleDef(sub(r), AKS_ROLES.rbacClusterAdmin));
        // On the stack's own resource group, so it propagates while the cluster is created: it
        // waits for the group only, not for the cluster (docs/azure-facts.md, failure mode 7).
        const rg = one(r, TYPES.resourceGroup, "aks-entra-rg");
        assert.equal(grant.inputs.scope, rg.id);
        assert.deepEqual(grant.dependencies, [rg.urn]);
        const wait = one(r, TYPES.sleep, "aks-entra-connection-rbac-propagation");
        assert.equal(wait.inputs.createDuration, "300s");
        assert.deepEqual(wait.inputs.triggers, { grant: grant.id });
        assert.ok(wait.dependencies.includes(grant.urn));
        const provider = one(r, TYPES.k8sProvider, "aks-entra-connection-k8s");
        assert.ok(provider.dependencies.includes(wait.urn), "provider waits for RBAC propagation");
        assert.ok(provider.dependencies.includes(grant.urn));
        assert.ok(provider.dependencies.includes(clusterReg().urn));
        assert.equal(provider.inputs.clusterIdentifier, clusterReg().id);
    });

    it("creates the namespaces, a pod-reader Role bound to a group, and view bound in one namespace", function () {
        const nsNames = ofType(r, TYPES.namespace).map(
            (n) => (n.inputs.metadata as { name: string }).name,
        );
        assert.deepEqual(nsNames.sort(), ["observability", "payments"]);

        const role = one(r, TYPES.role, "aks-entra-ns-payments/pod-reader");
        assert.equal((role.inputs.metadata as { namespace: string }).namespace, "payments");
        assert.deepEqual(role.inputs.rules, [
            { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] },
        ]);

        const podReader = one(r, TYPES.roleBinding, "aks-entra-ns-payments/pod-reader");
        assert.deepEqual(podReader.inputs.roleRef, {
            apiGroup: RBAC,
            kind: "Role",
            name: "pod-reader",
        });
        assert.deepEqual(podReader.inputs.subjects, [
            { apiGroup: RBAC, kind: "Group", name: groups.developers },
        ]);
        assert.ok(podReader.dependencies.includes(role.urn), "binding waits for its Role");

        const view = one(r, TYPES.roleBinding, "aks-entra-ns-payments/auditors-view");
        assert.deepEqual(view.inputs.roleRef, {
            apiGroup: RBAC,
            kind: "ClusterRole",
            name: "view",
        });
        assert.deepEqual(view.inputs.subjects, [
            { apiGroup: RBAC, kind: "Group", name: groups.auditors },
        ]);
        assert.equal((view.inputs.metadata as { namespace: string }).namespace, "payments");
    });

    it("creates every Kubernetes object through this cluster's provider", function () {
        const provider = one(r, TYPES.k8sProvider, "aks-entra-connection-k8s");
        const k8sObjects = r.registrations.filter(
            (x) => x.custom && x.type.startsWith("kubernetes:"),
        );
        assert.equal(k8sObjects.length, 9);
        for (const o of k8sObjects) {
            assert.equal(o.provider, `${provider.urn}::${provider.id}`, o.name);
        }
    });

    it("trusts each workload's service account and nothing else, with the cluster's issuer", function () {
        const issuer = (clusterReg().state.oidcIssuerProfile as { issuerURL: string }).issuerURL;
        assert.match(
            issuer,
            /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/$/,
        );
        const fics = ofType(r, TYPES.fic).filter((f) => f.name.startsWith("aks-entra-wl/"));
        const trusts = fics.map((f) => ({
            identity: f.inputs.resourceName,
            issuer: f.inputs.issuer,
            subject: f.inputs.subject,
            audiences: f.inputs.audiences,
        }));
        const expect = (ns: string, sa: string) => ({
            identity: names.workloadIdentity(ns, sa),
            issuer,
            subject: `system:serviceaccount:${ns}:${sa}`,
            audiences: ["api://AzureADTokenExchange"],
        });
        assert.deepEqual(trusts, [
            expect("payments", "payments-api"),
            expect("payments", "payments-worker"),
            expect("observability", "metrics-exporter"),
        ]);
    });

    it("annotates each service account with its identity's client id and the tenant", function () {
        const wl = identity("aks-entra-wl/payments/payments-api");
        const sa = one(r, TYPES.serviceAccount, "aks-entra-wl/payments/payments-api");
        const ns = one(r, TYPES.namespace, "aks-entra-ns-payments");
        assert.deepEqual(sa.inputs.metadata, {
            name: "payments-api",
            namespace: "payments",
            labels: {
                "app.kubernetes.io/managed-by": "pulumi",
                "app.kubernetes.io/part-of": "aks-entra",
            },
            annotations: {
                "azure.workload.identity/client-id": wl.state.clientId,
                "azure.workload.identity/tenant-id": r.deployer.tenantId,
            },
        });
        assert.ok(sa.dependencies.includes(ns.urn), "service account waits for its namespace");
    });

    it("grants workload and pipeline identities their Azure roles on the named scopes", function () {
        const kv =
            "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod";
        const api = identity("aks-entra-wl/payments/payments-api");
        const hit = ofType(r, TYPES.roleAssignment).filter((a) => a.inputs.scope === kv);
        assert.equal(hit.length, 1);
        assert.equal(hit[0].inputs.principalId, api.state.principalId);
        assert.equal(hit[0].inputs.principalType, "ServicePrincipal");
        // Role definition id in the scope's own subscription, not the deployer's.
        assert.equal(
            hit[0].inputs.roleDefinitionId,
            roleDef("11111111-2222-4333-8444-555555555555", "4633458b-17de-408a-b874-0445c86b69e6"),
        );
        const acr = ofType(r, TYPES.roleAssignment).filter((a) =>
            String(a.inputs.scope).endsWith("/registries/crcontoso"),
        );
        assert.equal(acr.length, 1);
        assert.equal(
            acr[0].inputs.principalId,
            identity("aks-entra-ci-payments-deploy").state.principalId,
        );
        assert.match(
            String(acr[0].inputs.roleDefinitionId),
            /8311e382-0749-4cb8-b61a-304f252e45ec$/,
        );
    });

    it("trusts each pipeline identity for exactly its configured GitHub subjects", function () {
        const trusts = (pipeline: string) =>
            ofType(r, TYPES.fic)
                .filter((f) => f.inputs.resourceName === names.pipelineIdentity(pipeline))
                .map((f) => [f.inputs.issuer, f.inputs.subject, f.inputs.audiences]);
        const gh = (subjects: string[]) =>
            subjects.map((s) => [
                "https://token.actions.githubusercontent.com",
                s,
                ["api://AzureADTokenExchange"],
            ]);
        assert.deepEqual(trusts("payments-pr"), gh(["repo:contoso/payments:pull_request"]));
        assert.deepEqual(
            trusts("payments-deploy"),
            [
                "repo:contoso/payments:environment:production",
                "repo:contoso/payments:environment:staging",
                "repo:contoso/payments:ref:refs/heads/main",
            ].map((s) => [
                "https://token.actions.githubusercontent.com",
                s,
                ["api://AzureADTokenExchange"],
            ]),
        );
    });

    it("exports the outputs people and other stacks need, with the kubeconfig secret", function () {
        assert.deepEqual(Object.keys(r.outputs).sort(), [
            "adminGroupObjectIds",
            "clusterId",
            "clusterName",
            "controlPlaneIdentity",
            "createOnlySettings",
            "getCredentialsCommand",
            "jitGroups",
            "kubeconfig",
            "kubeletIdentity",
            "oidcIssuerUrl",
            "pipelineIdentities",
            "resourceGroupName",
            "subscriptionId",
            "tenantId",
            "workloadIdentities",
        ]);
        assert.deepEqual(r.secretOutputs, ["kubeconfig"]);
        // What the next run reads back to refuse changes AKS cannot make (components/createOnly.ts).
        assert.deepEqual(r.outputs.createOnlySettings, {
            location: "westeurope",
            systemPool: {
                vmSize: "Standard_D4ds_v5",
                zones: ["1", "2", "3"],
                osSku: "AzureLinux",
                maxPods: null,
                osDiskType: null,
                osDiskSizeGB: null,
                subnetId: null,
                podSubnetId: null,
            },
            podNetwork: { plugin: "overlay", policy: "cilium" },
            names: {
                resourceGroup: names.resourceGroup,
                cluster: names.cluster,
                dnsPrefix: names.dnsPrefix,
                nodeResourceGroup: names.nodeResourceGroup,
            },
            exactPools: {},
            encryptionAtHost: false,
            network: {
                subnetId: cfg.cluster.network!.subnetId,
                podCidr: "10.244.0.0/16",
                serviceCidr: "10.0.0.0/16",
                dnsServiceIp: "10.0.0.10",
                outboundType: "loadBalancer",
                apiServerSubnetId: null,
            },
            privateCluster: false,
            privateDnsZone: null,
            diskEncryptionSetId: null,
        });
        assert.equal(r.outputs.clusterName, names.cluster);
        assert.equal(
            r.outputs.oidcIssuerUrl,
            (clusterReg().state.oidcIssuerProfile as { issuerURL: string }).issuerURL,
        );
        assert.equal(
            r.outputs.getCredentialsCommand,
            `az aks get-credentials --resource-group ${names.resourceGroup} --name ${names.cluster} --overwrite-existing && kubelogin convert-kubeconfig -l azurecli`,
        );
        const wl = r.outputs.workloadIdentities as Record<string, { clientId: string }>;
        assert.deepEqual(Object.keys(wl).sort(), [
            "observability/metrics-exporter",
            "payments/payments-api",
            "payments/payments-worker",
        ]);
        assert.equal(
            wl["payments/payments-api"].clientId,
            identity("aks-entra-wl/payments/payments-api").state.clientId,
        );
        const kubelet = r.outputs.kubeletIdentity as Record<string, string>;
        assert.equal(
            kubelet.principalId,
            identity("aks-entra-identities-kubelet").state.principalId,
        );
    });

    it("exports a kubeconfig that logs in with azurecli and never asks a person", function () {
        const kc = parse(String(r.outputs.kubeconfig)) as {
            users: {
                user: { exec: { command: string; args: string[]; interactiveMode: string } };
            }[];
        };
        const exec = kc.users[0].user.exec;
        assert.equal(exec.command, "kubelogin");
        assert.deepEqual(exec.args, [
            "get-token",
            "--login",
            "azurecli",
            "--server-id",
            "6dae42f8-4368-4678-94ff-3960e28e3630",
        ]);
        assert.equal(exec.interactiveMode, "Never");
        const provider = one(r, TYPES.k8sProvider, "aks-entra-connection-k8s");
        assert.equal(provider.inputs.kubeconfig, r.outputs.kubeconfig);
        assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
    });

    it("protects nothing by default and the cluster and admin group when protect is true", async function () {
        assert.equal(clusterReg().protect, false);
        const protectedRun = await run({ config: { ...DEV, "aks-entra:protect": true } });
        assert.equal(one(protectedRun, TYPES.cluster, "aks-entra-cluster").protect, true);
        assert.equal(one(protectedRun, TYPES.group, "aks-entra-admins-group").protect, true);
        assert.equal(one(protectedRun, TYPES.resourceGroup, "aks-entra-rg").protect, false);
    });

    it("matches the dev config's own validation (Pulumi.dev.yaml exercises every key)", function () {
        const raw = Object.fromEntries(
            Object.entries(DEV)
                .filter(([k]) => k.startsWith("aks-entra:"))
                .map(([k, v]) => [k.slice("aks-entra:".length), v]),
        );
        const cfg = parseConfig(raw);
        assert.deepEqual(Object.keys(raw).sort(), [
            "admins",
            "auditLogs",
            "cluster",
            "clusterAccess",
            "conditionalAccess",
            "deployer",
            "groups",
            "jit",
            "kubeloginMode",
            "kubeloginPop",
            "kubernetesVersion",
            "location",
            "namespaces",
            "pipelines",
            "protect",
            "tags",
        ]);
        assert.deepEqual(cfg.defaultsUsed, []);
    });
});
