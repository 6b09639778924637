// The stack files the project ships (Pulumi.dev.yaml, Pulumi.prod.yaml, Pulumi.platform.yaml)
// and the PR preview profile (profiles/preview.yaml, planned as stack pr-123): each plans through
// the real CLI without a HIGH finding and its registrations pass the guardrails pack; each has the
// shape it promises (prod: private, protected, admin for people only through JIT; preview: one
// small node, nothing protected, an expiry tag; platform: its own admin group and names). The team
// stacks on the platform (Pulumi.team-*.yaml) need its outputs: test/teams.test.ts plans them. Then the
// consumer example (examples/consumer): the outputs it expects exist with their shapes in every
// stack's real outputs, and what it builds from them trusts the cluster's issuer verbatim, first
// as pure functions, then as its Pulumi program under mocks reading a StackReference.
import { assignableRoles } from "../bootstrap/access";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../plan/files";
import {
    EXPECTED_OUTPUTS,
    IDENTITY_KEYS,
    outputsProblems,
    shapeProblems,
    type StackOutputs,
} from "../examples/consumer/expectations";
import {
    ACR_PULL_ROLE,
    credentialName,
    federatedCredentialArgs,
    kubeletAcrPullArgs,
    TOKEN_EXCHANGE_AUDIENCE,
} from "../examples/consumer/trust";
import { promiseOf, type Registration, type RunResult } from "../offline/harness";
import { EXAMPLE_OBJECT_IDS } from "../plan/examples";
import type { Plan } from "../plan/model";
import { evaluatePack } from "../policy/evaluate";
import { ofType, one, ROOT, run, TYPES } from "./helpers";
import { plan, readPlan, workspace } from "./planRun";

interface StackFile {
    file: string;
    stack: string;
}

const STACKS = {
    dev: { file: "Pulumi.dev.yaml", stack: "dev" },
    prod: { file: "Pulumi.prod.yaml", stack: "prod" },
    platform: { file: "Pulumi.platform.yaml", stack: "platform" },
    preview: { file: path.join("profiles", "preview.yaml"), stack: "pr-123" },
} as const satisfies Record<string, StackFile>;
type StackKey = keyof typeof STACKS;
const KEYS = Object.keys(STACKS) as StackKey[];

// Stack config is free-form YAML.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>;
const configOf = (s: StackFile): Config => readStackConfig(path.join(ROOT, s.file));

/** The object id behind a group alias of a stack file. */
const groupId = (s: StackFile, alias: string): string => {
    const id = configOf(s)["aks-entra:groups"]?.[alias] as string | undefined;
    assert.ok(id, `${s.file} has no group ${alias}`);
    return id.toLowerCase();
};

/** Azure's AKS RBAC Cluster Admin role (components/roles.ts restates it). */
const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
const roleOf = (r: Registration) => String(r.inputs.roleDefinitionId).split("/").pop();
const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
/** Pulumi.prod.yaml's route table. */
const configRouteTable = () =>
    String(
        (configOf(STACKS.prod)["aks-entra:cluster"] as { network: { routeTableId: string } })
            .network.routeTableId,
    );
const pools = (r: RunResult) => [
    ...(cluster(r).inputs.agentPoolProfiles as Config[]),
    ...ofType(r, TYPES.agentPool).map((p) => p.inputs),
];
const createdAdminGroup = (r: RunResult) =>
    ofType(r, TYPES.group).find((g) => g.name.startsWith("aks-entra-admins"));

describe("stack files and the PR preview profile", function () {
    this.timeout(300_000);
    const { out, remove } = workspace("stacks");
    const runs = {} as Record<StackKey, RunResult>;
    const plans = {} as Record<StackKey, { code: number; stderr: string; json: Plan }>;

    before(async () => {
        // The program in-process, one stack at a time (the Pulumi runtime is process-global), and
        // the CLI as a user runs it, in parallel child processes.
        const planned = Promise.all(
            KEYS.map(async (k) => {
                const s = STACKS[k];
                const json = out(`${k}.json`);
                const r = await plan(
                    "--config",
                    s.file,
                    "--stack",
                    s.stack,
                    "--fail-on",
                    "high",
                    "--json",
                    json,
                );
                return [k, { code: r.code, stderr: r.stderr, json: readPlan(json) }] as const;
            }),
        );
        for (const k of KEYS) {
            runs[k] = await run({ config: configOf(STACKS[k]), stack: STACKS[k].stack });
        }
        for (const [k, p] of await planned) plans[k] = p;
    });
    after(() => remove());

    const highs = (k: StackKey) => plans[k].json.findings.filter((f) => f.severity === "high");

    it("every role a stack file assigns is one the bootstrap's deployment identities may assign (their RBAC Administrator condition)", () => {
        for (const k of KEYS) {
            const outside = ofType(runs[k], TYPES.roleAssignment)
                .map(roleOf)
                .filter((g) => !assignableRoles([STACKS[k].stack]).includes(String(g)));
            assert.deepEqual([...new Set(outside)], [], STACKS[k].file);
        }
    });

    it("a pr-* stack writes nothing to Microsoft Graph: the bootstrap's preview identities hold no Graph permission", () => {
        assert.deepEqual(
            runs.preview.registrations.filter((r) => r.custom && r.type.startsWith("azuread:")),
            [],
        );
    });

    for (const k of ["prod", "platform", "preview"] as const) {
        it(`${STACKS[k].file} plans as stack ${STACKS[k].stack} with no HIGH finding (exit 0 with --fail-on high)`, () => {
            assert.deepEqual(highs(k), []);
            assert.equal(plans[k].code, 0, plans[k].stderr);
            assert.equal(plans[k].json.stack, STACKS[k].stack);
        });

        it(`${STACKS[k].file} holds none of Pulumi.dev.yaml's example object ids or documentation ranges`, () => {
            const codes = plans[k].json.findings.map((f) => f.code);
            assert.ok(!codes.includes("example-object-ids"), codes.join(", "));
            assert.ok(!codes.includes("documentation-ip-range"), codes.join(", "));
            const text = readFileSync(path.join(ROOT, STACKS[k].file), "utf8").toLowerCase();
            assert.deepEqual(
                EXAMPLE_OBJECT_IDS.filter((id) => text.includes(id)),
                [],
            );
        });
    }

    it("Pulumi.dev.yaml plans, and its only HIGH findings are its example documentation ranges", () => {
        // The dev file is the documented example: its authorizedIpRanges are RFC 5737 ranges on
        // purpose, which the plan reports HIGH (docs/offline-plan.md: findings a copied stack file gets).
        assert.deepEqual(
            highs("dev").filter((f) => f.code !== "documentation-ip-range"),
            [],
        );
        assert.equal(plans.dev.code, highs("dev").length > 0 ? 5 : 0, plans.dev.stderr);
    });

    for (const k of KEYS) {
        it(`${STACKS[k].file}: the registrations pass the guardrails pack with no violation`, async () => {
            assert.deepEqual(await evaluatePack(runs[k].registrations), []);
            assert.ok(
                !plans[k].json.findings.some((f) => f.code.startsWith("policy:")),
                "the plan reports no guardrail either",
            );
        });
    }

    describe("prod", () => {
        const prod = () => runs.prod;

        it("is private, on the Standard tier, in its own subnet", () => {
            const c = cluster(prod()).inputs as Config;
            assert.equal(c.apiServerAccessProfile.enablePrivateCluster, true);
            assert.equal(c.apiServerAccessProfile.authorizedIPRanges, undefined);
            assert.equal(c.sku.tier, "Standard");
            for (const p of pools(prod())) {
                assert.match(String(p.vnetSubnetID), /\/subnets\/aks$/);
            }
        });

        it("your private DNS zone: the control plane gets Private DNS Zone Contributor on it and Network Contributor on the VNet AKS links it to, before the cluster (failure mode 29)", () => {
            const c = cluster(prod()).inputs as Config;
            const zone = String(c.apiServerAccessProfile.privateDNSZone);
            assert.match(zone, /\/privateDnsZones\/privatelink\.westeurope\.azmk8s\.io$/);
            const subnet = String(pools(prod())[0].vnetSubnetID);
            const vnet = subnet.replace(/\/subnets\/aks$/, "");
            const controlPlane = one(prod(), TYPES.identity, "aks-entra-identities-control-plane");
            const grants = ofType(prod(), TYPES.roleAssignment)
                .filter((g) => g.inputs.principalId === controlPlane.state.principalId)
                .map((g) => [String(g.inputs.roleDefinitionId).split("/").pop(), g.inputs.scope]);
            const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";
            assert.deepEqual(
                grants.filter(([role]) => role !== "f1a07417-d97a-45cb-824c-7a7467783830"),
                [
                    [NETWORK_CONTRIBUTOR, vnet],
                    [NETWORK_CONTRIBUTOR, configRouteTable()],
                    ["b12aa53e-6015-4669-85d0-8515ebb3ae7f", zone],
                    // And Reader on prod's disk encryption set (cluster.diskEncryptionSetId).
                    ["acdd72a7-3385-48ef-bd42-f606fba81ae7", c.diskEncryptionSetID],
                ],
            );
            // The wait before the cluster is triggered by each of them.
            const wait = one(
                prod(),
                TYPES.sleep,
                "aks-entra-identities-kubelet-operator-propagation",
            );
            assert.deepEqual(Object.keys(wait.inputs.triggers as object).sort(), [
                "disk-encryption-set",
                "grant",
                "private-dns-zone",
                "route-table",
                "vnet",
            ]);
        });

        it("autoscales every pool across zones 1-3, with user pools beside the system pool", () => {
            const all = pools(prod());
            assert.ok(ofType(prod(), TYPES.agentPool).length >= 1, "user pools");
            for (const p of all) {
                assert.equal(p.enableAutoScaling, true, `pool ${p.name ?? p.agentPoolName}`);
                assert.ok(p.minCount <= p.count && p.count <= p.maxCount);
                assert.deepEqual(p.availabilityZones, ["1", "2", "3"]);
            }
        });

        it("protects the cluster, every group and every namespace", () => {
            const protectedTypes: readonly string[] = [TYPES.cluster, TYPES.group, TYPES.namespace];
            const regs = prod().registrations.filter((r) => protectedTypes.includes(r.type));
            assert.ok(ofType(prod(), TYPES.namespace).length >= 1);
            assert.ok(ofType(prod(), TYPES.group).length >= 1);
            assert.deepEqual(
                regs.filter((r) => !r.protect).map((r) => r.name),
                [],
            );
        });

        it("gives people cluster-admin only through JIT: break-glass is the one standing admin group", () => {
            const breakGlass = groupId(STACKS.prod, "break-glass");
            const c = cluster(prod()).inputs as Config;
            assert.deepEqual(c.aadProfile.adminGroupObjectIDs, [breakGlass]);
            assert.equal(createdAdminGroup(prod()), undefined, "no created admin group");

            // Every AKS RBAC Cluster Admin grant: a JIT group (members only through PIM) or the
            // pipeline deployer (an application).
            const jitGroups = ofType(prod(), TYPES.group).filter((g) =>
                g.name.startsWith("aks-entra-jit-"),
            );
            const jitIds = new Set(jitGroups.map((g) => String(g.state.objectId)));
            const deployer = configOf(STACKS.prod)["aks-entra:deployer"] as Config;
            assert.equal(deployer.principalType, "ServicePrincipal");
            const clusterAdmins = ofType(prod(), TYPES.roleAssignment).filter(
                (r) => roleOf(r) === AKS_RBAC_CLUSTER_ADMIN,
            );
            assert.ok(clusterAdmins.length >= 2);
            for (const r of clusterAdmins) {
                const who = `${String(r.inputs.principalType)} ${String(r.inputs.principalId)}`;
                if (r.inputs.principalType === "Group") {
                    assert.ok(jitIds.has(String(r.inputs.principalId)), `standing group: ${who}`);
                } else {
                    assert.deepEqual(
                        [r.inputs.principalType, r.inputs.principalId],
                        ["ServicePrincipal", deployer.objectId],
                        `cluster-admin to ${who}`,
                    );
                }
            }
            // The JIT group that holds cluster-admin has no standing members, and people are
            // eligible for it with approval.
            const oncall = jitGroups.find((g) => g.name === "aks-entra-jit-oncall-admin-group");
            assert.ok(oncall && jitIds.has(String(oncall.state.objectId)));
            for (const g of jitGroups) assert.equal(g.inputs.members, undefined, g.name);
            assert.deepEqual(
                prod().registrations.filter((r) => r.type.includes("groupMember")),
                [],
            );
            const policy = one(prod(), TYPES.pimPolicy, "aks-entra-jit-oncall-admin-policy");
            const rules = (policy.inputs as Config).activationRules;
            assert.equal(rules.requireApproval, true);
            assert.equal(rules.requireMultifactorAuthentication, true);
            assert.deepEqual(rules.approvalStage.primaryApprovers, [
                { objectId: groupId(STACKS.prod, "platform-leads"), type: "groupMembers" },
            ]);
            // No Kubernetes binding to cluster-admin either.
            for (const b of [
                ...ofType(prod(), TYPES.roleBinding),
                ...ofType(prod(), TYPES.clusterRoleBinding),
            ]) {
                assert.notEqual((b.inputs.roleRef as Config).name, "cluster-admin", b.name);
            }
        });

        it("enforces Conditional Access with MFA, excluding break-glass", () => {
            const [ca] = ofType(prod(), TYPES.conditionalAccess);
            const i = ca.inputs as Config;
            assert.equal(i.state, "enabled");
            assert.ok(i.grantControls.builtInControls.includes("mfa"));
            assert.deepEqual(i.conditions.users.excludedGroups, [
                groupId(STACKS.prod, "break-glass"),
            ]);
        });

        it("keeps the audit trail in the central workspace, with maintenance windows and AcrPull", () => {
            const [setting] = ofType(prod(), TYPES.diagnosticSetting);
            assert.match(String(setting.inputs.workspaceId), /log-security-prod$/);
            assert.equal(ofType(prod(), TYPES.workspace).length, 0);
            assert.equal(ofType(prod(), TYPES.maintenance).length, 2);
            assert.ok(
                ofType(prod(), TYPES.roleAssignment).some(
                    (r) =>
                        roleOf(r) === ACR_PULL_ROLE &&
                        /crcontosoprod$/.test(String(r.inputs.scope)),
                ),
            );
        });
    });

    describe("PR preview profile (stack pr-123)", () => {
        const preview = () => runs.preview;

        it("is shaped for cost: Free tier, one Standard_D2ds_v5 node in all, no AgentPool, no windows", () => {
            const c = cluster(preview()).inputs as Config;
            assert.equal(c.sku.tier, "Free");
            assert.equal(ofType(preview(), TYPES.agentPool).length, 0);
            const all = pools(preview());
            assert.equal(all.length, 1);
            assert.equal(all[0].count, 1);
            assert.notEqual(all[0].enableAutoScaling, true);
            assert.equal(all[0].vmSize, "Standard_D2ds_v5");
            assert.equal(ofType(preview(), TYPES.maintenance).length, 0);
        });

        it("protects nothing, so the cleanup can destroy it", () => {
            assert.deepEqual(
                preview()
                    .registrations.filter((r) => r.protect)
                    .map((r) => r.name),
                [],
            );
        });

        it("tags the resource group with an ISO expires-at and purpose pr-preview", () => {
            const tags = one(preview(), TYPES.resourceGroup, "aks-entra-rg").inputs.tags as Config;
            assert.match(tags["expires-at"], /^\d{4}-\d{2}-\d{2}$/);
            assert.ok(!Number.isNaN(Date.parse(tags["expires-at"])));
            assert.equal(tags.purpose, "pr-preview");
            assert.equal(tags["aks-entra-stack"], "pr-123");
        });

        it("keeps the guardrails' defaults on: SSH off, the add-on, Image Cleaner, the audit trail", () => {
            const c = cluster(preview()).inputs as Config;
            assert.equal(pools(preview())[0].securityProfile.sshAccess, "Disabled");
            assert.equal(c.addonProfiles.azurepolicy.enabled, true);
            assert.equal(c.securityProfile.imageCleaner.enabled, true);
            assert.equal(ofType(preview(), TYPES.diagnosticSetting).length, 1);
            assert.equal(c.apiServerAccessProfile.enablePrivateCluster, true);
        });
    });

    // The team stacks on it (Pulumi.team-*.yaml) plan with --platform: test/teams.test.ts.
    describe("platform", () => {
        const platform = () => runs.platform;

        it("has its own admin group, named after its stack", () => {
            const own = createdAdminGroup(platform());
            const dev = createdAdminGroup(runs.dev);
            assert.ok(own && dev);
            assert.match(String(own.inputs.displayName), /platform/);
            assert.notEqual(own.inputs.displayName, dev.inputs.displayName);
            const c = cluster(platform()).inputs as Config;
            assert.equal(c.aadProfile.adminGroupObjectIDs[0], own.state.objectId);
        });

        it("shares no physical name with dev", () => {
            const names = (r: RunResult) =>
                new Set([
                    String(r.outputs.resourceGroupName),
                    String(r.outputs.clusterName),
                    ...ofType(r, TYPES.identity).map((i) => String(i.inputs.resourceName)),
                    ...ofType(r, TYPES.group).map((g) => String(g.inputs.displayName)),
                ]);
            const dev = names(runs.dev);
            assert.deepEqual(
                [...names(platform())].filter((n) => dev.has(n)),
                [],
            );
        });

        it("is smaller than prod, and trusts on GitHub only its teams' team-<team> environments", () => {
            const most = (r: RunResult) =>
                pools(r).reduce((sum, p) => sum + Number(p.maxCount ?? p.count), 0);
            assert.ok(
                most(platform()) < most(runs.prod),
                `${most(platform())} < ${most(runs.prod)}`,
            );
            const github = ofType(platform(), TYPES.fic).filter((f) =>
                String(f.inputs.subject).startsWith("repo:"),
            );
            assert.deepEqual(github.map((f) => String(f.inputs.subject)).sort(), [
                "repo:contoso/payments:environment:team-payments",
                "repo:contoso/search:environment:team-search",
            ]);
        });
    });

    describe("the consumer example's expectations", () => {
        for (const k of KEYS) {
            it(`every output EXPECTED_OUTPUTS names exists in ${STACKS[k].stack}'s outputs with its shape`, () => {
                const outputs = runs[k].outputs;
                assert.deepEqual(outputsProblems(outputs), []);
                // Restated without the module's checker.
                for (const [name, shape] of Object.entries(EXPECTED_OUTPUTS)) {
                    const value = outputs[name] as Config;
                    if (shape === "string") {
                        assert.equal(typeof value, "string", name);
                        continue;
                    }
                    const objects = Array.isArray(shape) ? [value] : Object.values(value);
                    const keys = Array.isArray(shape)
                        ? shape
                        : (shape as { each: readonly string[] }).each;
                    for (const o of objects) {
                        for (const key of keys)
                            assert.equal(typeof o[key], "string", `${name}.${key}`);
                    }
                }
                assert.ok(!runs[k].secretOutputs.some((s) => s in EXPECTED_OUTPUTS));
            });
        }

        it("the checks are not vacuous: dev has workloads, and a wrong shape is reported", () => {
            assert.ok(Object.keys(runs.dev.outputs.workloadIdentities as Config).length > 0);
            assert.deepEqual(EXPECTED_OUTPUTS.kubeletIdentity, IDENTITY_KEYS);
            assert.deepEqual(shapeProblems("kubeletIdentity", { clientId: "x" }, IDENTITY_KEYS), [
                "output kubeletIdentity has no principalId (text)",
                "output kubeletIdentity has no resourceId (text)",
            ]);
            assert.deepEqual(
                shapeProblems("workloadIdentities", { "a/b": "x" }, { each: IDENTITY_KEYS }),
                ['output workloadIdentities["a/b"] is not an object'],
            );
            assert.deepEqual(shapeProblems("clusterName", undefined, "string"), [
                "output clusterName is missing",
            ]);
        });

        const target = {
            identityResourceGroup: "rg-reporting",
            identityName: "id-reporting-api",
            serviceAccount: "reporting/reporting-api",
        };

        it("builds the federated credential from a dev run with the cluster's issuer verbatim", () => {
            const outputs = runs.dev.outputs as unknown as StackOutputs;
            const args = federatedCredentialArgs(outputs, target);
            assert.equal(args.issuer, outputs.oidcIssuerUrl);
            assert.ok(args.issuer.endsWith("/"), "the trailing slash stays");
            // The same issuer the stack's own workload credentials trust.
            const own = ofType(runs.dev, TYPES.fic).filter((f) =>
                String(f.inputs.subject).startsWith("system:serviceaccount:"),
            );
            assert.ok(own.length > 0);
            for (const f of own) assert.equal(f.inputs.issuer, args.issuer);
            assert.deepEqual(args, {
                resourceGroupName: "rg-reporting",
                resourceName: "id-reporting-api",
                federatedIdentityCredentialResourceName: `aks-${outputs.clusterName}-reporting-reporting-api`,
                issuer: outputs.oidcIssuerUrl,
                subject: "system:serviceaccount:reporting:reporting-api",
                audiences: [TOKEN_EXCHANGE_AUDIENCE],
            });
        });

        it("refuses a service account the stack already gives an identity, and malformed ones", () => {
            const outputs = runs.dev.outputs as unknown as StackOutputs;
            assert.throws(
                () =>
                    federatedCredentialArgs(outputs, {
                        ...target,
                        serviceAccount: "payments/payments-api",
                    }),
                /payments\/payments-api is a workload of the aks-entra stack already/,
            );
            for (const bad of ["reporting", "Reporting/api", "a/b/c", "reporting/default"]) {
                assert.throws(
                    () => federatedCredentialArgs(outputs, { ...target, serviceAccount: bad }),
                    /is not <namespace>\/<service account>/,
                    bad,
                );
            }
        });

        it("keeps credential names within Azure's 120 characters", () => {
            const long = credentialName("a".repeat(63), "b".repeat(63), "c".repeat(63));
            assert.equal(long.length, 120);
            assert.match(long, /^[A-Za-z0-9][A-Za-z0-9_-]+$/);
            assert.notEqual(long, credentialName("a".repeat(63), "b".repeat(63), "d".repeat(63)));
        });

        it("grants the kubelet identity AcrPull on the registry, under a stable name", () => {
            const outputs = runs.prod.outputs as unknown as StackOutputs;
            const registry =
                "/subscriptions/00000000-0000-4000-8000-0000000000c1/resourceGroups/rg-reporting/providers/Microsoft.ContainerRegistry/registries/crreporting";
            const args = kubeletAcrPullArgs(outputs, registry);
            assert.equal(args.principalId, outputs.kubeletIdentity.principalId);
            assert.equal(args.principalType, "ServicePrincipal");
            assert.equal(
                args.roleDefinitionId,
                `/subscriptions/00000000-0000-4000-8000-0000000000c1/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE}`,
            );
            assert.match(
                args.roleAssignmentName,
                /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
            );
            assert.equal(
                kubeletAcrPullArgs(outputs, registry).roleAssignmentName,
                args.roleAssignmentName,
            );
            assert.throws(
                () => kubeletAcrPullArgs(outputs, "/subscriptions/x"),
                /not a container registry id/,
            );
        });

        it("the consumer program reads a dev stack through a StackReference and trusts its issuer", async () => {
            const dev = runs.dev.outputs;
            const registry =
                "/subscriptions/00000000-0000-4000-8000-0000000000c1/resourceGroups/rg-reporting/providers/Microsoft.ContainerRegistry/registries/crreporting";
            const consumer = await runConsumer(
                { "organization/aks-entra/dev": dev },
                {
                    stack: "dev",
                    identityResourceGroup: target.identityResourceGroup,
                    identityName: target.identityName,
                    serviceAccount: target.serviceAccount,
                    registryId: registry,
                },
            );
            const ref = consumer.registered.find((r) => r.type === "pulumi:pulumi:StackReference");
            assert.equal(ref?.inputs.name, "organization/aks-entra/dev");
            const fic = consumer.registered.find(
                (r) => r.type === "azure-native:managedidentity:FederatedIdentityCredential",
            );
            assert.ok(fic);
            assert.equal(fic.inputs.issuer, dev.oidcIssuerUrl);
            assert.equal(fic.inputs.subject, "system:serviceaccount:reporting:reporting-api");
            assert.deepEqual(fic.inputs.audiences, [TOKEN_EXCHANGE_AUDIENCE]);
            const grant = consumer.registered.find(
                (r) => r.type === "azure-native:authorization:RoleAssignment",
            );
            assert.equal(grant?.inputs.principalId, (dev.kubeletIdentity as Config).principalId);
            const exported = consumer.outputs;
            assert.equal(exported.aksEntraStack, "organization/aks-entra/dev");
            assert.deepEqual(
                { ...(exported.federatedCredential as Config), id: undefined },
                {
                    id: undefined,
                    issuer: dev.oidcIssuerUrl,
                    subject: "system:serviceaccount:reporting:reporting-api",
                },
            );
            assert.equal((exported.cluster as Config).name, dev.clusterName);
            assert.equal(
                (exported.serviceAccountAnnotations as Config)["azure.workload.identity/tenant-id"],
                dev.tenantId,
            );
        });

        it("the consumer program refuses a stack whose outputs lack what it expects", async () => {
            const rest: Config = { ...runs.dev.outputs };
            delete rest.kubeletIdentity;
            await assert.rejects(
                runConsumer(
                    { "organization/aks-entra/old": rest },
                    {
                        stack: "old",
                        identityResourceGroup: "rg-reporting",
                        identityName: "id-reporting-api",
                        serviceAccount: "reporting/reporting-api",
                    },
                ),
                /kubeletIdentity/,
            );
        });
    });
});

const CONSUMER = path.join(ROOT, "examples", "consumer", "index.ts");

/**
 * Runs examples/consumer/index.ts under Pulumi's mocks as project aks-entra-consumer, with the given
 * stacks readable through StackReference; returns what it registered and its resolved exports.
 */
async function runConsumer(
    stacks: Record<string, Record<string, unknown>>,
    config: Record<string, string>,
): Promise<{ registered: { type: string; name: string; inputs: Config }[]; outputs: Config }> {
    const registered: { type: string; name: string; inputs: Config }[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                registered.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs as Config,
                });
                if (args.type === "pulumi:pulumi:StackReference") {
                    const name = String((args.inputs as Config).name);
                    const outputs = stacks[name];
                    if (!outputs) throw new Error(`no stack ${name}`);
                    return { id: name, state: { name, outputs, secretOutputNames: [] } };
                }
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args: pulumi.runtime.MockCallArgs) => {
                if (args.token === "azure-native:managedidentity:getUserAssignedIdentity") {
                    return {
                        clientId: "00000000-0000-4000-8000-0000000000e1",
                        principalId: "00000000-0000-4000-8000-0000000000e2",
                        tenantId: "00000000-0000-4000-8000-0000000000f0",
                    };
                }
                throw new Error(`unexpected invoke ${args.token}`);
            },
        },
        "aks-entra-consumer",
        "reporting",
        false,
        "organization",
    );
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [`aks-entra-consumer:${k}`, v])),
        [],
    );
    delete require.cache[require.resolve(CONSUMER)];
    const exported = require(CONSUMER) as Record<string, unknown>;
    const outputs: Config = {};
    for (const [name, value] of Object.entries(exported)) {
        outputs[name] = await resolve(value);
    }
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    await wait?.();
    return { registered, outputs };
}

async function resolve(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) return resolve(await promiseOf(value));
    if (value !== null && typeof value === "object" && !(value instanceof pulumi.Resource)) {
        const out: Config = {};
        for (const [k, v] of Object.entries(value)) out[k] = await resolve(v);
        return out;
    }
    return value;
}
