// Just-in-time cluster access (PIM for Groups) and Conditional Access on the AKS server app
// (docs/jit-and-conditional-access.md: Just-in-time access). Role GUIDs and the server app id: docs/azure-facts.md (roles
// table; fixed application ids; failure mode 8 for device code under Conditional Access).
import { strict as assert } from "node:assert";
import { activationDuration, PIM_ACTIVATION_URL } from "../components/jit";
import { StackNames } from "../components/naming";
import {
    AzureFakes,
    conditionalAccessProblems,
    DEFAULT_DEPLOYER,
    fakeGuid,
    pimPolicyProblems,
    PROVIDER_MAX_DURATIONS,
} from "../offline/fakes";
import type { Registration, RunResult } from "../offline/harness";
import { dev } from "./configCases";
import { byUrn, ofType, one, refused, run, stackConfig, TYPES } from "./helpers";
/** The AKS Microsoft Entra client application (kubelogin's public client). */
const AKS_CLIENT_APP_ID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

const AKS_SERVER_APP = "6dae42f8-4368-4678-94ff-3960e28e3630";
const RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
const RBAC_ADMIN = "3498e952-d568-435e-9b2c-8d77e338d7f7";
const CLUSTER_USER = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f";
const groups = stackConfig("dev")["aks-entra:groups"] as Record<string, string>;
const names = new StackNames("aks-entra", "dev");

const jitGroup = (r: RunResult, name: string) => one(r, TYPES.group, `aks-entra-jit-${name}-group`);
const policy = (r: RunResult, name: string) =>
    one(r, TYPES.pimPolicy, `aks-entra-jit-${name}-policy`);
const eligibility = (r: RunResult, name: string) =>
    ofType(r, TYPES.pimEligibility).filter((e) =>
        e.name.startsWith(`aks-entra-jit-${name}-eligible-`),
    );
const grantsTo = (r: RunResult, objectId: unknown) =>
    ofType(r, TYPES.roleAssignment)
        .filter((g) => g.inputs.principalId === objectId)
        .map((g) => [
            String(g.inputs.roleDefinitionId).split("/").pop(),
            g.inputs.scope,
            g.inputs.principalType,
        ])
        .sort();
const clusterId = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster").id;

describe("just-in-time access: one PIM group per aks-entra:jit entry", function () {
    let r: RunResult;
    before(async function () {
        r = await run();
    });

    it("creates the group without members (PIM manages them), owned by the deployer", function () {
        const g = jitGroup(r, "oncall-admin");
        assert.equal(g.inputs.displayName, "aks-entra-dev-jit-oncall-admin");
        assert.equal(g.inputs.mailNickname, names.jitGroupMailNickname("oncall-admin"));
        assert.equal(g.inputs.securityEnabled, true);
        assert.equal(g.inputs.preventDuplicateNames, true);
        assert.ok(!("members" in g.inputs), "members are never managed by the stack");
        assert.deepEqual(g.inputs.owners, [r.deployer.objectId]);
    });

    it("sets the member role's activation rules: duration, justification, MFA, approval by the approvers", function () {
        const oncall = policy(r, "oncall-admin");
        assert.equal(oncall.inputs.groupId, jitGroup(r, "oncall-admin").state.objectId);
        assert.equal(oncall.inputs.roleId, "member");
        assert.deepEqual(oncall.inputs.activationRules, {
            maximumDuration: "PT4H",
            requireJustification: true,
            requireMultifactorAuthentication: true,
            requireApproval: true,
            // platform-admins is a group alias: its members approve.
            approvalStage: {
                primaryApprovers: [{ objectId: groups["platform-admins"], type: "groupMembers" }],
            },
        });
        assert.deepEqual(oncall.inputs.eligibleAssignmentRules, { expirationRequired: false });
        const payments = policy(r, "payments-admin");
        assert.deepEqual(payments.inputs.activationRules, {
            maximumDuration: "PT2H",
            requireJustification: true,
            requireMultifactorAuthentication: true,
            requireApproval: false,
        });
    });

    it("makes each eligible principal a permanent eligible member, after the policy allows it", function () {
        const [e] = eligibility(r, "oncall-admin");
        assert.equal(eligibility(r, "oncall-admin").length, 1);
        assert.deepEqual(
            {
                groupId: e.inputs.groupId,
                principalId: e.inputs.principalId,
                assignmentType: e.inputs.assignmentType,
                permanentAssignment: e.inputs.permanentAssignment,
            },
            {
                groupId: jitGroup(r, "oncall-admin").state.objectId,
                principalId: groups.sre,
                assignmentType: "member",
                permanentAssignment: true,
            },
        );
        assert.ok(e.dependencies.includes(policy(r, "oncall-admin").urn));
        assert.equal(e.deletedWith, jitGroup(r, "oncall-admin").urn);
        assert.ok(e.span.start >= policy(r, "oncall-admin").span.end);
        assert.equal(
            eligibility(r, "payments-admin")[0].inputs.principalId,
            groups["payments-devs"],
        );
    });

    it("grants the group its AKS RBAC role at cluster or namespace scope, and Cluster User Role, as a Group", function () {
        const cid = clusterId(r);
        assert.deepEqual(grantsTo(r, jitGroup(r, "oncall-admin").state.objectId), [
            [CLUSTER_USER, cid, "Group"],
            [RBAC_CLUSTER_ADMIN, cid, "Group"],
        ]);
        assert.deepEqual(grantsTo(r, jitGroup(r, "payments-admin").state.objectId), [
            [RBAC_ADMIN, `${cid}/namespaces/payments`, "Group"],
            [CLUSTER_USER, cid, "Group"],
        ]);
        // The eligible people themselves get nothing standing from JIT.
        const sreGrants = grantsTo(r, groups.sre).map(([role]) => role);
        assert.ok(!sreGrants.includes(RBAC_CLUSTER_ADMIN));
    });

    it("exports the JIT groups and where to activate them", function () {
        assert.deepEqual(r.outputs.jitGroups, {
            "oncall-admin": {
                objectId: jitGroup(r, "oncall-admin").state.objectId,
                activate: PIM_ACTIVATION_URL,
            },
            "payments-admin": {
                objectId: jitGroup(r, "payments-admin").state.objectId,
                activate: PIM_ACTIVATION_URL,
            },
        });
    });

    it("writes durations as PIM takes them", function () {
        assert.deepEqual([30, 90, 240, 480, 1410, 1440].map(activationDuration), [
            "PT30M",
            "PT1H30M",
            "PT4H",
            "PT8H",
            "PT23H30M",
            "P1D",
        ]);
        // Every duration config accepts is one the azuread provider takes (its fixed list).
        for (let m = 30; m <= 24 * 60; m += 30) {
            assert.ok(
                PROVIDER_MAX_DURATIONS.includes(activationDuration(m)),
                activationDuration(m),
            );
        }
    });

    it("a person approver is a singleUser; defaults: PT8H, justification, MFA, no approval", async function () {
        const user = "2d4f6a8c-1b3e-4d5f-a7b9-c1d3e5f7a9b1";
        const r2 = await run({
            config: dev((c) => {
                c["aks-entra:jit"] = [
                    { name: "reader", role: "reader", eligible: ["developers"] },
                    {
                        name: "writer",
                        role: "writer",
                        eligible: ["developers"],
                        approvers: [user],
                    },
                ];
            }),
        });
        assert.deepEqual(policy(r2, "reader").inputs.activationRules, {
            maximumDuration: "PT8H",
            requireJustification: true,
            requireMultifactorAuthentication: true,
            requireApproval: false,
        });
        assert.deepEqual(
            (policy(r2, "writer").inputs.activationRules as Record<string, unknown>).approvalStage,
            { primaryApprovers: [{ objectId: user, type: "singleUser" }] },
        );
    });
});

describe("Conditional Access on the AKS server app (aks-entra:conditionalAccess)", function () {
    let r: RunResult;
    let ca: Registration;
    before(async function () {
        r = await run();
        ca = one(r, TYPES.conditionalAccess, "aks-entra-conditional-access");
    });

    it("targets the AKS server app, the admin and JIT groups, excludes break-glass, requires MFA, report-only", function () {
        const admins = r.outputs.adminGroupObjectIds as string[];
        assert.deepEqual(ca.inputs, {
            displayName: names.conditionalAccessPolicy,
            state: "enabledForReportingButNotEnforced",
            conditions: {
                clientAppTypes: ["all"],
                applications: { includedApplications: [AKS_SERVER_APP] },
                users: {
                    includedGroups: [
                        ...admins,
                        jitGroup(r, "oncall-admin").state.objectId,
                        jitGroup(r, "payments-admin").state.objectId,
                    ],
                    excludedGroups: [groups["break-glass"]],
                },
            },
            grantControls: { operator: "AND", builtInControls: ["mfa"] },
        });
        assert.equal(byUrn(r, ca.parent).type, "aks-entra:index:AksEntra");
    });

    it("names its own groups, requires every control given (AND), and maps each state", async function () {
        for (const [state, wire] of [
            ["enabled", "enabled"],
            ["disabled", "disabled"],
        ]) {
            const r2 = await run({
                config: dev((c) => {
                    c["aks-entra:conditionalAccess"] = {
                        state,
                        require: ["mfa", "compliantDevice"],
                        groups: ["sre", "developers"],
                        excludeGroups: ["break-glass"],
                        breakGlassGroups: ["break-glass"],
                    };
                }),
            });
            const p = one(r2, TYPES.conditionalAccess, "aks-entra-conditional-access");
            assert.equal(p.inputs.state, wire);
            assert.deepEqual(p.inputs.grantControls, {
                operator: "AND",
                builtInControls: ["mfa", "compliantDevice"],
            });
            assert.deepEqual((p.inputs.conditions as { users: unknown }).users, {
                includedGroups: [groups.sre, groups.developers],
                excludedGroups: [groups["break-glass"]],
            });
        }
    });

    it("leaves a break-glass admin group out of the default groups instead of holding and excluding it", async function () {
        const r2 = await run({
            config: dev((c) => {
                c["aks-entra:conditionalAccess"].excludeGroups = ["platform-admins"];
                c["aks-entra:conditionalAccess"].breakGlassGroups = ["platform-admins"];
            }),
        });
        const users = (
            one(r2, TYPES.conditionalAccess, "aks-entra-conditional-access").inputs.conditions as {
                users: { includedGroups: string[]; excludedGroups: string[] };
            }
        ).users;
        assert.deepEqual(users.excludedGroups, [groups["platform-admins"]]);
        assert.ok(!users.includedGroups.includes(groups["platform-admins"]));
        assert.equal(users.includedGroups.length, 3, "created admins and the two JIT groups");
    });

    it("is absent without the key; JIT works without it, even in a tenant without the AKS server app", async function () {
        const r2 = await run({
            config: dev((c) => delete c["aks-entra:conditionalAccess"]),
            servicePrincipals: [],
        });
        assert.deepEqual(ofType(r2, TYPES.conditionalAccess), []);
        assert.equal(ofType(r2, TYPES.pimPolicy).length, 2);
    });

    it("looks the AKS server app's service principal up before declaring anything", function () {
        assert.deepEqual(
            r.invokes
                .filter(
                    (i) => i.token === "azuread:index/getServicePrincipals:getServicePrincipals",
                )
                .map((i) => i.inputs),
            [{ clientIds: [AKS_SERVER_APP], ignoreMissing: true }],
        );
    });

    it("in a tenant without the AKS server app's service principal: refused before any resource, naming the key and the fix (failure mode 30)", async function () {
        const e = await refused({ servicePrincipals: [AKS_CLIENT_APP_ID] });
        assert.equal(
            e.message,
            [
                "aks-entra: invalid configuration (1 problem):",
                `  - aks-entra:conditionalAccess targets the AKS Microsoft Entra server application (${AKS_SERVER_APP}), which has no service principal in tenant ${DEFAULT_DEPLOYER.tenantId}; a Conditional Access policy can only target an application of the tenant. Create it once as an Application Administrator (az ad sp create --id ${AKS_SERVER_APP}) and rerun, or remove aks-entra:conditionalAccess`,
            ].join("\n"),
        );
        assert.deepEqual(e.registrations, []);
    });
});

describe("the fake Graph refuses what PIM and Conditional Access refuse", function () {
    it("a permanent eligibility before the group's policy allows it (RoleAssignmentRequestPolicyValidationFailed)", function () {
        const fakes = new AzureFakes();
        fakes.newResource({
            type: TYPES.group,
            name: "g",
            custom: true,
            inputs: { displayName: "g", mailNickname: "g", securityEnabled: true },
        });
        const group = fakeGuid("group#g");
        const eligibility = {
            type: TYPES.pimEligibility,
            name: "e",
            custom: true,
            inputs: {
                groupId: group,
                principalId: "0b9e6d2c-7a4f-4e8b-b1c3-2d5f6a7e8c90",
                assignmentType: "member",
                permanentAssignment: true,
            },
        };
        fakes.newResource(eligibility);
        assert.match(
            fakes.errors[0],
            /RoleAssignmentRequestPolicyValidationFailed: the group's member policy requires an expiration .*no policy of the stack was in effect/,
        );
        // With the stack's policy first (created at 5 s), the request at 10 s is accepted.
        const ok = new AzureFakes();
        ok.newResource({
            ...eligibility,
            type: TYPES.group,
            name: "g",
            inputs: { displayName: "g" },
        });
        ok.newResource({
            type: TYPES.pimPolicy,
            name: "p",
            custom: true,
            inputs: {
                groupId: group,
                roleId: "member",
                activationRules: { maximumDuration: "PT4H" },
                eligibleAssignmentRules: { expirationRequired: false },
            },
        });
        ok.startOf.set(`${TYPES.pimEligibility}|e`, 10);
        ok.newResource(eligibility);
        assert.deepEqual(ok.errors, []);
        // A group Graph does not know.
        const none = new AzureFakes();
        none.newResource(eligibility);
        assert.match(
            none.errors[0],
            /Request_ResourceNotFound: eligibility schedule: group .* does not exist/,
        );
    });

    it("activation durations outside the provider's list (PT30M..PT23H30M, P1D), approval without approvers", function () {
        const refused = (d: string) =>
            `expected activation_rules.0.maximum_duration to be one of PT30M..PT23H30M in 30-minute steps or P1D, got "${d}"`;
        assert.deepEqual(
            pimPolicyProblems({
                roleId: "member",
                activationRules: {
                    maximumDuration: "PT24H",
                    requireApproval: true,
                    approvalStage: { primaryApprovers: [] },
                },
            }),
            [
                refused("PT24H"),
                "requireApproval needs an approvalStage with at least one primary approver",
            ],
        );
        const problems = (d: string) =>
            pimPolicyProblems({ roleId: "member", activationRules: { maximumDuration: d } });
        assert.deepEqual(problems("P1D"), []);
        assert.deepEqual(problems("PT23H30M"), []);
        // The provider's docs write a day as PT1D; its validation refuses it.
        for (const d of ["PT1D", "PT45M", "PT90M", "PT0H30M", "P1DT0H", "PT24H"]) {
            assert.deepEqual(problems(d), [refused(d)]);
        }
    });

    it("a Conditional Access policy on an application without a service principal in the tenant", function () {
        const policy = (fakes: AzureFakes) =>
            fakes.newResource({
                type: TYPES.conditionalAccess,
                name: "ca",
                custom: true,
                inputs: {
                    displayName: "ca",
                    state: "enabled",
                    conditions: {
                        clientAppTypes: ["all"],
                        applications: { includedApplications: [AKS_SERVER_APP] },
                        users: { includedGroups: [fakeGuid("g")] },
                    },
                    grantControls: { operator: "AND", builtInControls: ["mfa"] },
                },
            });
        const ok = new AzureFakes();
        policy(ok);
        assert.deepEqual(ok.errors, []);
        const empty = new AzureFakes(DEFAULT_DEPLOYER, undefined, undefined, {
            servicePrincipals: [],
        });
        policy(empty);
        assert.deepEqual(empty.errors, [
            `${TYPES.conditionalAccess} ca: BadRequest: includedApplications: application ${AKS_SERVER_APP} has no service principal in tenant ${DEFAULT_DEPLOYER.tenantId}`,
        ]);
    });

    it("a Conditional Access policy without an app, a user or a valid control", function () {
        assert.deepEqual(
            conditionalAccessProblems({
                state: "reportOnly",
                conditions: { applications: {}, users: {}, clientAppTypes: [] },
                grantControls: { operator: "XOR", builtInControls: ["sms"] },
            }),
            [
                "state reportOnly is not enabled, disabled or enabledForReportingButNotEnforced",
                "conditions.applications needs includedApplications",
                "conditions.clientAppTypes is required",
                "conditions.users includes nobody",
                "grantControls.operator XOR is not AND or OR",
                "builtInControls sms is not a built-in control",
            ],
        );
    });
});
