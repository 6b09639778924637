// API Server VNet Integration (cluster.network.apiServerSubnetId) and KMS with a private key vault,
// which AKS reaches only through it: the cluster's inputs, the control plane's grants and their
// order, the plan, the create-only rules, and fakes that refuse what Azure refuses
// (docs/azure-facts.md, failure mode 18 and the roles table).
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { configFromPulumi } from "../components/config";
import { createOnlyProblems, createOnlySettings } from "../components/createOnly";
import { resolveDeployer } from "../components/deployer";
import { AzureFakes, fakeGuid, managedClusterProblems, updateProblems } from "../offline/fakes";
import { pulumiConfigMap, type Registration, type RunResult } from "../offline/harness";
import { buildPlan } from "../plan/build";
import { immutableChanges, immutableFacts } from "../plan/immutable";
import { type Config, dev } from "./configCases";
import { armBody, schemaProblems } from "./armSchema";
import type { Schema } from "../plan/armSchemas";
import { fakeGrant, one, ROOT, run, TYPES } from "./helpers";

const SUB = "11111111-2222-4333-8444-555555555555";
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-network-dev/providers/Microsoft.Network/virtualNetworks/vnet-spoke-dev`;
const NODES = `${VNET}/subnets/aks`;
const API_SUBNET = `${VNET}/subnets/aks-apiserver`;
const KV = `/subscriptions/${SUB}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-etcd-dev`;
const KEY_ID = "https://kv-etcd-dev.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef";
// docs/azure-facts.md, roles table.
const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const KEY_VAULT_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395";
const KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424";

/** dev with API Server VNet Integration and, unless `kms` is false, KMS with a private vault. */
const integrated = (edit: (c: Config) => void = () => {}, kms = true) =>
    dev((c) => {
        c["aks-entra:cluster"].network.apiServerSubnetId = API_SUBNET;
        if (kms) {
            c["aks-entra:cluster"].kms = { keyVaultId: KV, keyId: KEY_ID, network: "private" };
        }
        edit(c);
    });

const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
const grant = (r: RunResult, key: string) =>
    one(r, TYPES.roleAssignment, `aks-entra-identities-control-plane-${key}`);
const roleGuid = (ra: Registration) => String(ra.inputs.roleDefinitionId).split("/").pop();
const api = (r: RunResult) => cluster(r).inputs.apiServerAccessProfile as Record<string, unknown>;

describe("API Server VNet Integration and KMS with a private key vault", function () {
    let r: RunResult;
    let privateApi: RunResult;
    /** Pulumi.dev.yaml as it is: no integration, no KMS. */
    let plain: RunResult;
    before(async function () {
        r = await run({ config: integrated() });
        plain = await run();
        privateApi = await run({
            config: integrated((c) => {
                c["aks-entra:cluster"].privateCluster = true;
                delete c["aks-entra:cluster"].authorizedIpRanges;
            }),
        });
    });

    it("puts the API server in its subnet, on a public API server and on a private one", function () {
        assert.deepEqual(api(r), {
            enablePrivateCluster: false,
            authorizedIPRanges: ["203.0.113.0/24", "198.51.100.17/32"],
            disableRunCommand: true,
            enableVnetIntegration: true,
            subnetId: API_SUBNET,
        });
        assert.deepEqual(api(privateApi), {
            enablePrivateCluster: true,
            privateDNSZone: "system",
            disableRunCommand: true,
            enableVnetIntegration: true,
            subnetId: API_SUBNET,
        });
        // The nodes stay in theirs.
        const pools = cluster(r).inputs.agentPoolProfiles as Record<string, unknown>[];
        assert.equal(pools[0].vnetSubnetID, NODES);
    });

    it("names the private vault to AKS", function () {
        const security = cluster(r).inputs.securityProfile as Record<string, unknown>;
        assert.deepEqual(security.azureKeyVaultKms, {
            enabled: true,
            keyId: KEY_ID,
            keyVaultNetworkAccess: "Private",
            keyVaultResourceId: KV,
        });
    });

    it("grants the control plane Network Contributor on the API server subnet and Key Vault Contributor on the vault, before the cluster and its wait", function () {
        const principal = one(r, TYPES.identity, "aks-entra-identities-control-plane").state
            .principalId;
        const wait = one(r, TYPES.sleep, "aks-entra-identities-kubelet-operator-propagation");
        const triggers = wait.inputs.triggers as Record<string, unknown>;
        for (const [key, scope, role] of [
            ["subnet", NODES, NETWORK_CONTRIBUTOR],
            ["api-server-subnet", API_SUBNET, NETWORK_CONTRIBUTOR],
            ["kms-key", `${KV}/keys/etcd`, KEY_VAULT_CRYPTO_USER],
            ["kms-vault", KV, KEY_VAULT_CONTRIBUTOR],
        ]) {
            const g = grant(r, key);
            assert.equal(g.inputs.scope, scope, key);
            assert.equal(roleGuid(g), role, key);
            assert.equal(
                g.inputs.roleDefinitionId,
                `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            );
            assert.equal(g.inputs.principalId, principal, key);
            assert.equal(g.inputs.principalType, "ServicePrincipal", key);
            assert.ok(cluster(r).dependencies.includes(g.urn), key);
            assert.ok(g.span.end <= cluster(r).span.start, key);
            assert.equal(triggers[key], g.id, key);
        }
        assert.ok(wait.span.end <= cluster(r).span.start);
        assert.ok(cluster(r).dependencies.includes(wait.urn));
    });

    it("without a private vault grants nothing on a vault; without the key, nothing on an API server subnet", async function () {
        const publicVault = await run({
            config: integrated((c) => (c["aks-entra:cluster"].kms.network = "public")),
        });
        assert.ok(grant(publicVault, "api-server-subnet"));
        const names = (x: RunResult) =>
            x.registrations.filter((g) => g.type === TYPES.roleAssignment).map((g) => g.name);
        assert.ok(!names(publicVault).includes("aks-entra-identities-control-plane-kms-vault"));
        assert.ok(
            !names(plain).some((n) => /control-plane-(api-server-subnet|kms-vault)$/.test(n)),
        );
        assert.deepEqual(
            Object.keys(api(plain)).filter((k) => /vnet|subnet/i.test(k)),
            [],
            "a cluster without the key keeps its body",
        );
    });

    it("the plan shows the integration and the private vault", function () {
        const config = configFromPulumi(pulumiConfigMap(integrated()));
        const plan = buildPlan({
            project: "aks-entra",
            stack: "dev",
            registrations: r.registrations,
            outputs: {},
            secretOutputs: [],
            deployer: resolveDeployer(config, r.deployer),
            config,
        });
        const props = plan.resources.find((x) => x.type === TYPES.cluster)!.properties;
        assert.match(
            props.apiServer,
            /, VNet integration in subnet vnet-spoke-dev\/subnets\/aks-apiserver$/,
        );
        assert.equal(props.kms, `etcd encrypted with ${KEY_ID}, private vault kv-etcd-dev`);
    });

    it("sends ARM ManagedCluster bodies that the schema of its API version (2025-09-01) accepts", function () {
        // Microsoft's schemas sit in ../shared beside the checkout (as CI lays them); a clone
        // elsewhere skips, saying so, as the built-ins' provenance check does.
        const file = path.join(
            ROOT,
            "..",
            "shared",
            "armschemas",
            "2025-09-01",
            "Microsoft.ContainerService.Aks.json",
        );
        if (!existsSync(file)) {
            this.test!.title += ` (skipped: ${file} is not here)`;
            this.skip();
        }
        const schema = JSON.parse(readFileSync(file, "utf8")) as {
            definitions: Record<string, Schema>;
            resourceDefinitions: Record<string, Schema>;
        };
        const problems = (body: unknown) =>
            schemaProblems(body, schema.resourceDefinitions.managedClusters, schema.definitions);
        for (const x of [plain, r, privateApi]) {
            assert.deepEqual(problems(armBody(cluster(x))), [], cluster(x).name);
        }
        // The check can fail: a property the API version does not know, a wrong type.
        const bad = armBody({
            ...cluster(r),
            inputs: {
                ...cluster(r).inputs,
                apiServerAccessProfile: { enableVnetIntegration: "yes", subnetIds: [API_SUBNET] },
            },
        });
        assert.deepEqual(problems(bad), [
            "properties.apiServerAccessProfile.enableVnetIntegration: not a boolean",
            "properties.apiServerAccessProfile.subnetIds: not in the schema",
        ]);
    });

    describe("the fake AKS refuses what Azure refuses", function () {
        const body = (over: Record<string, unknown> = {}) => ({
            ...cluster(r).inputs,
            ...over,
        });

        it("KMS with a private vault without VNet integration: the stack's old body", function () {
            const { apiServerAccessProfile: a } = cluster(r).inputs as {
                apiServerAccessProfile: Record<string, unknown>;
            };
            const old = body({
                apiServerAccessProfile: {
                    enablePrivateCluster: a.enablePrivateCluster,
                    authorizedIPRanges: a.authorizedIPRanges,
                    disableRunCommand: a.disableRunCommand,
                },
            });
            assert.deepEqual(managedClusterProblems(old), [
                "a KMS key vault with keyVaultNetworkAccess Private needs API Server VNet Integration (apiServerAccessProfile.enableVnetIntegration): Konnectivity is not offered for private key vaults",
            ]);
            assert.deepEqual(managedClusterProblems(body()), []);
        });

        it("an API server subnet that is missing, the nodes' own, or in another VNet", function () {
            const with_ = (extra: Record<string, unknown>) =>
                managedClusterProblems(body({ apiServerAccessProfile: { ...api(r), ...extra } }));
            assert.deepEqual(with_({ subnetId: undefined }), [
                "apiServerAccessProfile.subnetId is required for API Server VNet Integration when the nodes are in your own VNet (vnetSubnetID)",
            ]);
            assert.deepEqual(with_({ subnetId: NODES }), [
                `apiServerAccessProfile.subnetId ${NODES} is also a node subnet; the API server subnet is delegated to Microsoft.ContainerService/managedClusters and used by nothing else`,
            ]);
            const other = API_SUBNET.replace("vnet-spoke-dev", "vnet-hub");
            assert.deepEqual(with_({ subnetId: other }), [
                `apiServerAccessProfile.subnetId ${other} is not in the nodes' VNet ${VNET.toLowerCase()}`,
            ]);
        });

        it("a cluster whose control plane lacks, or has not yet been honoured, the grant on the API server subnet or the private vault", function () {
            const inputs = cluster(r).inputs;
            const cp = (inputs.identity as { userAssignedIdentities: string[] })
                .userAssignedIdentities[0];
            const principal = fakeGuid(`${cp}#principal`);
            const assignment = (name: string, scope: string, role: string) =>
                fakeGrant(name, role, scope, principal, SUB);
            const kubelet = (inputs.identityProfile as { kubeletidentity: { resourceId: string } })
                .kubeletidentity.resourceId;
            const always = [
                assignment("op", kubelet, "f1a07417-d97a-45cb-824c-7a7467783830"),
                assignment("key", `${KV}/keys/etcd`, KEY_VAULT_CRYPTO_USER),
                // The nodes join their subnet as the control plane (offline/fakes.ts).
                assignment("nodes", NODES, NETWORK_CONTRIBUTOR),
            ];
            /** Creates the grants (`late` ones 10 s before the cluster), then the cluster. */
            const attempt = (
                grants: ReturnType<typeof assignment>[],
                clusterAt: number,
                late: string[] = [],
            ) => {
                const fakes = new AzureFakes();
                for (const name of late) {
                    fakes.startOf.set(`${TYPES.roleAssignment}|${name}`, clusterAt - 10);
                }
                for (const g of [...always, ...grants]) fakes.newResource(g);
                fakes.startOf.set(`${TYPES.cluster}|c`, clusterAt);
                fakes.newResource({ type: TYPES.cluster, name: "c", custom: true, inputs });
                return fakes.errors;
            };
            const subnet = assignment("api", API_SUBNET, NETWORK_CONTRIBUTOR);
            const vault = assignment("vault", KV, KEY_VAULT_CONTRIBUTOR);
            assert.deepEqual(attempt([subnet, vault], 100), []);
            const [noSubnet] = attempt([vault], 100);
            assert.equal(
                noSubnet,
                `${TYPES.cluster} c: LinkedAuthorizationFailed: the control-plane identity ${principal} has no Network Contributor on the API server subnet ${API_SUBNET} (no such grant when the cluster was created)`,
            );
            // The nodes' subnet, or a Reader role on the API server's: still refused.
            assert.match(
                attempt([vault, assignment("n", NODES, NETWORK_CONTRIBUTOR)], 100)[0],
                / c: LinkedAuthorizationFailed:/,
            );
            assert.match(
                attempt([vault, assignment("rd", API_SUBNET, KEY_VAULT_CONTRIBUTOR)], 100)[0],
                / c: LinkedAuthorizationFailed:/,
            );
            // The VNet above the subnet counts.
            assert.deepEqual(attempt([vault, assignment("v", VNET, NETWORK_CONTRIBUTOR)], 100), []);
            const [noVault] = attempt([subnet], 100);
            assert.equal(
                noVault,
                `${TYPES.cluster} c: KMSKeyVaultAccessDenied: the control-plane identity ${principal} cannot link the private key vault ${KV}: it holds no Key Vault Contributor on the vault (no such grant when the cluster was created)`,
            );
            assert.match(
                attempt([subnet, vault], 100, ["api"])[0],
                /no Network Contributor on the API server subnet .* yet \(granted at 9\d s, honoured from 1\d\d s; the cluster was created at 100 s\)$/,
            );
        });

        it("an update that turns the integration off or moves it; going private in place is allowed with it", function () {
            const before = cluster(r).inputs;
            const withApi = (extra: Record<string, unknown>) => ({
                ...before,
                apiServerAccessProfile: { ...api(r), ...extra },
            });
            assert.deepEqual(
                updateProblems(
                    TYPES.cluster,
                    before,
                    withApi({ enableVnetIntegration: false, subnetId: undefined }),
                ),
                [
                    "API Server VNet Integration cannot be disabled once enabled (apiServerAccessProfile.enableVnetIntegration true -> false)",
                ],
            );
            const other = `${VNET}/subnets/aks-apiserver-2`;
            assert.deepEqual(updateProblems(TYPES.cluster, before, withApi({ subnetId: other })), [
                `Changing property 'apiServerAccessProfile.subnetId' is not allowed ("${API_SUBNET}" -> "${other}"); the API server stays in the subnet it was integrated with`,
            ]);
            assert.deepEqual(
                updateProblems(
                    TYPES.cluster,
                    before,
                    withApi({ enablePrivateCluster: true, authorizedIPRanges: undefined }),
                ),
                [],
            );
            // Turning it on for an existing cluster is an update AKS makes.
            const { apiServerAccessProfile: a } = before as {
                apiServerAccessProfile: Record<string, unknown>;
            };
            const off = {
                ...before,
                apiServerAccessProfile: {
                    enablePrivateCluster: a.enablePrivateCluster,
                    authorizedIPRanges: a.authorizedIPRanges,
                    disableRunCommand: true,
                },
            };
            assert.deepEqual(updateProblems(TYPES.cluster, off, before), []);
        });
    });

    describe("refused before anything is created when the integration would be turned off or moved", function () {
        const settings = (c: Config) => createOnlySettings(configFromPulumi(pulumiConfigMap(c)));

        it("createOnlySettings: on is allowed, off or another subnet is not", function () {
            const on = settings(integrated(undefined, false));
            const off = settings(dev(() => {}));
            assert.equal(on.network?.apiServerSubnetId, API_SUBNET);
            assert.deepEqual(createOnlyProblems(off, on), []);
            const why =
                "API Server VNet Integration can be turned on for an existing cluster, but never off nor moved to another subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration). Keep the value, or create a new stack and move the workloads (docs/node-pools-and-networking.md: Networking)";
            assert.deepEqual(createOnlyProblems(on, off), [
                `aks-entra:cluster.network.apiServerSubnetId (unset) differs from "${API_SUBNET}", which the cluster was created with: ${why}`,
            ]);
            const other = `${VNET}/subnets/aks-apiserver-2`;
            const moved = settings(
                integrated(
                    (c) => (c["aks-entra:cluster"].network.apiServerSubnetId = other),
                    false,
                ),
            );
            assert.deepEqual(createOnlyProblems(on, moved), [
                `aks-entra:cluster.network.apiServerSubnetId "${other}" differs from "${API_SUBNET}", which the cluster was created with: ${why}`,
            ]);
            // An export from before the key existed.
            const old = structuredClone(on) as { network: Record<string, unknown> };
            delete old.network.apiServerSubnetId;
            assert.deepEqual(createOnlyProblems(old, on), []);
        });

        it("the plan's --diff reports turning it off or moving it as refused, and turning it on as nothing", function () {
            const facts = (x: RunResult) => immutableFacts(cluster(x))!;
            assert.equal(facts(plain)["apiServer vnetIntegration subnet"], "off");
            assert.equal(facts(r)["apiServer vnetIntegration subnet"], API_SUBNET);
            const urn = cluster(r).urn;
            assert.deepEqual(immutableChanges(urn, TYPES.cluster, facts(plain), facts(r)), []);
            const why =
                "API Server VNet Integration can be turned on for an existing cluster but never off, nor moved to another subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration); create a new cluster";
            const moved = `${VNET}/subnets/aks-apiserver-2`;
            const change = (before: Record<string, string>, after: Record<string, string>) =>
                immutableChanges(urn, TYPES.cluster, before, after).map((c) => ({ ...c }));
            for (const [after, shown] of [
                [facts(plain), "off"],
                [{ ...facts(r), "apiServer vnetIntegration subnet": moved }, moved],
            ] as const) {
                assert.deepEqual(change(facts(r), after), [
                    {
                        kind: "refused",
                        urn,
                        type: TYPES.cluster,
                        fact: "apiServer vnetIntegration subnet",
                        before: API_SUBNET,
                        after: shown,
                        why,
                    },
                ]);
            }
        });
    });
});
