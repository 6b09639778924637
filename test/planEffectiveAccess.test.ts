// Effective access in the matrix (issue 29): what a principal reaches through a service account
// (a token it mints, a pod it runs), an identity it can take over, or a ClusterRoleBinding it can
// create, derived by components/access/derived.ts and shown in the text, Markdown and JSON plans; and
// `--diff` reports a change of derived access as an access change (exit 2).
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { configFromPulumi, pulumiConfigMap } from "../components/config";
import { AKS_ROLES } from "../components/roles";
import { TYPES } from "../offline/types";
import { describePrincipal } from "../plan/labels";
import { derivedLine, type Plan } from "../plan/model";
import { run } from "./helpers";
import {
    type Config,
    DEV_FILE,
    plan,
    planOfRegistrations,
    readConfig,
    readPlan,
    type Run,
    workspace,
} from "./planRun";

const { out, dev, remove } = workspace("effective");

/** Every derived line of a plan: `<principal>: <path> -> <role> on <scope>`. */
function lines(p: Plan): string[] {
    const who = new Map(p.principals.map((x) => [x.key, describePrincipal(x)]));
    const where = new Map(p.scopes.map((s) => [s.key, s.label]));
    return (p.derived ?? []).map(
        (d) => `${who.get(d.principal)}: ${derivedLine(d, where.get(d.scope)!)}`,
    );
}

const API = "payments/payments-api";
const WORKER = "payments/payments-worker";
const EXPORTER = "observability/metrics-exporter";
/** What a pod or token of each dev service account reaches, as derived lines end. */
const REACH = {
    api: [
        `${API} -> Key Vault Secrets User on vault kv-payments-prod`,
        `${API} -> Storage Blob Data Reader on storage stpaymentsprod`,
    ],
    worker: [`${WORKER} -> Azure Service Bus Data Receiver on servicebus sb-payments-prod`],
    exporter: [`${EXPORTER} -> Monitoring Metrics Publisher on resource group rg-monitoring`],
};
const pods = (who: string, ...reach: string[][]) =>
    reach.flat().map((r) => `${who}: via a pod running as ${r}`);
const everyPod = (who: string) => pods(who, REACH.exporter, REACH.api, REACH.worker);

describe("offline plan: effective (derived) access", function () {
    this.timeout(300_000);
    const runs: Record<string, Run> = {};
    let safe: Plan;
    let reach: Plan;

    before(async () => {
        const reachFile = dev("reach.yaml", (c) => {
            const [payments] = c["aks-entra:namespaces"];
            // A role that mints tokens, accepted with the opt-in (it is HIGH in the findings).
            payments.roles.push({
                name: "minter",
                rules: [
                    { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
                ],
                groups: ["sre"],
                allowPrivilegeEscalation: true,
            });
            // AKS RBAC Admin on the whole cluster, by exception: cluster-admin in effect.
            const auditors = c["aks-entra:clusterAccess"].find(
                (a: { group: string }) => a.group === "auditors",
            );
            auditors.role = "admin";
            auditors.clusterWideException = "auditors run the cluster-wide audit tooling";
        });
        const [d, r, md] = await Promise.all([
            plan("--json", out("dev.json")),
            plan("--config", reachFile, "--json", out("reach.json")),
            plan("--config", reachFile, "--markdown", out("reach.md")),
        ]);
        for (const x of [d, r, md]) assert.equal(x.code, 0, x.stderr);
        Object.assign(runs, { dev: d, reach: r });
        safe = readPlan(out("dev.json"));
        reach = readPlan(out("reach.json"));
    });
    after(remove);

    it("derives, for the dev stack file, each path with what it reaches", () => {
        assert.deepEqual(
            lines(safe).sort(),
            [
                // AKS needs Operator on the kubelet identity: the control plane can act as the kubelet.
                "identity control-plane: via takeover of identity kubelet (Managed Identity Operator) -> AcrPull on acr contosoplatform",
                // AKS RBAC Cluster Admin, the admin groups and JIT groups holding cluster-wide admin
                // run pods as every service account.
                ...everyPod("deployer"),
                ...everyPod("group admins (created)"),
                ...everyPod("group jit oncall-admin"),
                ...pods("group jit payments-admin", REACH.api, REACH.worker),
                ...everyPod("group platform-admins"),
                // The deployer owns the groups it creates (and only it: config refuses other
                // owners): it could add itself, and skip PIM for a just-in-time group. What it
                // holds already (AKS RBAC Cluster Admin on the cluster) is not repeated.
                ...[
                    "admins (created) -> AKS Cluster User Role on cluster",
                    "admins (created) -> cluster-admin on cluster",
                    "jit oncall-admin -> AKS Cluster User Role on cluster",
                    "jit payments-admin -> AKS Cluster User Role on cluster",
                    "jit payments-admin -> AKS RBAC Admin on namespace payments",
                ].map((l) => `deployer: via ownership of group ${l}`),
                // A namespace writer (AKS RBAC Writer in payments) over Azure-holding service accounts.
                ...pods("group payments-devs", REACH.api, REACH.worker),
                // AKS RBAC Admin in observability.
                ...pods("group sre", REACH.exporter),
                ...pods("pipeline payments-deploy", REACH.api, REACH.worker),
            ].sort(),
        );
    });

    it("derives a token path from serviceaccounts/token create, and cluster-admin from cluster-wide AKS RBAC Admin", () => {
        const added = lines(reach).filter((l) => !lines(safe).includes(l));
        assert.deepEqual(
            added.sort(),
            [
                "group auditors: via a ClusterRoleBinding it can create (AKS RBAC Admin) -> ClusterRole cluster-admin on cluster",
                ...everyPod("group auditors"),
                ...[...REACH.api, ...REACH.worker].map((r) => `group sre: via a token for ${r}`),
            ].sort(),
        );
        // Nothing derived is lost by adding access.
        assert.deepEqual(
            lines(safe).filter((l) => !lines(reach).includes(l)),
            [],
        );
    });

    it("shows derived lines in the text matrix (marked derived, with the path) and in Markdown", () => {
        const text = runs.reach.stdout;
        assert.equal(lines(reach).length, 40);
        assert.match(text, /\nAccess matrix \(\d+ grants: .*; 40 derived\)\n/);
        assert.match(
            text,
            /kv-payments-prod +Key Vault Secrets User +derived via a token for payments\/payments-api\n/,
        );
        const md = readFileSync(out("reach.md"), "utf8");
        // In the matrix, sre's vault cell says the role is derived (the path is in the list).
        const sre = md.split("\n").find((l) => l.startsWith("| group sre "))!;
        const header = md.split("\n").find((l) => l.startsWith("| principal |"))!;
        const cells = (row: string) => row.split("|").map((c) => c.trim());
        const vault = cells(header).indexOf("vault kv-payments-prod");
        assert.equal(cells(sre)[vault], "Key Vault Secrets User (derived)");
        assert.ok(
            md.includes(
                `- group sre: via a token for ${API} -> Key Vault Secrets User on vault kv-payments-prod\n`,
            ),
            md,
        );
    });

    it("derives the grants of an identity a pipeline can take over (Managed Identity Operator on it)", async () => {
        // Config refuses an identity-administration role on an identity of the stack (issue 29,
        // item 3), so the grant is added to the registrations the program made.
        const r = await run();
        const registrations = [...structuredClone(r.registrations)];
        const identity = (name: string) =>
            registrations.find((x) => x.type === TYPES.identity && x.name === name)!;
        const api = identity("aks-entra-wl/payments/payments-api");
        const pipeline = identity("aks-entra-ci-payments-deploy");
        const template = registrations.find((x) => x.type === TYPES.roleAssignment)!;
        registrations.push({
            ...template,
            urn: template.urn.replace(/::[^:]+$/, "::takeover"),
            name: "takeover",
            inputs: {
                principalId: pipeline.state.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${AKS_ROLES.managedIdentityOperator}`,
                scope: api.id,
            },
        });
        const config = configFromPulumi(pulumiConfigMap(readConfig(DEV_FILE)));
        const p = planOfRegistrations(r, registrations, config);
        assert.deepEqual(
            lines(p).filter((l) => l.includes("takeover")),
            [
                "identity control-plane: via takeover of identity kubelet (Managed Identity Operator) -> AcrPull on acr contosoplatform",
                ...REACH.api.map(
                    (x) =>
                        `pipeline payments-deploy: via takeover of identity ${x.replace(" ->", " (Managed Identity Operator) ->")}`,
                ),
            ].sort(),
        );
    });

    it("derives the grants of a group an owner or a member group controls (via ownership, via membership)", async () => {
        // Config refuses a second owner and a group among the admin group's members (issue 29,
        // item 2), so both are added to the registrations the program made.
        const r = await run();
        const registrations = [...structuredClone(r.registrations)];
        const config = configFromPulumi(pulumiConfigMap(readConfig(DEV_FILE)));
        const admins = registrations.find(
            (x) => x.type === TYPES.group && x.name.endsWith("-admins-group"),
        )!;
        const owner = "5a5a5a5a-1111-4222-8333-444455556666";
        admins.inputs = {
            ...admins.inputs,
            owners: [...(admins.inputs.owners as string[]), owner],
            members: [...(admins.inputs.members as string[]), config.groups["payments-devs"]],
        };
        const p = planOfRegistrations(r, registrations, config);
        const via = (l: string) => / via (ownership|membership) of group admins /.test(l);
        assert.deepEqual(lines(p).filter(via).sort(), [
            "deployer: via ownership of group admins (created) -> AKS Cluster User Role on cluster",
            "deployer: via ownership of group admins (created) -> cluster-admin on cluster",
            "group payments-devs: via membership of group admins (created) -> cluster-admin on cluster",
            `user ${owner}: via ownership of group admins (created) -> AKS Cluster User Role on cluster`,
            `user ${owner}: via ownership of group admins (created) -> cluster-admin on cluster`,
        ]);
        // The safe stack file: no owner but the deployer, no member group.
        assert.deepEqual(
            lines(safe).filter((l) => via(l) && !l.startsWith("deployer: ")),
            [],
        );
    });

    describe("--diff", () => {
        it("reports Pod Security and declared roles' and ClusterRoles' rule changes as access changes (exit 2)", async () => {
            const CUSTOM = "5a5a5a5a-1234-4321-8765-0123456789ab";
            // A role aks-entra does not know, declared, and a ClusterRole declared with its rules.
            const declared = (access: string, name: string, verbs: string[]) => (c: Config) => {
                c["aks-entra:declaredRoles"] = [
                    { role: CUSTOM, name, access, intent: "the api writes feature flags" },
                ];
                const [payments, observability] = c["aks-entra:namespaces"];
                const api = payments.workloads[0];
                api.azureRoleAssignments.push({
                    role: CUSTOM,
                    scope: api.azureRoleAssignments[0].scope,
                });
                Object.assign(payments.roles[1], {
                    clusterRole: "config-reader",
                    clusterRoleRules: [{ apiGroups: [""], resources: ["configmaps"], verbs }],
                });
                if (name === "Flags Admin") observability.podSecurity = { enforce: "privileged" };
            };
            const before = dev("declared.yaml", declared("read", "Flags Reader", ["get"]));
            const after = dev("declared2.yaml", declared("admin", "Flags Admin", ["get", "list"]));
            const base = await plan("--config", before, "--json", out("declared.json"));
            assert.equal(base.code, 0, base.stderr);
            const r = await plan(
                "--config",
                after,
                "--diff",
                out("declared.json"),
                "--diff-json",
                out("declared-diff.json"),
            );
            assert.equal(r.code, 2, r.stderr);
            const diff = JSON.parse(readFileSync(out("declared-diff.json"), "utf8"));
            // A declared role renamed, nothing else: still its grant's change.
            const renamed = readPlan(out("declared.json"));
            for (const g of renamed.grants.filter((x) => x.role === "Flags Reader (declared)")) {
                g.role = "Flags Viewer (declared)";
            }
            writeFileSync(out("renamed.json"), JSON.stringify(renamed));
            const rename = await plan("--config", before, "--diff", out("renamed.json"));
            assert.equal(rename.code, 2, rename.stderr);
            assert.match(
                rename.stdout,
                /^ {2}~ changed {2}workload payments\/payments-api on vault kv-payments-prod: Flags Viewer \(declared\) -> Flags Reader \(declared\)$/m,
            );
            // Whoever runs pods as payments-api reaches the widened role too (7 derived changes).
            assert.match(
                r.stdout,
                /^Access: 10 grant changes \(7 derived, 1 Pod Security\), 0 trust changes$/m,
            );
            assert.match(
                r.stdout,
                /^ {2}\^ widened {2}Pod Security on namespace observability: enforce baseline -> enforce privileged$/m,
            );
            assert.deepEqual(
                diff.access.filter((c: { derived?: boolean }) => !c.derived),
                [
                    {
                        kind: "widened",
                        principal: "Pod Security",
                        scope: "namespace observability",
                        podSecurity: true,
                        removed: ["enforce baseline"],
                        added: ["enforce privileged"],
                        after: ["enforce privileged", "warn restricted", "audit restricted"],
                    },
                    {
                        kind: "widened",
                        principal: "workload payments/payments-api",
                        scope: "vault kv-payments-prod",
                        removed: ["Flags Reader (declared)"],
                        added: ["Flags Admin (declared)"],
                        after: ["Flags Admin (declared)", "Key Vault Secrets User"],
                    },
                    {
                        kind: "changed",
                        principal: "group auditors",
                        scope: "namespace payments",
                        removed: ["ClusterRole config-reader (configmaps: get)"],
                        added: ["ClusterRole config-reader (configmaps: get,list)"],
                        after: ["ClusterRole config-reader (configmaps: get,list)"],
                    },
                ],
            );
        });

        it("reports a change of derived access only as an access change (exit 2)", async () => {
            // A base whose payments-devs reached nothing through others: only derived access
            // differs from the dev stack file's plan.
            const base = structuredClone(safe);
            const devs = base.principals.find((p) => p.label === "payments-devs")!.key;
            base.derived = base.derived!.filter((d) => d.principal !== devs);
            writeFileSync(out("base.json"), JSON.stringify(base));
            // A base written before derived access existed says nothing about it.
            const old = structuredClone(safe);
            delete old.derived;
            writeFileSync(out("old.json"), JSON.stringify(old));
            const [changed, before] = await Promise.all([
                plan("--diff", out("base.json"), "--diff-json", out("diff.json")),
                plan("--diff", out("old.json")),
            ]);
            assert.equal(changed.code, 2, changed.stderr);
            assert.equal(before.code, 0, before.stderr);
            const diff = JSON.parse(readFileSync(out("diff.json"), "utf8"));
            assert.deepEqual(diff.access, [
                {
                    kind: "added",
                    principal: "group payments-devs",
                    scope: "servicebus sb-payments-prod",
                    derived: true,
                    removed: [],
                    added: [`via a pod running as ${WORKER} -> Azure Service Bus Data Receiver`],
                    after: [`via a pod running as ${WORKER} -> Azure Service Bus Data Receiver`],
                },
                {
                    kind: "added",
                    principal: "group payments-devs",
                    scope: "storage stpaymentsprod",
                    derived: true,
                    removed: [],
                    added: [`via a pod running as ${API} -> Storage Blob Data Reader`],
                    after: [`via a pod running as ${API} -> Storage Blob Data Reader`],
                },
                {
                    kind: "added",
                    principal: "group payments-devs",
                    scope: "vault kv-payments-prod",
                    derived: true,
                    removed: [],
                    added: [`via a pod running as ${API} -> Key Vault Secrets User`],
                    after: [`via a pod running as ${API} -> Key Vault Secrets User`],
                },
            ]);
            assert.match(
                changed.stdout,
                /group payments-devs on vault kv-payments-prod \(derived\): via a pod running as payments\/payments-api -> Key Vault Secrets User/,
            );
        });
    });
});
