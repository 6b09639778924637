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
    TEMPLATE_FIELDS,
} from "../plan/arm";
import { ArmSchemas, DEFAULT_SCHEMAS } from "../plan/armSchemas";
import { schemaProblems } from "./armSchema";
import { ROOT, stackConfig, TYPES } from "./helpers";
import { plan } from "./planRun";
import { sharedRun } from "./sharedRuns";

const STACKS = ["dev", "prod", "team-payments"] as const;
type Resource = ArmResource;

/** The body ARM receives: a template resource without the template's own fields. */
function body(r: Resource): Record<string, unknown> {
    const out: Record<string, unknown> = { ...r };
    for (const k of TEMPLATE_FIELDS) delete out[k];
    return out;
}

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
                        schemaProblems(body(r), s.definition, s.definitions),
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
        assert.deepEqual(schemaProblems(body(w), s.definition, s.definitions), [
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
