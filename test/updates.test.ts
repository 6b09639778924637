// A second `pulumi up` of the dev stack with changed config, and `pulumi destroy`, under the fakes
// (offline/harness.ts: RunOptions.previous, destroyStack): what each change creates, updates,
// replaces and deletes, in which order, and what Azure refuses (docs/azure-facts.md, failure modes
// 2, 13, 14, 16 and 17).
import * as assert from "node:assert/strict";
import {
    applyIgnoreChanges,
    classifyChange,
    ficConcurrencyProblems,
    updateProblems,
} from "../offline/fakes";
import { destroyStack, type Registration, type RunResult, type Step } from "../offline/harness";
import { overlaps } from "../offline/timeline";
import { type Config, dev } from "./configCases";
import { byUrn, ofType, refused, run, TYPES } from "./helpers";

const changed = (r: { steps: Step[] }) => r.steps.filter((s) => s.op !== "same");
const urns = (steps: readonly Step[]) => steps.map((s) => s.urn).sort();
const ops = (steps: readonly Step[]) => steps.map((s) => `${s.op} ${s.type} ${s.name}`);
const deletes = (steps: readonly Step[]) =>
    steps.filter((s) => s.op === "delete" || s.op === "delete-skipped");

/** The federated-credential writes of `steps` that overlap, per identity (failure modes 2, 16). */
function overlappingCredentialWrites(steps: readonly Step[], state: RunResult): string[] {
    const writes = steps.filter(
        (s) => s.type === TYPES.fic && s.op !== "same" && s.op !== "delete-skipped",
    );
    const identity = (s: Step) => {
        const r = state.registrations.find((x) => x.urn === s.urn);
        return `${String(r?.inputs.resourceGroupName)}/${String(r?.inputs.resourceName)}`;
    };
    const out: string[] = [];
    writes.forEach((a, i) =>
        writes.slice(i + 1).forEach((b) => {
            if (identity(a) === identity(b) && overlaps(a.span, b.span)) {
                out.push(
                    `${a.name} ${a.span.start}-${a.span.end} / ${b.name} ${b.span.start}-${b.span.end}`,
                );
            }
        }),
    );
    return out;
}

const namespaces = (c: Config) => c["aks-entra:namespaces"] as Config[];
const pipelines = (c: Config) => c["aks-entra:pipelines"] as Config[];

describe("a second pulumi up and pulumi destroy (offline/harness.ts: previous, destroyStack)", function () {
    let first: RunResult;
    before(async function () {
        first = await run();
    });

    describe("pulumi up", function () {
        it("first up: a create step for every custom registration, in time order", function () {
            const custom = first.registrations.filter((r) => r.custom);
            assert.equal(first.steps.length, custom.length);
            assert.ok(first.steps.every((s) => s.op === "create"));
            assert.deepEqual(urns(first.steps), custom.map((r) => r.urn).sort());
            first.steps.forEach((s, i) => {
                assert.deepEqual(s.span, byUrn(first, s.urn).span);
                if (i > 0) assert.ok(first.steps[i - 1].span.start <= s.span.start);
            });
        });

        it("unchanged config: every step is same and takes no time", async function () {
            const second = await run({ previous: first });
            assert.deepEqual(ops(changed(second)), []);
            assert.equal(second.steps.length, first.steps.length);
            assert.ok(second.steps.every((s) => s.span.start === 0 && s.span.end === 0));
        });

        it("an autoscaled pool's count: same, as ignoreChanges leaves it to the autoscaler", async function () {
            const config = dev((c) => {
                c["aks-entra:cluster"].systemPool.count = 4;
            });
            const second = await run({ config, previous: first });
            assert.deepEqual(ops(changed(second)), []);
        });

        describe("removing the observability namespace", function () {
            let second: RunResult;
            before(async function () {
                const config = dev((c) => {
                    c["aks-entra:namespaces"] = namespaces(c).filter(
                        (n) => n.name !== "observability",
                    );
                });
                second = await run({ config, previous: first });
            });

            it("deletes only its objects, its workload identity with credential and grants, and its namespace-scoped role assignment", function () {
                const its = first.registrations.filter(
                    (r) => r.custom && /observability/.test(r.name),
                );
                assert.deepEqual(urns(changed(second)), its.map((r) => r.urn).sort());
                assert.deepEqual(
                    [...new Set(its.map((r) => r.type))].sort(),
                    [
                        TYPES.fic,
                        TYPES.identity,
                        TYPES.roleAssignment,
                        TYPES.namespace,
                        TYPES.serviceAccount,
                        TYPES.roleBinding,
                    ].sort(),
                );
                assert.ok(
                    ofType(first, TYPES.roleAssignment).some(
                        (r) =>
                            /observability/.test(r.name) &&
                            String(r.inputs.scope).endsWith("/namespaces/observability"),
                    ),
                );
                assert.ok(
                    changed(second).every((s) => s.op === "delete" || s.op === "delete-skipped"),
                );
            });

            it("deletes after every other step, dependents first: the namespace after what is in it, the identity after its grants", function () {
                const d = deletes(second.steps);
                const end = (pattern: RegExp, type: string) =>
                    d.find((s) => s.type === type && pattern.test(s.name))!.span;
                const ns = end(/observability$/, TYPES.namespace);
                assert.ok(ns.start >= end(/metrics-exporter$/, TYPES.serviceAccount).end);
                assert.ok(ns.start >= end(/developers-view$/, TYPES.roleBinding).end);
                const identity = end(/metrics-exporter$/, TYPES.identity);
                assert.ok(identity.start >= end(/metrics-publisher/, TYPES.roleAssignment).end);
            });

            it("never deletes two credentials of one identity at once (failure mode 16)", function () {
                assert.deepEqual(overlappingCredentialWrites(second.steps, first), []);
            });
        });

        it("removing two GitHub subjects of a pipeline at once deletes their credentials one after the other (failure modes 2, 16)", async function () {
            // production and main, not neighbours in the chain: only a chain where every credential
            // depends on every earlier one orders their deletes.
            const config = dev((c) => {
                const deploy = pipelines(c).find((p) => p.name === "payments-deploy")!;
                deploy.github = (deploy.github as Config[]).filter(
                    (g) => g.environment === "staging",
                );
            });
            const second = await run({ config, previous: first });
            const gone = changed(second);
            assert.deepEqual(
                gone.map((s) => `${s.op} ${s.type}`),
                [`delete ${TYPES.fic}`, `delete ${TYPES.fic}`],
            );
            assert.match(gone.map((s) => s.name).join(" "), /production/);
            assert.match(gone.map((s) => s.name).join(" "), /main/);
            assert.ok(!overlaps(gone[0].span, gone[1].span), ops(gone).join("\n"));
        });

        it("the fakes refuse concurrent credential writes of one identity (failure modes 2, 16)", async function () {
            // Removes the order between the deletes: the state without the dependencies of the
            // deploy pipeline's credentials on one another.
            const fics = ofType(first, TYPES.fic).filter((r) => /payments-deploy/.test(r.name));
            const unchained: RunResult = {
                ...first,
                registrations: first.registrations.map((r) =>
                    fics.includes(r)
                        ? {
                              ...r,
                              dependencies: r.dependencies.filter(
                                  (u) => !fics.some((f) => f.urn === u),
                              ),
                          }
                        : r,
                ),
            };
            const config = dev((c) => {
                const deploy = pipelines(c).find((p) => p.name === "payments-deploy")!;
                deploy.github = (deploy.github as Config[]).filter(
                    (g) => g.environment === "staging",
                );
            });
            const e = await refused({ config, previous: unchained });
            assert.match(
                e.message,
                /^azure-native:managedidentity:FederatedIdentityCredential aks-entra-ci-payments-deploy-gh-contoso-payments-\S+: ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity: Too many Federated Identity Credentials are written concurrently for the managed identity \/subscriptions\/.+\/userAssignedIdentities\/id-aks-entra-dev-[0-9a-f]{8}-ci-payments-deploy \(delete at \d+-\d+ s beside the delete of .+\)$/,
            );
            assert.equal(e.steps.filter((s) => s.op === "delete").length, 2);
        });

        it("a system pool VM size change: AKS refuses the cluster update (failure mode 17); the run fails", async function () {
            // A state without the stack's outputs (from before the program exported its create-only
            // settings), so the program does not refuse the change itself and the update reaches AKS.
            const config = dev((c) => {
                c["aks-entra:cluster"].systemPool.vmSize = "Standard_D8ds_v5";
            });
            const e = await refused({ config, previous: { registrations: first.registrations } });
            assert.match(
                e.message,
                /^azure-native:containerservice:ManagedCluster aks-entra-cluster: PropertyChangeNotAllowed: Changing property 'agentPoolProfile\.vmSize' is not allowed \(agent pool system: "Standard_D4ds_v5" -> "Standard_D8ds_v5"\)/,
            );
            const cluster = e.steps.find((s) => s.type === TYPES.cluster)!;
            assert.equal(cluster.op, "update");
            assert.match(cluster.reason ?? "", /agentPoolProfiles/);
        });

        it("a system pool VM size change with the stack's last outputs: the program refuses it itself, before registering anything", async function () {
            // The program reads its own createOnlySettings output back (a StackReference to itself,
            // answered from `previous`), so the refused cluster update never starts.
            const config = dev((c) => {
                c["aks-entra:cluster"].systemPool.vmSize = "Standard_D8ds_v5";
            });
            const e = await refused({ config, previous: first });
            assert.match(e.message, /aks-entra:cluster\.systemPool\.vmSize "Standard_D8ds_v5"/);
            assert.doesNotMatch(e.message, /PropertyChangeNotAllowed/);
            assert.equal(e.registrations.length, 0);
        });

        it("a region change without the stack's last outputs: azure-native replaces the resource group and the cluster under the names the old ones hold, and the run fails (failure mode 26)", async function () {
            const config = dev((c) => {
                c["aks-entra:location"] = "northeurope";
            });
            const e = await refused({ config, previous: { registrations: first.registrations } });
            const rg = ofType(first, TYPES.resourceGroup)[0];
            const cluster = ofType(first, TYPES.cluster)[0];
            const lines = e.message.split("\n");
            for (const r of [rg, cluster]) {
                assert.ok(
                    lines.includes(
                        `${r.type} ${r.name}: cannot create already existing resource '${r.id}'`,
                    ),
                    e.message,
                );
                const step = e.steps.find((s) => s.urn === r.urn)!;
                assert.equal(step.op, "replace");
                assert.equal(step.reason, "location changed, which replaces it");
            }
            // Every identity is an in-place update ARM refuses.
            const identities = ofType(first, TYPES.identity);
            assert.ok(identities.length > 0);
            for (const r of identities) {
                assert.ok(
                    lines.some((l) =>
                        l.startsWith(`${r.type} ${r.name}: InvalidResourceLocation: `),
                    ),
                    r.name,
                );
            }
        });

        it("a region change with the stack's last outputs: the program refuses it itself, naming the key and the procedure, before registering anything", async function () {
            const config = dev((c) => {
                c["aks-entra:location"] = "northeurope";
            });
            const e = await refused({ config, previous: first });
            assert.ok(
                e.message.includes(
                    `aks-entra:location "northeurope" differs from "westeurope", which the cluster was created with: Azure cannot move a resource group, a cluster or an identity to another region`,
                ),
                e.message,
            );
            assert.match(e.message, /create a new stack with the new location/);
            assert.doesNotMatch(e.message, /already existing|InvalidResourceLocation/);
            assert.equal(e.registrations.length, 0);
        });

        it("adding a namespace grant: the new role assignment is a create, the cluster is same", async function () {
            const config = dev((c) => {
                const obs = namespaces(c).find((n) => n.name === "observability")!;
                (obs.access as Config[]).push({ group: "developers", role: "reader" });
            });
            const second = await run({ config, previous: first });
            const created = changed(second);
            assert.deepEqual(
                created.map((s) => `${s.op} ${s.type}`),
                [`create ${TYPES.roleAssignment}`],
            );
            const grant = byUrn(second, created[0].urn);
            assert.match(String(grant.inputs.scope), /\/namespaces\/observability$/);
            assert.equal(second.steps.find((s) => s.type === TYPES.cluster)!.op, "same");
            // Everything else exists: the grant starts at once.
            assert.deepEqual(created[0].span, { start: 0, end: 8 });
        });

        it("a user pool's VM size: a new AgentPool is created and the old one deleted at the end", async function () {
            const config = dev((c) => {
                c["aks-entra:cluster"].userPools[0].vmSize = "Standard_D16ds_v5";
            });
            const second = await run({ config, previous: first });
            const pool = ofType(first, TYPES.agentPool)[0];
            assert.deepEqual(
                changed(second).map((s) => `${s.op} ${s.name}`),
                [`replace ${pool.name}`, `delete ${pool.name}`],
            );
            const [create, remove] = changed(second);
            assert.match(create.reason ?? "", /its id changes/);
            assert.equal(remove.reason, "the old object of a replacement");
            assert.ok(remove.span.start >= create.span.end, "create before delete");
        });

        it("adding a user pool: one AgentPool is created, the cluster is same (failure mode 13)", async function () {
            const config = dev((c) => {
                c["aks-entra:cluster"].userPools.push({
                    name: "gpu",
                    vmSize: "Standard_NC4as_T4_v3",
                    count: 1,
                    taints: ["nvidia.com/gpu=present:NoSchedule"],
                });
            });
            const second = await run({ config, previous: first });
            assert.deepEqual(
                changed(second).map((s) => `${s.op} ${s.type} ${s.name}`),
                [`create ${TYPES.agentPool} aks-entra-cluster-pool-gpu`],
            );
            assert.equal(second.steps.find((s) => s.type === TYPES.cluster)!.op, "same");
            const pool = byUrn(second, changed(second)[0].urn);
            assert.match(String(pool.inputs.agentPoolName), /^gpu[0-9a-f]{4}$/);
        });

        it("removing both user pools: deleted one after the other, the later one first (failure mode 28)", async function () {
            const config = dev((c) => {
                c["aks-entra:cluster"].userPools = [];
            });
            const second = await run({ config, previous: first });
            const gone = changed(second);
            assert.deepEqual(ops(gone), [
                `delete ${TYPES.agentPool} aks-entra-cluster-pool-batch`,
                `delete ${TYPES.agentPool} aks-entra-cluster-pool-apps`,
            ]);
            assert.equal(gone[1].span.start, gone[0].span.end);
        });

        it("removing a user pool: only its AgentPool is deleted, the cluster is same", async function () {
            const config = dev((c) => {
                c["aks-entra:cluster"].userPools.pop();
            });
            const second = await run({ config, previous: first });
            assert.deepEqual(
                changed(second).map((s) => `${s.op} ${s.type} ${s.name}`),
                [`delete ${TYPES.agentPool} aks-entra-cluster-pool-batch`],
            );
        });

        it("a namespace role's cluster role: the RoleBinding is replaced, deleted before it is created again (roleRef is immutable)", async function () {
            const config = dev((c) => {
                const obs = namespaces(c).find((n) => n.name === "observability")!;
                (obs.roles as Config[])[0].clusterRole = "edit";
            });
            const second = await run({ config, previous: first });
            const [binding] = changed(second);
            assert.deepEqual(ops(changed(second)), [
                `replace ${TYPES.roleBinding} aks-entra-ns-observability/developers-view`,
            ]);
            assert.equal(
                binding.reason,
                "roleRef changed, which replaces it (the same name: delete before create)",
            );
            assert.equal(binding.span.end - binding.span.start, 2, "a delete and a create");
        });

        describe("an interrupted up: objects in Azure that the state does not know (failure mode 14)", function () {
            let grant: Registration;
            let state: RunResult;
            before(function () {
                grant = ofType(first, TYPES.roleAssignment).find((r) =>
                    String(r.inputs.scope).endsWith("/namespaces/observability"),
                )!;
                // The grant was created, but the run stopped before Pulumi saved it.
                state = {
                    ...first,
                    registrations: first.registrations.filter((r) => r.urn !== grant.urn),
                };
            });

            it("a create of the same id fails: cannot create already existing resource", async function () {
                const e = await refused({
                    previous: state,
                    outside: [{ type: grant.type, id: grant.id.toUpperCase() }],
                });
                assert.equal(
                    e.message,
                    `${grant.type} ${grant.name}: cannot create already existing resource '${grant.id}'`,
                );
            });

            it("the same role for the same principal on the same scope under another name fails: RoleAssignmentExists", async function () {
                const e = await refused({
                    previous: state,
                    outside: [
                        {
                            type: grant.type,
                            id: grant.id.replace(/[^/]+$/, "00000000-0000-4000-8000-000000000000"),
                            inputs: {
                                roleDefinitionId: grant.inputs.roleDefinitionId,
                                principalId: grant.inputs.principalId,
                            },
                        },
                    ],
                });
                assert.match(
                    e.message,
                    new RegExp(
                        `^${grant.type} ${grant.name.replace(/[/.]/g, "\\$&")}: RoleAssignmentExists: The role assignment already exists\\.`,
                    ),
                );
            });

            it("without the leftover, the run creates the grant", async function () {
                const second = await run({ previous: state });
                assert.deepEqual(ops(changed(second)), [`create ${grant.type} ${grant.name}`]);
            });
        });
    });

    describe("pulumi destroy", function () {
        it("deletes every Kubernetes object, agent pool, maintenance window, credential and PIM eligibility with its cluster, identity or group: no API call, no error, nothing left", function () {
            for (const clusterGone of [false, true]) {
                const { steps, errors, left } = destroyStack(first, { clusterGone });
                assert.deepEqual(errors, []);
                assert.deepEqual(left, []);
                assert.equal(steps.length, first.steps.length);
                const skipped = steps.filter((s) => s.op === "delete-skipped");
                assert.deepEqual(
                    urns(skipped),
                    first.registrations
                        .filter(
                            (r) =>
                                r.custom &&
                                (r.type.startsWith("kubernetes:") ||
                                    r.type === TYPES.agentPool ||
                                    r.type === TYPES.maintenance ||
                                    // PIM eligibilities go with their group.
                                    r.type === TYPES.pimEligibility ||
                                    r.type === TYPES.fic),
                        )
                        .map((r) => r.urn)
                        .sort(),
                );
                assert.ok(skipped.every((s) => s.span.end === s.span.start));
            }
        });

        it("deletes the audit diagnostic setting itself, before the cluster: Azure Monitor would keep it (failure mode 27)", function () {
            const { steps } = destroyStack(first);
            const setting = ofType(first, TYPES.diagnosticSetting)[0];
            const [del] = steps.filter((s) => s.urn === setting.urn);
            const cluster = steps.find((s) => s.type === TYPES.cluster)!;
            assert.equal(del.op, "delete");
            assert.ok(del.span.end <= cluster.span.start, "the setting goes before its cluster");
            assert.equal(setting.deletedWith, "");
        });

        it("a setting deletedWith its cluster outlives a destroy, and the next up of the same stack fails on it: cannot create already existing resource (failure mode 27)", async function () {
            // The state of a program that deleted the setting with the cluster.
            const cluster = ofType(first, TYPES.cluster)[0];
            const setting = ofType(first, TYPES.diagnosticSetting)[0];
            const state = {
                registrations: first.registrations.map((r) =>
                    r.urn === setting.urn ? { ...r, deletedWith: cluster.urn } : r,
                ),
            };
            const destroyed = destroyStack(state);
            assert.deepEqual(destroyed.errors, []);
            assert.deepEqual(destroyed.left, [
                { type: TYPES.diagnosticSetting, id: setting.id, inputs: setting.inputs },
            ]);
            const e = await refused({ outside: destroyed.left });
            assert.equal(
                e.message,
                `${setting.type} ${setting.name}: cannot create already existing resource '${setting.id}'`,
            );
            // With the setting deleted by the destroy, the same stack comes up again.
            const again = await run({ outside: destroyStack(first).left });
            assert.equal(ofType(again, TYPES.diagnosticSetting)[0].id, setting.id);
        });

        it("deletes grants before their principals and scopes, the cluster after what it holds, the resource group last", function () {
            const { steps } = destroyStack(first);
            const of = (type: string, name?: RegExp) =>
                steps.filter((s) => s.type === type && (!name || name.test(s.name)));
            const cluster = of(TYPES.cluster)[0];
            const clusterId = first.registrations.find((r) => r.type === TYPES.cluster)!.id;
            for (const g of of(TYPES.roleAssignment)) {
                if (String(byUrn(first, g.urn).inputs.scope).startsWith(clusterId)) {
                    assert.ok(g.span.end <= cluster.span.start, g.name);
                }
            }
            const rg = of(TYPES.resourceGroup)[0];
            assert.equal(steps[steps.length - 1], rg);
            assert.ok(steps.every((s) => s === rg || s.span.end <= rg.span.start));
            assert.equal(
                rg.span.end,
                Math.max(...steps.map((s) => s.span.end)),
                "the resource group ends the destroy",
            );
        });

        it("without deletedWith, Kubernetes deletes need the API server: Unreachable once the cluster is gone", function () {
            // The state of a program that does not set deletedWith.
            const state = {
                registrations: first.registrations.map((r) => ({ ...r, deletedWith: "" })),
            };
            const k8s = state.registrations.filter(
                (r) => r.custom && r.type.startsWith("kubernetes:"),
            );
            assert.ok(k8s.length > 0);
            const gone = destroyStack(state, { clusterGone: true });
            const cluster = String(
                first.registrations.find((r) => r.type === TYPES.cluster)!.inputs.resourceName,
            );
            assert.deepEqual(
                gone.errors,
                k8s.map(
                    (r) =>
                        `${r.type} ${r.name}: Unreachable: the API server of ${cluster} is gone (cluster deleted); pulumi destroy cannot delete Kubernetes objects without it`,
                ),
            );
            // With the cluster there, the objects go before their provider and so before the cluster.
            const { steps, errors } = destroyStack(state);
            assert.deepEqual(errors, []);
            const clusterDelete = steps.find((s) => s.type === TYPES.cluster)!;
            for (const s of steps.filter((x) => x.type.startsWith("kubernetes:"))) {
                assert.equal(s.op, "delete");
                assert.ok(s.span.end <= clusterDelete.span.start, s.name);
            }
            // Each identity's credentials, deleted one by one now, never two at once (failure mode 16).
            assert.deepEqual(overlappingCredentialWrites(steps, first), []);
        });

        it("refuses to delete a protected resource", function () {
            const state = {
                registrations: first.registrations.map((r) =>
                    r.type === TYPES.cluster ? { ...r, protect: true } : r,
                ),
            };
            assert.deepEqual(destroyStack(state).errors, [
                `${TYPES.cluster} aks-entra-cluster: the resource is protected, so pulumi destroy cannot delete it; remove protect from the program and run pulumi up first`,
            ]);
        });
    });
});

describe("Azure's in-place rules (offline/fakes.ts: updateProblems, classifyChange)", function () {
    const pool = (extra: Record<string, unknown> = {}) => ({
        name: "system",
        mode: "System",
        vmSize: "Standard_D4ds_v5",
        count: 3,
        availabilityZones: ["1", "2", "3"],
        osSKU: "AzureLinux",
        ...extra,
    });
    const cluster = (extra: Record<string, unknown> = {}) => ({
        location: "westeurope",
        dnsPrefix: "aks",
        nodeResourceGroup: "rg-nodes",
        aadProfile: { managed: true },
        oidcIssuerProfile: { enabled: true },
        apiServerAccessProfile: { enablePrivateCluster: false },
        networkProfile: { networkPlugin: "azure" },
        agentPoolProfiles: [pool()],
        ...extra,
    });
    const problems = (type: string, before: object, after: object) =>
        updateProblems(type, before as Record<string, unknown>, after as Record<string, unknown>);

    const refusedCluster: [string, Record<string, unknown>, RegExp][] = [
        [
            "an inline pool added (failure mode 13)",
            { agentPoolProfiles: [pool(), pool({ name: "user", mode: "User" })] },
            /^Adding agent pools to an existing cluster is not allowed through managed cluster operations \(agent pool user/,
        ],
        [
            "an inline pool removed (failure mode 13)",
            { agentPoolProfiles: [] },
            /^Removing agent pools from an existing cluster is not allowed/,
        ],
        ...(
            [
                ["vmSize", "Standard_D8ds_v5"],
                ["availabilityZones", ["1"]],
                ["osSKU", "Ubuntu"],
                ["scaleSetPriority", "Spot"],
                ["vnetSubnetID", "/subscriptions/x/subnet"],
            ] as const
        ).map(([p, v]): [string, Record<string, unknown>, RegExp] => [
            `an inline pool's ${p} (failure mode 17)`,
            { agentPoolProfiles: [pool({ [p]: v })] },
            new RegExp(
                `^PropertyChangeNotAllowed: Changing property 'agentPoolProfile\\.${p}' is not allowed \\(agent pool system: `,
            ),
        ]),
        [
            "dnsPrefix (failure mode 17)",
            { dnsPrefix: "other" },
            /^PropertyChangeNotAllowed: Changing property 'dnsPrefix' is not allowed \("aks" -> "other"\)/,
        ],
        [
            "nodeResourceGroup (failure mode 17)",
            { nodeResourceGroup: "other" },
            /^PropertyChangeNotAllowed: Changing property 'nodeResourceGroup'/,
        ],
        ["location", { location: "northeurope" }, /^InvalidResourceLocation: /],
        [
            "private to public",
            { apiServerAccessProfile: { enablePrivateCluster: true } },
            /^Changing property 'apiServerAccessProfile\.enablePrivateCluster' is not allowed \(false -> true\)/,
        ],
        [
            "the private DNS zone",
            { apiServerAccessProfile: { privateDNSZone: "system" } },
            /^Changing property 'apiServerAccessProfile\.privateDNSZone' is not allowed/,
        ],
        [
            "AKS-managed Entra turned off",
            { aadProfile: { managed: false } },
            /^AKS-managed Entra integration cannot be disabled once enabled/,
        ],
        [
            "the OIDC issuer turned off",
            { oidcIssuerProfile: {} },
            /^The OIDC issuer cannot be disabled once enabled/,
        ],
        ...["podCidr", "serviceCidr", "dnsServiceIP", "outboundType", "networkPlugin"].map(
            (p): [string, Record<string, unknown>, RegExp] => [
                `networkProfile.${p}`,
                { networkProfile: { networkPlugin: "azure", [p]: "changed" } },
                new RegExp(`^Changing property 'networkProfile\\.${p}' is not allowed`),
            ],
        ),
    ];
    for (const [what, change, message] of refusedCluster) {
        it(`ManagedCluster refuses: ${what}`, function () {
            const out = problems(TYPES.cluster, cluster(), cluster(change));
            assert.equal(out.length, 1, out.join("\n"));
            assert.match(out[0], message);
        });
    }

    it("ManagedCluster updates in place: counts, taints, labels, channels, tags, authorized ranges, Kubernetes version, zones in another order", function () {
        const after = cluster({
            agentPoolProfiles: [
                pool({
                    count: 5,
                    minCount: 3,
                    maxCount: 9,
                    nodeTaints: ["a=b:NoSchedule"],
                    nodeLabels: { x: "y" },
                    availabilityZones: ["3", "2", "1"],
                }),
            ],
            autoUpgradeProfile: { upgradeChannel: "stable" },
            tags: { team: "platform" },
            apiServerAccessProfile: {
                enablePrivateCluster: false,
                authorizedIPRanges: ["203.0.113.0/24"],
            },
            kubernetesVersion: "1.36",
            location: "West Europe",
        });
        assert.deepEqual(problems(TYPES.cluster, cluster(), after), []);
    });

    it("AgentPool refuses vmSize, zones, OS, spot and subnet; updates counts, labels, taints and mode", function () {
        const p = { agentPoolName: "apps", ...pool({ name: undefined, mode: "User" }) };
        for (const [k, v] of [
            ["vmSize", "Standard_D8ds_v5"],
            ["availabilityZones", ["1"]],
            ["osSKU", "Ubuntu"],
            ["scaleSetPriority", "Spot"],
            ["vnetSubnetID", "/s"],
        ] as const) {
            assert.match(
                problems(TYPES.agentPool, p, { ...p, [k]: v }).join(),
                new RegExp(
                    `^PropertyChangeNotAllowed: Changing property '${k}' is not allowed \\(agent pool apps: `,
                ),
            );
        }
        const ok = {
            ...p,
            count: 9,
            maxCount: 12,
            nodeLabels: { a: "b" },
            nodeTaints: ["t"],
            mode: "System",
        };
        assert.deepEqual(problems(TYPES.agentPool, p, ok), []);
    });

    it("RoleAssignment refuses a new principal, role or principal type under one name: RoleAssignmentUpdateNotPermitted", function () {
        const a = {
            scope: "/s",
            principalId: "p",
            roleDefinitionId: "/r/1",
            principalType: "User",
        };
        for (const [k, v] of [
            ["principalId", "q"],
            ["roleDefinitionId", "/r/2"],
            ["principalType", "Group"],
        ]) {
            assert.match(
                problems(TYPES.roleAssignment, a, { ...a, [k]: v }).join(),
                new RegExp(`^RoleAssignmentUpdateNotPermitted: .*\\(${k} `),
            );
        }
        assert.deepEqual(problems(TYPES.roleAssignment, a, { ...a, description: "d" }), []);
        assert.deepEqual(problems(TYPES.roleAssignment, a, { ...a, principalId: "P" }), []);
    });

    it("FederatedIdentityCredential updates issuer, subject and audiences; resource group and identity refuse a new location", function () {
        const f = { issuer: "i", subject: "s", audiences: ["a"] };
        assert.deepEqual(
            problems(TYPES.fic, f, { issuer: "j", subject: "t", audiences: ["b"] }),
            [],
        );
        for (const type of [TYPES.resourceGroup, TYPES.identity]) {
            assert.match(
                problems(type, { location: "westeurope" }, { location: "northeurope" }).join(),
                /^InvalidResourceLocation: /,
            );
        }
    });

    it("classifies: create, same after ignoreChanges, update, replace by id or by a replace-on property", function () {
        const inputs = { agentPoolProfiles: [{ name: "system", count: 3 }], tags: { a: "1" } };
        const ignore = ["agentPoolProfiles[0].count"];
        assert.equal(classifyChange(TYPES.cluster, undefined, "/c", inputs, ignore).op, "create");
        const prior = { id: "/c", inputs };
        const scaled = { ...inputs, agentPoolProfiles: [{ name: "system", count: 7 }] };
        assert.equal(classifyChange(TYPES.cluster, prior, "/c", scaled, ignore).op, "same");
        assert.equal(classifyChange(TYPES.cluster, prior, "/c", scaled, []).op, "update");
        assert.deepEqual(
            classifyChange(TYPES.cluster, prior, "/c", { ...inputs, tags: {} }, ignore),
            {
                op: "update",
                reason: "changes tags",
                after: { ...inputs, tags: {} },
            },
        );
        assert.equal(classifyChange(TYPES.cluster, prior, "/d", inputs, ignore).op, "replace");
        const sleep = { id: "t", inputs: { createDuration: "120s", triggers: { grant: "a" } } };
        assert.equal(
            classifyChange(
                TYPES.sleep,
                sleep,
                "t",
                { ...sleep.inputs, triggers: { grant: "b" } },
                [],
            ).op,
            "replace",
        );
        assert.equal(
            classifyChange(TYPES.sleep, sleep, "t", { ...sleep.inputs, createDuration: "60s" }, [])
                .op,
            "update",
        );
        // azure-native's forceNewMap: a resource group's and a cluster's region replace them.
        for (const type of [TYPES.resourceGroup, TYPES.cluster]) {
            const here = { id: "/g", inputs: { location: "westeurope" } };
            assert.deepEqual(classifyChange(type, here, "/g", { location: "northeurope" }, []), {
                op: "replace",
                reason: "location changed, which replaces it",
                deleteBeforeReplace: false,
            });
            // The same region spelt another way is no replacement.
            assert.equal(
                classifyChange(type, here, "/g", { location: "West Europe" }, []).op,
                "update",
            );
        }
        const binding = { id: "ns/b", inputs: { roleRef: { name: "view" } } };
        assert.deepEqual(
            classifyChange(TYPES.roleBinding, binding, "ns/b", { roleRef: { name: "edit" } }, []),
            {
                op: "replace",
                reason: "roleRef changed, which replaces it (the same name: delete before create)",
                deleteBeforeReplace: true,
            },
        );
    });

    it("ignoreChanges paths reset to the old value, or drop a value the old inputs lack", function () {
        const olds = { a: { b: 1 }, list: [{ n: 1 }, { n: 2 }], tags: { "x.y": "old" } };
        const news = { a: { b: 2 }, list: [{ n: 5 }, { n: 6 }], tags: { "x.y": "new" }, c: 3 };
        assert.deepEqual(applyIgnoreChanges(news, olds, ["a.b", "list[*].n", 'tags["x.y"]', "c"]), {
            a: { b: 1 },
            list: [{ n: 1 }, { n: 2 }],
            tags: { "x.y": "old" },
        });
    });

    it("reports each credential write that overlaps an earlier one of the same identity", function () {
        const op = (name: string, identity: string, start: number, end: number) => ({
            op: "delete" as const,
            name,
            id: `/sub/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}/federatedIdentityCredentials/${name}`,
            inputs: { resourceGroupName: "rg", resourceName: identity },
            span: { start, end },
        });
        assert.deepEqual(
            ficConcurrencyProblems([
                op("a", "one", 0, 5),
                op("b", "one", 5, 10),
                op("c", "two", 0, 5),
            ]),
            [],
        );
        assert.deepEqual(ficConcurrencyProblems([op("a", "one", 0, 5), op("b", "one", 4, 9)]), [
            `${TYPES.fic} b: ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity: Too many Federated Identity Credentials are written concurrently for the managed identity /sub/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/one (delete at 4-9 s beside the delete of a at 0-5 s)`,
        ]);
    });
});
