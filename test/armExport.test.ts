// The ARM export (`npm run plan -- --arm`, plan/arm.ts, issue 26): every azure-native resource of
// the dev, prod and team-payments stacks, validated against Microsoft's schemas of the API version
// azure-native sends (unknown properties refused), with dependsOn resolving to exactly what each
// registration waits for, no secret value anywhere, and Graph and Kubernetes objects in the
// metadata only.
import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Registration, RunResult } from "../offline/harness";
import {
    type ArmResource,
    type ArmTemplate,
    armTemplate,
    DEPLOYMENT_TEMPLATE_SCHEMA,
    type Json,
    parseArmId,
} from "../plan/arm";
import { ArmSchemas, DEFAULT_SCHEMAS } from "../plan/armSchemas";
import { requestBody, schemaProblems } from "./armSchema";
import { ROOT, stackConfig, TYPES } from "./helpers";
import { plan } from "./planRun";
import { sharedRun } from "./sharedRuns";

const STACKS = ["dev", "prod", "team-payments"] as const;
type Resource = ArmResource;

/** The template resource an id expression of the export names (resourceId and its kin). */
function resolve(expr: string, template: ArmTemplate): Resource[] {
    const m = /^\[(?:subscriptionResourceId|resourceId|extensionResourceId)\((.*)\)\]$/.exec(expr);
    if (!m) return [];
    const args = [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'"));
    // The last literals are the type and the names; an extension's scope comes before them.
    return template.resources.filter((r) => {
        const names = String(r.name).split("/");
        const tail = args.slice(args.length - names.length - 1);
        return tail[0] === r.type && tail.slice(1).join("/") === r.name;
    });
}

describe("ARM export (plan --arm)", function () {
    this.timeout(120_000);
    const schemas = new ArmSchemas();
    const runs = new Map<string, RunResult>();
    const templates = new Map<string, ArmTemplate>();

    before(async function () {
        if (!existsSync(DEFAULT_SCHEMAS)) {
            this.skip();
        }
        for (const stack of STACKS) {
            const run = await sharedRun({ config: stackConfig(stack), stack });
            runs.set(stack, run);
            templates.set(
                stack,
                armTemplate(run.registrations, { stack, project: "aks-entra", schemas }),
            );
        }
    });

    const azure = (run: RunResult) =>
        run.registrations.filter((r) => r.custom && r.type.startsWith("azure-native:"));
    const of = (stack: string, reg: Registration) =>
        templates.get(stack)!.resources.find((r) => r.comments === `${reg.type} ${reg.name}`)!;

    for (const stack of STACKS) {
        describe(`${stack} stack`, () => {
            it("holds every azure-native registration once, and lists every other object in the metadata", () => {
                const t = templates.get(stack)!;
                const run = runs.get(stack)!;
                assert.equal(t.$schema, DEPLOYMENT_TEMPLATE_SCHEMA);
                assert.deepEqual(
                    t.resources.map((r) => r.comments),
                    azure(run).map((r) => `${r.type} ${r.name}`),
                );
                const others = run.registrations.filter(
                    (r) =>
                        r.custom &&
                        !r.type.startsWith("azure-native:") &&
                        !r.type.startsWith("pulumi:providers:"),
                );
                assert.ok(others.some((r) => r.type.startsWith("kubernetes:")));
                assert.ok(others.some((r) => r.type === TYPES.conditionalAccess));
                assert.deepEqual(
                    (t.metadata.notArm as { type: string; name: string }[]).map(
                        (x) => `${x.type} ${x.name}`,
                    ),
                    others.map((r) => `${r.type} ${r.name}`),
                );
                assert.ok(
                    !t.resources.some((r) => /^(azuread|kubernetes|time):/.test(String(r.type))),
                );
            });

            it("validates every resource against the schema of its API version, unknown properties refused", () => {
                const t = templates.get(stack)!;
                assert.deepEqual(t.metadata.placedByConvention, []);
                for (const r of t.resources) {
                    const s = schemas.find(String(r.type), String(r.apiVersion));
                    assert.ok(s, `${String(r.type)}@${String(r.apiVersion)}: no schema`);
                    assert.deepEqual(
                        schemaProblems(requestBody(r), s.definition, s.definitions),
                        [],
                        String(r.comments),
                    );
                }
            });

            it("depends on exactly the ARM resources each registration waits for, through waits, groups and components", () => {
                const t = templates.get(stack)!;
                const run = runs.get(stack)!;
                const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
                for (const reg of azure(run)) {
                    // What it waits for, passing through what is not exported.
                    const want = new Set<string>();
                    const seen = new Set<string>();
                    const walk = (urns: string[]) => {
                        for (const u of urns) {
                            const d = byUrn.get(u);
                            if (!d || seen.has(u)) continue;
                            seen.add(u);
                            if (d.custom && d.type.startsWith("azure-native:")) want.add(d.id);
                            else walk([...d.dependencies, d.provider.split("::")[0]]);
                        }
                    };
                    walk([...reg.dependencies, reg.provider.split("::")[0]]);
                    const got = (of(stack, reg).dependsOn ?? []).map((e) => {
                        const hits = resolve(e, t);
                        assert.equal(hits.length, 1, `${reg.name}: ${e}`);
                        return azure(run).find((x) => of(stack, x) === hits[0])!.id;
                    });
                    assert.deepEqual(new Set(got), want, reg.name);
                    assert.equal(got.length, want.size, reg.name);
                }
            });

            it("carries no secret value: secret inputs and secret outputs stay out", () => {
                const run = runs.get(stack)!;
                const text = JSON.stringify(templates.get(stack));
                const secrets: string[] = [];
                const collect = (v: unknown) => {
                    if (typeof v === "string" && v.length >= 8) secrets.push(v);
                    else if (v && typeof v === "object") Object.values(v).forEach(collect);
                };
                for (const r of run.registrations)
                    for (const k of r.secretInputs) collect(r.inputs[k]);
                for (const k of run.secretOutputs) collect(run.outputs[k]);
                assert.ok(secrets.length > 0, "the stack has secrets to look for");
                for (const s of secrets) assert.ok(!text.includes(s), s.slice(0, 40));
            });
        });
    }

    it("sends each type at the API version azure-native 3.28 uses, in the scope and name form ARM takes", () => {
        const t = templates.get("dev")!;
        const run = runs.get("dev")!;
        const versions = Object.fromEntries(t.resources.map((r) => [r.type, r.apiVersion]));
        assert.deepEqual(versions, {
            "Microsoft.Resources/resourceGroups": "2024-03-01",
            "Microsoft.ManagedIdentity/userAssignedIdentities": "2023-01-31",
            "Microsoft.OperationalInsights/workspaces": "2023-09-01",
            "Microsoft.Authorization/roleAssignments": "2022-04-01",
            "Microsoft.ContainerService/managedClusters": "2025-09-01",
            "Microsoft.Insights/diagnosticSettings": "2021-05-01-preview",
            "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials":
                "2023-01-31",
            "Microsoft.ContainerService/managedClusters/maintenanceConfigurations": "2025-09-01",
            "Microsoft.ContainerService/managedClusters/agentPools": "2025-09-01",
        });
        const one = (type: string, name: string) =>
            of(
                "dev",
                run.registrations.find((r) => r.type === type && r.name === name)!,
            );
        const cluster = run.registrations.find((r) => r.type === TYPES.cluster)!;
        const clusterName = String(cluster.inputs.resourceName);
        // A diagnostic setting is an extension of the cluster: its scope, its own name.
        const setting = one(TYPES.diagnosticSetting, "aks-entra-audit-setting");
        assert.equal(setting.scope, `Microsoft.ContainerService/managedClusters/${clusterName}`);
        assert.equal(setting.name, "aks-entra-audit");
        // A pool is a child: parent/child name, no scope.
        const pool = one(TYPES.agentPool, "aks-entra-cluster-pool-apps");
        assert.equal(
            pool.name,
            `${clusterName}/${String(parseArmId(run.registrations.find((r) => r.name === "aks-entra-cluster-pool-apps")!.id)!.names[1])}`,
        );
        assert.equal(pool.scope, undefined);
        // A grant on a subnet of your network (another resource group) keeps its full scope; one
        // on the stack's resource group has none (the deployment's scope).
        const subnetGrant = one(TYPES.roleAssignment, "aks-entra-identities-control-plane-subnet");
        const subnet = run.registrations.find(
            (r) => r.name === "aks-entra-identities-control-plane-subnet",
        )!;
        assert.equal(subnetGrant.scope, subnet.inputs.scope);
        assert.equal(subnetGrant.name, subnet.inputs.roleAssignmentName);
        assert.equal(
            one(TYPES.roleAssignment, "aks-entra-connection-deployer-cluster-admin").scope,
            undefined,
        );
    });

    it("writes what only deployment knows as ARM expressions and Graph object ids as parameters", () => {
        const t = templates.get("dev")!;
        const run = runs.get("dev")!;
        const cluster = run.registrations.find((r) => r.type === TYPES.cluster)!;
        const c = t.resources.find((r) => r.type === "Microsoft.ContainerService/managedClusters")!;
        const kubelet = run.registrations.find((r) => r.name === "aks-entra-identities-kubelet")!;
        const kubeletRef = `resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', '${String(kubelet.inputs.resourceName)}')`;
        assert.deepEqual((c.properties as Record<string, Json>).identityProfile, {
            kubeletidentity: {
                clientId: `[reference(${kubeletRef}, '2023-01-31').clientId]`,
                objectId: `[reference(${kubeletRef}, '2023-01-31').principalId]`,
                resourceId: `[${kubeletRef}]`,
            },
        });
        const admins = run.registrations.find(
            (r) => r.type === TYPES.group && r.name === "aks-entra-admins-group",
        )!;
        assert.deepEqual(
            t.parameters.aksEntraAdminsGroupObjectId.defaultValue,
            admins.state.objectId,
        );
        assert.ok(
            (
                c.properties as { aadProfile: { adminGroupObjectIDs: string[] } }
            ).aadProfile.adminGroupObjectIDs.includes(
                "[parameters('aksEntraAdminsGroupObjectId')]",
            ),
        );
        // The identity of the control plane: ARM's map of id to {}, the id as an expression.
        assert.deepEqual(c.identity, {
            type: "UserAssigned",
            userAssignedIdentities: {
                [`[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', '${String(run.registrations.find((r) => r.name === "aks-entra-identities-control-plane")!.inputs.resourceName)}')]`]:
                    {},
            },
        });
        const fic = t.resources.find((r) =>
            String(r.type).endsWith("/federatedIdentityCredentials"),
        )!;
        assert.equal(
            (fic.properties as Record<string, Json>).issuer,
            `[reference(resourceId('Microsoft.ContainerService/managedClusters', '${String(cluster.inputs.resourceName)}'), '2025-09-01').oidcIssuerProfile.issuerURL]`,
        );
        // No offline fake of a generated value is left in a body.
        const text = JSON.stringify(t.resources);
        for (const v of [
            kubelet.state.clientId,
            kubelet.state.principalId,
            cluster.state.oidcIssuerProfile &&
                (cluster.state.oidcIssuerProfile as { issuerURL: string }).issuerURL,
        ]) {
            assert.ok(typeof v === "string" && !text.includes(v), String(v));
        }
    });

    describe("resources the stack does not register yet export without further work", () => {
        // What other work adds (monitoring, data collection, policy, Flux): each registration as
        // the fakes would answer it, exported by its id and SDK module alone.
        const sub = "/subscriptions/b71e65c5-3bf6-53cd-b2b9-71ca7641d7af";
        const rg = `${sub}/resourceGroups/rg-x`;
        const aks = `${rg}/providers/Microsoft.ContainerService/managedClusters/aks-x`;
        const rows: {
            type: string;
            id: string;
            inputs: Record<string, unknown>;
            want: { type: string; apiVersion: string; name: string; scope?: string };
        }[] = [
            {
                type: "azure-native:monitor:DataCollectionRule",
                id: `${rg}/providers/Microsoft.Insights/dataCollectionRules/dcr-x`,
                inputs: {
                    dataCollectionRuleName: "dcr-x",
                    resourceGroupName: "rg-x",
                    location: "westeurope",
                    kind: "Linux",
                    description: "container insights",
                },
                want: {
                    type: "Microsoft.Insights/dataCollectionRules",
                    apiVersion: "2022-06-01",
                    name: "dcr-x",
                },
            },
            {
                type: "azure-native:monitor:DataCollectionRuleAssociation",
                id: `${aks}/providers/Microsoft.Insights/dataCollectionRuleAssociations/dcra-x`,
                inputs: {
                    associationName: "dcra-x",
                    resourceUri: aks,
                    dataCollectionRuleId: `${rg}/providers/Microsoft.Insights/dataCollectionRules/dcr-x`,
                },
                want: {
                    type: "Microsoft.Insights/dataCollectionRuleAssociations",
                    apiVersion: "2022-06-01",
                    name: "dcra-x",
                    scope: aks,
                },
            },
            {
                type: "azure-native:authorization:PolicyAssignment",
                id: `${rg}/providers/Microsoft.Authorization/policyAssignments/pa-x`,
                inputs: {
                    policyAssignmentName: "pa-x",
                    scope: rg,
                    policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7`,
                    enforcementMode: "Default",
                },
                want: {
                    type: "Microsoft.Authorization/policyAssignments",
                    apiVersion: "2025-01-01",
                    name: "pa-x",
                },
            },
            {
                type: "azure-native:monitor:AzureMonitorWorkspace",
                id: `${rg}/providers/Microsoft.Monitor/accounts/amw-x`,
                inputs: {
                    azureMonitorWorkspaceName: "amw-x",
                    resourceGroupName: "rg-x",
                    location: "westeurope",
                    tags: { env: "dev" },
                },
                want: {
                    type: "Microsoft.Monitor/accounts",
                    apiVersion: "2023-04-03",
                    name: "amw-x",
                },
            },
            {
                type: "azure-native:kubernetesconfiguration:Extension",
                id: `${aks}/providers/Microsoft.KubernetesConfiguration/extensions/flux`,
                inputs: {
                    extensionName: "flux",
                    clusterName: "aks-x",
                    clusterResourceName: "managedClusters",
                    clusterRp: "Microsoft.ContainerService",
                    resourceGroupName: "rg-x",
                    extensionType: "microsoft.flux",
                    autoUpgradeMinorVersion: true,
                },
                want: {
                    type: "Microsoft.KubernetesConfiguration/extensions",
                    apiVersion: "2023-05-01",
                    name: "flux",
                    scope: aks,
                },
            },
        ];
        for (const row of rows) {
            it(`${row.type}: ${row.want.type}@${row.want.apiVersion}, valid against its schema`, () => {
                const reg: Registration = {
                    urn: `urn:pulumi:dev::aks-entra::${row.type}::x`,
                    type: row.type,
                    name: "x",
                    custom: true,
                    parent: "",
                    dependencies: [],
                    provider: "",
                    protect: false,
                    ignoreChanges: [],
                    secretInputs: [],
                    id: row.id,
                    inputs: row.inputs,
                    state: {},
                    span: { start: 0, end: 0 },
                    deletedWith: "",
                };
                // The stack's resource group is the deployment's scope.
                const group: Registration = {
                    ...reg,
                    urn: "urn:pulumi:dev::aks-entra::azure-native:resources:ResourceGroup::rg",
                    type: TYPES.resourceGroup,
                    id: rg,
                    inputs: { resourceGroupName: "rg-x", location: "westeurope" },
                };
                const t = armTemplate([group, reg], {
                    stack: "dev",
                    project: "aks-entra",
                    schemas,
                });
                const r = t.resources[1];
                assert.deepEqual(
                    { type: r.type, apiVersion: r.apiVersion, name: r.name, scope: r.scope },
                    { scope: undefined, ...row.want },
                );
                const s = schemas.find(r.type, r.apiVersion);
                assert.ok(s, "a schema");
                assert.deepEqual(schemaProblems(requestBody(r), s.definition, s.definitions), []);
                // Path parameters are not in the body.
                const sent = JSON.stringify(r.properties ?? {});
                for (const k of Object.keys(row.inputs).filter((k) =>
                    /Name$|^scope$|Uri$|Rp$/.test(k),
                ))
                    assert.ok(!sent.includes(`"${k}"`), k);
            });
        }
    });

    it("depends, through a wait that is not ARM, on what the wait waits for", () => {
        const run = runs.get("dev")!;
        const cluster = run.registrations.find((r) => r.type === TYPES.cluster)!;
        const wait = run.registrations.find(
            (r) => r.name === "aks-entra-identities-kubelet-operator-propagation",
        )!;
        // The wait follows the kubelet-operator grant and the subnet grant (dev has a network).
        const grants = wait.dependencies.map((u) => run.registrations.find((r) => r.urn === u)!);
        assert.deepEqual(grants.map((g) => g.name).sort(), [
            "aks-entra-identities-control-plane-subnet",
            "aks-entra-identities-kubelet-operator",
        ]);
        // The cluster waiting for the wait alone still depends on the grant behind it.
        const edited = { ...cluster, dependencies: [wait.urn] };
        const t = armTemplate(
            run.registrations.map((r) => (r === cluster ? edited : r)),
            { stack: "dev", project: "aks-entra", schemas },
        );
        const c = t.resources.find((r) => r.type === "Microsoft.ContainerService/managedClusters")!;
        assert.deepEqual(
            c.dependsOn,
            grants.map((g) => {
                // The subnet is in your network's resource group: its id. The kubelet identity is
                // in the template: its resourceId.
                const scope = g.name.endsWith("-subnet")
                    ? `'${String(g.inputs.scope)}'`
                    : `resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', '${parseArmId(String(g.inputs.scope))!.names[0]}')`;
                return `[extensionResourceId(${scope}, 'Microsoft.Authorization/roleAssignments', '${String(g.inputs.roleAssignmentName)}')]`;
            }),
        );
    });

    it("turns a secret input into a securestring parameter without a default, and the schema check can fail", () => {
        const run = runs.get("dev")!;
        const workspace = run.registrations.find((r) => r.type === TYPES.workspace)!;
        const secret = "s3cr3t-value-that-must-not-leak";
        const edited = {
            ...workspace,
            inputs: {
                ...workspace.inputs,
                workspaceCapping: { dailyQuotaGb: 1 },
                customerId: secret,
            },
            secretInputs: ["customerId"],
        };
        const t = armTemplate(
            run.registrations.map((r) => (r === workspace ? edited : r)),
            { stack: "dev", project: "aks-entra", schemas },
        );
        assert.ok(!JSON.stringify(t).includes(secret));
        const w = t.resources.find((r) => r.type === "Microsoft.OperationalInsights/workspaces")!;
        const name = Object.keys(t.parameters).find(
            (k) => t.parameters[k].type === "securestring",
        )!;
        assert.equal(t.parameters[name].defaultValue, undefined);
        assert.equal((w.properties as Record<string, Json>).customerId, `[parameters('${name}')]`);
        // customerId is read-only in the schema: the validation says so.
        const s = schemas.find("Microsoft.OperationalInsights/workspaces", "2023-09-01")!;
        assert.deepEqual(schemaProblems(requestBody(w), s.definition, s.definitions), [
            "properties.customerId: not in the schema",
        ]);
    });

    it("npm run plan -- --arm FILE writes the template; --arm-schemas alone is refused", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "arm-"));
        try {
            const file = path.join(dir, "template.json");
            const r = await plan("--arm", file);
            assert.equal(r.code, 0, r.stderr);
            assert.match(
                r.stderr,
                new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
            );
            assert.deepEqual(
                JSON.parse(readFileSync(file, "utf8")),
                JSON.parse(JSON.stringify(templates.get("dev"))),
            );
            const missing = await plan("--arm", file, "--arm-schemas", path.join(dir, "none"));
            assert.equal(missing.code, 1);
            assert.match(
                missing.stderr,
                new RegExp(
                    `^plan: --arm-schemas "${path.join(dir, "none")}" is not a directory$`,
                    "m",
                ),
            );
            const bad = await plan("--arm-schemas", ROOT);
            assert.equal(bad.code, 1);
            assert.match(
                bad.stderr,
                /^plan: --arm-schemas needs --arm FILE \(the template to write\)$/m,
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
