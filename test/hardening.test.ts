// Secure by Microsoft's own measure (docs/azure-policy.md: Azure Policy built-ins): SSH off on every pool, the
// Azure Policy add-on, Image Cleaner, the audit trail, registry pull for the kubelet, and the
// opt-in hardening (Defender, encryption at host, KMS, maintenance windows). Role GUIDs and the
// order AKS checks at create are docs/azure-facts.md (roles table; failure modes 4 and 11).
import { strict as assert } from "node:assert";
import { configFromPulumi } from "../components/config";
import { createOnlyProblems, createOnlySettings } from "../components/createOnly";
import { StackNames } from "../components/naming";
import { userPoolAzureName } from "../components/nodePools";
import { LOG_CATEGORIES } from "../components/config/constants";
import { AKS_LOG_CATEGORIES, fakeGuid, maintenanceProblems } from "../offline/fakes";
import { pulumiConfigMap, type Registration, type RunResult } from "../offline/harness";
import { dev } from "./configCases";
import {
    byUrn,
    clusterCreateErrors,
    dependsOnTransitively,
    fakeGrant,
    ofType,
    one,
    refused,
    run,
    stackConfig,
    TYPES,
} from "./helpers";
import { DEV_FILE, plan, readPlan, workspace } from "./planRun";

const SUB = "11111111-2222-4333-8444-555555555555";
const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424";
const REGISTRY = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoplatform`;
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/log-central`;
const KV = `/subscriptions/${SUB}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-etcd-dev`;
const KEY_ID = "https://kv-etcd-dev.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef";
const names = new StackNames("aks-entra", "dev");

const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
const pools = (r: RunResult) => ofType(r, TYPES.agentPool);
const controlPlane = (r: RunResult) => one(r, TYPES.identity, "aks-entra-identities-control-plane");
const kubelet = (r: RunResult) => one(r, TYPES.identity, "aks-entra-identities-kubelet");
const roleGuid = (ra: Registration) => String(ra.inputs.roleDefinitionId).split("/").pop();
/** Every pool of the cluster: the inline system pool and each AgentPool, as AKS receives them. */
const allPools = (r: RunResult) => [
    ...(cluster(r).inputs.agentPoolProfiles as Record<string, unknown>[]),
    ...pools(r).map((p) => p.inputs),
];

describe("hardening on by default (Azure Policy built-ins 28257686, 0a15ec92, af3c26b2)", function () {
    let r: RunResult;
    before(async function () {
        r = await run();
    });

    it("disables SSH on every pool, the inline system pool and each AgentPool", function () {
        const all = allPools(r);
        assert.equal(all.length, 3);
        for (const p of all) {
            assert.deepEqual(p.securityProfile, { sshAccess: "Disabled" });
            assert.equal(p.enableEncryptionAtHost, undefined, "encryption at host is opt-in");
        }
    });

    it("installs the Azure Policy add-on and runs Image Cleaner weekly", function () {
        const c = cluster(r).inputs;
        const addons = c.addonProfiles as Record<string, unknown>;
        assert.deepEqual(addons.azurepolicy, { enabled: true });
        assert.deepEqual((c.securityProfile as Record<string, unknown>).imageCleaner, {
            enabled: true,
            intervalHours: 168,
        });
    });

    it("turns each off by its key, and the plan's --fail-on high then fails on it", async function () {
        const off = await run({
            config: dev((c) => {
                c["aks-entra:cluster"].nodeSsh = true;
                c["aks-entra:cluster"].azurePolicy = false;
                c["aks-entra:cluster"].imageCleaner = { enabled: false };
            }),
        });
        for (const p of allPools(off)) {
            assert.deepEqual(p.securityProfile, { sshAccess: "LocalUser" });
        }
        const c = cluster(off).inputs;
        assert.deepEqual((c.addonProfiles as Record<string, unknown>).azurepolicy, {
            enabled: false,
        });
        assert.deepEqual((c.securityProfile as Record<string, unknown>).imageCleaner, {
            enabled: false,
        });
    });
});

describe("the audit trail (aks-entra:auditLogs; built-in 245fc9df)", function () {
    let r: RunResult;
    before(async function () {
        r = await run();
    });

    it("sends kube-audit-admin and guard from the cluster to a workspace of the stack, in resource-specific tables", function () {
        const [setting] = ofType(r, TYPES.diagnosticSetting);
        const [ws] = ofType(r, TYPES.workspace);
        assert.deepEqual(setting.inputs, {
            name: "aks-entra-audit",
            resourceUri: cluster(r).id,
            workspaceId: ws.id,
            logAnalyticsDestinationType: "Dedicated",
            logs: [
                { category: "kube-audit-admin", enabled: true },
                { category: "guard", enabled: true },
            ],
        });
        assert.equal(
            setting.id,
            `${cluster(r).id}/providers/Microsoft.Insights/diagnosticSettings/aks-entra-audit`,
        );
        // Deleted on its own, before the cluster (it depends on it): Azure Monitor keeps the
        // settings of a deleted resource (docs/azure-facts.md failure mode 27).
        assert.equal(setting.deletedWith, "");
        assert.ok(setting.dependencies.includes(cluster(r).urn));
    });

    it("creates the workspace in the stack's resource group: 30 days, Entra-only access", function () {
        const [ws] = ofType(r, TYPES.workspace);
        assert.equal(
            ws.id,
            `/subscriptions/${r.deployer.subscriptionId}/resourceGroups/${names.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${names.logWorkspace}`,
        );
        assert.equal(ws.inputs.retentionInDays, 30);
        assert.deepEqual(ws.inputs.sku, { name: "PerGB2018" });
        assert.deepEqual(ws.inputs.features, { disableLocalAuth: true });
        // Made beside the identities, not after the cluster: it never lengthens the first up.
        assert.ok(!dependsOnTransitively(r, ws, cluster(r)));
    });

    it("offers exactly the categories the fake Azure Monitor accepts (each list written on its own)", function () {
        // The fakes restate AKS's categories rather than import the stack's, so a wrong category in
        // config is refused by "Azure" too; this keeps the two lists from drifting apart.
        assert.deepEqual([...LOG_CATEGORIES].sort(), [...AKS_LOG_CATEGORIES].sort());
    });

    it("uses your workspace when given, and creates none", async function () {
        const mine = await run({
            config: dev((c) => {
                c["aks-entra:auditLogs"] = { workspaceId: WORKSPACE };
            }),
        });
        assert.deepEqual(ofType(mine, TYPES.workspace), []);
        const [setting] = ofType(mine, TYPES.diagnosticSetting);
        assert.equal(setting.inputs.workspaceId, WORKSPACE);
        assert.equal(setting.inputs.resourceUri, cluster(mine).id);
    });

    it("creates no setting when turned off, and no workspace unless Container Insights uses it", async function () {
        const off = await run({
            config: dev((c) => {
                c["aks-entra:auditLogs"] = { enabled: false };
                c["aks-entra:cluster"].monitoring = { containerInsights: false };
            }),
        });
        assert.deepEqual(ofType(off, TYPES.diagnosticSetting), []);
        assert.deepEqual(ofType(off, TYPES.workspace), []);
        // Container Insights (on by default) keeps the stack's workspace (docs/monitoring.md).
        const insights = await run({
            config: dev((c) => (c["aks-entra:auditLogs"] = { enabled: false })),
        });
        assert.deepEqual(ofType(insights, TYPES.diagnosticSetting), []);
        assert.deepEqual(
            ofType(insights, TYPES.workspace).map((w) => w.name),
            ["aks-entra-audit-workspace"],
        );
    });

    it("the fake Azure Monitor refuses a second setting that sends a category to the same sink", async function () {
        const clusterId = cluster(r).id;
        const e = await refused({
            config: dev((c) => (c["aks-entra:auditLogs"] = { workspaceId: WORKSPACE })),
            outside: [
                {
                    type: TYPES.diagnosticSetting,
                    id: "portal-made",
                    inputs: {
                        name: "portal-made",
                        resourceUri: clusterId,
                        workspaceId: WORKSPACE,
                        logs: [{ category: "guard", enabled: true }],
                    },
                },
            ],
        });
        assert.match(
            e.message,
            /DiagnosticSetting aks-entra-audit-setting: BadRequest: Conflict: data sink '.*log-central' is already used in diagnostic setting 'portal-made' for category 'guard'/,
        );
    });
});

describe("registry pull: AcrPull for the kubelet identity (cluster.containerRegistries)", function () {
    let r: RunResult;
    before(async function () {
        r = await run();
    });

    it("grants AcrPull on each registry to the kubelet identity, as a ServicePrincipal", function () {
        const grants = ofType(r, TYPES.roleAssignment).filter((g) => roleGuid(g) === ACR_PULL);
        assert.equal(grants.length, 1);
        const [g] = grants;
        assert.equal(g.inputs.scope, REGISTRY);
        assert.equal(
            g.inputs.roleDefinitionId,
            `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL}`,
        );
        assert.equal(g.inputs.principalId, kubelet(r).state.principalId);
        assert.equal(g.inputs.principalType, "ServicePrincipal");
        // Not a prerequisite of the cluster: it does not lengthen the first up.
        assert.ok(!dependsOnTransitively(r, cluster(r), g));
    });

    it("shows the grant in the plan's access matrix, on the kubelet identity", async function () {
        const ws = workspace("acr");
        try {
            const done = await plan("--json", ws.out("dev.json"));
            assert.equal(done.code, 0, done.stderr);
            const p = readPlan(ws.out("dev.json"));
            const acr = p.grants.filter((g) => g.roleKey === `azure:${ACR_PULL}`);
            assert.equal(acr.length, 1);
            assert.equal(acr[0].principal, "kubelet");
            const scope = p.scopes.find((s) => s.key === acr[0].scope);
            assert.ok(scope, acr[0].scope);
            assert.match(JSON.stringify(scope), /contosoplatform/);
        } finally {
            ws.remove();
        }
    });
});

describe("opt-in hardening", function () {
    it("Defender reports to the audit workspace, which the cluster then waits for", async function () {
        const r = await run({ config: dev((c) => (c["aks-entra:cluster"].defender = {})) });
        const [ws] = ofType(r, TYPES.workspace);
        const security = cluster(r).inputs.securityProfile as Record<string, unknown>;
        assert.deepEqual(security.defender, {
            logAnalyticsWorkspaceResourceId: ws.id,
            securityMonitoring: { enabled: true },
        });
        assert.ok(cluster(r).dependencies.includes(ws.urn));
    });

    it("Defender with its own workspace", async function () {
        const r = await run({
            config: dev((c) => (c["aks-entra:cluster"].defender = { workspaceId: WORKSPACE })),
        });
        const security = cluster(r).inputs.securityProfile as Record<string, unknown>;
        assert.deepEqual(security.defender, {
            logAnalyticsWorkspaceResourceId: WORKSPACE,
            securityMonitoring: { enabled: true },
        });
    });

    it("encryption at host on every pool; user pools get new names, so existing ones are replaced, not refused", async function () {
        const r = await run({
            config: dev((c) => (c["aks-entra:cluster"].encryptionAtHost = true)),
        });
        for (const p of allPools(r)) assert.equal(p.enableEncryptionAtHost, true);
        const cfg = stackConfig("dev") as Record<string, { userPools: { name: string }[] }>;
        const before = run();
        const names0 = pools(await before).map((p) => p.inputs.agentPoolName);
        const names1 = pools(r).map((p) => p.inputs.agentPoolName);
        assert.equal(names0.length, cfg["aks-entra:cluster"].userPools.length);
        names0.forEach((n, i) => assert.notEqual(n, names1[i]));
        // Off, the hash is the one pools had before the key existed: nothing is renamed.
        const apps = {
            name: "apps",
            vmSize: "Standard_D8ds_v5",
            count: 3,
            zones: ["1", "2", "3"],
            osSku: "AzureLinux" as const,
            labels: {},
            taints: [],
            spot: false,
        };
        assert.equal(userPoolAzureName(apps), userPoolAzureName(apps, false));
        assert.notEqual(userPoolAzureName(apps), userPoolAzureName(apps, true));
    });

    it("encryption at host cannot be turned on for an existing cluster: refused in config, with the procedure", async function () {
        const r = await run();
        const config = configFromPulumi(pulumiConfigMap(stackConfig("dev")));
        const on = createOnlySettings({
            ...config,
            cluster: { ...config.cluster, encryptionAtHost: true },
        });
        assert.deepEqual(createOnlyProblems(r.outputs.createOnlySettings, on), [
            "aks-entra:cluster.encryptionAtHost true differs from false, which the cluster was created with: a pool gets encryption at host only when it is created (learn.microsoft.com/azure/aks/enable-host-encryption), and the system pool is part of the cluster resource. Keep the value, or create a new stack with it and move the workloads",
        ]);
        // An export from before the key existed: that cluster was made without it.
        const old = { ...(r.outputs.createOnlySettings as Record<string, unknown>) };
        delete old.encryptionAtHost;
        assert.equal(createOnlyProblems(old, on).length, 1);
        assert.deepEqual(createOnlyProblems(old, createOnlySettings(config)), []);
    });

    describe("KMS etcd encryption with your key", function () {
        const kms = dev((c) => (c["aks-entra:cluster"].kms = { keyVaultId: KV, keyId: KEY_ID }));

        it("grants the control plane Key Vault Crypto User on the key, before the cluster and its wait", async function () {
            const r = await run({ config: kms });
            const grant = one(
                r,
                TYPES.roleAssignment,
                "aks-entra-identities-control-plane-kms-key",
            );
            assert.equal(grant.inputs.scope, `${KV}/keys/etcd`);
            assert.equal(roleGuid(grant), KEY_VAULT_CRYPTO_USER);
            assert.equal(grant.inputs.principalId, controlPlane(r).state.principalId);
            assert.equal(grant.inputs.principalType, "ServicePrincipal");
            assert.ok(cluster(r).dependencies.includes(grant.urn));
            const wait = one(r, TYPES.sleep, "aks-entra-identities-kubelet-operator-propagation");
            assert.equal((wait.inputs.triggers as Record<string, unknown>)["kms-key"], grant.id);
            const security = cluster(r).inputs.securityProfile as Record<string, unknown>;
            assert.deepEqual(security.azureKeyVaultKms, {
                enabled: true,
                keyId: KEY_ID,
                keyVaultNetworkAccess: "Public",
            });
            assert.ok(grant.span.end <= cluster(r).span.start);
        });

        // A private vault, reached through API Server VNet Integration: apiServerVnet.test.ts.

        it("the fake AKS refuses a KMS cluster unless the grant on the key or its vault is honoured", function () {
            const cp = `${KV.split("/providers/")[0]}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp`;
            const principal = fakeGuid(`${cp}#principal`);
            const grant = (name: string, scope: string) =>
                fakeGrant(name, KEY_VAULT_CRYPTO_USER, scope, principal);
            const attempt = (grants: ReturnType<typeof grant>[], clusterAt: number) =>
                clusterCreateErrors(cp, grants, clusterAt, {
                    securityProfile: { azureKeyVaultKms: { enabled: true, keyId: KEY_ID } },
                });
            const denied =
                /KMSKeyVaultAccessDenied: the control-plane identity [0-9a-f-]{36} cannot use the KMS key .*: it holds no Key Vault Crypto User on the key or its vault/;
            const [none] = attempt([], 0);
            assert.match(none, denied);
            assert.match(none, /\(no such grant when the cluster was created\)$/);
            // Granted, but not yet honoured: the reason the cluster waits.
            assert.match(
                attempt([grant("key", `${KV}/keys/etcd`)], 10)[0],
                /yet \(granted at 8 s, honoured from 68 s/,
            );
            // Another key of the vault, or a vault whose name only starts alike: still refused.
            assert.match(attempt([grant("other", `${KV}/keys/other`)], 100)[0], denied);
            assert.match(attempt([grant("alike", `${KV}2`)], 100)[0], denied);
            // On the key, or on its vault: accepted once honoured.
            assert.deepEqual(attempt([grant("key", `${KV}/keys/etcd`)], 100), []);
            assert.deepEqual(attempt([grant("vault", KV)], 100), []);
        });
    });

    describe("maintenance windows (built-in e1352e44)", function () {
        it("one MaintenanceConfiguration per upgrade kind, under AKS's fixed names, deleted with the cluster", async function () {
            const r = await run();
            const windows = ofType(r, TYPES.maintenance);
            assert.deepEqual(
                windows.map((w) => [w.inputs.configName, w.inputs.maintenanceWindow]),
                [
                    [
                        "aksManagedAutoUpgradeSchedule",
                        {
                            schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
                            durationHours: 4,
                            startTime: "01:00",
                            utcOffset: "+01:00",
                        },
                    ],
                    [
                        "aksManagedNodeOSUpgradeSchedule",
                        {
                            schedule: { weekly: { dayOfWeek: "Saturday", intervalWeeks: 1 } },
                            durationHours: 4,
                            startTime: "01:00",
                            utcOffset: "+01:00",
                        },
                    ],
                ],
            );
            for (const w of windows) {
                assert.equal(w.inputs.resourceName, names.cluster);
                assert.equal(w.deletedWith, cluster(r).urn);
                assert.equal(
                    w.id,
                    `${cluster(r).id}/maintenanceConfigurations/${String(w.inputs.configName)}`,
                );
                assert.equal(byUrn(r, w.parent).type, "aks-entra:cluster:AksCluster");
            }
        });

        it("the fake AKS refuses what config refuses first: a short window, another name", function () {
            assert.deepEqual(
                maintenanceProblems({
                    configName: "nightly",
                    maintenanceWindow: { durationHours: 2, startTime: "1:00" },
                }),
                [
                    "maintenance configuration name nightly is not default, aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule",
                    "maintenanceWindow.durationHours 2 is outside 4-24",
                    "maintenanceWindow.startTime 1:00 is not HH:mm",
                ],
            );
        });
    });
});

describe("the plan reports each default turned off", function () {
    const ws = workspace("hardening-off");
    after(() => ws.remove());

    it("SSH, add-on, Image Cleaner and the audit trail, folded with the guardrails that refuse them", async function () {
        const file = ws.dev("off.yaml", (c) => {
            c["aks-entra:cluster"].nodeSsh = true;
            c["aks-entra:cluster"].azurePolicy = false;
            c["aks-entra:cluster"].imageCleaner = { enabled: false };
            c["aks-entra:auditLogs"] = { enabled: false };
        });
        const done = await plan("--config", file, "--stack", "dev", "--json", ws.out("off.json"));
        assert.equal(done.code, 0, done.stderr);
        const p = readPlan(ws.out("off.json"));
        const codes = p.findings.map((f) => [f.severity, f.code]);
        for (const expected of [
            ["high", "node-ssh-enabled"],
            // Raised to high: the mandatory guardrail that refuses it agrees.
            ["high", "azure-policy-addon-off"],
            ["high", "image-cleaner-off"],
            ["high", "audit-logs-off"],
        ]) {
            assert.ok(
                codes.some((c) => c[0] === expected[0] && c[1] === expected[1]),
                JSON.stringify(expected),
            );
        }
        const ssh = p.findings.find((f) => f.code === "node-ssh-enabled")!;
        assert.match(
            ssh.message,
            /^SSH to nodes is on in pools system, apps[0-9a-f]{4}, batch[0-9a-f]{4}:/,
        );
        assert.match(ssh.message, /guardrail aks-ssh-disabled agrees; a mandatory rule/);
        // The AgentPools' violations fold into the same finding: no separate policy findings.
        assert.deepEqual(
            p.findings.filter((f) => f.code === "policy:aks-ssh-disabled"),
            [],
        );
        assert.match(
            p.findings.find((f) => f.code === "audit-logs-off")!.message,
            /guardrail stack-cluster-audit-logs agrees/,
        );
        // The dev stack itself has none of them.
        const devDone = await plan("--config", DEV_FILE, "--json", ws.out("dev.json"));
        assert.equal(devDone.code, 0, devDone.stderr);
        const devCodes = readPlan(ws.out("dev.json")).findings.map((f) => f.code);
        for (const code of [
            "node-ssh-enabled",
            "azure-policy-addon-off",
            "image-cleaner-off",
            "audit-logs-off",
        ]) {
            assert.ok(!devCodes.includes(code), code);
        }
    });
});
