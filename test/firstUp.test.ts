// A first `pulumi up` on real Azure: only the ordering Azure forces, the deployer's type from the
// login, and fakes that fail like Azure at create time. For each ordering the design relies on, a
// test removes it (from what the engine waits for) and shows Azure's answer (docs/azure-facts.md,
// failure modes 4, 7, 11 and 12).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { AKS_ROLES, AZURE_CLI_APP_ID, parseConfig, resolveDeployer } from "../components";
import { DEFAULT_DEPLOYER, type FakeDeployer, fakeGuid } from "../offline/fakes";
import type { RunResult } from "../offline/harness";
import { PROPAGATION_SECONDS } from "../offline/timeline";
import {
    clusterCreateErrors,
    fakeGrant,
    firstUpChain,
    minimalConfig,
    ofType,
    one,
    refused,
    ROOT,
    run,
    TYPES,
} from "./helpers";

const APPS = { namespaces: [{ name: "apps", access: [] }] };
/** A pipeline signed in with its own app id (azure/login, a service connection, a certificate). */
const PIPELINE: FakeDeployer = {
    ...DEFAULT_DEPLOYER,
    objectId: fakeGuid("pipeline principal"),
    clientId: fakeGuid("pipeline app"),
};

const without =
    (pattern: RegExp, what: RegExp) =>
    (_type: string, name: string, waits: string[]): string[] =>
        what.test(name) ? waits.filter((u) => !pattern.test(u)) : waits;

describe("first pulumi up (docs/azure-facts.md, failure modes 4, 7, 11, 12)", function () {
    let dev: RunResult;
    before(async function () {
        dev = await run();
    });

    describe("only the ordering Azure forces", function () {
        it("creates the cluster after the kubelet and subnet grants and a 120 s wait triggered by them", function () {
            const {
                cluster,
                kubeletGrant: grant,
                kubeletWait: wait,
                subnetGrant,
            } = firstUpChain(dev);
            const subnet = subnetGrant!;
            assert.deepEqual(wait.inputs, {
                createDuration: "120s",
                triggers: { grant: grant.id, subnet: subnet.id },
            });
            assert.deepEqual(wait.dependencies, [subnet.urn, grant.urn].sort());
            assert.ok(cluster.dependencies.includes(wait.urn));
            // In the simulated first up: the cluster starts when the wait ends.
            assert.equal(cluster.span.start, wait.span.end);
            assert.equal(wait.span.end - Math.max(grant.span.end, subnet.span.end), 120);
        });

        it("grants the deployer on the resource group at once, so its wait ends before the cluster does", function () {
            const c = firstUpChain(dev);
            const { resourceGroup: rg, deployerGrant: grant, deployerWait: wait } = c;
            const { cluster, provider } = c;
            assert.equal(grant.inputs.scope, rg.id);
            assert.equal(
                grant.inputs.roleDefinitionId,
                `/subscriptions/${dev.deployer.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AKS_ROLES.rbacClusterAdmin}`,
            );
            assert.equal(grant.span.start, rg.span.end);
            assert.ok(wait.span.end < cluster.span.end, "the wait runs beside cluster creation");
            assert.equal(
                provider.span.start,
                cluster.span.end,
                "Kubernetes starts when the cluster exists",
            );
            // The AKS authorizer honours it by then (five minutes after the grant).
            assert.ok(grant.span.end + PROPAGATION_SECONDS.aksRbac <= provider.span.start);
        });

        it("declares no provider, deployer grant or wait when the stack has no Kubernetes objects", async function () {
            const r = await run({ config: minimalConfig() });
            assert.equal(ofType(r, TYPES.k8sProvider).length, 0);
            assert.deepEqual(
                ofType(r, TYPES.sleep).map((s) => s.name),
                ["aks-entra-identities-kubelet-operator-propagation"],
            );
            assert.ok(
                !ofType(r, TYPES.roleAssignment).some(
                    (a) => a.inputs.principalId === r.deployer.objectId,
                ),
            );
            assert.ok(!r.registrations.some((x) => x.type.startsWith("kubernetes:")));
        });
    });

    describe("the fakes fail like Azure when an ordering is removed", function () {
        it("CustomKubeletIdentityMissingPermissionError: cluster without the kubelet grant", async function () {
            const e = await refused({
                editWaits: without(/kubelet-operator/, /^aks-entra-cluster$/),
            });
            assert.match(
                e.message,
                /^azure-native:containerservice:ManagedCluster aks-entra-cluster: CustomKubeletIdentityMissingPermissionError: the control-plane identity [0-9a-f-]{36} does not have Managed Identity Operator on the kubelet identity \/subscriptions\/.+\/userAssignedIdentities\/id-aks-entra-dev-[0-9a-f]{8}-kubelet/,
            );
        });

        it("CustomKubeletIdentityMissingPermissionError: cluster right after the grant, without its wait", async function () {
            const e = await refused({
                editWaits: without(/kubelet-operator-propagation/, /^aks-entra-cluster$/),
            });
            // Without the wait the cluster starts once the Log Analytics workspace its monitoring
            // add-on names exists (3-33 s), still before the grant is honoured.
            assert.match(
                e.message,
                /CustomKubeletIdentityMissingPermissionError: .* yet \(granted at 16 s, honoured from 76 s; the cluster was created at 33 s\)/,
            );
        });

        it("SetVNetOwnershipFailed: two user pools created at once in your network (failure mode 28)", async function () {
            const e = await refused({
                editWaits: without(/AgentPool::aks-entra-cluster-pool-apps$/, /-pool-batch$/),
            });
            assert.match(
                e.message,
                /^azure-native:containerservice:AgentPool aks-entra-cluster-pool-batch: SetVNetOwnershipFailed: Set virtual network ownership failed: VirtualNetworkNotInSucceededState: Virtual network \/subscriptions\/.+\/virtualNetworks\/vnet-spoke-dev is in Updating state\. It needs to be in Succeeded state in order to set resource ownership\. \(create at 556-796 s beside the create of aks-entra-cluster-pool-apps at 556-796 s\)$/,
            );
        });

        it("in the network AKS manages, user pools are created at once, and the fakes accept it", async function () {
            const pool = (name: string) => ({ name, vmSize: "Standard_D4ds_v5", count: 1 });
            const r = await run({
                config: minimalConfig({ cluster: { userPools: [pool("apps"), pool("batch")] } }),
            });
            const [apps, batch] = ofType(r, TYPES.agentPool);
            assert.equal(apps.inputs.vnetSubnetID, undefined);
            assert.deepEqual(batch.span, apps.span);
            assert.ok(!batch.dependencies.includes(apps.urn));
        });

        it("your private DNS zone: the fake AKS wants Private DNS Zone Contributor on the zone and Network Contributor on the VNet, not only the subnet (failure mode 29)", function () {
            const net = `/subscriptions/${DEFAULT_DEPLOYER.subscriptionId}/resourceGroups/net/providers/Microsoft.Network`;
            const vnet = `${net}/virtualNetworks/spoke`;
            const zone = `${net}/privateDnsZones/privatelink.westeurope.azmk8s.io`;
            const cp = `/subscriptions/${DEFAULT_DEPLOYER.subscriptionId}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp`;
            /** The cluster's create errors, after the control plane's grants (role, scope). */
            const clusterErrors = (grants: [string, string][]): string[] =>
                clusterCreateErrors(
                    cp,
                    grants.map(([role, scope], i) =>
                        fakeGrant(`g${i}`, role, scope, fakeGuid(`${cp}#principal`)),
                    ),
                    300,
                    {
                        apiServerAccessProfile: {
                            enablePrivateCluster: true,
                            privateDNSZone: zone,
                        },
                        agentPoolProfiles: [
                            { name: "system", mode: "System", vnetSubnetID: `${vnet}/subnets/aks` },
                        ],
                    },
                );
            const dnsZone: [string, string] = [AKS_ROLES.privateDnsZoneContributor, zone];
            assert.deepEqual(clusterErrors([dnsZone, [AKS_ROLES.networkContributor, vnet]]), []);
            const [subnetOnly] = clusterErrors([
                dnsZone,
                [AKS_ROLES.networkContributor, `${vnet}/subnets/aks`],
            ]);
            assert.match(
                subnetOnly,
                /ManagedCluster c: LinkedAuthorizationFailed: .* does not have permission to perform action 'Microsoft\.Network\/virtualNetworks\/join\/action' on the linked scope\(s\) '.*\/virtualNetworks\/spoke' \(no such grant when the cluster was created\)$/,
            );
            const [noZone] = clusterErrors([[AKS_ROLES.networkContributor, vnet]]);
            assert.match(
                noZone,
                /ManagedCluster c: CustomPrivateDNSZoneMissingPermissionError: Service principal or user-assigned identity must be given permission to read and write to custom private dns zone .*privatelink\.westeurope\.azmk8s\.io\. Check access result not allowed for action Microsoft\.Network\/privateDnsZones\/write \(no such grant when the cluster was created\)$/,
            );
        });

        it("403: a new deployer grant on an existing cluster needs its wait", async function () {
            // An earlier run created everything but the deployer's grant (a new deployer signs in).
            const names = new Set(dev.registrations.map((r) => r.name));
            names.delete("aks-entra-connection-deployer-cluster-admin");
            names.delete("aks-entra-connection-rbac-propagation");
            names.delete("aks-entra-ns-payments");
            const existing = names;
            // With the wait: the Kubernetes calls come five minutes after the grant.
            const ok = await run({ existing });
            const ns = one(ok, TYPES.namespace, "aks-entra-ns-payments");
            assert.equal(ns.span.start, 8 + 300);
            // Without it, AKS answers 403 until the grant propagates.
            const e = await refused({
                existing,
                editWaits: without(/rbac-propagation/, /^aks-entra-connection-k8s$/),
            });
            assert.match(
                e.message,
                /kubernetes:core\/v1:Namespace aks-entra-ns-payments: Forbidden \(403\): kubernetes:core\/v1:Namespace by 4b1d2c3e-5f60-4a7b-8c9d-0e1f2a3b4c5d: the deployer's AKS RBAC role is honoured from 308 s, the call came at 8 s/,
            );
        });

        it("403: the deployer without any grant (clusterAdmin false) and no admin group membership", async function () {
            const e = await refused({
                config: minimalConfig({ ...APPS, deployer: { clusterAdmin: false } }),
                deployer: DEFAULT_DEPLOYER,
            });
            assert.match(
                e.message,
                /Forbidden \(403\): .* the deployer has no AKS RBAC role on the cluster/,
            );
        });

        it("UnmatchedPrincipalType: a grant that calls a service principal a User", async function () {
            // The guess this design replaced (kubeloginMode azurecli meant User): a configured
            // deployer that is in fact a service principal, run by a person with access of their own.
            const e = await refused({
                config: minimalConfig({
                    ...APPS,
                    deployer: { objectId: PIPELINE.objectId, principalType: "User" },
                }),
                deployer: { ...DEFAULT_DEPLOYER, clusterAccessOutsideStack: true },
                directory: { [PIPELINE.objectId]: "ServicePrincipal" },
            });
            assert.match(
                e.message,
                new RegExp(
                    `aks-entra-connection-deployer-cluster-admin: UnmatchedPrincipalType: The PrincipalId '${PIPELINE.objectId}' has type 'ServicePrincipal', which is different from specified PrincipalType 'User'.`,
                ),
            );
        });
    });

    describe("the deployer's type comes from the login", function () {
        const config = (deployer: Record<string, unknown> = {}) =>
            parseConfig({ location: "westeurope", deployer });

        it("a person: the Azure CLI's client id", function () {
            assert.equal(AZURE_CLI_APP_ID, "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
            assert.deepEqual(resolveDeployer(config(), DEFAULT_DEPLOYER), {
                objectId: DEFAULT_DEPLOYER.objectId,
                principalType: "User",
                typeFrom: "login",
                loginType: "User",
            });
        });

        it("a pipeline after azure/login, a service connection, a managed identity or a certificate: any other client id", function () {
            assert.equal(resolveDeployer(config(), PIPELINE).principalType, "ServicePrincipal");
        });

        it("refuses a configured type the login disproves (ServicePrincipal, signed in through the Azure CLI), before any resource", async function () {
            assert.throws(
                () =>
                    resolveDeployer(
                        config({ principalType: "ServicePrincipal" }),
                        DEFAULT_DEPLOYER,
                    ),
                {
                    message: `aks-entra: invalid configuration (1 problem):\n  - aks-entra:deployer.principalType "ServicePrincipal" contradicts the Azure login: you are signed in as a person (object id ${DEFAULT_DEPLOYER.objectId}, client id ${AZURE_CLI_APP_ID}: the Azure CLI); remove the key (the login decides) or sign in as the deployer`,
                },
            );
            const e = await refused({
                config: minimalConfig({ ...APPS, deployer: { principalType: "ServicePrincipal" } }),
                deployer: DEFAULT_DEPLOYER,
            });
            assert.match(e.message, /contradicts the Azure login/);
            assert.equal(e.registrations.length, 0, "nothing registered");
        });

        describe("a person signed in through another public client than the Azure CLI", function () {
            /** A person whose token carries Azure PowerShell's client id, not the Azure CLI's. */
            const PERSON: FakeDeployer = {
                ...DEFAULT_DEPLOYER,
                objectId: fakeGuid("person through another client"),
                clientId: "1950a258-227b-4e31-a9cf-717495945fc2",
            };
            const directory = { [PERSON.objectId]: "User" as const };

            it("deployer.principalType: User is taken (the client id cannot disprove it), and Azure accepts the grant", async function () {
                assert.deepEqual(resolveDeployer(config({ principalType: "User" }), PERSON), {
                    objectId: PERSON.objectId,
                    principalType: "User",
                    typeFrom: "config",
                    loginType: "ServicePrincipal",
                });
                const r = await run({
                    config: minimalConfig({ ...APPS, deployer: { principalType: "User" } }),
                    deployer: PERSON,
                    directory,
                });
                const grant = one(
                    r,
                    TYPES.roleAssignment,
                    "aks-entra-connection-deployer-cluster-admin",
                );
                assert.deepEqual(
                    [grant.inputs.principalId, grant.inputs.principalType],
                    [PERSON.objectId, "User"],
                );
            });

            it("without it, the login reads as an application and Azure answers UnmatchedPrincipalType, which README's row for it resolves with deployer.principalType", async function () {
                const e = await refused({
                    config: minimalConfig(APPS),
                    deployer: PERSON,
                    directory,
                });
                assert.match(
                    e.message,
                    new RegExp(
                        `aks-entra-connection-deployer-cluster-admin: UnmatchedPrincipalType: The PrincipalId '${PERSON.objectId}' has type 'User', which is different from specified PrincipalType 'ServicePrincipal'\\.`,
                    ),
                );
                const readme = readFileSync(path.join(ROOT, "docs", "troubleshooting.md"), "utf8");
                assert.match(
                    readme,
                    /\| `UnmatchedPrincipalType` on the deployer's grant \| .*a person signed in through another public client than the Azure CLI.*`aks-entra:deployer\.principalType: User`/,
                );
            });
        });

        it("needs the type of a configured deployer who is not the login", function () {
            assert.throws(
                () => resolveDeployer(config({ objectId: PIPELINE.objectId }), DEFAULT_DEPLOYER),
                /aks-entra:deployer.objectId ".+" is not the signed-in principal \(.+\), so its type cannot be read from the login; set aks-entra:deployer.principalType/,
            );
            assert.equal(
                resolveDeployer(
                    config({ objectId: PIPELINE.objectId, principalType: "ServicePrincipal" }),
                    DEFAULT_DEPLOYER,
                ).principalType,
                "ServicePrincipal",
            );
        });

        it("grants a pipeline deployer as ServicePrincipal, which Azure accepts", async function () {
            const r = await run({ config: minimalConfig(APPS), deployer: PIPELINE });
            const grant = one(
                r,
                TYPES.roleAssignment,
                "aks-entra-connection-deployer-cluster-admin",
            );
            assert.equal(grant.inputs.principalType, "ServicePrincipal");
            assert.equal(grant.inputs.principalId, PIPELINE.objectId);
        });
    });

    describe("a person and a pipeline running the same stack", function () {
        it("leave the same kubeconfig in state", async function () {
            const person = await run({ config: minimalConfig(APPS) });
            const pipeline = await run({ config: minimalConfig(APPS), deployer: PIPELINE });
            const kubeconfig = (r: RunResult) =>
                String(one(r, TYPES.k8sProvider, "aks-entra-connection-k8s").inputs.kubeconfig);
            assert.equal(kubeconfig(person), kubeconfig(pipeline));
            assert.equal(person.outputs.kubeconfig, pipeline.outputs.kubeconfig);
            const args = (
                parse(kubeconfig(person)) as { users: { user: { exec: { args: string[] } } }[] }
            ).users[0].user.exec.args;
            assert.deepEqual(args.slice(0, 3), ["get-token", "--login", "azurecli"]);
        });
    });
});
