// Node pool tuning, the pod network and names of your convention (issue 23, items 3, 4 and 6):
// what reaches the ManagedCluster and AgentPool bodies (valid by Microsoft's schema), the control
// plane's grants on pool subnets and their order, names kept for existing pools, the create-only
// refusals, and fakes that refuse what AKS refuses.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { configFromPulumi } from "../components/config";
import { createOnlyProblems, createOnlySettings } from "../components/createOnly";
import { StackNames } from "../components/naming";
import { userPoolAzureName } from "../components/nodePools";
import { AzureFakes, fakeGuid, managedClusterProblems, poolProblems } from "../offline/fakes";
import { pulumiConfigMap, type Registration, type RunResult } from "../offline/harness";
import { resolveDeployer } from "../components/deployer";
import { buildPlan } from "../plan/build";
import { immutableChanges, immutableFacts } from "../plan/immutable";
import { agentPool, inlinePools, poolText } from "../plan/pools";
import { ArmSchemas } from "../plan/armSchemas";
import { armBody, schemaProblems } from "./armSchema";
import { type Config, dev } from "./configCases";
import { fakeGrant, ofType, one, run, stackConfig, TYPES } from "./helpers";

const SUB = "11111111-2222-4333-8444-555555555555";
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-network-dev/providers/Microsoft.Network/virtualNetworks/vnet-spoke-dev`;
const NODES = `${VNET}/subnets/aks`;
const APPS = `${VNET}/subnets/apps`;
const PODS = `${VNET}/subnets/pods`;
// docs/azure-facts.md, roles table.
const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";

/**
 * Pulumi.dev.yaml with pods on VNet IPs (plugin azure, a pod subnet for every pool), Calico,
 * every tuning key, the apps pool in a subnet of its own, a pool named in 12 characters, and
 * every name of yours with the node resource group locked.
 */
const wide = dev((c: Config) => {
    const cluster = c["aks-entra:cluster"];
    cluster.network.plugin = "azure";
    cluster.network.policy = "calico";
    delete cluster.network.podCidr;
    Object.assign(cluster.systemPool, {
        maxPods: 60,
        osDiskType: "Managed",
        osDiskSizeGB: 256,
        maxSurge: 2,
        podSubnetId: PODS,
    });
    Object.assign(cluster.userPools[0], { subnetId: APPS, podSubnetId: PODS, maxSurge: "33%" });
    cluster.userPools[1].podSubnetId = PODS;
    cluster.userPools.push({ name: "platformpool", vmSize: "Standard_D4ds_v5", podSubnetId: PODS });
    c["aks-entra:names"] = {
        resourceGroup: "rg-contoso-aks-dev",
        cluster: "aks-contoso-dev",
        dnsPrefix: "contoso-dev",
        nodeResourceGroup: "rg-contoso-aks-dev-nodes",
        nodeResourceGroupLockdown: true,
    };
});

const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
const pool = (r: RunResult, name: string) =>
    one(r, TYPES.agentPool, `aks-entra-cluster-pool-${name}`);
const grantsOn = (r: RunResult, scope: string) =>
    ofType(r, TYPES.roleAssignment).filter(
        (g) => String(g.inputs.scope).toLowerCase() === scope.toLowerCase(),
    );
const roleOf = (g: Registration) => String(g.inputs.roleDefinitionId).split("/").pop();

describe("node pool tuning, the pod network and names (issue 23)", function () {
    let plain: RunResult;
    let prod: RunResult;
    let w: RunResult;
    /** dev with the lockdown lifted (names.nodeResourceGroupLockdown: false). */
    let unlocked: RunResult;
    before(async function () {
        [plain, prod, w, unlocked] = await Promise.all([
            run(),
            run({ config: stackConfig("prod"), stack: "prod" }),
            run({ config: wide }),
            run({
                config: dev((c) => (c["aks-entra:names"] = { nodeResourceGroupLockdown: false })),
            }),
        ]);
    });

    it("prod: tuned pools (Ephemeral OS disk, max pods, surge) and the Cilium policy written out", function () {
        const c = cluster(prod).inputs;
        const system = (c.agentPoolProfiles as Record<string, unknown>[])[0];
        assert.deepEqual(
            [system.maxPods, system.osDiskType, system.osDiskSizeGB, system.upgradeSettings],
            [110, "Ephemeral", 128, { maxSurge: "33%" }],
        );
        for (const [name, surge] of [
            ["apps", "33%"],
            ["batch", "1"],
        ]) {
            const p = pool(prod, name).inputs;
            assert.deepEqual(
                [p.maxPods, p.osDiskType, p.osDiskSizeGB, p.upgradeSettings, p.vmSize],
                [110, "Ephemeral", 128, { maxSurge: surge }, "Standard_D8ds_v5"],
                name,
            );
        }
        assert.deepEqual(c.networkProfile, {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            loadBalancerSku: "standard",
            outboundType: "userDefinedRouting",
            podCidr: "10.244.0.0/16",
            serviceCidr: "172.16.0.0/16",
            dnsServiceIP: "172.16.0.10",
        });
    });

    it("pods on VNet IPs with Calico: Azure CNI without overlay, Azure's dataplane, a pod subnet on every pool", function () {
        const c = cluster(w).inputs;
        assert.deepEqual(c.networkProfile, {
            networkPlugin: "azure",
            networkDataplane: "azure",
            networkPolicy: "calico",
            loadBalancerSku: "standard",
            outboundType: "loadBalancer",
            // azure-native fills podCidr in whenever it is unset (its ProvideDefaults); AKS uses
            // the subnets for pods without overlay (docs/azure-facts.md, "Pod networking").
            podCidr: "10.244.0.0/16",
            serviceCidr: "10.0.0.0/16",
            dnsServiceIP: "10.0.0.10",
        });
        const system = (c.agentPoolProfiles as Record<string, unknown>[])[0];
        assert.deepEqual(
            [
                system.vnetSubnetID,
                system.podSubnetID,
                system.maxPods,
                system.osDiskType,
                system.osDiskSizeGB,
                system.upgradeSettings,
            ],
            [NODES, PODS, 60, "Managed", 256, { maxSurge: "2" }],
        );
        const apps = pool(w, "apps").inputs;
        assert.deepEqual(
            [apps.vnetSubnetID, apps.podSubnetID, apps.upgradeSettings],
            [APPS, PODS, { maxSurge: "33%" }],
        );
        assert.deepEqual(
            [pool(w, "batch").inputs.vnetSubnetID, pool(w, "batch").inputs.podSubnetID],
            [NODES, PODS],
        );
    });

    it("the control plane gets Network Contributor on each pool subnet and pod subnet once, before the pools that use them", function () {
        const principal = one(w, TYPES.identity, "aks-entra-identities-control-plane").state
            .principalId;
        for (const scope of [APPS, PODS]) {
            const grants = grantsOn(w, scope);
            assert.equal(grants.length, 1, scope);
            assert.equal(roleOf(grants[0]), NETWORK_CONTRIBUTOR);
            assert.equal(grants[0].inputs.principalId, principal);
        }
        const [apps] = grantsOn(w, APPS);
        const [pods] = grantsOn(w, PODS);
        // The system pool's pod subnet: before the cluster, with the other grants AKS checks.
        assert.ok(cluster(w).dependencies.includes(pods.urn));
        // Each user pool waits for the grants on its own subnets, by name.
        assert.deepEqual(
            [apps.urn, pods.urn].filter((u) => pool(w, "apps").dependencies.includes(u)),
            [apps.urn, pods.urn],
        );
        assert.ok(pool(w, "batch").dependencies.includes(pods.urn));
        assert.ok(!pool(w, "batch").dependencies.includes(apps.urn));
        // Nothing on a subnet no pool uses: dev grants on its one subnet only.
        assert.deepEqual(grantsOn(plain, APPS), []);
        assert.equal(grantsOn(plain, NODES).length, 1);
    });

    it("names of yours: resource group, cluster, DNS prefix and node resource group, locked read-only", function () {
        assert.equal(
            one(w, TYPES.resourceGroup, "aks-entra-rg").inputs.resourceGroupName,
            "rg-contoso-aks-dev",
        );
        const c = cluster(w).inputs;
        assert.deepEqual(
            [c.resourceName, c.dnsPrefix, c.nodeResourceGroup, c.nodeResourceGroupProfile],
            [
                "aks-contoso-dev",
                "contoso-dev",
                "rg-contoso-aks-dev-nodes",
                { restrictionLevel: "ReadOnly" },
            ],
        );
        for (const p of ofType(w, TYPES.agentPool)) {
            assert.equal(p.inputs.resourceName, "aks-contoso-dev");
        }
        // Without names: derived, and no lockdown in the body (an existing cluster is unchanged).
        const derived = new StackNames("aks-entra", "dev");
        assert.equal(cluster(plain).inputs.resourceName, derived.cluster);
        assert.equal(cluster(plain).inputs.nodeResourceGroupProfile, undefined);
        // false lifts a lockdown: Unrestricted is sent, names stay derived.
        assert.deepEqual(
            [
                cluster(unlocked).inputs.nodeResourceGroupProfile,
                cluster(unlocked).inputs.resourceName,
            ],
            [{ restrictionLevel: "Unrestricted" }, derived.cluster],
        );
    });

    it("existing pools keep their Azure names; a 12-character name is the Azure name", function () {
        // The name the stack gave a pool before this change, restated: 4 hex of SHA-256 of the
        // VM size, zones, OS and spot setting, NUL-separated (components/nodePools.ts at 44ccc6a).
        const legacy = (name: string, parts: string[]) =>
            name + createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 4);
        const apps = legacy("apps", ["Standard_D8ds_v5", "1,2,3", "AzureLinux", "regular"]);
        const batch = legacy("batch", ["Standard_D8ds_v5", "1,2,3", "AzureLinux", "spot"]);
        assert.deepEqual(
            ofType(plain, TYPES.agentPool).map((p) => p.inputs.agentPoolName),
            [apps, batch],
        );
        // As main registers them for Pulumi.dev.yaml (a change here replaces the pools).
        assert.deepEqual([apps, batch], ["appsa95f", "batch5993"]);
        // A tuning setting joins the hash: a pool that sets one is a new pool beside the old.
        assert.notEqual(pool(w, "apps").inputs.agentPoolName, apps);
        assert.equal(pool(w, "platformpool").inputs.agentPoolName, "platformpool");
        // The cluster's own subnet written on a pool is the default: no new name, no extra grant.
        const same = configFromPulumi(
            pulumiConfigMap(
                dev((c) => (c["aks-entra:cluster"].userPools[0].subnetId = NODES.toUpperCase())),
            ),
        );
        assert.equal(same.cluster.userPools[0].subnetId, undefined);
        assert.equal(userPoolAzureName(same.cluster.userPools[0]), apps);
    });

    it("Microsoft's schema accepts every ManagedCluster and AgentPool body of dev, prod and the wide config", function () {
        // The ARM export's bodies (plan/arm.ts) against ../shared/armschemas, as test/armExport does.
        const schemas = new ArmSchemas();
        if (!schemas.available) this.skip();
        const problems = (reg: Registration) => {
            const body = armBody(reg);
            const s = schemas.find(String(body.type), String(body.apiVersion));
            assert.ok(s, `${String(body.type)}@${String(body.apiVersion)}`);
            return schemaProblems(body, s.definition, s.definitions);
        };
        const regs = [plain, prod, w].flatMap((r) => [cluster(r), ...ofType(r, TYPES.agentPool)]);
        assert.equal(regs.length, 3 + 2 + 2 + 3);
        for (const reg of regs) assert.deepEqual(problems(reg), [], reg.name);
        // The check can fail: maxSurge as a number, a tuning key the API version does not know.
        const apps = pool(w, "apps");
        const bad = {
            ...apps,
            inputs: { ...apps.inputs, upgradeSettings: { maxSurge: 2, surge: "1" } },
        };
        assert.deepEqual(problems(bad), [
            "properties.upgradeSettings.maxSurge: not a string",
            "properties.upgradeSettings.surge: not in the schema",
        ]);
    });

    it("the plan tree shows each pool's tuning and pod subnet; --diff refuses a change of it", function () {
        const system = inlinePools(cluster(w))[0];
        assert.equal(
            poolText(system),
            "System, 3 x Standard_D4ds_v5, AzureLinux, autoscale 3-5, zones 1,2,3, subnet vnet-spoke-dev/subnets/aks, pod subnet vnet-spoke-dev/subnets/pods, max 60 pods per node, OS disk Managed 256 GiB, surge 2, taint CriticalAddonsOnly=true:NoSchedule",
        );
        const prodApps = agentPool(pool(prod, "apps"))!;
        assert.match(
            poolText(prodApps),
            /, max 110 pods per node, OS disk Ephemeral 128 GiB, surge 33%,/,
        );
        // The cluster's properties: pods on VNet IPs with Calico, the locked node resource group,
        // and the plan's note on each name of yours.
        const config = configFromPulumi(pulumiConfigMap(wide));
        const plan = buildPlan({
            project: "aks-entra",
            stack: "dev",
            registrations: w.registrations,
            outputs: {},
            secretOutputs: [],
            deployer: resolveDeployer(config, w.deployer),
            config,
        });
        const props = plan.resources.find((x) => x.type === TYPES.cluster)!.properties;
        assert.equal(
            props.network,
            "azure (pods on VNet IPs), policy calico, your subnet vnet-spoke-dev/subnets/aks, pods on subnet addresses, services 10.0.0.0/16, outbound loadBalancer",
        );
        assert.equal(props.nodeResourceGroup, "rg-contoso-aks-dev-nodes, read-only (lockdown)");
        assert.deepEqual(
            plan.findings
                .filter((f) => f.code === "custom-name")
                .map((f) => f.subject)
                .sort(),
            [
                "aks-entra:names.cluster",
                "aks-entra:names.dnsPrefix",
                "aks-entra:names.nodeResourceGroup",
                "aks-entra:names.resourceGroup",
            ],
        );
        const before = immutableFacts(cluster(w))!;
        const after = {
            ...before,
            "pool system maxPods": "110",
            "network networkPolicy": "cilium",
        };
        assert.deepEqual(
            immutableChanges("urn", TYPES.cluster, before, after).map((c) => [c.kind, c.fact]),
            [
                ["refused", "network networkPolicy"],
                ["refused", "pool system maxPods"],
            ],
        );
    });

    describe("create-only: refused before anything is created", function () {
        const settings = (c: Config, names?: StackNames) =>
            createOnlySettings(configFromPulumi(pulumiConfigMap(c)), names);
        const derived = new StackNames("aks-entra", "dev");
        /** An export from before this change: none of the new keys. */
        const old = () => {
            const s = settings(stackConfig("dev")) as unknown as Record<string, unknown>;
            const systemPool = s.systemPool as Record<string, unknown>;
            return {
                ...s,
                podNetwork: undefined,
                names: undefined,
                exactPools: undefined,
                systemPool: {
                    vmSize: systemPool.vmSize,
                    zones: systemPool.zones,
                    osSku: systemPool.osSku,
                },
            };
        };

        it("an export from before the keys existed: the same config passes, new tuning or names do not", function () {
            const same = settings(stackConfig("dev"), derived);
            assert.deepEqual(createOnlyProblems(old(), same, derived), []);
            const tuned = settings(
                dev((c) => (c["aks-entra:cluster"].systemPool.maxPods = 110)),
                derived,
            );
            assert.deepEqual(createOnlyProblems(old(), tuned, derived), [
                "aks-entra:cluster.systemPool.maxPods 110 differs from (unset), which the cluster was created with: AKS cannot change it on an existing pool, and the system pool is part of the cluster resource. Keep the value; put workloads that need other nodes in cluster.userPools; to change the system pool itself, create a new stack and move the workloads (docs/node-pools-and-networking.md: Node pools)",
            ]);
            const named = (c: Config) =>
                settings(c, new StackNames("aks-entra", "dev", c["aks-entra:names"] ?? {}));
            const renamed = named(dev((c) => (c["aks-entra:names"] = { cluster: "aks-contoso" })));
            assert.deepEqual(
                createOnlyProblems(old(), renamed, derived).map((p) => p.split(":")[1]),
                [
                    `names.cluster "aks-contoso" differs from "${derived.cluster}", which the cluster was created with`,
                ],
            );
            // Writing down the derived name is no change.
            const written = named(
                dev((c) => (c["aks-entra:names"] = { cluster: derived.cluster })),
            );
            assert.deepEqual(createOnlyProblems(old(), written, derived), []);
        });

        it("the pod network, and a pool named in 12 characters, keep what they were created with", function () {
            const before = settings(
                wide,
                new StackNames("aks-entra", "dev", wide["aks-entra:names"]),
            );
            const after = settings(
                dev((c) => {
                    Object.assign(c, structuredClone(wide));
                    c["aks-entra:cluster"].network.policy = "cilium";
                    c["aks-entra:cluster"].userPools[2].vmSize = "Standard_D8ds_v5";
                }),
                new StackNames("aks-entra", "dev", wide["aks-entra:names"]),
            );
            assert.deepEqual(
                createOnlyProblems(before, after).map((p) => p.slice(0, p.indexOf(" differs"))),
                [
                    'aks-entra:cluster.network.policy "cilium"',
                    'aks-entra:cluster.userPools (pool "platformpool") ["Standard_D8ds_v5","","AzureLinux","regular","podSubnetId=/subscriptions/11111111-2222-4333-8444-555555555555/resourcegroups/rg-network-dev/providers/microsoft.network/virtualnetworks/vnet-spoke-dev/subnets/pods"]',
                ],
            );
            // An older export without the pod network: the cluster was made with the defaults.
            const { podNetwork, ...olderWide } = before;
            void podNetwork;
            assert.match(
                createOnlyProblems(olderWide, before)[0],
                /^aks-entra:cluster\.network\.plugin "azure" differs from "overlay"/,
            );
        });
    });

    describe("the fake AKS refuses what AKS refuses", function () {
        it("pool tuning: max pods out of range or short of 30 per pool, an Ephemeral OS disk without room, a bad surge", function () {
            assert.deepEqual(
                poolProblems(
                    {
                        mode: "User",
                        vmSize: "Standard_D4s_v5",
                        count: 2,
                        maxPods: 10,
                        osDiskType: "Ephemeral",
                        upgradeSettings: { maxSurge: "0%" },
                    },
                    "agent pool x",
                ),
                [
                    "agent pool x: maxPods 10 on 2 node(s) leaves room for fewer than 30 pods in the pool",
                    'agent pool x: OS disk type Ephemeral: Standard_D4s_v5 has no local temp storage for an Ephemeral OS disk (only v5 sizes with "d" among their features have any, e.g. Standard_D4ds_v5)',
                    'agent pool x: upgradeSettings.maxSurge "0%" is not an integer or a percentage',
                ],
            );
            assert.deepEqual(
                poolProblems(
                    {
                        mode: "User",
                        vmSize: "Standard_D4ds_v5",
                        count: 3,
                        maxPods: 10,
                        osDiskType: "Ephemeral",
                        osDiskSizeGB: 150,
                    },
                    "p",
                ),
                [],
            );
            assert.deepEqual(poolProblems({ maxPods: 251 }, "p"), [
                "p: maxPods 251 is outside 10-250",
            ]);
        });

        it("a pod subnet with the overlay or on some pools only, a node resource group that is the cluster's", function () {
            const body = cluster(w).inputs;
            assert.deepEqual(managedClusterProblems(body), []);
            const overlay = {
                ...body,
                networkProfile: {
                    ...(body.networkProfile as object),
                    networkPluginMode: "overlay",
                },
            };
            assert.deepEqual(managedClusterProblems(overlay), [
                "podSubnetID cannot be used with networkPluginMode overlay",
            ]);
            const own = {
                ...body,
                nodeResourceGroup: String(body.resourceGroupName).toUpperCase(),
            };
            assert.match(managedClusterProblems(own)[0], /is an existing resource group/);
            // An AgentPool without a pod subnet in a cluster whose pools have one.
            const fakes = new AzureFakes();
            fakes.newResource({ type: TYPES.cluster, name: "c", custom: true, inputs: body });
            const { podSubnetID, ...noPods } = pool(w, "batch").inputs;
            void podSubnetID;
            fakes.newResource({ type: TYPES.agentPool, name: "p", custom: true, inputs: noPods });
            assert.match(
                fakes.errors.join("\n"),
                /every agent pool of a cluster with a pod subnet needs one/,
            );
        });

        it("a pool in a subnet the control plane holds no Network Contributor on", function () {
            const body = cluster(w).inputs;
            const cp = (body.identity as { userAssignedIdentities: string[] })
                .userAssignedIdentities[0];
            const principal = fakeGuid(`${cp}#principal`);
            const kubelet = (body.identityProfile as { kubeletidentity: { resourceId: string } })
                .kubeletidentity.resourceId;
            const attempt = (scopes: string[]) => {
                const fakes = new AzureFakes();
                fakes.newResource(
                    fakeGrant(
                        "op",
                        "f1a07417-d97a-45cb-824c-7a7467783830",
                        kubelet,
                        principal,
                        SUB,
                    ),
                );
                scopes.forEach((s, i) =>
                    fakes.newResource(fakeGrant(`n${i}`, NETWORK_CONTRIBUTOR, s, principal, SUB)),
                );
                fakes.startOf.set(`${TYPES.cluster}|c`, 1000);
                fakes.newResource({ type: TYPES.cluster, name: "c", custom: true, inputs: body });
                fakes.startOf.set(`${TYPES.agentPool}|p`, 2000);
                fakes.newResource({
                    type: TYPES.agentPool,
                    name: "p",
                    custom: true,
                    inputs: pool(w, "apps").inputs,
                });
                return fakes.errors;
            };
            assert.deepEqual(attempt([NODES, PODS, APPS]), []);
            assert.deepEqual(attempt([VNET]), []);
            const [missing] = attempt([NODES, PODS]);
            assert.match(
                missing,
                /^azure-native:containerservice:AgentPool p: LinkedAuthorizationFailed: .* on the linked scope '.*\/subnets\/apps' \(vnetSubnetID of agent pool /,
            );
            assert.match(
                attempt([NODES, APPS])[0],
                /ManagedCluster c: LinkedAuthorizationFailed: .*subnets\/pods' \(podSubnetID of agent pool system\)/,
            );
        });
    });
});
