// The offline plan and just-in-time access (PIM for Groups) with Conditional Access: a JIT group is
// its own principal, eligible principals get eligible grants with the activation rules the PIM
// policy declares, `--diff` reports eligibility changes as access changes, and the JIT and
// Conditional Access findings fire exactly where they should. Runs the CLI as a user does
// (test/planRun.ts); the runs happen once, in parallel, in before() hooks.
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { TYPES } from "../offline/types";
import { activationTrend } from "../plan/diff";
import type { Activation, Plan } from "../plan/model";
import {
    type Config,
    DEPLOYER,
    DEV_FILE,
    findingLines,
    plan,
    planDiff,
    readConfig,
    readPlan,
    type Run,
    workspace,
} from "./planRun";

const { out, dev, remove } = workspace("jit");

const GROUPS = readConfig(DEV_FILE)["aks-entra:groups"] as Record<string, string>;
const CA = "aks-entra-dev AKS sign-in (aks-entra 5ff3bbad)";
const ONCALL =
    "eligible via jit oncall-admin, max 4h, MFA, justification, approval by platform-admins";
const PAYMENTS = "eligible via jit payments-admin, max 2h, MFA, justification, no approval";

/** One line per grant: `principal | scope | role | via | detail`, as a reviewer reads them. */
function grantLines(p: Plan, filter: (g: Plan["grants"][number]) => boolean): string[] {
    const who = new Map(p.principals.map((x) => [x.key, x]));
    const where = new Map(p.scopes.map((x) => [x.key, x.label]));
    return p.grants
        .filter(filter)
        .map((g) => {
            const principal = who.get(g.principal)!;
            return `${principal.kind} ${principal.label} | ${where.get(g.scope)} | ${g.role} | ${g.via}${g.detail ? ` | ${g.detail}` : ""}`;
        })
        .sort();
}

/** Findings of one code as `severity subject`. */
const subjects = (p: Plan, code: string) =>
    p.findings.filter((f) => f.code === code).map((f) => `${f.severity} ${f.subject}`);

const NEW_CODES = [
    "standing-cluster-admin-with-jit",
    "conditional-access-no-exclusion",
    "devicecode-under-conditional-access",
    "conditional-access-report-only",
    "eligible-already-held",
];

describe("offline plan: just-in-time access (PIM for Groups) and Conditional Access", function () {
    this.timeout(300_000);
    const runs: Record<string, Run> = {};

    before(async () => {
        const variants = {
            // No break-glass group, enforced, and device code sign-in.
            enabled: dev("enabled.yaml", (c) => {
                c["aks-entra:conditionalAccess"] = { state: "enabled", require: ["mfa"] };
                c["aks-entra:kubeloginMode"] = "devicecode";
            }),
            reportOnly: dev("report-only.yaml", (c) => {
                delete c["aks-entra:conditionalAccess"].excludeGroups;
                delete c["aks-entra:conditionalAccess"].breakGlassGroups;
                c["aks-entra:kubeloginMode"] = "devicecode";
            }),
            // ... and a person as the deployer (dev's is a pipeline).
            disabled: dev("disabled.yaml", (c) => {
                c["aks-entra:conditionalAccess"].state = "disabled";
                c["aks-entra:deployer"].principalType = "User";
                c["aks-entra:kubeloginMode"] = "devicecode";
            }),
            // platform-admins is the declared break-glass admin group; developers get standing
            // cluster-admin; the deployer is a service principal, not a person; payments-devs
            // hold standing the admin role JIT makes them eligible for.
            standing: dev("standing.yaml", (c) => {
                c["aks-entra:namespaces"][0].access[0].role = "admin";
                c["aks-entra:conditionalAccess"].excludeGroups = ["break-glass", "platform-admins"];
                c["aks-entra:conditionalAccess"].breakGlassGroups = [
                    "break-glass",
                    "platform-admins",
                ];
                c["aks-entra:clusterAccess"].push({ group: "developers", role: "cluster-admin" });
                c["aks-entra:deployer"].principalType = "ServicePrincipal";
            }),
            noJit: dev("no-jit.yaml", (c) => {
                delete c["aks-entra:jit"];
                delete c["aks-entra:conditionalAccess"];
                c["aks-entra:kubeloginMode"] = "devicecode";
            }),
        };
        [runs.dev, runs.enabled, runs.reportOnly, runs.disabled, runs.standing, runs.noJit] =
            await Promise.all([
                plan("--json", out("dev.json"), "--markdown", out("dev.md")),
                plan("--config", variants.enabled, "--json", out("enabled.json")),
                plan("--config", variants.reportOnly, "--json", out("report-only.json")),
                plan("--config", variants.disabled, "--json", out("disabled.json")),
                plan("--config", variants.standing, "--json", out("standing.json")),
                plan("--config", variants.noJit, "--json", out("no-jit.json")),
            ]);
        assert.equal(runs.dev.code, 0, runs.dev.stderr);

        // Second wave: diffs against the dev plan.
        const oncall = (edit: (entry: Config) => void) => (c: Config) =>
            edit((c["aks-entra:jit"] as Config[])[0]);
        const longer = dev(
            "pt8h.yaml",
            oncall((j) => (j.maxActivation = "PT8H")),
        );
        const shorter = dev(
            "pt2h.yaml",
            oncall((j) => (j.maxActivation = "PT2H")),
        );
        const noApproval = dev(
            "no-approval.yaml",
            oncall((j) => delete j.approvers),
        );
        const moreEligible = dev(
            "more-eligible.yaml",
            oncall((j) => (j.eligible = ["sre", "developers"])),
        );
        const entryRemoved = dev("entry-removed.yaml", (c) => {
            (c["aks-entra:jit"] as Config[]).splice(1, 1);
        });
        const v2 = out("v2.json");
        writeFileSync(
            v2,
            readFileSync(out("dev.json"), "utf8").replace(
                '"schemaVersion": 3',
                '"schemaVersion": 2',
            ),
        );
        const base = out("dev.json");
        [
            runs.same,
            runs.longer,
            runs.shorter,
            runs.noApproval,
            runs.moreEligible,
            runs.entryRemoved,
            runs.v2,
        ] = await Promise.all([
            plan("--diff", base),
            planDiff(longer, "dev", base),
            planDiff(shorter, "dev", base),
            planDiff(noApproval, "dev", base, "--markdown", out("no-approval.md")),
            planDiff(moreEligible, "dev", base),
            planDiff(entryRemoved, "dev", base),
            plan("--diff", v2),
        ]);
    });

    after(remove);

    describe("principals", () => {
        it("makes each JIT group its own principal, not the created admin group", () => {
            const p = readPlan(out("dev.json"));
            const jit = p.principals.filter((x) => x.key.startsWith("group:jit-"));
            assert.deepEqual(
                jit.map((x) => [x.key, x.kind, x.label, x.membersByPim, x.createdBy]),
                [
                    [
                        "group:jit-oncall-admin",
                        "group",
                        "jit oncall-admin",
                        true,
                        "urn:pulumi:dev::aks-entra::aks-entra:jit:JitGroup$azuread:index/group:Group::aks-entra-jit-oncall-admin-group",
                    ],
                    [
                        "group:jit-payments-admin",
                        "group",
                        "jit payments-admin",
                        true,
                        "urn:pulumi:dev::aks-entra::aks-entra:jit:JitGroup$azuread:index/group:Group::aks-entra-jit-payments-admin-group",
                    ],
                ],
            );
            // The created admin group is the one AKS binds, and only it reads "admins (created)".
            const cluster = p.resources.find((r) => r.type === TYPES.cluster)!;
            const admins = p.principals.filter((x) => x.label === "admins (created)");
            assert.deepEqual(
                admins.map((x) => [x.key, x.clusterAdminGroup, x.membersByPim]),
                [["group:admins", true, undefined]],
            );
            assert.match(
                cluster.properties.adminGroups,
                /^admins \(created\), platform-admins -> /,
            );
            assert.ok(!jit.some((x) => x.objectId === admins[0].objectId));

            assert.deepEqual(
                grantLines(p, (g) => g.principal.startsWith("group:jit-")),
                [
                    "group jit oncall-admin | cluster | AKS Cluster User Role | azure-rbac",
                    "group jit oncall-admin | cluster | AKS RBAC Cluster Admin | azure-rbac",
                    "group jit payments-admin | cluster | AKS Cluster User Role | azure-rbac",
                    "group jit payments-admin | namespace payments | AKS RBAC Admin | azure-rbac",
                ],
            );
            assert.deepEqual(
                grantLines(p, (g) => g.principal === "group:admins"),
                [
                    "group admins (created) | cluster | AKS Cluster User Role | azure-rbac",
                    "group admins (created) | cluster | cluster-admin | aks-admin-group",
                ],
            );
        });

        it("says in the principals table that a JIT group's members come only by PIM", () => {
            const oid = (key: string) =>
                readPlan(out("dev.json")).principals.find((x) => x.key === key)!.objectId;
            assert.match(
                runs.dev.stdout,
                new RegExp(
                    `^group jit oncall-admin +Group +${oid("group:jit-oncall-admin")} +created by this stack, members only by PIM activation \\(just-in-time\\)$`,
                    "m",
                ),
            );
            assert.match(
                runs.dev.stdout,
                new RegExp(
                    `^group admins \\(created\\) +Group +${oid("group:admins")} +AKS admin group, created by this stack$`,
                    "m",
                ),
            );
            assert.doesNotMatch(runs.dev.stdout, /admins \(created\) gets/);
        });
    });

    describe("eligible grants", () => {
        it("gives each eligible principal the JIT group's grants, with the policy's activation rules", () => {
            const p = readPlan(out("dev.json"));
            assert.equal(p.schemaVersion, 3);
            assert.deepEqual(
                grantLines(p, (g) => g.via === "pim-eligible"),
                [
                    `group payments-devs | cluster | AKS Cluster User Role | pim-eligible | ${PAYMENTS}`,
                    `group payments-devs | namespace payments | AKS RBAC Admin | pim-eligible | ${PAYMENTS}`,
                    `group sre | cluster | AKS Cluster User Role | pim-eligible | ${ONCALL}`,
                    `group sre | cluster | AKS RBAC Cluster Admin | pim-eligible | ${ONCALL}`,
                ],
            );
            const sre = p.grants.find(
                (g) => g.via === "pim-eligible" && g.role === "AKS RBAC Cluster Admin",
            )!;
            assert.equal(sre.principal, `group:${GROUPS.sre}`);
            assert.equal(sre.level, 4);
            assert.match(sre.source, /::aks-entra-jit-oncall-admin-eligible-0b9e6d2c-/);
            assert.deepEqual(sre.activation, {
                group: "group:jit-oncall-admin",
                maxMinutes: 240,
                mfa: true,
                justification: true,
                approval: true,
                approvers: ["platform-admins"],
            });
            const payments = p.grants.find(
                (g) => g.via === "pim-eligible" && g.role === "AKS RBAC Admin",
            )!;
            assert.deepEqual(payments.activation, {
                group: "group:jit-payments-admin",
                maxMinutes: 120,
                mfa: true,
                justification: true,
                approval: false,
                approvers: [],
            });
            assert.equal(p.summary.eligibleGrants, 4);
            assert.equal(p.summary.grants, p.grants.length);
            // Standing access is unchanged by eligibility: sre keeps writer, and no more.
            assert.deepEqual(
                grantLines(
                    p,
                    (g) => g.principal === `group:${GROUPS.sre}` && g.via !== "pim-eligible",
                ),
                [
                    "group sre | cluster | AKS Cluster User Role | azure-rbac",
                    "group sre | cluster | AKS RBAC Reader | azure-rbac",
                    "group sre | namespace observability | AKS RBAC Admin | azure-rbac",
                ],
            );
        });

        it("shows them in the text matrix after the standing roles, marked PIM eligible", () => {
            const s = runs.dev.stdout;
            assert.match(
                s,
                /^72 resources in 17 components, 37 grants \(4 eligible through PIM\) to 16 principals,/m,
            );
            assert.match(
                s,
                /^Access matrix \(37 grants: 16 principals x 11 scopes; 4 eligible through PIM; 32 derived\)$/m,
            );
            const matrix = s.slice(s.indexOf("\nAccess matrix"), s.indexOf("\nFederated trusts"));
            const sre = matrix.slice(matrix.indexOf("\ngroup sre ")).split("\n").slice(1, 6);
            assert.deepEqual(
                sre.map((l) => l.replace(/ {2,}/g, " | ").trim()),
                [
                    "group sre | cluster | AKS RBAC Reader | Azure RBAC",
                    "| cluster | AKS Cluster User Role | Azure RBAC",
                    `| cluster | AKS RBAC Cluster Admin (${ONCALL}) | PIM eligible`,
                    `| cluster | AKS Cluster User Role (${ONCALL}) | PIM eligible`,
                    "| namespace observability | AKS RBAC Admin | Azure RBAC",
                ],
            );
            assert.match(
                matrix,
                new RegExp(
                    `^ +namespace payments +AKS RBAC Admin \\(${PAYMENTS}\\) +PIM eligible$`,
                    "m",
                ),
            );
        });

        it("shows them in the Markdown matrix, list and diagram", () => {
            const md = readFileSync(out("dev.md"), "utf8");
            assert.match(md, /37 grants \(4 eligible through PIM\) to 16 principals/);
            assert.match(
                md,
                /\| AKS Cluster User Role, AKS Cluster User Role \(eligible\), AKS RBAC Reader, AKS RBAC Cluster Admin \(eligible\) \|/,
            );
            for (const line of [
                `- group sre: AKS RBAC Cluster Admin on cluster, ${ONCALL}`,
                `- group payments-devs: AKS RBAC Admin on namespace payments, ${PAYMENTS}`,
            ]) {
                assert.ok(md.includes(`\n${line}\n`), line);
            }
            assert.match(
                md,
                /p_sre_\w+ -\.->\|"eligible: AKS RBAC Cluster Admin, kubeconfig"\| s_cluster_\w+/,
            );
            assert.match(md, /p_sre_\w+ -->\|"AKS RBAC Reader, kubeconfig"\| s_cluster_\w+/);
        });

        it("has none without JIT entries", () => {
            const p = readPlan(out("no-jit.json"));
            assert.equal(runs.noJit.code, 0, runs.noJit.stderr);
            assert.deepEqual(
                grantLines(p, (g) => g.via === "pim-eligible"),
                [],
            );
            assert.equal(p.summary.eligibleGrants, 0);
            assert.ok(!p.principals.some((x) => x.membersByPim));
            assert.doesNotMatch(runs.noJit.stdout, /eligible through PIM/);
            for (const type of [TYPES.pimPolicy, TYPES.pimEligibility, TYPES.conditionalAccess]) {
                assert.ok(!p.resources.some((r) => r.type === type), type);
            }
        });
    });

    describe("resource tree", () => {
        it("names the PIM policy, the eligibilities and the Conditional Access policy, and says what they do", () => {
            const p = readPlan(out("dev.json"));
            const of = (type: string) =>
                p.resources
                    .filter((r) => r.type === type)
                    .map((r) => ({ name: r.physicalName, ...r.properties }));
            const oid = (key: string) => p.principals.find((x) => x.key === key)!.objectId;
            const oncall = oid("group:jit-oncall-admin");
            const payments = oid("group:jit-payments-admin");
            assert.deepEqual(of(TYPES.pimPolicy), [
                {
                    name: "aks-entra-dev-jit-oncall-admin member policy",
                    group: `group jit oncall-admin (${oncall})`,
                    role: "member",
                    activation: "max 4h, MFA, justification, approval by group platform-admins",
                    eligibility: "may be permanent",
                },
                {
                    name: "aks-entra-dev-jit-payments-admin member policy",
                    group: `group jit payments-admin (${payments})`,
                    role: "member",
                    activation: "max 2h, MFA, justification, no approval",
                    eligibility: "may be permanent",
                },
            ]);
            assert.deepEqual(of(TYPES.pimEligibility), [
                {
                    name: "sre -> aks-entra-dev-jit-oncall-admin",
                    principal: `group sre (${GROUPS.sre})`,
                    group: `group jit oncall-admin (${oncall})`,
                    as: "member",
                    duration: "permanent",
                    eligibleFor:
                        "AKS Cluster User Role on cluster, AKS RBAC Cluster Admin on cluster",
                },
                {
                    name: "payments-devs -> aks-entra-dev-jit-payments-admin",
                    principal: `group payments-devs (${GROUPS["payments-devs"]})`,
                    group: `group jit payments-admin (${payments})`,
                    as: "member",
                    duration: "permanent",
                    eligibleFor:
                        "AKS Cluster User Role on cluster, AKS RBAC Admin on namespace payments",
                },
            ]);
            assert.deepEqual(of(TYPES.conditionalAccess), [
                {
                    name: CA,
                    state: "report-only: NOT enforced (the sign-in logs show what it would have required)",
                    applications:
                        "AKS server app (6dae42f8-4368-4678-94ff-3960e28e3630): sign-ins to the cluster",
                    clientApps: "all",
                    users: "group admins (created), group platform-admins, group jit oncall-admin, group jit payments-admin",
                    excluded: "group break-glass",
                    require: "MFA",
                },
            ]);
            assert.match(
                runs.dev.stdout,
                /^├─ azuread:ConditionalAccessPolicy {2}aks-entra-dev AKS sign-in \(aks-entra 5ff3bbad\) {2}\(aks-entra-conditional-access\)$/m,
            );
            assert.match(runs.dev.stdout, /^│ {7}excluded +group break-glass$/m);
        });

        it("reads enabled and disabled states, and an exclusion-free policy, in words", () => {
            const ca = (file: string) =>
                readPlan(out(file)).resources.find((r) => r.type === TYPES.conditionalAccess)!
                    .properties;
            assert.equal(ca("enabled.json").state, "enabled (enforced)");
            assert.equal(ca("enabled.json").excluded, "NOT any group or user (no break-glass)");
            assert.equal(ca("disabled.json").state, "disabled: NOT applied");
        });
    });

    describe("--diff", () => {
        /** The access section of a diff: the lines between `Access:` and `Resources:`. */
        const accessLines = (r: Run) =>
            r.stdout
                .slice(r.stdout.indexOf("\nAccess:"), r.stdout.indexOf("\nResources:"))
                .split("\n")
                .filter((l) => l.startsWith("  "));

        it("reports nothing against the same stack, exit 0", () => {
            assert.equal(runs.same.code, 0, runs.same.stderr);
            assert.match(runs.same.stdout, /^Access: unchanged$/m);
        });

        it("reports a longer activation as widened eligibility, exit 2", () => {
            assert.equal(runs.longer.code, 2, runs.longer.stderr);
            const after = ONCALL.replace("max 4h", "max 8h");
            assert.deepEqual(accessLines(runs.longer), [
                `  ^ widened  group sre on cluster (eligible): AKS Cluster User Role (${ONCALL}), AKS RBAC Cluster Admin (${ONCALL}) -> AKS Cluster User Role (${after}), AKS RBAC Cluster Admin (${after})`,
            ]);
            assert.match(
                runs.longer.stdout,
                /^Access: 1 grant changes \(1 of them eligible\), 0 trust changes$/m,
            );
            assert.match(
                runs.longer.stdout,
                /^ {2}~ changed {2}azuread:index\/groupRoleManagementPolicy:GroupRoleManagementPolicy aks-entra-jit-oncall-admin-policy \(activation\)$/m,
            );
            assert.match(runs.longer.stderr, /^plan: exit 2: access changed$/m);
        });

        it("reports a shorter activation as narrowed, still an access change", () => {
            assert.equal(runs.shorter.code, 2, runs.shorter.stderr);
            const after = ONCALL.replace("max 4h", "max 2h");
            assert.deepEqual(accessLines(runs.shorter), [
                `  v narrowed group sre on cluster (eligible): AKS Cluster User Role (${ONCALL}), AKS RBAC Cluster Admin (${ONCALL}) -> AKS Cluster User Role (${after}), AKS RBAC Cluster Admin (${after})`,
            ]);
            assert.match(runs.shorter.stderr, /^plan: exit 2: access changed$/m);
        });

        it("reports dropping approval as widened, in text and Markdown", () => {
            assert.equal(runs.noApproval.code, 2, runs.noApproval.stderr);
            const after = ONCALL.replace("approval by platform-admins", "no approval");
            assert.deepEqual(accessLines(runs.noApproval), [
                `  ^ widened  group sre on cluster (eligible): AKS Cluster User Role (${ONCALL}), AKS RBAC Cluster Admin (${ONCALL}) -> AKS Cluster User Role (${after}), AKS RBAC Cluster Admin (${after})`,
            ]);
            const md = readFileSync(out("no-approval.md"), "utf8");
            assert.match(md, /\*\*Access changes: 1 grant \(1 of them eligible\), 0 trust\.\*\*/);
            assert.match(md, /^\| widened \| group sre \| cluster \(eligible\) \| /m);
        });

        it("reports a new eligible principal as added", () => {
            assert.equal(runs.moreEligible.code, 2, runs.moreEligible.stderr);
            assert.deepEqual(accessLines(runs.moreEligible), [
                `  + added    group developers on cluster (eligible): AKS Cluster User Role (${ONCALL}), AKS RBAC Cluster Admin (${ONCALL})`,
            ]);
            assert.match(
                runs.moreEligible.stdout,
                /^ {2}\+ added {4}azuread:index\/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule aks-entra-jit-oncall-admin-eligible-3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f$/m,
            );
        });

        it("reports a removed JIT entry: the group's grants and the eligibility", () => {
            assert.equal(runs.entryRemoved.code, 2, runs.entryRemoved.stderr);
            assert.deepEqual(accessLines(runs.entryRemoved), [
                // The deployer owned the group: what that reached goes with it.
                "  - removed  deployer on cluster (derived): via ownership of group jit payments-admin -> AKS Cluster User Role",
                "  - removed  deployer on namespace payments (derived): via ownership of group jit payments-admin -> AKS RBAC Admin",
                "  - removed  group jit payments-admin on cluster: AKS Cluster User Role",
                "  - removed  group jit payments-admin on namespace payments: AKS RBAC Admin",
                // What its admin reached through the namespace's service accounts goes too.
                "  - removed  group jit payments-admin on servicebus sb-payments-prod (derived): via a pod running as payments/payments-worker -> Azure Service Bus Data Receiver",
                "  - removed  group jit payments-admin on storage stpaymentsprod (derived): via a pod running as payments/payments-api -> Storage Blob Data Reader",
                "  - removed  group jit payments-admin on vault kv-payments-prod (derived): via a pod running as payments/payments-api -> Key Vault Secrets User",
                `  - removed  group payments-devs on cluster (eligible): AKS Cluster User Role (${PAYMENTS})`,
                `  - removed  group payments-devs on namespace payments (eligible): AKS RBAC Admin (${PAYMENTS})`,
            ]);
            assert.match(
                runs.entryRemoved.stdout,
                /^Access: 9 grant changes \(2 of them eligible, 5 derived\), 0 trust changes$/m,
            );
        });

        it("refuses a base of schema 2, written before eligible grants existed", () => {
            assert.equal(runs.v2.code, 1);
            assert.match(
                runs.v2.stderr,
                /v2\.json has schemaVersion 2; this plan writes 3: regenerate the base with --json$/m,
            );
        });

        it("tells looser activation rules from stricter ones", () => {
            const a: Activation = {
                group: "group:jit-x",
                maxMinutes: 240,
                mfa: true,
                justification: true,
                approval: true,
                approvers: ["platform-admins"],
            };
            assert.equal(activationTrend(a, { ...a }), 0);
            assert.equal(activationTrend(a, { ...a, maxMinutes: 480 }), 1);
            assert.equal(activationTrend(a, { ...a, mfa: false }), 1);
            assert.equal(activationTrend(a, { ...a, approval: false, approvers: [] }), 1);
            assert.equal(activationTrend(a, { ...a, maxMinutes: 60 }), -1);
            assert.equal(activationTrend({ ...a, justification: false }, a), -1);
            // Longer but with MFA added: neither.
            assert.equal(activationTrend({ ...a, mfa: false }, { ...a, maxMinutes: 480 }), 0);
            // A rule the policy leaves to PIM: unknown.
            assert.equal(activationTrend(a, { ...a, maxMinutes: undefined }), 0);
            assert.equal(activationTrend(a, { ...a, approvers: ["sre"] }), 0);
        });
    });

    describe("findings", () => {
        it("flags each standing cluster-admin held by people in dev (admin groups; its deployer is a pipeline)", () => {
            const p = readPlan(out("dev.json"));
            assert.deepEqual(subjects(p, "standing-cluster-admin-with-jit").sort(), [
                "medium group:5f0c8a3e-2b7d-4c1a-9e6f-8d3b2a1c0e9f",
                "medium group:admins",
            ]);
            const lines = findingLines(runs.dev).filter((l) =>
                l.includes("standing-cluster-admin-with-jit"),
            );
            assert.deepEqual(lines, [
                "MEDIUM  standing-cluster-admin-with-jit: group platform-admins holds standing cluster-admin (cluster-admin via AKS admin group) although this stack gives just-in-time access (aks-entra:jit): with JIT, keep only a break-glass group as standing admin; make its members eligible in aks-entra:jit and drop its standing grant, or, if it is the break-glass group, exclude it from Conditional Access and declare it in aks-entra:conditionalAccess.breakGlassGroups",
                "MEDIUM  standing-cluster-admin-with-jit: group admins (created) holds standing cluster-admin (cluster-admin via AKS admin group) although this stack gives just-in-time access (aks-entra:jit): with JIT, keep only a break-glass group as standing admin; make its members eligible in aks-entra:jit and drop its standing grant, or, if it is the break-glass group, exclude it from Conditional Access and declare it in aks-entra:conditionalAccess.breakGlassGroups",
            ]);
            // A person as the deployer holds it too.
            assert.ok(
                findingLines(runs.disabled).includes(
                    `MEDIUM  standing-cluster-admin-with-jit: the deployer (User ${DEPLOYER}) holds standing cluster-admin (AKS RBAC Cluster Admin via Azure RBAC) although this stack gives just-in-time access (aks-entra:jit): with JIT, keep only a break-glass group as standing admin; set aks-entra:deployer.clusterAdmin false and have the deployer activate a just-in-time group before pulumi up, or deploy from a pipeline`,
                ),
            );
        });

        it("says that a declared break-glass admin group skips the policy; no such line without one", () => {
            assert.deepEqual(
                findingLines(runs.standing).filter((l) => l.includes("break-glass-admin")),
                [
                    `INFO    conditional-access-break-glass-admin: Conditional Access policy "${CA}" (report-only) excludes group platform-admins, which holds cluster-admin, as declared break-glass (aks-entra:conditionalAccess.breakGlassGroups): its members sign in to the cluster without the policy's controls; keep it to emergency accounts and alert on its sign-ins`,
                ],
            );
            // dev's break-glass group holds no cluster-admin: excluded, nothing to say.
            assert.ok(!findingLines(runs.dev).some((l) => l.includes("break-glass-admin")));
        });

        it("spares the break-glass admin group and a service-principal deployer; flags a group given AKS RBAC Cluster Admin", () => {
            assert.equal(runs.standing.code, 0, runs.standing.stderr);
            assert.deepEqual(
                subjects(readPlan(out("standing.json")), "standing-cluster-admin-with-jit").sort(),
                [`medium group:${GROUPS.developers}`, "medium group:admins"],
            );
            assert.ok(
                findingLines(runs.standing).includes(
                    "MEDIUM  standing-cluster-admin-with-jit: group developers holds standing cluster-admin (AKS RBAC Cluster Admin via Azure RBAC) although this stack gives just-in-time access (aks-entra:jit): with JIT, keep only a break-glass group as standing admin; make its members eligible in aks-entra:jit and drop its standing grant, or, if it is the break-glass group, exclude it from Conditional Access and declare it in aks-entra:conditionalAccess.breakGlassGroups",
                ),
            );
        });

        it("reports the JIT group's cluster-admin as just-in-time, not as a standing grant", () => {
            assert.deepEqual(
                findingLines(runs.dev).filter((l) => l.includes("jit oncall-admin gets")),
                [
                    "MEDIUM  cluster-admin: group jit oncall-admin gets AKS RBAC Cluster Admin on the whole cluster for whoever activates its membership in PIM (max 4h, MFA, justification, approval by platform-admins); eligible: group sre; keep that list small",
                ],
            );
            // Eligible grants raise no cluster-admin finding of their own.
            assert.deepEqual(subjects(readPlan(out("dev.json")), "cluster-admin").sort(), [
                "medium deployer",
                `medium group:${GROUPS["platform-admins"]}`,
                "medium group:admins",
                "medium group:jit-oncall-admin",
            ]);
        });

        it("flags eligibility for what a principal already holds standing", () => {
            // Pulumi.dev.yaml gives payments-devs writer standing and admin only through JIT.
            assert.deepEqual(
                findingLines(runs.dev).filter((l) => l.includes("eligible-already-held")),
                [],
            );
            assert.deepEqual(
                findingLines(runs.standing).filter((l) => l.includes("eligible-already-held")),
                [
                    "MEDIUM  eligible-already-held: group payments-devs is eligible for AKS RBAC Admin on namespace payments through jit payments-admin but already holds AKS RBAC Admin on namespace payments standing (Azure RBAC): activating adds nothing, so its rules (max 2h, MFA, justification, no approval) protect nothing; drop the standing grant, or the eligibility",
                ],
            );
            // sre is eligible for more than it holds (cluster-admin over writer): nothing to say.
            assert.deepEqual(subjects(readPlan(out("standing.json")), "eligible-already-held"), [
                `medium group:${GROUPS["payments-devs"]}`,
            ]);
        });

        it("flags a policy with no exclusion: HIGH when enabled, MEDIUM report-only, with the guardrail that agrees", () => {
            const message = (state: string) =>
                `conditional-access-no-exclusion: Conditional Access policy "${CA}" (${state}) excludes no group or user: with no break-glass group, a broken MFA setup (an outage, lost authenticators) locks everyone it holds out of the cluster, admins included, and with local accounts off there is no other way in; exclude an emergency-access group in aks-entra:conditionalAccess.excludeGroups (guardrail entra-ca-break-glass-exclusion agrees)`;
            assert.deepEqual(
                findingLines(runs.enabled).filter((l) => l.includes("no-exclusion")),
                [`HIGH    ${message("enabled")}`],
            );
            assert.deepEqual(
                findingLines(runs.reportOnly).filter((l) => l.includes("no-exclusion")),
                [`MEDIUM  ${message("report-only")}`],
            );
            for (const file of ["enabled.json", "report-only.json"]) {
                assert.ok(
                    !readPlan(out(file)).findings.some((f) =>
                        f.code.startsWith("policy:entra-ca-break-glass"),
                    ),
                    file,
                );
            }
            assert.deepEqual(
                subjects(readPlan(out("dev.json")), "conditional-access-no-exclusion"),
                [],
            );
            assert.deepEqual(
                subjects(readPlan(out("disabled.json")), "conditional-access-no-exclusion"),
                [],
            );
        });

        it("flags device code sign-in under Conditional Access by the policy's state", () => {
            const line = (severity: string, state: string, when: string) =>
                `${severity.padEnd(6)}  devicecode-under-conditional-access: aks-entra:kubeloginMode is devicecode while Conditional Access policy "${CA}" (${state}) holds sign-ins to the cluster: device code sign-in does not work under Conditional Access (docs/azure-facts.md, failure mode 8), ${when}; use interactive or azurecli`;
            const found = (r: Run) => findingLines(r).filter((l) => l.includes("devicecode-under"));
            assert.deepEqual(found(runs.enabled), [
                line(
                    "HIGH",
                    "enabled",
                    "so sign-ins with the stack's kubeconfig fail for everyone the policy holds",
                ),
            ]);
            const later =
                "so once the policy is enabled, sign-ins with the stack's kubeconfig fail for everyone it holds";
            assert.deepEqual(found(runs.reportOnly), [line("MEDIUM", "report-only", later)]);
            assert.deepEqual(found(runs.disabled), [line("LOW", "disabled", later)]);
            // azurecli in dev; devicecode with no Conditional Access policy is fine.
            assert.deepEqual(found(runs.dev), []);
            assert.deepEqual(found(runs.noJit), []);
        });

        it("says a report-only policy enforces nothing and how to check the sign-in logs", () => {
            const report = (r: Run) => findingLines(r).filter((l) => l.includes("report-only:"));
            assert.deepEqual(report(runs.dev), [
                `LOW     conditional-access-report-only: Conditional Access policy "${CA}" (report-only) enforces nothing: sign-ins to the cluster need no MFA yet. Before enabling it, read the Entra sign-in logs for application "Azure Kubernetes Service AAD Server" (6dae42f8-4368-4678-94ff-3960e28e3630), Report-only tab: sign-ins with result "Report-only: Failure" or "Report-only: User action required" are the ones it would block or challenge; then set aks-entra:conditionalAccess.state enabled`,
            ]);
            assert.deepEqual(report(runs.enabled), []);
            assert.deepEqual(report(runs.disabled), []);
        });

        it("raises none of them without JIT entries or a Conditional Access policy", () => {
            const p = readPlan(out("no-jit.json"));
            for (const code of NEW_CODES) assert.deepEqual(subjects(p, code), [], code);
            // Without JIT, the admin groups are the usual cluster-admin findings only.
            assert.deepEqual(subjects(p, "cluster-admin").sort(), [
                "medium deployer",
                `medium group:${GROUPS["platform-admins"]}`,
                "medium group:admins",
            ]);
        });
    });
});
