// `npm run verify` on snapshots built from the fakes (test/verifyWorld.ts): a deployed dev stack
// whose ids Azure invented differently from the plan's, read as verify reads Azure, compared with
// the offline plan of the same config. Clean, then drifted as the issue lists (an extra Owner,
// local accounts re-enabled, a federated credential with a wrong issuer, a RoleBinding edited by
// hand) and more; the CLI's exit codes and formats on saved snapshots.
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AKS_ROLES } from "../components/roles";
import { TYPES } from "../offline/types";
import { evaluatePlan, readStackConfig, validConfig } from "../plan/cli";
import { main, planAgainstState } from "../verify/cli";
import { type Check, compareLive, type Report } from "../verify/compare";
import { type Expected, expectedFrom } from "../verify/expected";
import { parseSnapshot, type Snapshot, withoutSecrets } from "../verify/snapshot";
import { stableJson } from "../plan/model";
import {
    assignment,
    binding,
    deployedWorld,
    LIVE_SUBSCRIPTION,
    liveDeployer,
    read,
    type World,
} from "./verifyWorld";
import { inProcess, tsx } from "./planRun";

const ROOT = path.resolve(__dirname, "..");
const DEV = path.join(ROOT, "Pulumi.dev.yaml");
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"; // docs/azure-facts.md (FORBIDDEN_ROLES)
const STRANGER = "0f0f0f0f-1234-4abc-8def-0123456789ab";
/** A person who grants herself access by hand. */
const MALLORY = { kind: "User", name: "mallory@contoso.com" };

interface Planned {
    raw: Record<string, unknown>;
    evaluated: Awaited<ReturnType<typeof evaluatePlan>>;
}

async function planOf(raw: Record<string, unknown>, stack = "dev"): Promise<Planned> {
    const config = validConfig(raw, "Pulumi.dev.yaml");
    return { raw, evaluated: await evaluatePlan({ raw, config, stack, project: "aks-entra" }) };
}

function expect(planned: Planned, world: World): Expected {
    return expectedFrom({
        plan: planned.evaluated.plan,
        registrations: planned.evaluated.result.registrations,
        state: world.state,
        rawConfig: planned.raw,
    });
}

function verify(
    planned: Planned,
    world: World,
    kubernetes = true,
): { report: Report; snapshot: Snapshot } {
    const expected = expect(planned, world);
    const snapshot = read(world, expected.targets, kubernetes);
    return { report: compareLive(expected, snapshot), snapshot };
}

const drift = (r: Report): Check[] => r.checks.filter((c) => c.status !== "ok");

describe("verify: a deployed stack against its offline plan (snapshots from the fakes)", function () {
    this.timeout(120_000);
    let raw: Record<string, unknown>;
    let planned: Planned;
    let fresh: () => Promise<World>;

    before(async () => {
        raw = readStackConfig(DEV);
        planned = await planOf(raw);
        const world = await deployedWorld(raw);
        const frozen = JSON.stringify(world);
        fresh = () => Promise.resolve(JSON.parse(frozen) as World);
    });

    it("finds no drift in a stack deployed from the same config, though Azure's ids differ from the plan's", async () => {
        const world = await fresh();
        const { report } = verify(planned, world);
        assert.deepEqual(drift(report), [], JSON.stringify(drift(report), null, 1));
        assert.equal(report.summary.errors, 0);
        assert.equal(report.summary.kubernetes, "compared");
        // Every grant of the plan was found: 28 role assignments, 7 federated credentials, 7
        // identities, 3 service accounts, 3 RoleBindings in dev.
        const count = (area: string) => report.checks.filter((c) => c.area === area).length;
        const regs = planned.evaluated.result.registrations;
        const n = (type: string) => regs.filter((r) => r.type === type).length;
        assert.equal(count("role-assignment"), n(TYPES.roleAssignment));
        assert.equal(count("federated-credential"), n(TYPES.fic));
        assert.equal(count("identity"), n(TYPES.identity));
        assert.equal(count("service-account"), n(TYPES.serviceAccount));
        assert.equal(count("rbac-binding"), n(TYPES.roleBinding) + n(TYPES.clusterRoleBinding));
        assert.ok(count("cluster") >= 14, `cluster settings checked: ${count("cluster")}`);
        // The subscription's Owner is inherited, listed apart, not drift.
        assert.deepEqual(
            report.inherited.map((i) => [i.role, i.scope, i.where]),
            [["Owner", `/subscriptions/${LIVE_SUBSCRIPTION}`, "above"]],
        );
    });

    it("compares with the live ids: the plan's invented GUIDs are mapped through the stack's state", async () => {
        const world = await fresh();
        const expected = expect(planned, world);
        const fakeCp = planned.evaluated.result.registrations.find(
            (r) => r.type === TYPES.identity && r.name.endsWith("control-plane"),
        )!;
        const liveCp = world.identities.find((i) => i.id.endsWith("control-plane"))!;
        const cp = expected.identities.find((i) => i.id.endsWith("control-plane"))!;
        // The live world was deployed in another subscription and tenant: every invented id differs.
        assert.notEqual(
            String(fakeCp.state.principalId),
            (liveCp.properties as { principalId: string }).principalId,
        );
        assert.equal(cp.principalId, (liveCp.properties as { principalId: string }).principalId);
        assert.ok(cp.id.startsWith(`/subscriptions/${LIVE_SUBSCRIPTION}/`), cp.id);
        assert.ok(
            expected.targets.scopes.every(
                (s) => !s.id.includes(planned.evaluated.result.deployer.subscriptionId),
            ),
        );
        assert.deepEqual(expected.conflicts, []);
        // Values the config gives are never mapped: the groups of Pulumi.dev.yaml stay as written.
        assert.ok(
            expected.assignments.some(
                (a) => a.principalId === "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            ),
        );
        // Reads what the stack grants on (registries, vaults, subnets: at and above), and its own
        // resource group and cluster with everything below them (identities, namespaces).
        assert.deepEqual(
            expected.targets.scopes
                .filter((s) => s.below)
                .map((s) => s.id.split("/").slice(-2).join("/")),
            [
                "resourceGroups/rg-aks-entra-dev-5ff3bbad",
                "managedClusters/aks-aks-entra-dev-5ff3bbad",
            ],
        );
        assert.ok(
            expected.targets.scopes.some((s) => s.id.endsWith("/registries/contosoplatform")),
        );
    });

    it("reports an Owner added by hand on the cluster as extra access, HIGH (exit 2)", async () => {
        const world = await fresh();
        const cluster = world.clusters[0].id;
        world.assignments.push(assignment(cluster, OWNER, STRANGER, "User"));
        const { report } = verify(planned, world);
        const d = drift(report);
        assert.equal(d.length, 1, JSON.stringify(d, null, 1));
        assert.equal(d[0].status, "extra");
        assert.equal(d[0].severity, "high");
        assert.equal(d[0].area, "role-assignment");
        assert.match(d[0].subject, /User 0f0f0f0f-1234-4abc-8def-0123456789ab -> Owner on cluster/);
        assert.match(d[0].message, /did not grant/);
    });

    it("reports access granted by hand on a namespace below the cluster, and not on an unrelated resource", async () => {
        const world = await fresh();
        const cluster = world.clusters[0].id;
        world.assignments.push(
            assignment(`${cluster}/namespaces/kube-system`, AKS_ROLES.rbacAdmin, STRANGER, "User"),
            assignment(
                `/subscriptions/${LIVE_SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/elsewhere`,
                OWNER,
                STRANGER,
                "User",
            ),
        );
        const d = drift(verify(planned, world).report);
        assert.equal(d.length, 1, JSON.stringify(d, null, 1));
        assert.match(
            d[0].subject,
            /User 0f0f0f0f-1234-4abc-8def-0123456789ab -> AKS RBAC Admin on namespace kube-system/,
        );
        assert.equal(d[0].severity, "high");
    });

    it("lists other teams' grants on a shared registry apart, but holds the stack's own identities to the plan everywhere", async () => {
        const world = await fresh();
        const registry = `/subscriptions/${LIVE_SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoplatform`;
        const acrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d"; // docs/azure-facts.md
        const acrPush = "8311e382-0749-4cb8-b61a-304f252e45ec";
        const contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
        const kubelet = world.identities.find((i) => i.id.endsWith("-kubelet"))!;
        const kubeletId = (kubelet.properties as { principalId: string }).principalId;
        // Another cluster's kubelet pulls from the same registry: not this stack's business.
        world.assignments.push(assignment(registry, acrPull, STRANGER, "ServicePrincipal"));
        let report = verify(planned, world).report;
        assert.deepEqual(drift(report), []);
        assert.deepEqual(
            report.inherited
                .filter((i) => i.where === "shared")
                .map((i) => [i.role, i.principalId]),
            [["AcrPull", STRANGER]],
        );
        // The stack's kubelet identity given push on the registry, and Contributor on the
        // subscription (inherited everywhere): both are access the stack did not grant.
        world.assignments.push(
            assignment(registry, acrPush, kubeletId, "ServicePrincipal"),
            assignment(
                `/subscriptions/${LIVE_SUBSCRIPTION}`,
                contributor,
                kubeletId,
                "ServicePrincipal",
            ),
        );
        report = verify(planned, world).report;
        assert.deepEqual(
            drift(report).map((c) => [c.status, c.severity, c.subject]),
            [
                [
                    "extra",
                    "high",
                    `identity kubelet -> Contributor on subscription ${LIVE_SUBSCRIPTION}`,
                ],
                ["extra", "medium", "identity kubelet -> AcrPush on acr contosoplatform"],
            ],
        );
        assert.match(drift(report)[0].message, /a principal the stack creates/);
    });

    it("reports local accounts re-enabled on the cluster", async () => {
        const world = await fresh();
        (world.clusters[0].properties as Record<string, unknown>).disableLocalAccounts = false;
        const d = drift(verify(planned, world).report);
        assert.equal(d.length, 1, JSON.stringify(d, null, 1));
        assert.deepEqual(
            [d[0].area, d[0].status, d[0].severity, d[0].subject, d[0].expected, d[0].live],
            ["cluster", "changed", "high", "local accounts disabled", "true", "false"],
        );
    });

    it("reports a federated credential whose issuer is not exactly the cluster's (a missing trailing slash)", async () => {
        const world = await fresh();
        const fic = world.credentials.find((f) =>
            String((f.properties as { subject: string }).subject).startsWith(
                "system:serviceaccount:",
            ),
        )!;
        const props = fic.properties as { issuer: string };
        const planned_ = props.issuer;
        props.issuer = planned_.replace(/\/$/, "");
        const d = drift(verify(planned, world).report);
        assert.equal(d.length, 1, JSON.stringify(d, null, 1));
        assert.equal(d[0].area, "federated-credential");
        assert.equal(d[0].status, "changed");
        assert.equal(d[0].severity, "high");
        assert.match(
            d[0].message,
            /the issuer differs from the planned one .*; the issuer is not the cluster.s live OIDC issuer URL/,
        );
    });

    it("reports a federated credential added by hand to a stack identity as an extra trust", async () => {
        const world = await fresh();
        const identity = world.identities.find((i) => i.id.includes("-wl-"))!;
        world.credentials.push({
            id: `${identity.id}/federatedIdentityCredentials/backdoor`,
            name: "backdoor",
            type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
            properties: {
                issuer: "https://token.actions.githubusercontent.com",
                subject: "repo:someone/else:ref:refs/heads/main",
                audiences: ["api://AzureADTokenExchange"],
            },
        });
        const d = drift(verify(planned, world).report);
        assert.equal(d.length, 1, JSON.stringify(d, null, 1));
        assert.deepEqual([d[0].status, d[0].severity], ["extra", "high"]);
        assert.match(d[0].subject, /trusts repo:someone\/else/);
    });

    it("reports a RoleBinding edited by hand, and one added by hand in a stack namespace; AKS's own bindings are not drift", async () => {
        const world = await fresh();
        const rb = world.roleBindings.find((b) => b.metadata.name === "auditors-view")!;
        (rb.subjects as object[]).push({ apiGroup: "rbac.authorization.k8s.io", ...MALLORY });
        world.roleBindings.push(
            binding("RoleBinding", "quick-fix", "payments", "ClusterRole", "admin", [MALLORY]),
        );
        const d = drift(verify(planned, world).report);
        assert.deepEqual(
            d.map((c) => [c.status, c.subject, c.severity]),
            [
                ["changed", "RoleBinding payments/auditors-view", "high"],
                ["extra", "RoleBinding payments/quick-fix", "high"],
            ],
        );
        assert.match(d[0].live!, /User mallory@contoso\.com/);
    });

    it("reports a ClusterRoleBinding to cluster-admin added by hand", async () => {
        const world = await fresh();
        world.clusterRoleBindings.push(
            binding("ClusterRoleBinding", "break-in", "", "ClusterRole", "cluster-admin", [
                MALLORY,
            ]),
        );
        const d = drift(verify(planned, world).report);
        assert.deepEqual(
            d.map((c) => [c.status, c.subject, c.severity]),
            [["extra", "ClusterRoleBinding break-in", "high"]],
        );
    });

    it("reports a deleted grant as missing, and an identity recreated outside the stack as changed", async () => {
        const world = await fresh();
        const gone = world.assignments.findIndex(
            (a) => String((a.properties as { principalType: string }).principalType) === "Group",
        );
        world.assignments.splice(gone, 1);
        const wl = world.identities.find((i) => i.id.includes("-wl-"))!;
        (wl.properties as { principalId: string }).principalId =
            "d00dd00d-0000-4000-8000-000000000001";
        const d = drift(verify(planned, world).report);
        assert.deepEqual(d.map((c) => [c.area, c.status]).sort(), [
            ["identity", "changed"],
            ["role-assignment", "missing"],
        ]);
    });

    it("reports a cluster deleted outside the stack as missing (ARM's 404 is its absence, not a failed read)", async () => {
        const world = await fresh();
        const gone = world.clusters[0].id;
        world.clusters = [];
        // ARM answers the deleted cluster's role-assignment list with 404 too.
        world.failing[`role assignments at ${gone}`] = "404 ResourceNotFound: not found";
        world.assignments = world.assignments.filter(
            (a) => !String((a.properties as { scope: string }).scope).includes("/managedClusters/"),
        );
        const { report } = verify(planned, world);
        assert.equal(report.summary.errors, 0, JSON.stringify(report.errors));
        assert.equal(report.summary.kubernetes, "no-cluster");
        const d = drift(report);
        assert.deepEqual(
            [d[0].area, d[0].status, d[0].severity, d[0].message],
            ["cluster", "missing", "high", "the stack's cluster does not exist"],
        );
        // Its grants on the cluster and namespaces are missing too.
        assert.ok(d.some((c) => c.area === "role-assignment" && c.status === "missing"));
    });

    it("compares ARM ids without case: a snapshot whose scopes were read as ARM spells them is still clean", async () => {
        const world = await fresh();
        const expected = expect(planned, world);
        const snapshot = read(world, expected.targets);
        snapshot.arm.roleAssignments = Object.fromEntries(
            Object.entries(snapshot.arm.roleAssignments).map(([scope, list]) => [
                scope.replace("/resourceGroups/", "/resourcegroups/"),
                list,
            ]),
        );
        const report = compareLive(expected, snapshot);
        assert.deepEqual(drift(report), []);
        assert.equal(
            report.checks.filter((c) => c.area === "role-assignment").length,
            expected.assignments.length,
        );
    });

    it("replays a saved snapshot to the same report, and never saves a secret", async () => {
        const world = await fresh();
        const { report, snapshot } = verify(planned, world);
        assert.equal(snapshot.state.outputs.kubeconfig, "[secret]");
        const again = parseSnapshot(JSON.parse(stableJson(snapshot)));
        const expected = expect(planned, { ...world, state: again.state });
        assert.equal(stableJson(compareLive(expected, again)), stableJson(report));
        // pulumi stack export's secrets (ciphertext objects) become "[secret]".
        assert.deepEqual(
            withoutSecrets({
                a: {
                    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                    ciphertext: "v1:abc",
                },
                b: [1],
            }),
            { a: "[secret]", b: [1] },
        );
    });

    it("says which reads failed instead of calling what it could not see drift (exit 3 in the CLI)", async () => {
        const world = await fresh();
        const cluster = world.clusters[0].id;
        const group = cluster.replace(/\/providers\/.*$/, "");
        world.assignments.push(assignment(cluster, OWNER, STRANGER, "User"));
        // Seen through the resource group's list even when the cluster's own list fails.
        world.failing[`role assignments at ${cluster}`] =
            "403 AuthorizationFailed: no Microsoft.Authorization/roleAssignments/read";
        assert.deepEqual(
            drift(verify(planned, world).report).map((c) => [c.status, c.subject]),
            [["extra", `User ${STRANGER} -> Owner on cluster`]],
        );
        world.failing[`role assignments at ${group}`] =
            world.failing[`role assignments at ${cluster}`];
        const { report } = verify(planned, world);
        assert.deepEqual(drift(report), []);
        assert.equal(report.summary.errors, 2);
        assert.match(report.errors[0].error, /^403 AuthorizationFailed/);
    });

    it("does not compare Kubernetes when told not to (--no-kubernetes) and says so", async () => {
        const world = await fresh();
        world.roleBindings.length = 0;
        const { report } = verify(planned, world, false);
        assert.deepEqual(drift(report), []);
        assert.equal(report.summary.kubernetes, "skipped");
        assert.equal(report.checks.filter((c) => c.area === "rbac-binding").length, 0);
    });

    it("reports what the config adds since the last pulumi up as not deployed, and what it drops as extra", async () => {
        const world = await fresh();
        const changed = structuredClone(raw);
        const ns = changed["aks-entra:namespaces"] as Record<string, unknown>[];
        const dropped = ns.pop()!;
        ns.push({ ...dropped, name: "ledger" });
        const d = drift(verify(await planOf(changed), world).report);
        // Each resource once, at the stack level: not also "missing" or "extra" in its area.
        const kinds = (status: string) =>
            d
                .filter((c) => c.status === status)
                .map((c) => `${c.area} ${c.subject}`)
                .sort();
        assert.deepEqual(kinds("not-deployed"), [
            "stack FederatedIdentityCredential aks-entra-wl/ledger/metrics-exporter-k8s-ledger-metrics-exporter-16050a20",
            "stack Namespace aks-entra-ns-ledger",
            "stack RoleAssignment aks-entra-access-0b9e6d2c-7a4f-4e8b-b1c3-2d5f6a7e8c90/ledger/admin",
            "stack RoleAssignment aks-entra-wl/ledger/metrics-exporter-monitoring-metrics-publisher-41cfd906",
            "stack RoleBinding aks-entra-ns-ledger/developers-view",
            "stack ServiceAccount aks-entra-wl/ledger/metrics-exporter",
            "stack UserAssignedIdentity aks-entra-wl/ledger/metrics-exporter",
        ]);
        assert.equal(kinds("extra").length, 7, kinds("extra").join("\n"));
        assert.ok(
            kinds("extra").every((k) => k.startsWith("stack ") && k.includes("observability")),
        );
        assert.deepEqual(kinds("missing"), []);
        assert.deepEqual(kinds("changed"), []);
        assert.equal(dropped.name, "observability");
    });

    it("says the config changed since the last up, not 'edited by hand', when the state differs from the plan too", async () => {
        const world = await fresh();
        // Deployed from another version of the config (state and live agree with each other, not
        // with the plan of this one).
        const rb = world.roleBindings.find((b) => b.metadata.name === "auditors-view")!;
        (rb.subjects as object[]).push(MALLORY);
        const stateRb = world.state.resources.find((r) =>
            r.urn.endsWith("::aks-entra-ns-payments/auditors-view"),
        )!;
        (stateRb.inputs.subjects as object[]).push(MALLORY);
        const after = drift(verify(planned, world).report);
        assert.deepEqual(
            after.map((c) => [c.status, c.subject, c.message]),
            [
                [
                    "changed",
                    "RoleBinding payments/auditors-view",
                    "the config changed since the last pulumi up (the stack's state differs from the plan too): run pulumi up",
                ],
            ],
        );
    });

    it("reports ClusterRoleBindings that grant by hand, whatever their name, and not Kubernetes', AKS's or the Azure Policy add-on's own", async () => {
        const world = await fresh();
        const admins = (
            world.clusters[0].properties as { aadProfile: { adminGroupObjectIDs: string[] } }
        ).aadProfile.adminGroupObjectIDs;
        world.clusterRoleBindings.push(
            // The platform's own: not reported.
            binding(
                "ClusterRoleBinding",
                "system:discovery",
                "",
                "ClusterRole",
                "system:discovery",
                [{ kind: "Group", name: "system:authenticated" }],
            ),
            binding("ClusterRoleBinding", "cluster-admin", "", "ClusterRole", "cluster-admin", [
                { kind: "Group", name: "system:masters" },
            ]),
            binding(
                "ClusterRoleBinding",
                "system:kube-controller-manager",
                "",
                "ClusterRole",
                "system:kube-controller-manager",
                [{ kind: "User", name: "system:kube-controller-manager" }],
            ),
            binding(
                "ClusterRoleBinding",
                "gatekeeper-manager-rolebinding",
                "",
                "ClusterRole",
                "gatekeeper-manager-role",
                [
                    {
                        kind: "ServiceAccount",
                        name: "gatekeeper-admin",
                        namespace: "gatekeeper-system",
                    },
                ],
            ),
            binding(
                "ClusterRoleBinding",
                "aks-service-rolebinding",
                "",
                "ClusterRole",
                "aks-service",
                [{ kind: "User", name: "aks-support" }],
            ),
            binding(
                "ClusterRoleBinding",
                "aks-cluster-admin-binding-aad-2",
                "",
                "ClusterRole",
                "cluster-admin",
                admins.map((g) => ({ kind: "Group", name: g })),
            ),
            // Access granted by hand, behind platform-looking names: reported.
            binding("ClusterRoleBinding", "oops", "", "ClusterRole", "cluster-admin", [
                { kind: "Group", name: "system:authenticated" },
            ]),
            binding("ClusterRoleBinding", "aks-backdoor", "", "ClusterRole", "cluster-admin", [
                { kind: "User", name: STRANGER },
            ]),
            binding("ClusterRoleBinding", "system:helper", "", "ClusterRole", "edit", [
                { kind: "ServiceAccount", name: "default", namespace: "kube-public" },
            ]),
            binding("ClusterRoleBinding", "aks-admins-plus", "", "ClusterRole", "view", [
                { kind: "Group", name: "system:serviceaccounts" },
            ]),
        );
        const d = drift(verify(planned, world).report);
        assert.deepEqual(d.map((c) => [c.status, c.subject, c.severity]).sort(), [
            ["extra", "ClusterRoleBinding aks-admins-plus", "high"],
            ["extra", "ClusterRoleBinding aks-backdoor", "high"],
            ["extra", "ClusterRoleBinding oops", "high"],
            ["extra", "ClusterRoleBinding system:helper", "high"],
        ]);
    });

    it("maps the plan's deployer to the real one even when a sorted owners list puts them on either side of a configured owner", async () => {
        const noDeployer = structuredClone(raw);
        const d = { ...(noDeployer["aks-entra:deployer"] as Record<string, unknown>) };
        delete d.objectId;
        delete d.principalType;
        noDeployer["aks-entra:deployer"] = d;
        const plannedNoDeployer = await planOf(noDeployer);
        for (const objectId of [
            "00000000-0000-4000-8000-0000000000d1",
            "ffffffff-ffff-4fff-bfff-ffffffffffd1",
        ]) {
            const world = await deployedWorld(noDeployer, "dev", {
                ...liveDeployer(noDeployer),
                objectId,
            });
            // Without planning again as the real deployer: the mapping alone must get it right.
            const expected = expect(plannedNoDeployer, world);
            assert.deepEqual(expected.conflicts, [], objectId);
            const report = compareLive(expected, read(world, expected.targets));
            assert.deepEqual(drift(report), [], objectId);
            assert.ok(
                expected.assignments.some(
                    (a) => a.principalId === objectId && a.label.startsWith("deployer"),
                ),
                objectId,
            );
        }
    });

    it("plans again as the stack's real deployer: a pipeline's service principal gets principalType ServicePrincipal", async () => {
        const e2e = readStackConfig(path.join(ROOT, "profiles", "e2e.yaml"));
        const pipeline = {
            ...liveDeployer(e2e),
            objectId: "5a5a5a5a-0000-4000-8000-00000000e2e0",
            clientId: "c1c1c1c1-0000-4000-8000-00000000e2e0",
        };
        const world = await deployedWorld(e2e, "e2e-test", pipeline);
        const config = validConfig(e2e, "profiles/e2e.yaml");
        const input = {
            raw: e2e,
            config,
            stack: "e2e-test",
            project: "aks-entra",
            state: world.state,
        };
        // As a person (the plan's default login) the deployer grant would read as drift ...
        const asPerson = expectedFrom({
            plan: (await evaluatePlan(input)).plan,
            registrations: (await evaluatePlan(input)).result.registrations,
            state: world.state,
            rawConfig: e2e,
        });
        assert.ok(
            drift(compareLive(asPerson, read(world, asPerson.targets))).some((c) =>
                /principalType is ServicePrincipal, planned User/.test(c.message),
            ),
        );
        // ... planned as the deployer the state shows, it is clean.
        const { expected } = await planAgainstState(input);
        const report = compareLive(expected, read(world, expected.targets));
        assert.deepEqual(drift(report), [], JSON.stringify(drift(report), null, 1));
        const grant = expected.assignments.find((a) => a.label.startsWith("deployer"))!;
        assert.deepEqual(
            [grant.principalId, grant.principalType],
            [pipeline.objectId, "ServicePrincipal"],
        );
    });

    it("reports a stack state that disagrees with itself as a failed read, not a clean result", async () => {
        const world = await fresh();
        // The kubelet's AcrPull grant in state names another principal than the kubelet identity's
        // own output: one planned id, two live values.
        const acrPull = world.state.resources.find(
            (r) =>
                r.type === TYPES.roleAssignment &&
                String(r.inputs.roleDefinitionId).endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d"),
        )!;
        acrPull.inputs = { ...acrPull.inputs, principalId: "00000000-1111-4222-8333-444444444444" };
        const { report } = verify(planned, world);
        assert.ok(report.summary.errors >= 1);
        assert.ok(
            report.errors.some(
                (e) =>
                    e.what === "mapping the plan's ids to the deployment's" &&
                    /has .* for the same planned value/.test(e.error),
            ),
            JSON.stringify(report.errors),
        );
    });
});

describe("verify: CLI on saved snapshots (exit codes, formats, usage)", function () {
    this.timeout(120_000);
    let dir: string;
    let clean: string;
    let drifted: string;
    let unreadable: string;

    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "verify-"));
        const raw = readStackConfig(DEV);
        const planned = await planOf(raw);
        const world = await deployedWorld(raw);
        const save = (name: string, w: World) => {
            const file = path.join(dir, name);
            writeFileSync(file, stableJson(read(w, expect(planned, w).targets)));
            return file;
        };
        clean = save("clean.json", world);
        const bad = structuredClone(world);
        (bad.clusters[0].properties as Record<string, unknown>).disableLocalAccounts = false;
        bad.assignments.push(assignment(bad.clusters[0].id, OWNER, STRANGER, "User"));
        drifted = save("drifted.json", bad);
        const blind = structuredClone(world);
        blind.failing[`cluster role bindings`] = "401 Unauthorized: token expired";
        unreadable = save("unreadable.json", blind);
    });

    /** `npm run verify -- ARGS` as a process; `inCli` runs the same entry point in-process. */
    const cli = (args: string[]) => tsx("verify/cli.ts", ...args);
    const inCli = (args: string[]) => inProcess((io) => main(args, io));

    it("exits 0 on a clean snapshot and writes stable JSON and Markdown", async () => {
        const json = path.join(dir, "clean-report.json");
        const md = path.join(dir, "clean-report.md");
        const r = await cli(["--snapshot", clean, "--json", json, "--markdown", md]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /verify dev \(aks-entra\): live matches the plan: \d+ checks/);
        const report = JSON.parse(readFileSync(json, "utf8")) as Report;
        assert.equal(report.reportVersion, 1);
        assert.equal(report.summary.drift, 0);
        assert.match(readFileSync(md, "utf8"), /^### verify dev: live matches the plan/);
    });

    it("exits 2 on drift and names it in text and Markdown", async () => {
        const md = path.join(dir, "drift.md");
        const r = await inCli(["--snapshot", drifted, "--stack", "dev", "--markdown", md]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stdout, /DRIFT: 2 of \d+ checks/);
        assert.match(r.stdout, /HIGH\s+changed\s+cluster\s+local accounts disabled/);
        assert.match(r.stdout, /HIGH\s+extra\s+role-assignment\s+User 0f0f0f0f/);
        assert.match(r.stderr, /verify: exit 2: 2 checks drifted/);
        assert.match(readFileSync(md, "utf8"), /\| high \| extra \| role-assignment \|/);
    });

    it("reads nothing for a stack that was never deployed (or was destroyed): everything is not deployed, exit 2", async () => {
        const empty = path.join(dir, "empty.json");
        const snapshot = JSON.parse(readFileSync(clean, "utf8")) as Snapshot;
        snapshot.state = { outputs: {}, resources: [] };
        writeFileSync(empty, stableJson(snapshot));
        const json = path.join(dir, "empty-report.json");
        const r = await inCli(["--snapshot", empty, "--json", json]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(
            r.stderr,
            /holds none of the plan's resources \(never deployed, or destroyed\): nothing to read/,
        );
        const report = JSON.parse(readFileSync(json, "utf8")) as Report;
        assert.ok(report.checks.length > 50);
        assert.ok(
            report.checks.every((c) => c.status === "not-deployed"),
            "only not-deployed checks",
        );
        assert.equal(report.summary.errors, 0);
    });

    it("exits 3 when something could not be read", async () => {
        const r = await inCli(["--snapshot", unreadable]);
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stdout, /Could not read \(1\)\n  cluster role bindings: 401 Unauthorized/);
    });

    it("exits 1 on usage problems, without a stack trace", async () => {
        const cases: [string[], RegExp][] = [
            [["--bogus"], /Unknown option '--bogus'/],
            [[], /--stack NAME is required/],
            [["--snapshot", clean, "--stack", "prod"], /is a snapshot of stack dev, not prod/],
            [["--snapshot", clean, "--save-snapshot", "x.json"], /give one/],
            [["--snapshot", path.join(dir, "nope.json")], /cannot read snapshot .*ENOENT/],
            [["--stack", "dev/../x"], /is not a stack name/],
        ];
        const badVersion = path.join(dir, "v0.json");
        writeFileSync(
            badVersion,
            JSON.stringify({ ...JSON.parse(readFileSync(clean, "utf8")), snapshotVersion: 0 }),
        );
        cases.push([["--snapshot", badVersion], /snapshotVersion 0 is not 1/]);
        const runs = await Promise.all(cases.map(([args]) => cli(args)));
        for (const [i, [args, message]] of cases.entries()) {
            const r = runs[i];
            assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        }
    });
});
