// Each failure mode of docs/azure-facts.md ("Failure modes of a real deployment") that applies, designed out and pinned:
// each test fails if the design regresses.
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { KUBELOGIN_MODES, parseConfig, StackNames } from "../components";
import { DEFAULT_DEPLOYER, fakeGuid } from "../offline/fakes";
import type { Registration, RunResult } from "../offline/harness";
import { freshRun, minimalConfig, ofType, one, run, stackConfig, TYPES } from "./helpers";

const DEV = stackConfig("dev");

/** A config whose pipeline has `n` GitHub subjects on one identity. */
function pipelineWith(n: number): Record<string, unknown> {
    return minimalConfig({
        pipelines: [
            {
                name: "deploy",
                github: Array.from({ length: n }, (_, i) => ({
                    repository: "contoso/app",
                    branch: `release-${i}`,
                })),
            },
            { name: "other", github: [{ repository: "contoso/other", environment: "prod" }] },
        ],
    });
}

describe("Azure failure modes (docs/azure-facts.md)", function () {
    let dev: RunResult;
    before(async function () {
        dev = await run();
    });

    describe("1. PrincipalNotFound: principalType on every role assignment", function () {
        it("sets the principal type that matches each principal", function () {
            const identities = new Map(
                ofType(dev, TYPES.identity).map((i) => [i.state.principalId, i.name]),
            );
            // Every group the stack creates: the admin group and the JIT groups.
            const groupIds = new Set([
                ...Object.values(DEV["aks-entra:groups"] as Record<string, string>),
                ...ofType(dev, TYPES.group).map((g) => g.state.objectId),
            ]);
            const assignments = ofType(dev, TYPES.roleAssignment);
            assert.ok(assignments.length >= 20);
            for (const a of assignments) {
                const p = a.inputs.principalId;
                const expected = identities.has(p)
                    ? "ServicePrincipal"
                    : groupIds.has(p)
                      ? "Group"
                      : p === (DEV["aks-entra:deployer"] as { objectId: string }).objectId
                        ? "ServicePrincipal" // dev's deployer is its pipeline
                        : "unknown principal";
                assert.equal(a.inputs.principalType, expected, a.name);
            }
        });

        it("marks a service-principal deployer as ServicePrincipal, from its login", async function () {
            const r = await run({
                config: minimalConfig({ namespaces: [{ name: "apps" }] }),
                deployer: { ...DEFAULT_DEPLOYER, clientId: fakeGuid("a pipeline's app id") },
            });
            const grant = one(
                r,
                TYPES.roleAssignment,
                "aks-entra-connection-deployer-cluster-admin",
            );
            assert.equal(grant.inputs.principalType, "ServicePrincipal");
        });
    });

    describe("2. 409 ConcurrentFederatedIdentityCredentialsWrites: one identity's credentials are chained", function () {
        let r: RunResult;
        before(async function () {
            r = await run({ config: pipelineWith(5) });
        });

        const ficsOf = (identity: string): Registration[] =>
            ofType(r, TYPES.fic).filter((f) => f.inputs.resourceName === identity);

        it("makes each credential of an identity wait for every earlier one (16: deletes too)", function () {
            const names = new StackNames("aks-entra", "dev");
            const fics = ficsOf(names.pipelineIdentity("deploy"));
            assert.equal(fics.length, 5);
            // In registration order, the k-th credential waits for exactly the k before it: a total
            // order, so creates run one at a time and so do deletes of any subset (Pulumi deletes a
            // resource after everything that depended on it).
            fics.forEach((f, k) => {
                const siblings = f.dependencies.filter((d) => fics.some((g) => g.urn === d));
                assert.deepEqual(
                    siblings.sort(),
                    fics
                        .slice(0, k)
                        .map((g) => g.urn)
                        .sort(),
                );
            });
            // On destroy they go with their identity (Azure deletes them with it).
            const identity = ofType(r, TYPES.identity).find(
                (i) => i.inputs.resourceName === names.pipelineIdentity("deploy"),
            )!;
            assert.ok(fics.every((f) => f.deletedWith === identity.urn));
        });

        it("keeps different identities' credentials parallel", function () {
            const names = new StackNames("aks-entra", "dev");
            const deploy = new Set(ficsOf(names.pipelineIdentity("deploy")).map((f) => f.urn));
            const [other] = ficsOf(names.pipelineIdentity("other"));
            assert.ok(other);
            assert.ok(!other.dependencies.some((d) => deploy.has(d)));
            // Workload identities of the dev stack: no credential waits for another identity's.
            const wl = ofType(dev, TYPES.fic);
            for (const f of wl) {
                const foreign = f.dependencies
                    .map((d) => dev.registrations.find((x) => x.urn === d))
                    .filter(
                        (d) =>
                            d?.type === TYPES.fic &&
                            d.inputs.resourceName !== f.inputs.resourceName,
                    );
                assert.deepEqual(foreign, [], f.name);
            }
        });
    });

    describe("3. federated credential limits and format", function () {
        it("accepts 20 credentials on one identity and rejects 21 before anything is registered", async function () {
            const ok = await run({ config: pipelineWith(20) });
            assert.equal(ofType(ok, TYPES.fic).length, 21);
            await assert.rejects(
                run({ config: pipelineWith(21) }),
                (e: Error & { registrations: unknown[] }) => {
                    assert.match(
                        e.message,
                        /aks-entra:pipelines\[0\]\.github has 21 subjects; Azure allows at most 20 federated credentials per identity/,
                    );
                    assert.deepEqual(e.registrations, []);
                    return true;
                },
            );
        });

        it("uses exactly one audience, api://AzureADTokenExchange, and valid unique names", function () {
            const fics = ofType(dev, TYPES.fic);
            const perIdentity = new Map<unknown, Set<string>>();
            for (const f of fics) {
                assert.deepEqual(f.inputs.audiences, ["api://AzureADTokenExchange"]);
                const name = String(f.inputs.federatedIdentityCredentialResourceName);
                assert.match(name, /^[A-Za-z0-9][-_A-Za-z0-9]{2,119}$/);
                const key = `${String(f.inputs.issuer)}|${String(f.inputs.subject)}`;
                const seen = perIdentity.get(f.inputs.resourceName) ?? new Set();
                assert.ok(!seen.has(key), "issuer+subject unique per identity");
                seen.add(key);
                perIdentity.set(f.inputs.resourceName, seen);
            }
        });
    });

    describe("4. bring-your-own kubelet identity: Managed Identity Operator before the cluster", function () {
        it("makes the cluster depend directly on the operator grant and its propagation wait", function () {
            const cluster = one(dev, TYPES.cluster, "aks-entra-cluster");
            const grant = one(dev, TYPES.roleAssignment, "aks-entra-identities-kubelet-operator");
            const wait = one(dev, TYPES.sleep, "aks-entra-identities-kubelet-operator-propagation");
            const subnet = one(
                dev,
                TYPES.roleAssignment,
                "aks-entra-identities-control-plane-subnet",
            );
            assert.ok(cluster.dependencies.includes(grant.urn));
            assert.ok(cluster.dependencies.includes(subnet.urn));
            assert.ok(cluster.dependencies.includes(wait.urn));
            // The wait covers every grant AKS checks at create: a new one waits again.
            assert.deepEqual(wait.inputs, {
                createDuration: "120s",
                triggers: { grant: grant.id, subnet: subnet.id },
            });
            assert.match(
                String(grant.inputs.roleDefinitionId),
                /f1a07417-d97a-45cb-824c-7a7467783830$/,
            );
        });
    });

    describe("5. local accounts disabled: admin credentials are never requested", function () {
        it("invokes only the user-credential list, in exec format", function () {
            const tokens = dev.invokes.map((i) => i.token);
            assert.ok(
                !tokens.some((t) => /AdminCredential|MonitoringUserCredential/i.test(t)),
                tokens.join(),
            );
            const user = dev.invokes.filter(
                (i) =>
                    i.token === "azure-native:containerservice:listManagedClusterUserCredentials",
            );
            assert.equal(user.length, 1);
            assert.equal(user[0].inputs.format, "exec");
            assert.equal(
                one(dev, TYPES.cluster, "aks-entra-cluster").inputs.disableLocalAccounts,
                true,
            );
        });
    });

    describe("6. the user kubeconfig is rewritten to a non-interactive login", function () {
        const SERVER = "6dae42f8-4368-4678-94ff-3960e28e3630";
        const CLIENT = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";
        // Every mode without PoP, and with it where kubelogin asks for PoP tokens (components/pop.ts).
        const cases = [
            ...KUBELOGIN_MODES.map((mode) => ({ mode, pop: false })),
            { mode: "interactive" as const, pop: true },
            { mode: "spn" as const, pop: true },
        ];
        for (const { mode, pop } of cases) {
            it(`kubeloginMode ${mode}${pop ? ", kubeloginPop" : ""}: the provider's kubeconfig needs no person; exact exec args and command`, async function () {
                const r = await run({
                    config: minimalConfig({
                        kubeloginMode: mode,
                        ...(pop ? { kubeloginPop: true } : {}),
                        namespaces: [{ name: "apps" }],
                    }),
                });
                const provider = one(r, TYPES.k8sProvider, "aks-entra-connection-k8s");
                const kc = parse(String(provider.inputs.kubeconfig)) as {
                    users: { user: { exec: { args: string[]; interactiveMode: string } } }[];
                };
                // The PoP claim is the id ARM answered for the cluster, verbatim.
                const cluster = one(r, TYPES.cluster, "aks-entra-cluster");
                assert.equal(r.outputs.clusterId, cluster.id);
                const popArgs = ["--pop-enabled", "--pop-claims", `u=${cluster.id}`];
                const automation =
                    mode === "interactive" || mode === "devicecode" ? "azurecli" : mode;
                const expected = ["get-token", "--login", automation];
                if (automation === "spn") {
                    expected.push("--environment", "AzurePublicCloud", "--server-id", SERVER);
                    expected.push("--client-id", CLIENT, "--tenant-id", String(r.outputs.tenantId));
                    if (pop) expected.push(...popArgs);
                } else {
                    expected.push("--server-id", SERVER);
                }
                assert.deepEqual(kc.users[0].user.exec.args, expected);
                assert.equal(kc.users[0].user.exec.interactiveMode, "Never");
                assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
                assert.equal(r.outputs.kubeconfig, provider.inputs.kubeconfig);
                const person = mode === "interactive" || mode === "devicecode" ? mode : "azurecli";
                const names = new StackNames("aks-entra", "dev");
                assert.equal(
                    r.outputs.getCredentialsCommand,
                    `az aks get-credentials --resource-group ${names.resourceGroup} --name ${names.cluster} --overwrite-existing && kubelogin convert-kubeconfig -l ${person}${pop && person === "interactive" ? ` --pop-enabled --pop-claims "u=${cluster.id}"` : ""}`,
                );
            });
        }
    });

    describe("7. Azure RBAC propagation: a bounded wait before the first Kubernetes call", function () {
        it("orders deployer grant -> wait -> provider -> every Kubernetes object", function () {
            const grant = one(
                dev,
                TYPES.roleAssignment,
                "aks-entra-connection-deployer-cluster-admin",
            );
            const wait = one(dev, TYPES.sleep, "aks-entra-connection-rbac-propagation");
            const provider = one(dev, TYPES.k8sProvider, "aks-entra-connection-k8s");
            assert.ok(wait.dependencies.includes(grant.urn));
            assert.ok(provider.dependencies.includes(wait.urn));
            for (const o of dev.registrations.filter(
                (x) => x.custom && x.type.startsWith("kubernetes:"),
            )) {
                assert.equal(o.provider.split("::").slice(0, -1).join("::"), provider.urn, o.name);
            }
        });

        it("skips the wait when rbacWaitSeconds is 0 and the grant when clusterAdmin is false", async function () {
            const apps = [{ name: "apps" }];
            const noWait = await run({
                config: minimalConfig({ deployer: { rbacWaitSeconds: 0 }, namespaces: apps }),
            });
            // Only the kubelet grant's wait is left.
            assert.deepEqual(
                ofType(noWait, TYPES.sleep).map((s) => s.name),
                ["aks-entra-identities-kubelet-operator-propagation"],
            );
            const provider = one(noWait, TYPES.k8sProvider, "aks-entra-connection-k8s");
            const grant = one(
                noWait,
                TYPES.roleAssignment,
                "aks-entra-connection-deployer-cluster-admin",
            );
            assert.ok(provider.dependencies.includes(grant.urn));
            const noGrant = await run({
                config: minimalConfig({ deployer: { clusterAdmin: false }, namespaces: apps }),
            });
            assert.equal(ofType(noGrant, TYPES.sleep).length, 1);
            assert.ok(
                !ofType(noGrant, TYPES.roleAssignment).some(
                    (a) => a.inputs.principalId === noGrant.deployer.objectId,
                ),
            );
        });
    });

    describe("9. AKS-managed Entra only: no legacy AAD fields", function () {
        it("sets exactly managed, enableAzureRBAC, adminGroupObjectIDs and tenantID", function () {
            const aad = one(dev, TYPES.cluster, "aks-entra-cluster").inputs.aadProfile as Record<
                string,
                unknown
            >;
            assert.deepEqual(Object.keys(aad).sort(), [
                "adminGroupObjectIDs",
                "enableAzureRBAC",
                "managed",
                "tenantID",
            ]);
            assert.equal(aad.managed, true);
        });
    });

    describe("10. userAssignedIdentities: an array of resource ids in, a map out", function () {
        it("passes the control-plane id as an array and reads the map back", function () {
            const cluster = one(dev, TYPES.cluster, "aks-entra-cluster");
            const cp = one(dev, TYPES.identity, "aks-entra-identities-control-plane");
            assert.deepEqual(
                (cluster.inputs.identity as { userAssignedIdentities: unknown })
                    .userAssignedIdentities,
                [cp.id],
            );
            const out = (
                cluster.state.identity as { userAssignedIdentities: Record<string, unknown> }
            ).userAssignedIdentities;
            assert.deepEqual(Object.keys(out), [cp.id]);
        });
    });

    describe("determinism: same config, same registrations; other stack, other names", function () {
        const fingerprint = (r: RunResult) =>
            JSON.stringify(
                r.registrations
                    .map((x) => [x.urn, x.inputs, x.dependencies, x.provider, x.protect])
                    .sort(),
            );

        it("registers identical resources with identical inputs on two runs", async function () {
            const again = await freshRun();
            assert.equal(fingerprint(again), fingerprint(dev));
            const names = (r: RunResult) =>
                ofType(r, TYPES.roleAssignment)
                    .map((a) => a.inputs.roleAssignmentName)
                    .sort();
            assert.deepEqual(names(again), names(dev));
        });

        it("gives two stacks of one config disjoint physical names and assignment names", async function () {
            const other = await run({ stack: "pr-1234" });
            const physical = (r: RunResult) =>
                new Set(
                    r.registrations
                        .filter((x) => x.custom && x.type.startsWith("azure"))
                        .flatMap((x) => [
                            x.id,
                            x.inputs.roleAssignmentName,
                            x.inputs.displayName,
                            x.inputs.mailNickname,
                        ])
                        .filter(
                            (v): v is string =>
                                typeof v === "string" && !v.startsWith("/subscriptions/11111111"),
                        ),
                );
            const a = physical(dev);
            const b = physical(other);
            const shared = [...a].filter((x) => b.has(x));
            assert.deepEqual(shared, []);
            assert.ok(a.size > 30);
        });
    });

    describe("config-level guards (no resource before a good config)", function () {
        it("rejects a config with several problems in one run, registering nothing", async function () {
            await assert.rejects(
                run({
                    config: minimalConfig({
                        namespaces: [{ name: "Payments" }],
                        kubeloginMode: "browser",
                    }),
                }),
                (e: Error & { registrations: unknown[] }) => {
                    assert.match(e.message, /2 problems/);
                    assert.deepEqual(e.registrations, []);
                    return true;
                },
            );
            assert.throws(
                () => parseConfig({ location: "westeurope", kubeloginMode: "browser" }),
                /kubeloginMode "browser" is not allowed/,
            );
        });
    });
});
