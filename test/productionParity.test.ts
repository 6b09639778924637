// Production parity (issue 23, items 5, 7 and 9): the cluster autoscaler profile, customer-managed
// disk keys with the control plane's grant on the disk encryption set before the cluster, the pod
// security initiative at the cluster and application routing; as registered for Pulumi.prod.yaml
// and a dev variant with every autoscaler setting, valid ARM bodies by Microsoft's schemas, shown
// in the plan, and refused by the fakes where Azure refuses them.
import { strict as assert } from "node:assert";
import { AUTOSCALER_SETTINGS } from "../components/autoscalerProfile";
import { configFromPulumi } from "../components/config";
import { createOnlyProblems, createOnlySettings } from "../components/createOnly";
import { extraPropertyNames } from "../components/extraProperties";
import { resolveDeployer } from "../components/deployer";
import { AKS_ROLES } from "../components/roles";
import { fakeGuid } from "../offline/fakes";
import { pulumiConfigMap, type RunResult } from "../offline/harness";
import { policyAssignmentProblems } from "../offline/policyAssignments";
import { buildPlan } from "../plan/build";
import { armProblemsOf, schemas } from "./armSchema";
import { type Config, dev } from "./configCases";
import {
    clusterCreateErrors,
    dependsOnTransitively,
    fakeGrant,
    one,
    run,
    stackConfig,
    TYPES,
} from "./helpers";

const DES =
    "/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-keys-prod/providers/Microsoft.Compute/diskEncryptionSets/des-aks-prod";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const BASELINE =
    "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d";
const RESTRICTED =
    "/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00";

/** extraProperties no key covers: Istio, KEDA, and a pool's kernel setting. */
const MESH = {
    serviceMeshProfile: { mode: "Istio", istio: { revisions: ["asm-1-25"] } },
    workloadAutoScalerProfile: { keda: { enabled: true } },
};
const THP = { transparentHugePageEnabled: "madvise" };

/** Every autoscaler setting, as config writes it. */
const EVERY_SETTING = {
    "balance-similar-node-groups": false,
    "daemonset-eviction-for-empty-nodes": true,
    "daemonset-eviction-for-occupied-nodes": false,
    expander: "priority",
    "ignore-daemonsets-utilization": true,
    "max-empty-bulk-delete": 20,
    "max-graceful-termination-sec": 900,
    "max-node-provision-time": "20m",
    "max-total-unready-percentage": 60,
    "new-pod-scale-up-delay": "30s",
    "ok-total-unready-count": 5,
    "scale-down-delay-after-add": "15m",
    "scale-down-delay-after-delete": "1m",
    "scale-down-delay-after-failure": "5m",
    "scale-down-unneeded-time": "20m",
    "scale-down-unready-time": "30m",
    "scale-down-utilization-threshold": 0.65,
    "scan-interval": "30s",
    "skip-nodes-with-local-storage": false,
    "skip-nodes-with-system-pods": true,
};

/** dev with an autoscaled system pool, every autoscaler setting, restricted audit and routing. */
const variant = (): Config =>
    dev((c) => {
        const cl = c["aks-entra:cluster"];
        cl.systemPool = { ...cl.systemPool, count: 2, minCount: 2, maxCount: 4 };
        cl.autoscalerProfile = EVERY_SETTING;
        cl.podSecurity = { standard: "restricted" };
        cl.appRouting = true;
        cl.extraProperties = MESH;
        cl.systemPool.extraProperties = { enableFIPS: true };
        cl.userPools[0].extraProperties = { kubeletDiskType: "OS", linuxOSConfig: THP };
    });

const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
const assignment = (r: RunResult) =>
    one(r, TYPES.policyAssignment, "aks-entra-cluster-pod-security");
const desGrant = (r: RunResult) =>
    one(r, TYPES.roleAssignment, "aks-entra-identities-control-plane-disk-encryption-set");

describe("production parity: autoscaler profile, disk encryption set, pod security, app routing", function () {
    let prod: RunResult;
    let all: RunResult;
    let plain: RunResult;
    before(async function () {
        prod = await run({ config: stackConfig("prod") });
        all = await run({ config: variant() });
        plain = await run();
    });

    it("maps every autoscaler setting to azure-native's input, counts and flags as ARM's strings", function () {
        assert.deepEqual(cluster(prod).inputs.autoScalerProfile, {
            scanInterval: "20s",
            expander: "least-waste",
            balanceSimilarNodeGroups: "true",
            scaleDownUnneededTime: "5m",
            scaleDownDelayAfterAdd: "10m",
            skipNodesWithLocalStorage: "true",
        });
        assert.deepEqual(cluster(all).inputs.autoScalerProfile, {
            balanceSimilarNodeGroups: "false",
            daemonsetEvictionForEmptyNodes: true,
            daemonsetEvictionForOccupiedNodes: false,
            expander: "priority",
            ignoreDaemonsetsUtilization: true,
            maxEmptyBulkDelete: "20",
            maxGracefulTerminationSec: "900",
            maxNodeProvisionTime: "20m",
            maxTotalUnreadyPercentage: "60",
            newPodScaleUpDelay: "30s",
            okTotalUnreadyCount: "5",
            scaleDownDelayAfterAdd: "15m",
            scaleDownDelayAfterDelete: "1m",
            scaleDownDelayAfterFailure: "5m",
            scaleDownUnneededTime: "20m",
            scaleDownUnreadyTime: "30m",
            scaleDownUtilizationThreshold: "0.65",
            scanInterval: "30s",
            skipNodesWithLocalStorage: "false",
            skipNodesWithSystemPods: "true",
        });
        // Without the key nothing is sent: AKS keeps its defaults and an existing body is unchanged.
        assert.equal(cluster(plain).inputs.autoScalerProfile, undefined);
    });

    it("grants the control plane Reader on the disk encryption set before the cluster is created", function () {
        const c = cluster(prod);
        assert.equal(c.inputs.diskEncryptionSetID, DES);
        const g = desGrant(prod);
        assert.equal(String(g.inputs.roleDefinitionId).split("/").pop(), READER);
        assert.equal(READER, AKS_ROLES.reader);
        assert.equal(g.inputs.scope, DES);
        const controlPlane = one(prod, TYPES.identity, "aks-entra-identities-control-plane");
        assert.equal(g.inputs.principalId, controlPlane.state.principalId);
        assert.equal(g.inputs.principalType, "ServicePrincipal");
        assert.ok(dependsOnTransitively(prod, c, g), "the cluster waits for the Reader grant");
        // The propagation wait restarts when the grant is new.
        const wait = one(prod, TYPES.sleep, "aks-entra-identities-kubelet-operator-propagation");
        assert.equal(
            (wait.inputs.triggers as Record<string, unknown>)["disk-encryption-set"],
            g.id,
        );
        assert.equal(cluster(plain).inputs.diskEncryptionSetID, undefined);
        assert.ok(!plain.registrations.some((x) => x.name === desGrant(prod).name));
    });

    it("the fake AKS refuses a cluster with a disk encryption set whose Reader grant is missing or not yet honoured", function () {
        const cp =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp";
        const principal = fakeGuid(`${cp}#principal`);
        const grant = fakeGrant("des", READER, DES, principal);
        const missing = clusterCreateErrors(cp, [], 300, { diskEncryptionSetID: DES });
        assert.equal(missing.length, 1);
        assert.match(
            missing[0],
            /does not have permission to perform action 'Microsoft\.Compute\/diskEncryptionSets\/read' on the disk encryption set .*des-aks-prod \(no such grant when the cluster was created\)/,
        );
        assert.match(
            clusterCreateErrors(cp, [grant], 1, { diskEncryptionSetID: DES })[0],
            /diskEncryptionSets\/read.* yet \(granted at \d+ s, honoured from \d+ s; the cluster was created at 1 s\)$/,
        );
        assert.deepEqual(clusterCreateErrors(cp, [grant], 300, { diskEncryptionSetID: DES }), []);
    });

    it("refuses to add, change or remove the disk encryption set of an existing cluster, before anything is created", function () {
        const settings = (c: Config) => createOnlySettings(configFromPulumi(pulumiConfigMap(c)));
        const withSet = settings(stackConfig("prod"));
        assert.equal(withSet.diskEncryptionSetId, DES);
        const without = settings(structuredClone(stackConfig("prod")));
        delete (without as { diskEncryptionSetId?: unknown }).diskEncryptionSetId;
        const why =
            "OS disks are encrypted with customer-managed keys only when the cluster is created (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys, Limitations). Keep the value (rotate the key inside the set instead), or create a new stack with the new set and move the workloads";
        // An export from before the key existed: the cluster was made without a set.
        assert.deepEqual(createOnlyProblems(without, withSet), [
            `aks-entra:cluster.diskEncryptionSetId ${JSON.stringify(DES)} differs from (unset), which the cluster was created with: ${why}`,
        ]);
        assert.deepEqual(createOnlyProblems(withSet, { ...withSet, diskEncryptionSetId: null }), [
            `aks-entra:cluster.diskEncryptionSetId (unset) differs from ${JSON.stringify(DES)}, which the cluster was created with: ${why}`,
        ]);
        assert.deepEqual(createOnlyProblems(withSet, withSet), []);
    });

    it("assigns Microsoft's pod security initiative at the cluster, after it, with the effect", function () {
        const a = assignment(prod);
        assert.equal(a.inputs.policyDefinitionId, BASELINE);
        assert.deepEqual(a.inputs.parameters, { effect: { value: "deny" } });
        assert.equal(a.inputs.policyAssignmentName, "aks-entra-pod-security-baseline");
        assert.equal(a.inputs.scope, cluster(prod).id);
        assert.ok(a.dependencies.includes(cluster(prod).urn));
        assert.equal(a.inputs.location, undefined, "audit and deny need no managed identity");
        const r = assignment(all);
        assert.equal(r.inputs.policyDefinitionId, RESTRICTED);
        assert.deepEqual(r.inputs.parameters, { effect: { value: "audit" } });
        assert.ok(!plain.registrations.some((x) => x.type === TYPES.policyAssignment));
    });

    it("the fake Azure Policy refuses an initiative it does not have and an effect it does not allow", function () {
        const inputs = assignment(prod).inputs;
        assert.deepEqual(policyAssignmentProblems(inputs), []);
        assert.deepEqual(
            policyAssignmentProblems({ ...inputs, parameters: { effect: { value: "Enforce" } } }),
            [
                "InvalidPolicyParameters: The value 'Enforce' is not allowed for policy parameter 'effect'; allowed values: audit, deny, disabled",
            ],
        );
        assert.deepEqual(
            policyAssignmentProblems({ ...inputs, policyDefinitionId: `${BASELINE}0` }),
            [
                `PolicySetDefinitionNotFound: The policy set definition '${BASELINE}0' could not be found`,
            ],
        );
    });

    it("turns application routing on only when the key is written", function () {
        assert.deepEqual(cluster(all).inputs.ingressProfile, { webAppRouting: { enabled: true } });
        assert.equal(cluster(prod).inputs.ingressProfile, undefined);
    });

    it("merges extraProperties into the cluster and its pools, under the stack's own settings", function () {
        const c = cluster(all).inputs;
        assert.deepEqual(c.serviceMeshProfile, MESH.serviceMeshProfile);
        assert.deepEqual(c.workloadAutoScalerProfile, MESH.workloadAutoScalerProfile);
        const system = (c.agentPoolProfiles as Record<string, unknown>[])[0];
        assert.equal(system.enableFIPS, true);
        assert.equal(system.mode, "System");
        const pool = all.registrations.find((x) => x.type === TYPES.agentPool)!;
        assert.equal(pool.inputs.kubeletDiskType, "OS");
        assert.deepEqual(pool.inputs.linuxOSConfig, THP);
        assert.equal(pool.inputs.mode, "User");
        assert.equal(cluster(prod).inputs.serviceMeshProfile, undefined);
    });

    it("allows as extraProperties only names Microsoft's schema has for the resource", function () {
        const aks = schemas.find("Microsoft.ContainerService/managedClusters", "2025-09-01");
        if (aks === undefined) {
            this.test!.title += " (skipped: ../shared/armschemas is not here)";
            this.skip();
        }
        const names = (d: string) => Object.keys(aks.definitions[d].properties!);
        const cases = [
            ["cluster", "ManagedClusterProperties"],
            ["systemPool", "ManagedClusterAgentPoolProfile"],
            ["userPool", "ManagedClusterAgentPoolProfileProperties"],
        ] as const;
        for (const [target, definition] of cases) {
            const allowed = extraPropertyNames(target);
            assert.ok(allowed.length > 5, target);
            assert.deepEqual(
                allowed.filter((n) => !names(definition).includes(n)),
                [],
                `${target}: every name azure-native's types give is in ${definition}`,
            );
        }
        for (const n of ["serviceMeshProfile", "workloadAutoScalerProfile", "storageProfile"]) {
            assert.ok(extraPropertyNames("cluster").includes(n), n);
        }
        for (const n of ["aadProfile", "securityProfile", "networkProfile", "identity"]) {
            assert.ok(!extraPropertyNames("cluster").includes(n), n);
        }
    });

    it("sends ManagedCluster and policy assignment bodies that Microsoft's schemas accept", function () {
        const aks = schemas.find("Microsoft.ContainerService/managedClusters", "2025-09-01");
        if (aks === undefined) {
            this.test!.title += " (skipped: ../shared/armschemas is not here)";
            this.skip();
        }
        const pool = all.registrations.find((x) => x.type === TYPES.agentPool)!;
        for (const reg of [cluster(prod), cluster(all), assignment(prod), assignment(all), pool]) {
            assert.deepEqual(armProblemsOf(reg), [], `${reg.type} ${reg.name}`);
        }
        // Every setting the schema's autoScalerProfile has is a key, and no other.
        const schema = aks.definitions.ManagedClusterPropertiesAutoScalerProfile.properties!;
        assert.deepEqual(Object.keys(AUTOSCALER_SETTINGS).sort(), Object.keys(schema).sort());
        // The check can fail: a setting under azure-native's name unmapped, a wrong type.
        const bad = {
            ...cluster(prod).inputs,
            autoScalerProfile: { scanIntervall: "10s", expander: 3 },
        };
        assert.deepEqual(armProblemsOf({ ...cluster(prod), inputs: bad }), [
            "properties.autoScalerProfile.scanIntervall: not in the schema",
            "properties.autoScalerProfile.expander: not a string",
        ]);
    });

    it("shows each in the plan", function () {
        const config = configFromPulumi(pulumiConfigMap(stackConfig("prod")));
        const plan = buildPlan({
            project: "aks-entra",
            stack: "prod",
            registrations: prod.registrations,
            outputs: {},
            secretOutputs: [],
            deployer: resolveDeployer(config, prod.deployer),
            config,
        });
        const props = (type: string) => plan.resources.find((x) => x.type === type)!.properties;
        const c = props(TYPES.cluster);
        assert.equal(
            c.autoscalerProfile,
            "balance-similar-node-groups=true, expander=least-waste, scale-down-delay-after-add=10m, scale-down-unneeded-time=5m, scan-interval=20s, skip-nodes-with-local-storage=true",
        );
        assert.equal(
            c.diskEncryption,
            "OS and data disks with customer-managed keys, disk encryption set des-aks-prod",
        );
        assert.equal(c.appRouting, "disabled");
        const p = props(TYPES.policyAssignment);
        assert.equal(
            p.initiative,
            "Kubernetes pod security baseline standard (a8640138-9b0a-4a28-b8cb-1666c838647d)",
        );
        assert.equal(p.effect, "deny: violating pods are refused");
        const grant = plan.resources.find(
            (x: { name?: string; properties: Record<string, string> }) =>
                x.properties.scope?.includes("des-aks-prod") ?? false,
        );
        assert.equal(c.extraProperties, undefined, "no row without extra properties");
        const allConfig = configFromPulumi(pulumiConfigMap(variant()));
        const allPlan = buildPlan({
            project: "aks-entra",
            stack: "dev",
            registrations: all.registrations,
            outputs: {},
            secretOutputs: [],
            deployer: resolveDeployer(allConfig, all.deployer),
            config: allConfig,
        });
        const of = (type: string) => allPlan.resources.find((x) => x.type === type)!.properties;
        assert.equal(
            of(TYPES.cluster).extraProperties,
            'serviceMeshProfile: {"istio":{"revisions":["asm-1-25"]},"mode":"Istio"}; workloadAutoScalerProfile: {"keda":{"enabled":true}}',
        );
        assert.equal(of(TYPES.cluster)["systemPool extras"], "enableFIPS: true");
        assert.equal(
            of(TYPES.agentPool).extraProperties,
            'kubeletDiskType: "OS"; linuxOSConfig: {"transparentHugePageEnabled":"madvise"}',
        );
        assert.ok(grant, "the Reader grant on the disk encryption set is in the plan");
        assert.match(grant.properties.role, /Reader/);
    });
});
