// The offline plan, run as a user runs it: `tsx plan/main.ts ...` in a child process, asserting exit
// codes, stdout/stderr and the files written. Each evaluation costs ~2 s, so the runs happen once,
// in parallel, in before() hooks, and the tests read their results.
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { readStackConfig } from "../plan/files";
import type { Plan } from "../plan/model";
import { FIXTURES, plan, planDiff, planProcess, ROOT, type Run, workspace } from "./planRun";

const { out, remove } = workspace("plan");
const readJson = (name: string) => JSON.parse(readFileSync(out(name), "utf8")) as Plan;

/** The parts of teams.yaml the diff tests edit. */
interface TeamsConfig {
    "aks-entra:namespaces": { access: { group: string; role: string }[] }[];
    "aks-entra:pipelines": { github: unknown[] }[];
}

/** `teams.yaml` with one edit, written to the temp dir. */
function variant(name: string, edit: (config: TeamsConfig) => void): string {
    const doc = parse(readFileSync(path.join(FIXTURES, "teams.yaml"), "utf8")) as {
        config: TeamsConfig;
    };
    edit(doc.config);
    writeFileSync(out(name), stringify(doc));
    return out(name);
}

/** One line per grant: `principal | scope | role | via`, labels as a reviewer reads them. */
function matrix(p: Plan): string[] {
    const who = new Map(p.principals.map((x) => [x.key, x]));
    const where = new Map(p.scopes.map((x) => [x.key, x.label]));
    return p.grants
        .map((g) => {
            const principal = who.get(g.principal)!;
            return `${principal.kind} ${principal.label} | ${where.get(g.scope)} | ${g.role} | ${g.via}`;
        })
        .sort();
}

describe("offline plan (npm run plan)", function () {
    this.timeout(120_000);
    const runs: Record<string, Run> = {};
    const teamsArgs = ["--config", path.join(FIXTURES, "teams.yaml"), "--stack", "teams"];

    before(async () => {
        // First wave: the dev stack and the test config, each with JSON and Markdown.
        [runs.dev, runs.teams] = await Promise.all([
            plan("--json", out("dev.json"), "--markdown", out("dev.md")),
            plan(...teamsArgs, "--json", out("teams.json"), "--markdown", out("teams.md")),
        ]);
        assert.equal(runs.dev.code, 0, runs.dev.stderr);
        assert.equal(runs.teams.code, 0, runs.teams.stderr);
        // Second wave: diffs against those plans.
        const added = variant("added.yaml", (c) => {
            c["aks-entra:namespaces"][2].access.push({
                group: "release-managers",
                role: "reader",
            });
        });
        const widened = variant("widened.yaml", (c) => {
            c["aks-entra:namespaces"][1].access[1].role = "admin"; // auditors on data: reader -> admin
        });
        const trustRemoved = variant("trust-removed.yaml", (c) => {
            c["aks-entra:pipelines"][0].github.splice(1, 1); // the pull_request subject
        });
        [runs.again, runs.added, runs.widened, runs.trustRemoved] = await Promise.all([
            // A fresh evaluation, in a process as a user runs it: its JSON must be the same bytes.
            planProcess("--json", out("dev-again.json"), "--diff", out("dev.json")),
            planDiff(added, "teams", out("teams.json")),
            planDiff(widened, "teams", out("teams.json")),
            planDiff(trustRemoved, "teams", out("teams.json"), "--markdown", out("trust.md")),
        ]);
    });

    after(remove);

    describe("dev stack", () => {
        it("prints the resource tree with the cluster's security properties", () => {
            const s = runs.dev.stdout;
            for (const section of [
                "Resource tree",
                "Dependency order that matters",
                "Principals",
                "Access matrix",
                "Federated trusts",
                "Findings",
            ]) {
                assert.match(s, new RegExp(`^${section}`, "m"), section);
            }
            assert.match(s, /azure-native:ManagedCluster {2}aks-aks-entra-dev-/);
            assert.match(s, /entra +AKS-managed Entra ID, tenant [0-9a-f-]{36}/);
            assert.match(s, /azureRbac +enabled/);
            assert.match(s, /localAccounts +disabled/);
            assert.match(
                s,
                /oidcIssuer +enabled, https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//,
            );
            assert.match(s, /workloadIdentity +enabled/);
            assert.match(
                s,
                /apiServer +public .*authorized IP ranges 203\.0\.113\.0\/24, 198\.51\.100\.17\/32/,
            );
            assert.match(s, /adminGroups +admins \(created\), platform-admins -> cluster-admin/);
        });

        it("shows the orderings a first pulumi up needs, all satisfied", () => {
            const p = readJson("dev.json");
            const codes = p.order.map((c) => `${c.code}:${c.ok}`);
            assert.ok(codes.includes("cluster-waits-for-operator-grant:true"), codes.join());
            assert.ok(codes.includes("federated-credentials-chained:true"), codes.join());
            assert.ok(
                codes.includes("kubernetes-provider-waits-for-deployer-grant:true"),
                codes.join(),
            );
            assert.ok(p.order.every((c) => c.ok));
            assert.match(
                runs.dev.stdout,
                /^ok +Kubernetes provider waits for the deployer's AKS RBAC Cluster Admin and a 300s RBAC propagation wait/m,
            );
        });

        it("derives every grant from a registration and names principals by config name", () => {
            const p = readJson("dev.json");
            const assignments = p.resources.filter(
                (r) => r.type === "azure-native:authorization:RoleAssignment",
            );
            const azure = p.grants.filter((g) => g.via === "azure-rbac");
            assert.deepEqual(
                azure.map((g) => g.source).sort(),
                assignments.map((r) => r.urn).sort(),
            );
            const lines = matrix(p);
            for (const expected of [
                "deployer deployer | cluster | AKS RBAC Cluster Admin | azure-rbac",
                "group admins (created) | cluster | cluster-admin | aks-admin-group",
                "group platform-admins | cluster | cluster-admin | aks-admin-group",
                "group sre | cluster | AKS RBAC Reader | azure-rbac",
                "group developers | namespace payments | Role pod-reader | kubernetes-rbac",
                "group auditors | namespace payments | ClusterRole view | kubernetes-rbac",
                "workload payments/payments-api | vault kv-payments-prod | Key Vault Secrets User | azure-rbac",
                "pipeline payments-deploy | namespace payments | AKS RBAC Writer | azure-rbac",
                "control-plane control-plane | identity kubelet | Managed Identity Operator | azure-rbac",
            ]) {
                assert.ok(lines.includes(expected), `${expected}\nnot in:\n${lines.join("\n")}`);
            }
        });

        it("writes JSON that is versioned, sorted and byte-identical across runs, with no secrets", () => {
            assert.equal(runs.again.code, 0, runs.again.stderr);
            const first = readFileSync(out("dev.json"), "utf8");
            assert.equal(readFileSync(out("dev-again.json"), "utf8"), first);
            const p = JSON.parse(first) as Plan;
            assert.equal(p.schemaVersion, 3);
            assert.equal(p.outputs.kubeconfig, "[secret]");
            assert.doesNotMatch(first, /certificate-authority-data|clusterUser_|T\d\d:\d\d:\d\d/);
            const keysSorted = (v: unknown): boolean =>
                Array.isArray(v)
                    ? v.every(keysSorted)
                    : v !== null && typeof v === "object"
                      ? Object.keys(v).join() === Object.keys(v).sort().join() &&
                        Object.values(v).every(keysSorted)
                      : true;
            assert.ok(keysSorted(p));
            const urns = p.resources.map((r) => r.urn);
            assert.deepEqual(urns, [...urns].sort());
        });

        it("reports no change against an identical plan, exit 0", () => {
            assert.equal(runs.again.code, 0);
            assert.match(runs.again.stdout, /^Access: unchanged$/m);
            assert.match(runs.again.stdout, /^Resources: 0 added, 0 removed, 0 changed$/m);
        });

        it("keeps stdout free of colour codes when it is not a terminal, and times itself on stderr", () => {
            assert.doesNotMatch(runs.dev.stdout, /\x1b\[/);
            assert.match(
                runs.dev.stderr,
                /plan: dev: \d+ resources, \d+ grants in [\d.]+ s \(validate .*load SDK .*evaluate/,
            );
        });
    });

    describe("config with several namespaces, groups, workloads and custom roles", () => {
        it("holds exactly the expected grants", () => {
            assert.deepEqual(matrix(readJson("teams.json")), [
                "control-plane control-plane | identity kubelet | Managed Identity Operator | azure-rbac",
                "deployer deployer | cluster | AKS RBAC Cluster Admin | azure-rbac",
                "group auditors | cluster | AKS Cluster User Role | azure-rbac",
                "group auditors | cluster | AKS RBAC Reader | azure-rbac",
                "group auditors | namespace data | AKS RBAC Reader | azure-rbac",
                "group data-devs | cluster | AKS Cluster User Role | azure-rbac",
                "group data-devs | namespace batch | AKS RBAC Reader | azure-rbac",
                "group data-devs | namespace batch | ClusterRole edit | kubernetes-rbac",
                "group data-devs | namespace data | AKS RBAC Writer | azure-rbac",
                "group data-devs | namespace data | Role secret-reader | kubernetes-rbac",
                "group platform-admins | cluster | AKS Cluster User Role | azure-rbac",
                "group platform-admins | cluster | cluster-admin | aks-admin-group",
                // Bound only by a RoleBinding, yet able to fetch a kubeconfig.
                "group release-managers | cluster | AKS Cluster User Role | azure-rbac",
                "group release-managers | namespace web | Role rollout-restarter | kubernetes-rbac",
                "group sre | cluster | AKS Cluster User Role | azure-rbac",
                "group sre | cluster | AKS RBAC Writer | azure-rbac",
                "group sre | namespace data | Role secret-reader | kubernetes-rbac",
                "group web-devs | cluster | AKS Cluster User Role | azure-rbac",
                "group web-devs | namespace data | ClusterRole view | kubernetes-rbac",
                "group web-devs | namespace web | AKS RBAC Admin | azure-rbac",
                "pipeline web-deploy | acr crcontoso | AcrPush | azure-rbac",
                "pipeline web-deploy | cluster | AKS Cluster User Role | azure-rbac",
                "pipeline web-deploy | namespace web | AKS RBAC Writer | azure-rbac",
                "workload batch/scheduler | subscription 22222222-bbbb-4bbb-8bbb-000000000001 | Reader | azure-rbac",
                "workload data/etl | storage stdata | Storage Blob Data Contributor | azure-rbac",
                "workload data/reporter | resource group rg-data | Reader | azure-rbac",
                "workload web/bff | appconfig appcs-web | App Configuration Flags Writer (declared) | azure-rbac",
                "workload web/frontend | vault kv-web | Key Vault Secrets User | azure-rbac",
            ]);
        });

        it("shows custom Role rules and every federated trust", () => {
            const p = readJson("teams.json");
            const rollout = p.grants.find((g) => g.role === "Role rollout-restarter")!;
            assert.equal(rollout.detail, "apps/deployments: get,list,patch");
            assert.equal(rollout.level, 2);
            const trusts = p.trusts
                .map((t) => `${t.identity} <- ${t.issuerLabel} ${t.subject}`)
                .sort();
            assert.deepEqual(trusts, [
                "pipeline:web-deploy <- GitHub Actions repo:contoso/web:environment:production",
                "pipeline:web-deploy <- GitHub Actions repo:contoso/web:pull_request",
                "workload:batch/scheduler <- cluster OIDC issuer system:serviceaccount:batch:scheduler",
                "workload:data/etl <- cluster OIDC issuer system:serviceaccount:data:etl",
                "workload:data/reporter <- cluster OIDC issuer system:serviceaccount:data:reporter",
                "workload:web/bff <- cluster OIDC issuer system:serviceaccount:web:bff",
                "workload:web/frontend <- cluster OIDC issuer system:serviceaccount:web:frontend",
            ]);
            assert.ok(p.trusts.every((t) => t.audiences.join() === "api://AzureADTokenExchange"));
        });

        it("raises the findings a reviewer needs", () => {
            const findings = readJson("teams.json").findings.map(
                (f) => `${f.severity} ${f.code} ${f.subject}`,
            );
            for (const expected of [
                "high public-api-server",
                "high pull-request-trust pipeline:web-deploy",
                "high subscription-wide-role workload:batch/scheduler",
                "medium resource-group-wide-role workload:data/reporter",
                "medium cluster-admin deployer",
                "medium cluster-admin group:11111111-aaaa-4aaa-8aaa-000000000001",
                "medium run-command-enabled",
                "low no-availability-zones",
                "info default-in-use aks-entra:kubeloginMode",
                "info default-in-use aks-entra:cluster.systemPool.zones",
            ]) {
                assert.ok(
                    findings.some((f) => f.startsWith(expected)),
                    `${expected} not in\n${findings.join("\n")}`,
                );
            }
            // Every principal with Kubernetes rights can fetch a kubeconfig (the stack sees to it).
            assert.ok(
                !findings.some((f) => f.includes("no-kubeconfig-access")),
                findings.join("\n"),
            );
        });

        it("writes Markdown with a valid Mermaid flowchart of trusts and grants", () => {
            const md = readFileSync(out("teams.md"), "utf8");
            const block = /```mermaid\n([\s\S]*?)\n```/.exec(md);
            assert.ok(block, "no mermaid block");
            const lines = block[1].split("\n");
            assert.equal(lines[0], "flowchart LR");
            const declared = new Set<string>();
            const edges: [string, string][] = [];
            for (const line of lines.slice(1)) {
                const t = line.trim();
                if (t === "end") continue;
                const sub = /^subgraph ([A-Za-z][A-Za-z0-9_]*)\["[^"]*"\]$/.exec(t);
                const node =
                    /^([A-Za-z][A-Za-z0-9_]*)(\["[^"]*"\]|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\})$/.exec(
                        t,
                    );
                const edge =
                    /^([A-Za-z][A-Za-z0-9_]*) -->\|"[^"]*"\| ([A-Za-z][A-Za-z0-9_]*)$/.exec(t);
                if (sub) continue;
                if (node) {
                    assert.ok(!declared.has(node[1]), `node ${node[1]} declared twice`);
                    declared.add(node[1]);
                } else if (edge) {
                    edges.push([edge[1], edge[2]]);
                } else {
                    assert.fail(`not a node, edge or subgraph: ${line}`);
                }
            }
            for (const [from, to] of edges) {
                assert.ok(
                    declared.has(from) && declared.has(to),
                    `edge ${from} -> ${to} uses an undeclared node`,
                );
            }
            const p = readJson("teams.json");
            const pairs = new Set(p.grants.map((g) => `${g.principal}|${g.scope}`));
            assert.equal(edges.length, p.trusts.length + pairs.size);
            assert.match(md, /"workload web\/frontend"/);
            assert.match(md, /"vault kv-web"/);
        });
    });

    describe("--diff", () => {
        it("detects an added grant (exit 2)", () => {
            const r = runs.added;
            assert.equal(r.code, 2, r.stderr);
            assert.match(
                r.stdout,
                /^ {2}\+ added {4}group release-managers on namespace batch: AKS RBAC Reader$/m,
            );
            // The group already had Cluster User Role (for its RoleBinding): not added again.
            assert.doesNotMatch(r.stdout, /added {4}group release-managers on cluster/);
            assert.match(r.stdout, /^ {2}\+ added {4}azure-native:authorization:RoleAssignment /m);
        });

        it("detects a widened role, reader -> admin (exit 2)", () => {
            const r = runs.widened;
            assert.equal(r.code, 2, r.stderr);
            assert.match(
                r.stdout,
                /^ {2}\^ widened {2}group auditors on namespace data: AKS RBAC Reader -> AKS RBAC Admin$/m,
            );
            // Admin in data runs pods as its service accounts: their Azure roles are derived.
            assert.match(r.stdout, /^Access: 3 grant changes \(2 derived\), 0 trust changes$/m);
            assert.match(
                r.stdout,
                /^ {2}\+ added {4}group auditors on storage stdata \(derived\): via a pod running as data\/etl -> Storage Blob Data Contributor$/m,
            );
        });

        it("detects a removed trust (exit 2), and says so in the Markdown", () => {
            const r = runs.trustRemoved;
            assert.equal(r.code, 2, r.stderr);
            assert.match(
                r.stdout,
                /^ {2}- trust removed pipeline web-deploy <- GitHub Actions repo:contoso\/web:pull_request$/m,
            );
            // Without pull_request workflows writing there, web's default Pod Security is
            // baseline, no longer restricted: looser, and said so as an access change.
            assert.match(
                r.stdout,
                /^Access: 1 grant changes \(1 Pod Security\), 1 trust changes\n {2}\^ widened {2}Pod Security on namespace web: enforce restricted -> enforce baseline$/m,
            );
            assert.match(
                r.stdout,
                /^ {2}- removed {2}azure-native:managedidentity:FederatedIdentityCredential /m,
            );
            assert.match(
                readFileSync(out("trust.md"), "utf8"),
                /\| trust removed \| pipeline web-deploy \| GitHub Actions \| repo:contoso\/web:pull_request \| - \|/,
            );
        });
    });

    describe("errors", () => {
        it("rejects a bad config with every problem, exit 1, no stack trace, before loading the SDK", async () => {
            const bad = out("bad.yaml");
            writeFileSync(
                bad,
                stringify({
                    config: {
                        "aks-entra:location": "westeurope",
                        "aks-entra:namespaces": [{ name: "Payments" }],
                        "aks-entra:clusterAccess": [{ group: "nobody", role: "owner" }],
                    },
                }),
            );
            const r = await planProcess("--config", bad);
            assert.equal(r.code, 1);
            assert.match(r.stderr, /invalid configuration \(\d+ problems\)/);
            assert.match(
                r.stderr,
                /aks-entra:namespaces\[0\]\.name "Payments" is not a valid Kubernetes namespace/,
            );
            assert.match(r.stderr, /aks-entra:clusterAccess\[0\]\.role "owner" is not allowed/);
            assert.doesNotMatch(r.stderr, /^ {4}at /m);
            assert.doesNotMatch(r.stderr, /evaluating index\.ts/);
            assert.equal(r.stdout, "");
        });

        it("refuses a stack file without its config: map, empty, or with a key beside config:, by name, exit 1", async () => {
            const flat = out("flat.yaml");
            writeFileSync(flat, "aks-entra:location: westeurope\naks-entra:protect: true\n");
            const empty = out("empty.yaml");
            writeFileSync(empty, "# nothing yet\n");
            const beside = out("beside.yaml");
            writeFileSync(beside, "config:\n  aks-entra:location: westeurope\nprotect: true\n");
            const [r, e, b] = await Promise.all([
                plan("--config", flat, "--stack", "flat"),
                plan("--config", empty, "--stack", "empty"),
                plan("--config", beside, "--stack", "beside"),
            ]);
            const form = 'every key belongs under a top-level "config:" map, as in Pulumi.dev.yaml';
            assert.equal(r.code, 1, r.stderr);
            assert.equal(
                r.stderr.split("\n").slice(1).join("\n"),
                `plan: ${flat} has no "config:" map (its top-level keys: aks-entra:location, aks-entra:protect); ${form}: indent the <namespace>:<key> entries under config:\n`,
            );
            assert.equal(e.code, 1, e.stderr);
            assert.equal(
                e.stderr.split("\n").slice(1).join("\n"),
                `plan: ${empty} is empty; ${form}\n`,
            );
            assert.equal(b.code, 1, b.stderr);
            assert.equal(
                b.stderr.split("\n").slice(1).join("\n"),
                `plan: ${beside} has top-level key "protect" that Pulumi never reads (a stack file has config, secretsprovider, encryptedkey, encryptionsalt, environment); ${form}, e.g. aks-entra:protect\n`,
            );
            assert.doesNotMatch(r.stderr + e.stderr, /location is required/);
        });

        it("rejects unknown options with the usage, exit 1", async () => {
            const r = await planProcess("--frobnicate");
            assert.equal(r.code, 1);
            assert.match(r.stderr, /unknown option --frobnicate/);
            assert.match(r.stderr, /Usage: npm run plan/);
            assert.doesNotMatch(r.stderr, /^ {4}at /m);
        });

        it("rejects a missing stack file and a base plan that is not a plan, exit 1", async () => {
            const notPlan = out("not-a-plan.json");
            writeFileSync(notPlan, JSON.stringify({ schemaVersion: 99 }));
            const [missing, base] = await Promise.all([
                planProcess("--stack", "nope"),
                planProcess("--diff", notPlan),
            ]);
            assert.equal(missing.code, 1);
            assert.match(missing.stderr, /cannot read .*Pulumi\.nope\.yaml: ENOENT/);
            assert.equal(base.code, 1);
            assert.match(base.stderr, /schemaVersion 99; this plan writes 3/);
        });
    });

    describe("guardrails in the plan (policy/ run on every registration)", () => {
        it("reports a mandatory rule's violation once, with the plan's finding of the same fact, and honours --policy-config", async () => {
            // A group that is not an admin group gets cluster-admin: valid config, but the pack's
            // stack-cluster-admin-principals rule refuses it unless the team allows it.
            const dev = { config: readStackConfig(path.join(ROOT, "Pulumi.dev.yaml")) };
            dev.config["aks-entra:clusterAccess"] = [
                { group: "developers", role: "cluster-admin" },
            ];
            const file = out("cluster-admin.yaml");
            writeFileSync(file, stringify(dev));
            const developers = (dev.config["aks-entra:groups"] as Record<string, string>)
                .developers;
            const allow = out("allow.json");
            writeFileSync(
                allow,
                JSON.stringify({
                    "stack-cluster-admin-principals": {
                        allowedClusterAdminPrincipals: [developers],
                    },
                }),
            );
            const [flagged, allowed, unreadable] = await Promise.all([
                plan("--config", file, "--json", out("ca.json")),
                plan("--config", file, "--policy-config", allow, "--json", out("ca-allowed.json")),
                plan("--config", file, "--policy-config", out("missing.json")),
            ]);
            assert.equal(flagged.code, 0, flagged.stderr);
            // The dev stack's JIT entries add standing-cluster-admin-with-jit for the group: a
            // separate fact (test/planJit.test.ts).
            const adminFindings = (name: string) =>
                readJson(name)
                    .findings.filter(
                        (f) =>
                            f.subject === `group:${developers}` &&
                            f.code !== "standing-cluster-admin-with-jit",
                    )
                    .map((f) => `${f.severity} ${f.code}: ${f.message}`);
            // One fact, one finding: the plan's own and the guardrail's agree.
            assert.deepEqual(adminFindings("ca.json"), [
                "high cluster-admin: group developers gets AKS RBAC Cluster Admin on the whole cluster (azure-rbac) (guardrail stack-cluster-admin-principals agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)",
            ]);
            assert.ok(
                !readJson("ca.json").findings.some((f) => f.code.startsWith("policy:")),
                "the guardrail's violation is folded into the plan's finding",
            );
            assert.equal(allowed.code, 0, allowed.stderr);
            assert.deepEqual(adminFindings("ca-allowed.json"), [
                "high cluster-admin: group developers gets AKS RBAC Cluster Admin on the whole cluster (azure-rbac)",
            ]);
            assert.equal(unreadable.code, 1);
            assert.match(unreadable.stderr, /cannot read --policy-config .*missing\.json: ENOENT/);
        });

        it("finds no guardrail violation in the dev stack", () => {
            const policyFindings = readJson("dev.json").findings.filter((f) =>
                f.code.startsWith("policy:"),
            );
            assert.deepEqual(policyFindings, []);
        });
    });
});
