// The config module without mocks: what the value checks accept, and configs that must parse.
// Their refusals are in badInput.test.ts and hostileConfigs.ts, message by message.
import { strict as assert } from "node:assert";
import {
    armScopeProblem,
    configFromPulumi,
    githubRepositoryProblem,
    gitRefProblem,
    kubernetesVersionProblem,
    parseConfig,
    pulumiConfigMap,
    STACK_TAG_NAMES,
} from "../components/config";
import { SRE } from "./configCases";
import { ofType, run, stackConfig } from "./helpers";

const SUB = "/subscriptions/11111111-2222-4333-8444-555555555555";

describe("config values: well-formed input is accepted", function () {
    const scopes = [
        SUB,
        `${SUB}/resourceGroups/rg-payments.prod_(1)`,
        `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`,
        // Nested types, and an extension resource on top of another resource.
        `${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/blobServices/default/containers/c`,
        `${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app/providers/Microsoft.Insights/components/ai`,
        `${SUB}/providers/Microsoft.Insights/actionGroups/ag`,
        `${SUB.toUpperCase().replace("/SUBSCRIPTIONS", "/subscriptions")}/RESOURCEGROUPS/RG`,
    ];
    for (const scope of scopes) {
        it(`scope ${scope}`, function () {
            assert.equal(armScopeProblem(scope), undefined);
        });
    }
    for (const ref of ["main", "release/1.2", "feature/x-y_z", "v1.0.0", "users/a.b/c"]) {
        it(`branch and tag ${ref}`, function () {
            assert.equal(gitRefProblem(ref, "branch"), undefined);
            assert.equal(gitRefProblem(ref, "tag"), undefined);
        });
    }
    for (const repo of ["contoso/payments", "a/b", "con-to-so/.github", "c0ntoso/my_repo.v2"]) {
        it(`repository ${repo}`, function () {
            assert.equal(githubRepositoryProblem(repo), undefined);
        });
    }
    for (const version of ["1.27", "1.33", "1.33.2", "1.40"]) {
        it(`Kubernetes version ${version}`, function () {
            assert.equal(kubernetesVersionProblem(version), undefined);
        });
    }
});

describe("config references: names that are JavaScript properties are only names", function () {
    it("resolves an alias called constructor to its object id", function () {
        const config = parseConfig({
            location: "westeurope",
            groups: { constructor: SRE, toString: "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f" },
            clusterAccess: [
                { group: "constructor", role: "reader" },
                { group: "toString", role: "cluster-admin" },
            ],
        });
        assert.deepEqual(config.clusterAccess, [
            { group: { objectId: SRE, label: "constructor" }, role: "reader" },
            {
                group: { objectId: "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", label: "toString" },
                role: "cluster-admin",
            },
        ]);
        assert.deepEqual(Object.keys(config.groups), ["constructor", "toString"]);
    });
});

describe("config opt-ins", function () {
    // Issue 29, item 7: a role the privilege table does not know, declared with its intent.
    it("accepts a role aks-entra does not know once aks-entra:declaredRoles declares it", function () {
        const guid = "5A5A5A5A-1234-4321-8765-0123456789AB";
        const scope =
            "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-web/providers/Microsoft.AppConfiguration/configurationStores/appcs-web";
        const config = parseConfig({
            location: "westeurope",
            declaredRoles: [
                {
                    role: guid,
                    name: "Flags Writer",
                    access: "write",
                    intent: "writes feature flags",
                },
            ],
            namespaces: [
                {
                    name: "web",
                    workloads: [
                        { serviceAccount: "bff", azureRoleAssignments: [{ role: guid, scope }] },
                    ],
                },
            ],
        });
        assert.deepEqual(config.declaredRoles, [
            {
                guid: guid.toLowerCase(),
                name: "Flags Writer",
                access: "write",
                intent: "writes feature flags",
            },
        ]);
        assert.deepEqual(config.namespaces[0].workloads[0].azureRoleAssignments, [
            { role: guid, roleGuid: guid.toLowerCase(), scope },
        ]);
    });

    // Issue 29, item 1: writer or admin on the whole cluster, by exception or behind approval.
    it("accepts cluster-wide writer or admin with a clusterWideException, or a JIT entry with approval", function () {
        const reason = "runs the cluster-wide operators";
        const config = parseConfig({
            location: "westeurope",
            groups: { sre: SRE },
            clusterAccess: [{ group: "sre", role: "writer", clusterWideException: reason }],
            pipelines: [
                {
                    name: "platform",
                    github: [{ repository: "contoso/platform", environment: "production" }],
                    clusterAccess: "admin",
                    clusterWideException: reason,
                },
            ],
            jit: [
                { name: "ops", role: "admin", eligible: ["sre"], approvers: ["sre"] },
                { name: "fix", role: "writer", eligible: ["sre"], clusterWideException: reason },
            ],
        });
        assert.deepEqual(config.clusterAccess, [
            {
                group: { objectId: SRE, label: "sre" },
                role: "writer",
                clusterWideException: reason,
            },
        ]);
        assert.equal(config.pipelines[0].clusterWideException, reason);
        assert.deepEqual(
            config.jit.map((j) => [j.name, j.requireApproval, j.clusterWideException]),
            [
                ["ops", true, undefined],
                ["fix", false, reason],
            ],
        );
    });

    it("accepts a cluster-admin-equivalent Role when allowPrivilegeEscalation names it", function () {
        const config = parseConfig({
            location: "westeurope",
            namespaces: [
                {
                    name: "web",
                    roles: [
                        {
                            name: "ops",
                            rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
                            groups: [SRE],
                            allowPrivilegeEscalation: true,
                        },
                        { name: "view", clusterRole: "view", groups: [SRE] },
                    ],
                },
            ],
        });
        assert.deepEqual(
            config.namespaces[0].roles.map((r) => [r.name, r.allowPrivilegeEscalation]),
            [
                ["ops", true],
                ["view", false],
            ],
        );
    });

    it("parses Pulumi.dev.yaml with every role's opt-in off", function () {
        const config = configFromPulumi(pulumiConfigMap(stackConfig("dev")));
        const roles = config.namespaces.flatMap((n) => n.roles);
        assert.ok(roles.length > 0);
        assert.ok(roles.every((r) => r.allowPrivilegeEscalation === false));
    });
});

describe("config: Pod Security and declared ClusterRoles (issue 29)", function () {
    const PR = {
        name: "previews",
        github: [{ repository: "contoso/web", pullRequest: true }],
        namespaceAccess: [{ namespace: "preview", role: "writer" }],
    };

    it("enforces baseline by default, restricted where a pull_request pipeline writes", function () {
        const config = parseConfig({
            location: "westeurope",
            namespaces: [
                { name: "web" },
                { name: "preview" },
                { name: "tight", podSecurity: { enforce: "restricted", version: "v1.33" } },
                { name: "agents", podSecurity: { enforce: "privileged", warn: "baseline" } },
            ],
            pipelines: [PR],
        });
        assert.deepEqual(
            config.namespaces.map((n) => [n.name, n.podSecurity]),
            [
                [
                    "web",
                    {
                        enforce: "baseline",
                        warn: "restricted",
                        audit: "restricted",
                        version: "latest",
                    },
                ],
                [
                    "preview",
                    {
                        enforce: "restricted",
                        warn: "restricted",
                        audit: "restricted",
                        version: "latest",
                    },
                ],
                [
                    "tight",
                    {
                        enforce: "restricted",
                        warn: "restricted",
                        audit: "restricted",
                        version: "v1.33",
                    },
                ],
                [
                    "agents",
                    {
                        enforce: "privileged",
                        warn: "baseline",
                        audit: "restricted",
                        version: "latest",
                    },
                ],
            ],
        );
    });

    it("labels every namespace the stack creates, with the version on each mode", async function () {
        const result = await run();
        const labels = ofType(result, "kubernetes:core/v1:Namespace").map((n) => {
            const all = (n.inputs.metadata as { labels: Record<string, string> }).labels;
            return Object.fromEntries(
                Object.entries(all).filter(([k]) => k.startsWith("pod-security.kubernetes.io/")),
            );
        });
        assert.equal(labels.length, 2);
        for (const l of labels) {
            assert.deepEqual(l, {
                "pod-security.kubernetes.io/enforce": "baseline",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/warn-version": "latest",
                "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/audit-version": "latest",
            });
        }
    });

    it("keeps a declared ClusterRole's rules (the plan reads them off the RoleBinding)", function () {
        const rules = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];
        const config = parseConfig({
            location: "westeurope",
            namespaces: [
                {
                    name: "web",
                    roles: [
                        {
                            name: "secrets",
                            clusterRole: "secret-reader",
                            clusterRoleRules: rules,
                            groups: [SRE],
                        },
                    ],
                },
            ],
        });
        assert.deepEqual(config.namespaces[0].roles[0].clusterRoleRules, rules);
    });
});

describe("config tags and the stack's own", function () {
    it("STACK_TAG_NAMES are exactly the tags the stack adds to what config gives", async function () {
        const result = await run();
        const rg = ofType(result, "azure-native:resources:ResourceGroup")[0];
        const own = Object.keys(rg.inputs.tags as Record<string, string>).filter(
            (k) => !Object.hasOwn(stackConfig("dev")["aks-entra:tags"] as object, k),
        );
        assert.deepEqual(own.sort(), [...STACK_TAG_NAMES].sort());
    });
});
