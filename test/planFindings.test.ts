// The offline plan tells the truth (issue 7), part 2, findings: one finding per fact, a checked
// --policy-config, pull-request pipelines, values copied from Pulumi.dev.yaml, privileged roles
// named, Kubernetes RBAC risks (and the escalation opt-in, evaluated in-process). Part 1 is
// planTruth.test.ts. Runs the CLI as a user does (test/planRun.ts), in parallel, in before().
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { configFromPulumi, pulumiConfigMap } from "../components/config";
import { PRIVILEGED_ROLES } from "../components/roles";
import { roleLevel as azureRoleLevel } from "../components/access";
import { type Registration, type RunResult, runProgram } from "../offline/harness";
import { TYPES } from "../offline/types";
import { dedupe } from "../plan/dedupe";
import { EXAMPLE_OBJECT_IDS } from "../plan/examples";
import { policies } from "../policy/policies";
import {
    DEPLOYER,
    DEV_FILE,
    findingLines,
    plan,
    planOfRegistrations,
    readConfig,
    readPlan,
    type Run,
    teams,
    workspace,
} from "./planRun";

const { out, dev: devVariant, remove } = workspace("findings");

const SUB = "/subscriptions/11111111-2222-4333-8444-555555555555";

describe("offline plan tells the truth: findings", function () {
    this.timeout(300_000);
    const runs: Record<string, Run> = {};

    before(async () => {
        const dev = devVariant;
        writeFileSync(
            out("bad-policy.json"),
            JSON.stringify({
                "stack-cluster-admin-principal": { allowedClusterAdminPrincipals: [] },
                "k8s-no-wildcard-rules": { allowedWildcardRole: ["payments/x"] },
                "fic-issuer": { allowedExternalIssuers: ["http://gitlab.com"] },
                "aks-run-command-disabled": "off",
                "stack-cluster-admin-principals": { allowAdminGroups: "no" },
            }),
        );
        writeFileSync(
            out("no-deployer-grant.json"),
            JSON.stringify({ "stack-cluster-admin-principals": { allowDeployerGrant: false } }),
        );
        const prWriter = dev("pr-writer.yaml", (c) => {
            c["aks-entra:pipelines"][1].namespaceAccess[0].role = "writer";
        });
        const privileged = dev("privileged.yaml", (c) => {
            const [api, worker] = c["aks-entra:namespaces"][0].workloads;
            // Identity administration over a subscription is refused by config
            // (test/hostileInput.ts); a privileged role the config allows stands in for it here.
            api.azureRoleAssignments.push({
                role: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
                scope: SUB,
            });
            worker.azureRoleAssignments.push({
                role: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
                scope: `${SUB}/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod`,
            });
        });
        const rbac = dev("rbac.yaml", (c) => {
            c["aks-entra:cluster"].authorizedIpRanges = ["2001:db8:1::/48", "20.50.100.0/24"];
            c["aks-entra:namespaces"][0].roles = [
                {
                    name: "debugger",
                    rules: [
                        {
                            apiGroups: [""],
                            resources: ["pods/exec", "pods/portforward"],
                            verbs: ["create"],
                        },
                    ],
                    groups: ["developers"],
                },
                {
                    name: "config-editor",
                    rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }],
                    groups: ["developers"],
                },
                {
                    name: "reader-of-all",
                    rules: [{ apiGroups: [""], resources: ["*"], verbs: ["get", "list"] }],
                    groups: ["auditors"],
                },
                { name: "payments-admins", clusterRole: "admin", groups: ["sre"] },
            ];
        });
        [
            runs.dev,
            runs.teams,
            runs.badPolicy,
            runs.noDeployerGrant,
            runs.prWriter,
            runs.privileged,
            runs.rbac,
        ] = await Promise.all([
            plan(),
            plan(...teams, "--json", out("teams.json")),
            plan("--policy-config", out("bad-policy.json")),
            plan("--policy-config", out("no-deployer-grant.json")),
            plan("--config", prWriter),
            plan("--config", privileged, "--json", out("privileged.json")),
            plan("--config", rbac),
        ]);
        assert.equal(runs.dev.code, 0, runs.dev.stderr);
        assert.equal(runs.teams.code, 0, runs.teams.stderr);
    });

    after(remove);

    describe("one finding per fact", () => {
        it("reports a public API server and run command once each, saying the guardrail agrees", () => {
            const lines = findingLines(runs.teams);
            assert.deepEqual(
                lines.filter((l) => /api-server|run-command/.test(l)),
                [
                    "HIGH    public-api-server: the API server is public with no authorized IP ranges: any address can reach it (Entra still authenticates); set aks-entra:cluster.authorizedIpRanges or privateCluster (guardrail aks-api-server-restricted agrees)",
                    "MEDIUM  run-command-enabled: az aks command invoke (run command) is enabled: it runs kubectl inside the cluster, bypassing network restrictions; set aks-entra:cluster.disableRunCommand true (guardrail aks-run-command-disabled agrees)",
                ],
            );
            assert.deepEqual(
                readPlan(out("teams.json")).findings.filter((f) => f.code.startsWith("policy:")),
                [],
            );
        });

        it("keeps the more severe level when a mandatory guardrail agrees with a plan finding", () => {
            assert.equal(runs.noDeployerGrant.code, 0, runs.noDeployerGrant.stderr);
            assert.deepEqual(
                // The dev stack's JIT entries add standing-cluster-admin-with-jit for the deployer: a
                // separate fact (test/planJit.test.ts).
                findingLines(runs.noDeployerGrant).filter((l) =>
                    l.includes(" cluster-admin: the deployer"),
                ),
                [
                    `HIGH    cluster-admin: the deployer (${DEPLOYER}, aks-entra:deployer.objectId) gets AKS RBAC Cluster Admin on the cluster (inherited from resource group rg-aks-entra-dev-5ff3bbad, so it propagates while the cluster is created) so it can manage namespaces and RBAC; set aks-entra:deployer.clusterAdmin false once it is in an admin group (guardrail stack-cluster-admin-principals agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)`,
                ],
            );
        });
    });

    it("--policy-config refuses unknown rules, misspelled options and bad values, exit 1", () => {
        const r = runs.badPolicy;
        assert.equal(r.code, 1);
        const rules = policies.map((p) => p.name).sort();
        assert.equal(rules.length, 50); // 45 for the stacks, 5 for the bootstrap (policy/bootstrap.ts)
        assert.equal(
            r.stderr,
            [
                `plan: --policy-config ${out("bad-policy.json")} is not a config of the guardrails pack (5 problems):`,
                `  - unknown rule "stack-cluster-admin-principal" (did you mean "stack-cluster-admin-principals"?); rules: ${rules.join(", ")}, or "all" for every rule's level`,
                '  - k8s-no-wildcard-rules: unknown option "allowedWildcardRole" (did you mean "allowedWildcardRoles"?); options of this rule: enforcementLevel, allowedWildcardRoles',
                '  - fic-issuer.allowedExternalIssuers[0] "http://gitlab.com" does not match ^https://',
                '  - aks-run-command-disabled: enforcement level "off" is not one of advisory, mandatory, remediate, disabled',
                '  - stack-cluster-admin-principals.allowAdminGroups "no" is not a boolean',
                "",
            ].join("\n"),
        );
        assert.equal(r.stdout, "");
    });

    // Issue 29, item 1: the teams fixture gives sre writer on the whole cluster by exception.
    it("reports writer on the whole cluster HIGH, naming the clusterWideException that allows it", () => {
        const wide = (l: string) => l.includes("cluster-wide-write");
        assert.deepEqual(findingLines(runs.teams).filter(wide), [
            `HIGH    cluster-wide-write: group sre gets AKS RBAC Writer on the whole cluster: Azure Kubernetes Service RBAC Writer on the whole cluster reaches every namespace's service accounts, kube-system's included: it runs pods as any service account in its scope and so gets their API access and their Azure roles; allowed by aks-entra:clusterAccess[0].clusterWideException: "sre runs the cluster-wide operators of this test stack". Give it on namespaces, or through a JIT entry that needs approval`,
        ]);
        assert.deepEqual(findingLines(runs.dev).filter(wide), []);
    });

    // Issue 29, item 7: the teams fixture declares the custom role it gives bff.
    it("reports a declared role LOW with its intent, and no role as unknown", () => {
        const roles = (l: string) => /declared-role|unknown-role/.test(l);
        assert.deepEqual(findingLines(runs.teams).filter(roles), [
            'LOW     declared-role: workload web/bff gets App Configuration Flags Writer (5a5a5a5a-1234-4321-8765-0123456789ab) on appconfig appcs-web, declared in aks-entra:declaredRoles[0] with write access: "the bff writes feature flags to appcs-web"; check the role definition allows no more',
        ]);
        assert.deepEqual(findingLines(runs.dev).filter(roles), []);
    });

    it("rates namespace writer for a pull_request pipeline MEDIUM (PR previews), Azure writes HIGH", () => {
        assert.equal(runs.prWriter.code, 0, runs.prWriter.stderr);
        assert.deepEqual(
            findingLines(runs.prWriter).filter((l) => l.includes("pull-request-trust")),
            [
                "MEDIUM  pull-request-trust: pull_request workflows of contoso/payments sign in as pipeline payments-pr, which can write in namespace payments (AKS RBAC Writer): code from any branch with a pull request can deploy there. Allowed for PR previews (a pull_request pipeline gets at most namespace writer); keep production workloads and their secrets out of that namespace",
            ],
        );
        assert.ok(
            findingLines(runs.teams).includes(
                "HIGH    pull-request-trust: pull_request workflows of contoso/web sign in as pipeline web-deploy, which has write access: AcrPush on acr crcontoso, AKS RBAC Writer on namespace web; use a separate read-only pipeline for pull requests",
            ),
        );
    });

    describe("values copied from Pulumi.dev.yaml", () => {
        it("flags documentation IP ranges (RFC 5737, RFC 3849) HIGH, naming the range", () => {
            const doc = (l: string) => l.includes("documentation-ip-range");
            assert.deepEqual(findingLines(runs.dev).filter(doc), [
                "HIGH    documentation-ip-range: aks-entra:cluster.authorizedIpRanges lists 198.51.100.17/32, inside 198.51.100.0/24 (TEST-NET-2, RFC 5737), a range reserved for documentation: no real client has such an address, so the API server is unreachable through it; list your own egress ranges",
                "HIGH    documentation-ip-range: aks-entra:cluster.authorizedIpRanges lists 203.0.113.0/24, inside 203.0.113.0/24 (TEST-NET-3, RFC 5737), a range reserved for documentation: no real client has such an address, so the API server is unreachable through it; list your own egress ranges",
            ]);
            assert.deepEqual(findingLines(runs.rbac).filter(doc), [
                "HIGH    documentation-ip-range: aks-entra:cluster.authorizedIpRanges lists 2001:db8:1::/48, inside 2001:db8::/32 (IPv6 documentation prefix, RFC 3849), a range reserved for documentation: no real client has such an address, so the API server is unreachable through it; list your own egress ranges",
            ]);
        });

        it("warns MEDIUM about the example object ids", () => {
            assert.ok(
                findingLines(runs.dev).includes(
                    "MEDIUM  example-object-ids: 8 object ids are the example ids of Pulumi.dev.yaml (aks-entra:admins.members[0], aks-entra:deployer.objectId, aks-entra:groups.auditors, aks-entra:groups.break-glass, aks-entra:groups.developers, aks-entra:groups.payments-devs, aks-entra:groups.platform-admins, aks-entra:groups.sre): this stack file looks copied; use your tenant's groups and users",
                ),
            );
            assert.ok(!findingLines(runs.teams).some((l) => l.includes("example-object-ids")));
        });

        it("keeps the list of example ids equal to the object ids of Pulumi.dev.yaml", () => {
            const c = readConfig(DEV_FILE);
            const ids = [
                ...Object.values(c["aks-entra:groups"] as Record<string, string>),
                ...(c["aks-entra:admins"].members as string[]),
                c["aks-entra:deployer"].objectId as string,
            ];
            assert.deepEqual([...EXAMPLE_OBJECT_IDS].sort(), ids.sort());
        });
    });

    it("names privileged roles given by GUID; a privileged role over a subscription is HIGH", () => {
        assert.equal(runs.privileged.code, 0, runs.privileged.stderr);
        assert.deepEqual(
            findingLines(runs.privileged).filter((l) => /privileged|wide-role|policy:/.test(l)),
            [
                "HIGH    privileged-role: workload payments/payments-api gets Virtual Machine Contributor (9980e02c-c2be-4d73-94e8-173b1dc7cf3c) on subscription 11111111-2222-4333-8444-555555555555: it runs commands on the virtual machines in scope and attaches identities to them; grant a narrower role on the resources it uses (guardrail role-assignment-no-privileged-roles agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)",
                "MEDIUM  privileged-role: workload payments/payments-worker gets Key Vault Administrator (00482a5a-887f-4fb3-b363-3b7fe8e74483) on vault kv-payments-prod: it reads and changes every secret, key and certificate in the vaults in scope; grant a narrower role on the resources it uses",
                "MEDIUM  resource-group-wide-role: workload observability/metrics-exporter gets Monitoring Metrics Publisher on resource group rg-monitoring: every resource in it, present and future; scope it to the resources the workload uses",
            ],
        );
        const roles = readPlan(out("privileged.json")).grants.map((g) => g.role);
        assert.ok(roles.includes("Virtual Machine Contributor"));
        assert.ok(roles.includes("Key Vault Administrator"));
    });

    it("gives Kubernetes RBAC's lesser risks a finding naming namespace, role and rule", () => {
        assert.equal(runs.rbac.code, 0, runs.rbac.stderr);
        assert.deepEqual(
            findingLines(runs.rbac).filter((l) => /kubernetes-rbac|policy:/.test(l)),
            [
                // admin creates pods in payments, whose service accounts hold Azure roles (issue 29).
                "HIGH    kubernetes-rbac-reach: namespace payments role payments-admins binds ClusterRole admin: reads Secrets, execs into pods and manages the namespace's Roles and RoleBindings, so reaches their Azure roles: via a pod running as payments/payments-api → Key Vault Secrets User on kv-payments-prod, Storage Blob Data Reader on stpaymentsprod; payments/payments-worker → Azure Service Bus Data Receiver on sb-payments-prod; held by group sre (guardrail k8s-pods-reach-azure agrees)",
                'HIGH    kubernetes-rbac-risk: namespace payments role config-editor rule "configmaps: *": every verb, delete and verbs added later included; held by group developers (guardrail k8s-no-wildcard-rules agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)',
                'HIGH    kubernetes-rbac-risk: namespace payments role reader-of-all rule "*: get,list": every resource type, Secrets included, present and future; held by group auditors (guardrail k8s-no-wildcard-rules agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)',
                'MEDIUM  kubernetes-rbac-risk: namespace payments role debugger rule "pods/exec,pods/portforward: create": exec/portforward into pods: runs commands in them and reads what they can; held by group developers',
            ],
        );
        assert.deepEqual(
            findingLines(runs.teams).filter((l) => l.includes("kubernetes-rbac")),
            [
                'HIGH    kubernetes-rbac-reach: namespace web role rollout-restarter rule "apps/deployments: get,list,patch": runs pods as any service account of the namespace, so reaches their Azure roles: via a pod running as web/frontend → Key Vault Secrets User on kv-web; web/bff → 5a5a5a5a-1234-4321-8765-0123456789ab on appcs-web; held by group release-managers (guardrail k8s-pods-reach-azure agrees)',
                "HIGH    kubernetes-rbac-reach: namespace batch role data-devs-edit binds ClusterRole edit: reads Secrets and execs into pods, and runs pods as any service account of the namespace, so reaches their Azure roles: via a pod running as batch/scheduler → Reader on 22222222-bbbb-4bbb-8bbb-000000000001; held by group data-devs (guardrail k8s-pods-reach-azure agrees)",
                'MEDIUM  kubernetes-rbac-risk: namespace data role secret-reader rule "secrets: get": reads Secrets; held by group data-devs, group sre',
            ],
        );
    });
    describe("Kubernetes RBAC that amounts to cluster-admin (evaluated in-process)", () => {
        // The config refuses these rules unless the role sets allowPrivilegeEscalation, so they
        // are made here on the registrations of the dev stack, with the opt-in set on the config.
        let dev: RunResult;
        before(async () => {
            dev = await runProgram({ config: readConfig(DEV_FILE) });
        });

        function findings(
            edit: (regs: Registration[]) => void,
            optIn: number[],
            code = "kubernetes-rbac",
        ): string[] {
            const registrations = structuredClone(dev.registrations);
            edit(registrations);
            const config = configFromPulumi(pulumiConfigMap(readConfig(DEV_FILE)));
            for (const j of optIn) {
                (
                    config.namespaces[0].roles[j] as { allowPrivilegeEscalation?: boolean }
                ).allowPrivilegeEscalation = true;
            }
            return planOfRegistrations(dev, registrations, config)
                .findings.filter((f) => f.code.startsWith(code))
                .map((f) => `${f.severity} ${f.code}: ${f.message}`);
        }
        const podReader = (regs: Registration[]) =>
            regs.find(
                (r) => r.type === TYPES.role && r.name === "aks-entra-ns-payments/pod-reader",
            )!;

        it("is HIGH, naming the rule and the opt-in that allows it", () => {
            assert.deepEqual(
                findings(
                    (regs) => {
                        podReader(regs).inputs.rules = [
                            { apiGroups: [""], resources: ["*"], verbs: ["*"] },
                            {
                                apiGroups: ["rbac.authorization.k8s.io"],
                                resources: ["roles"],
                                verbs: ["bind", "escalate"],
                            },
                        ];
                    },
                    [0],
                ),
                [
                    'high kubernetes-rbac-escalation: namespace payments role pod-reader rule "*: *": every verb on every resource amounts to cluster-admin inside the namespace; allowed by aks-entra:namespaces[0].roles[0].allowPrivilegeEscalation: true; held by group developers',
                    'high kubernetes-rbac-escalation: namespace payments role pod-reader rule "rbac.authorization.k8s.io/roles: bind,escalate": bind/escalate lets its holders grant themselves any permission in the namespace; allowed by aks-entra:namespaces[0].roles[0].allowPrivilegeEscalation: true; held by group developers',
                ],
            );
        });

        it("is HIGH for the cluster-admin ClusterRole bound in a namespace, and for any opted-in role", () => {
            assert.deepEqual(
                findings(
                    (regs) => {
                        const binding = regs.find(
                            (r) =>
                                r.type === TYPES.roleBinding &&
                                r.name === "aks-entra-ns-payments/auditors-view",
                        )!;
                        (binding.inputs.roleRef as { name: string }).name = "cluster-admin";
                    },
                    [0, 1],
                ),
                [
                    "high kubernetes-rbac-escalation: namespace payments role auditors-view binds ClusterRole cluster-admin: full control of the namespace, its Roles and RoleBindings included: cluster-admin inside it; allowed by aks-entra:namespaces[0].roles[1].allowPrivilegeEscalation: true; held by group auditors",
                    "high kubernetes-rbac-escalation: namespace payments role pod-reader has aks-entra:namespaces[0].roles[0].allowPrivilegeEscalation: true: the config lets it amount to cluster-admin inside the namespace; held by group developers",
                ],
            );
        });

        // Issue 29, item 3: the config refuses these grants, so they are made on registrations.
        const MIC = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59";
        const MIO = "f1a07417-d97a-45cb-824c-7a7467783830";
        /** The role assignment whose logical name starts with `name`, given role `guid` instead. */
        const regrant = (regs: Registration[], name: string, guid: string): Registration => {
            const grant = regs.find(
                (r) => r.type === TYPES.roleAssignment && r.name.startsWith(name),
            )!;
            grant.inputs.roleDefinitionId = String(grant.inputs.roleDefinitionId).replace(
                /[^/]+$/,
                guid,
            );
            return grant;
        };
        it("is HIGH for identity administration on one identity, the kubelet grant aside", () => {
            for (const [guid, name] of [
                [MIC, "Managed Identity Contributor"],
                [MIO, "Managed Identity Operator"],
            ]) {
                let scope = "";
                assert.deepEqual(
                    findings(
                        (regs) => {
                            const grant = regrant(
                                regs,
                                "aks-entra-wl/payments/payments-api-key-vault-secrets-user",
                                guid,
                            );
                            scope = regs.find(
                                (r) =>
                                    r.type === TYPES.identity &&
                                    r.name === "aks-entra-wl/payments/payments-worker",
                            )!.id;
                            grant.inputs.scope = scope;
                        },
                        [],
                        "privileged-role",
                    ),
                    [
                        `high privileged-role: workload payments/payments-api gets ${name} (${guid}) on identity payments/payments-worker: it ${PRIVILEGED_ROLES[guid].why}; grant a narrower role on the resources it uses`,
                    ],
                    scope,
                );
            }
            // The control plane's Operator on the kubelet identity is what AKS needs: no finding.
            assert.deepEqual(
                findings(() => undefined, [], "privileged-role"),
                [],
            );
        });

        // Issue 29, item 1: a cluster-wide admin grant made without the config's exception.
        it("is HIGH for admin on the whole cluster that no clusterWideException allows", () => {
            assert.deepEqual(
                findings(
                    (regs) => {
                        // sre's cluster reader grant in Pulumi.dev.yaml, made RBAC Admin.
                        regrant(
                            regs,
                            "aks-entra-access-0b9e6d2c-7a4f-4e8b-b1c3-2d5f6a7e8c90/cluster/reader",
                            "3498e952-d568-435e-9b2c-8d77e338d7f7",
                        );
                    },
                    [],
                    "cluster-wide-write",
                ),
                [
                    `high cluster-wide-write: group sre gets AKS RBAC Admin on the whole cluster: Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin; no clusterWideException in config allows it. Give it on namespaces, or through a JIT entry that needs approval`,
                ],
            );
        });

        // Issue 29, item 7: unknown is privileged, never read-only (the config refuses it undeclared).
        it("is HIGH for a role the privilege table does not know, and counts it as privileged", () => {
            const unknown = "5a5a5a5a-1234-4321-8765-0123456789ab";
            assert.deepEqual(
                findings(
                    (regs) =>
                        void regrant(
                            regs,
                            "aks-entra-wl/payments/payments-api-key-vault-secrets-user",
                            unknown,
                        ),
                    [],
                    "unknown-role",
                ),
                [
                    `high unknown-role: workload payments/payments-api gets role ${unknown} on vault kv-payments-prod, a role aks-entra does not know: it may allow anything, so it counts as privileged; declare it in aks-entra:declaredRoles with its access and intent, or grant a built-in role aks-entra knows`,
                ],
            );
            assert.equal(azureRoleLevel(unknown), 3);
            assert.equal(azureRoleLevel("81a9662b-bebf-436f-a333-f67b29880f12"), 3);
            assert.equal(azureRoleLevel("4633458b-17de-408a-b874-0445c86b69e6"), 1);
        });

        it("finds nothing in the dev stack's own roles", () => {
            assert.deepEqual(
                findings(() => undefined, []),
                [],
            );
        });
    });

    it("folds a guardrail violation into the plan finding of the same fact, never two plan findings", () => {
        const urn = "urn:pulumi:dev::aks-entra::x";
        assert.deepEqual(
            dedupe([
                {
                    code: "a",
                    severity: "medium",
                    subject: "s",
                    message: "plan a",
                    facts: [`t|${urn}`],
                },
                {
                    code: "b",
                    severity: "low",
                    subject: "s",
                    message: "plan b",
                    facts: [`t|${urn}`],
                },
                {
                    code: "policy:r1",
                    severity: "high",
                    subject: urn,
                    message: "r1",
                    facts: [`t|${urn}`],
                    level: "mandatory",
                },
                {
                    code: "policy:r2",
                    severity: "medium",
                    subject: urn,
                    message: "r2",
                    facts: [`t|${urn}`],
                    level: "advisory",
                },
                {
                    code: "policy:r3",
                    severity: "medium",
                    subject: urn,
                    message: "r3",
                    facts: [`u|${urn}`],
                    level: "advisory",
                },
            ]),
            [
                {
                    code: "a",
                    severity: "high",
                    subject: "s",
                    message:
                        "plan a (guardrails r1, r2 agree; a mandatory rule: pulumi preview --policy-pack policy refuses it)",
                },
                { code: "b", severity: "low", subject: "s", message: "plan b" },
                { code: "policy:r3", severity: "medium", subject: urn, message: "r3" },
            ],
        );
    });
});
