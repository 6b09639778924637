// Team stacks on a platform cluster (issue 24; docs/team-stacks.md): Pulumi.platform.yaml with two
// teams, and Pulumi.team-payments.yaml and Pulumi.team-search.yaml on it, under the fakes, with the
// team stacks' StackReference answered from the platform's evaluated outputs. The team identity's
// rights are asserted with literal GUIDs and the literal condition; what a team stack declares
// outside its boundary is refused before any registration; the offline plan plans a team stack
// from the platform's plan JSON.
import { strict as assert } from "node:assert";
import { ConfigError, configFromPulumi, pulumiConfigMap } from "../components/config";
import {
    ProgramFailure,
    type Registration,
    runProgram,
    type RunOptions,
    type RunResult,
} from "../offline/harness";
import { teamPolicyConfig } from "../plan/platform";
import { authorizationProblem } from "../offline/delegation";
import { assignableRoles } from "../bootstrap/access";
import { stateAccessFindings } from "../plan/findingsStateAccess";
import { teamStateRight } from "../components/stateAccess";
import { evaluatePack, type PackConfig } from "../policy/evaluate";
import { ofType, stackConfig, TYPES } from "./helpers";
import { plan, readPlan, workspace } from "./planRun";

const PLATFORM = "contoso/aks-entra/platform";
const SUB = "/subscriptions/00000000-0000-4000-8000-0000000000b1";
const RG = (team: string) => `${SUB}/resourceGroups/rg-aks-entra-platform-63018dd6-team-${team}`;
const CLUSTER = `${SUB}/resourceGroups/rg-aks-entra-platform-63018dd6/providers/Microsoft.ContainerService/managedClusters/aks-aks-entra-platform-63018dd6`;
const RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const MI_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59";
const AKS_RBAC_ADMIN = "3498e952-d568-435e-9b2c-8d77e338d7f7";
const CLUSTER_USER = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f";
const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424";
/** aks-entra:stateBackend of Pulumi.platform.yaml: bootstrap/Pulumi.example.yaml's names. */
const STATE = `${SUB}/resourceGroups/rg-aks-entra-state/providers`;
const CONTAINER = `${STATE}/Microsoft.Storage/storageAccounts/stakentrastateexample/blobServices/default/containers/pulumi-state`;
const KEY = `${STATE}/Microsoft.KeyVault/vaults/kv-aks-entra-example/keys/pulumi-secrets`;
const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
/** The bootstrap's blob-path condition, limited to one team stack's state, history, backups and lock. */
const stateCondition = (team: string) =>
    `((!(ActionMatches{'${BLOBS}/write'}) AND !(ActionMatches{'${BLOBS}/add/action'}) AND !(ActionMatches{'${BLOBS}/delete'})) OR (` +
    [
        `.pulumi/stacks/aks-entra/team-${team}.json*`,
        `.pulumi/history/aks-entra/team-${team}/*`,
        `.pulumi/backups/aks-entra/team-${team}/*`,
        `.pulumi/locks/organization/aks-entra/team-${team}/*`,
    ]
        .map((p) => `@Resource[${BLOBS}:path] StringLike '${p}'`)
        .join(" OR ") +
    "))";

/** Microsoft's "Constrain roles and principal types" condition, for write and delete. */
const condition = (guids: string) =>
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'Group'})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}} AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'Group'}))`;
/** The data-plane roles of TEAM_DATA_ROLES, by GUID (docs/azure-facts.md). */
const DATA_ROLES =
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1, ba92f5b4-2d11-453d-a403-e96b0029c9fe, 19e7f393-937e-4f77-808e-94535e297925, 974c5e8b-45b9-4653-ba55-5f855dd0fb88, 21090545-7ca7-4776-b22c-e363652d74d2, 4633458b-17de-408a-b874-0445c86b69e6, 12338af0-0e69-4776-bea7-57ae8d297424, db79e9a7-68ee-4b58-9aeb-b90e7c24fcba, 7f951dda-4ed3-4680-a7ca-43fe172d538d, 8311e382-0749-4cb8-b61a-304f252e45ec, 69a216fc-b8fb-44d8-bc22-1f3c2cd27a39, 4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0, 2b629674-e913-4c01-ae53-ef4638d8f975, a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
const NAMESPACE_ROLES =
    "7f6c6a51-bcf8-42ba-9220-52d62157d7db, a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb, 3498e952-d568-435e-9b2c-8d77e338d7f7";

// Stack config is free-form YAML.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>;
const teamConfig = (team: string, edit: (c: Config) => void = () => {}): Config => {
    const c = structuredClone(stackConfig(`team-${team}`)) as Config;
    edit(c);
    return c;
};
const roleOf = (r: Registration) => String(r.inputs.roleDefinitionId).split("/").pop();

describe("team stacks on a platform cluster", function () {
    this.timeout(300_000);
    let platform: RunResult;
    const teams = {} as Record<"payments" | "search", RunResult>;
    const onPlatform = (config: Config, team: string): RunOptions => ({
        config,
        stack: `team-${team}`,
        organization: "contoso",
        stacks: { [PLATFORM]: { outputs: platform.outputs } },
    });

    /** A principal's assignments on the platform: scope, role, condition, its version, type. */
    const rightsOf = (principal: unknown) =>
        ofType(platform, TYPES.roleAssignment)
            .filter((r) => r.inputs.principalId === principal)
            .map((r) => [
                r.inputs.scope,
                roleOf(r),
                r.inputs.condition,
                r.inputs.conditionVersion,
                r.inputs.principalType,
            ])
            .sort((a, b) =>
                `${String(a[0])}${String(a[1])}`.localeCompare(`${String(b[0])}${String(b[1])}`),
            );

    before(async () => {
        platform = await runProgram({
            config: stackConfig("platform"),
            stack: "platform",
            organization: "contoso",
        });
        for (const t of ["payments", "search"] as const) {
            teams[t] = await runProgram(onPlatform(stackConfig(`team-${t}`), t));
        }
    });

    describe("the platform stack", () => {
        it("makes each team's resource group, namespaces and deployment identity, federated to its environment", () => {
            for (const [team, namespaces] of [
                ["payments", ["payments", "payments-batch"]],
                ["search", ["search"]],
            ] as const) {
                const rg = ofType(platform, TYPES.resourceGroup).find(
                    (r) =>
                        r.inputs.resourceGroupName ===
                        `rg-aks-entra-platform-63018dd6-team-${team}`,
                );
                assert.ok(rg, team);
                const ns = ofType(platform, TYPES.namespace).filter(
                    (n) => (n.inputs.metadata as Config).labels["aks-entra.io/team"] === team,
                );
                assert.deepEqual(
                    ns.map((n) => String((n.inputs.metadata as Config).name)).sort(),
                    namespaces,
                );
                const identity = ofType(platform, TYPES.identity).find(
                    (i) => i.inputs.resourceName === `id-aks-entra-platform-63018dd6-team-${team}`,
                )!;
                assert.equal(identity.inputs.resourceGroupName, "rg-aks-entra-platform-63018dd6");
                const fics = ofType(platform, TYPES.fic).filter(
                    (f) => f.inputs.resourceName === identity.inputs.resourceName,
                );
                assert.deepEqual(
                    fics.map((f) => f.inputs.subject),
                    [`repo:contoso/${team}:environment:team-${team}`],
                );
                const out = (platform.outputs.teams as Config)[team];
                assert.equal(out.clientId, identity.state.clientId);
                assert.equal(out.resourceGroupId, RG(team));
                assert.deepEqual(out.namespaces, namespaces);
            }
        });

        it("gives each team's deployment identity exactly its rights: scopes, roles and conditions", () => {
            const principal = (platform.outputs.teams as Config).payments.principalId;
            const rights = rightsOf(principal);
            const ns = (n: string) => `${CLUSTER}/namespaces/${n}`;
            const expected = [
                [CLUSTER, RBAC_ADMINISTRATOR, condition(CLUSTER_USER), "2.0"],
                [CLUSTER, CLUSTER_USER, undefined, undefined],
                [ns("payments"), AKS_RBAC_ADMIN, undefined, undefined],
                [ns("payments"), RBAC_ADMINISTRATOR, condition(NAMESPACE_ROLES), "2.0"],
                [ns("payments-batch"), AKS_RBAC_ADMIN, undefined, undefined],
                [ns("payments-batch"), RBAC_ADMINISTRATOR, condition(NAMESPACE_ROLES), "2.0"],
                [RG("payments"), RBAC_ADMINISTRATOR, condition(DATA_ROLES), "2.0"],
                [RG("payments"), MI_CONTRIBUTOR, undefined, undefined],
                [CONTAINER, BLOB_READER, undefined, undefined],
                [CONTAINER, BLOB_CONTRIBUTOR, stateCondition("payments"), "2.0"],
                [KEY, CRYPTO_USER, undefined, undefined],
            ]
                .map((r) => [...r, "ServicePrincipal"])
                .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
            assert.deepEqual(rights, expected);
        });

        it("gives each team's identity the state backend: reads every stack's state, writes only its own stack's, uses the key", () => {
            const principal = (platform.outputs.teams as Config).search.principalId;
            const state = rightsOf(principal).filter((r) => r[0] === CONTAINER || r[0] === KEY);
            assert.deepEqual(state, [
                [KEY, CRYPTO_USER, undefined, undefined, "ServicePrincipal"],
                [CONTAINER, BLOB_READER, undefined, undefined, "ServicePrincipal"],
                [CONTAINER, BLOB_CONTRIBUTOR, stateCondition("search"), "2.0", "ServicePrincipal"],
            ]);
            // Their scopes are config: they wait for the identity, not for the cluster or team group.
            for (const r of ofType(platform, TYPES.roleAssignment).filter(
                (g) => g.inputs.principalId === principal && /state|secrets/.test(g.name),
            )) {
                assert.deepEqual(
                    r.dependencies.map((d) => d.split("::").pop()),
                    ["aks-entra-team-search-deploy"],
                    r.name,
                );
            }
            // The platform's identity may assign them under its bootstrap condition.
            for (const guid of [BLOB_READER, BLOB_CONTRIBUTOR, CRYPTO_USER]) {
                assert.ok(assignableRoles(["platform"]).includes(guid), guid);
            }
        });

        it("the plan names a state right as the team's only as the platform makes it: a wider path, or a condition on another role, is not", () => {
            const right = (condition: string) => teamStateRight(BLOB_CONTRIBUTOR, condition, "2.0");
            assert.deepEqual(right(stateCondition("search")), {
                role: "Storage Blob Data Contributor",
                stack: "team-search",
            });
            assert.equal(
                right(stateCondition("search").replace("team-search/*'))", "*'))")),
                undefined,
            );
            assert.equal(teamStateRight(BLOB_CONTRIBUTOR, undefined, undefined), undefined);
            assert.equal(teamStateRight(BLOB_READER, stateCondition("search"), "2.0"), undefined);
            assert.deepEqual(teamStateRight(CRYPTO_USER, undefined, undefined), {
                role: "Key Vault Crypto User",
            });
        });

        it("without aks-entra:stateBackend, grants no state access and the plan says what to grant by hand", async () => {
            const config = structuredClone(stackConfig("platform")) as Config;
            delete config["aks-entra:stateBackend"];
            const r = await runProgram({ config, stack: "platform", organization: "contoso" });
            const scopes = ofType(r, TYPES.roleAssignment).map((g) => String(g.inputs.scope));
            assert.deepEqual(
                scopes.filter((s) => /Microsoft\.(Storage|KeyVault)\//.test(s)),
                [],
            );
            const findings = stateAccessFindings(configFromPulumi(pulumiConfigMap(config)));
            assert.deepEqual(findings, [
                {
                    code: "team-state-access",
                    severity: "info",
                    subject: "aks-entra:stateBackend",
                    message:
                        "the deployment identities of teams payments, search get no access to the state backend or the secrets key: their team stacks cannot run pulumi up until each holds Storage Blob Data Reader and Storage Blob Data Contributor (condition: its own stack's paths) on the state container and Key Vault Crypto User on the key; set aks-entra:stateBackend to the bootstrap's containerId and secretsKeyId, or grant them by hand (docs/team-stacks.md, State backend)",
                    facts: [],
                },
            ]);
            const own = stateAccessFindings(
                configFromPulumi(pulumiConfigMap(stackConfig("platform"))),
            );
            assert.deepEqual(own, []);
        });

        it("passes the guardrails, and the guardrails refuse a condition that names a privileged role", async () => {
            assert.deepEqual(await evaluatePack(platform.registrations), []);
            const owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
            const edited = platform.registrations.map((r) =>
                r.name === "aks-entra-team-payments-rg-grants"
                    ? {
                          ...r,
                          inputs: { ...r.inputs, condition: condition(`${owner}`) },
                          state: { ...r.state, condition: condition(`${owner}`) },
                      }
                    : r,
            );
            const violations = await evaluatePack(edited);
            assert.deepEqual(
                violations.map((v) => [v.policy, v.urn?.split("::").pop()]),
                [["role-assignment-no-privileged-roles", "aks-entra-team-payments-rg-grants"]],
            );
        });

        it("removing a team whose stack may still have resources is refused: its namespaces and resource group are protected", async () => {
            const config = structuredClone(stackConfig("platform")) as Config;
            delete config["aks-entra:teams"].search;
            const e = await runProgram({
                config,
                stack: "platform",
                organization: "contoso",
                previous: platform,
            }).then(
                () => assert.fail("removing a protected team was accepted"),
                (x: unknown) => x,
            );
            assert.ok(e instanceof ProgramFailure);
            assert.match(
                e.message,
                /azure-native:resources:ResourceGroup aks-entra-team-search-rg: the resource is protected/,
            );
            assert.match(
                e.message,
                /kubernetes:core\/v1:Namespace aks-entra-team-search-ns-search: the resource is protected/,
            );
        });
    });

    describe("a team stack", () => {
        it("creates no cluster, resource group or namespace, and plans up for each team", () => {
            for (const r of Object.values(teams)) {
                for (const t of [TYPES.cluster, TYPES.resourceGroup, TYPES.namespace]) {
                    assert.deepEqual(ofType(r, t), [], t);
                }
            }
            assert.deepEqual(teams.payments.outputs.namespaces, ["payments", "payments-batch"]);
            assert.equal(teams.search.outputs.platform, PLATFORM);
        });

        it("puts its identities in the team's resource group, trusting the platform cluster's issuer", () => {
            const r = teams.payments;
            for (const i of ofType(r, TYPES.identity)) {
                assert.equal(
                    i.inputs.resourceGroupName,
                    "rg-aks-entra-platform-63018dd6-team-payments",
                );
            }
            const k8s = ofType(r, TYPES.fic).filter((f) =>
                String(f.inputs.subject).startsWith("system:"),
            );
            assert.equal(k8s.length, 3);
            for (const f of k8s) assert.equal(f.inputs.issuer, platform.outputs.oidcIssuerUrl);
        });

        it("grants only in its namespaces, its resource group and Cluster User Role on the cluster", () => {
            for (const [team, r] of Object.entries(teams)) {
                for (const g of ofType(r, TYPES.roleAssignment)) {
                    const scope = String(g.inputs.scope);
                    const ok =
                        scope.startsWith(`${RG(team)}/`) ||
                        (scope === CLUSTER && roleOf(g) === CLUSTER_USER) ||
                        /\/namespaces\/(payments|payments-batch|search)$/.test(scope);
                    assert.ok(ok, `${g.name}: ${scope}`);
                    assert.notEqual(g.inputs.principalType, "User", g.name);
                }
            }
        });

        it("passes the guardrails given its team's namespaces and the platform's issuer, and only with them", async () => {
            for (const [team, r] of Object.entries(teams)) {
                const config = configFromPulumi(pulumiConfigMap(stackConfig(`team-${team}`)));
                const given = teamPolicyConfig(config, {
                    [PLATFORM]: { outputs: platform.outputs },
                }) as PackConfig;
                assert.deepEqual(await evaluatePack(r.registrations, given), [], team);
                const without = await evaluatePack(r.registrations);
                assert.ok(without.length > 0, `${team}: the boundary is what lets it pass`);
            }
        });

        it("the guardrails refuse an object in another team's namespace, a cluster-scoped object and a grant outside its boundary", async () => {
            const config = configFromPulumi(pulumiConfigMap(stackConfig("team-payments")));
            const given = teamPolicyConfig(config, {
                [PLATFORM]: { outputs: platform.outputs },
            }) as PackConfig;
            const other = `${SUB}/resourceGroups/rg-platform-shared`;
            const edited = teams.payments.registrations.map((r) => {
                if (r.name === "aks-entra-ns-payments-batch/qa-view") {
                    const metadata = { ...(r.inputs.metadata as Config), namespace: "search" };
                    return {
                        ...r,
                        inputs: { ...r.inputs, metadata },
                        state: { ...r.state, metadata },
                    };
                }
                if (r.name === "aks-entra-ci-payments-deploy-acrpush-b8a37321") {
                    return {
                        ...r,
                        inputs: { ...r.inputs, scope: other },
                        state: { ...r.state, scope: other },
                    };
                }
                return r;
            });
            const binding = edited.find((r) => r.name === "aks-entra-ns-payments-batch/qa-view")!;
            edited.push({
                ...binding,
                urn: binding.urn.replace(":RoleBinding::", ":ClusterRoleBinding::"),
                type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            });
            const boundary = (await evaluatePack(edited, given))
                .filter((v) => v.policy === "team-stack-boundary")
                .map((v) => v.message);
            assert.deepEqual(boundary, [
                'RoleBinding in namespace "search", which is not one of its team\'s namespaces (payments, payments-batch)',
                'ClusterRoleBinding "qa-view" is cluster-scoped; a team stack creates objects only in its team\'s namespaces (payments, payments-batch)',
                `role assignment at "${other}" is outside its team's resource group and namespaces (only Cluster User Role may be granted on the platform's cluster itself)`,
            ]);
        });

        it("leaves the team groups' kubeconfig grant to the platform (one assignment, no collision)", () => {
            const devs = "00000000-0000-4000-8000-000000000202";
            const mine = ofType(teams.payments, TYPES.roleAssignment).filter(
                (g) => g.inputs.principalId === devs && roleOf(g) === CLUSTER_USER,
            );
            const theirs = ofType(platform, TYPES.roleAssignment).filter(
                (g) => g.inputs.principalId === devs && roleOf(g) === CLUSTER_USER,
            );
            assert.equal(mine.length, 0);
            assert.equal(theirs.length, 1);
        });
    });

    describe("Azure holds a team's deployment identity to its rights", () => {
        /** The login of a team's deployment identity, and its rights as the platform made them. */
        const as = (team: string): Partial<RunOptions> => {
            const out = (platform.outputs.teams as Config)[team];
            return {
                deployer: {
                    tenantId: String(platform.outputs.tenantId),
                    subscriptionId: "00000000-0000-4000-8000-0000000000b1",
                    objectId: out.principalId,
                    clientId: out.clientId,
                },
                rights: ofType(platform, TYPES.roleAssignment)
                    .filter((r) => r.inputs.principalId === out.principalId)
                    .map((r) => ({
                        scope: String(r.inputs.scope),
                        roleGuid: roleOf(r)!,
                        condition: r.inputs.condition as string | undefined,
                    })),
            };
        };

        it("each team's identity deploys its own team stack", async () => {
            for (const team of ["payments", "search"]) {
                const r = await runProgram({
                    ...onPlatform(stackConfig(`team-${team}`), team),
                    ...as(team),
                });
                assert.deepEqual(
                    r.registrations.map((x) => x.name).sort(),
                    teams[team as "payments"].registrations.map((x) => x.name).sort(),
                );
            }
        });

        it("another team's identity cannot: Azure refuses its identity and role-assignment writes", async () => {
            const e = await runProgram({
                ...onPlatform(stackConfig("team-payments"), "payments"),
                ...as("search"),
            }).then(
                () => assert.fail("search's identity deployed payments' stack"),
                (x: unknown) => x,
            );
            assert.ok(e instanceof ProgramFailure);
            const search = (platform.outputs.teams as Config).search.principalId as string;
            assert.match(
                e.message,
                new RegExp(
                    `AuthorizationFailed: The client '${search}' does not have authorization to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/write' over scope '${RG("payments")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/`,
                ),
            );
            assert.match(
                e.message,
                /action 'Microsoft.Authorization\/roleAssignments\/write' over scope '[^']*\/namespaces\/payments'/,
            );
        });

        it("a condition holds it to its roles: a data role outside the list is refused by Azure even past the config", () => {
            // The config check refuses Storage Blob Data Owner; Azure would too (the rights alone).
            const rights = as("payments").rights!;
            const scope = `${RG("payments")}/providers/Microsoft.Storage/storageAccounts/stpaymentsledger`;
            const who = (platform.outputs.teams as Config).payments.principalId as string;
            const owner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
            const write = (roleGuid: string, principalType: string) =>
                authorizationProblem(
                    rights,
                    who,
                    "Microsoft.Authorization/roleAssignments/write",
                    scope,
                    { roleGuid, principalType },
                );
            assert.equal(
                write(owner, "ServicePrincipal"),
                `AuthorizationFailed: The client '${who}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${scope}' or the scope is invalid.`,
            );
            const contributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
            assert.equal(write(contributor, "ServicePrincipal"), undefined);
            assert.notEqual(write(contributor, "User"), undefined, "never to a person");
        });
    });

    describe("what a team stack may not declare is refused before any resource", () => {
        const CASES: { what: string; edit: (c: Config) => void; problems: string[] }[] = [
            {
                what: "a namespace it does not own",
                edit: (c) => {
                    c["aks-entra:namespaces"].push({ name: "search" });
                },
                problems: [
                    'aks-entra:namespaces[2].name "search" is not a namespace of team payments on stack contoso/aks-entra/platform (its namespaces: payments, payments-batch); a team stack configures only its own namespaces: add it to aks-entra:teams.payments.namespaces of the platform stack first',
                ],
            },
            {
                what: "a grant outside its resource group",
                edit: (c) => {
                    c["aks-entra:namespaces"][0].workloads[0].azureRoleAssignments[0].scope =
                        `${SUB}/resourceGroups/rg-platform-shared/providers/Microsoft.KeyVault/vaults/kv-platform`;
                },
                problems: [
                    `aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].scope "${SUB}/resourceGroups/rg-platform-shared/providers/Microsoft.KeyVault/vaults/kv-platform" is outside the resource group of team payments, ${RG("payments")}; a team's deployment identity can grant roles only on resources in it`,
                ],
            },
            {
                what: "a role the team's identity may not assign",
                edit: (c) => {
                    c["aks-entra:pipelines"][0].azureRoleAssignments[0].role =
                        "Storage Blob Data Owner";
                },
                problems: [
                    'aks-entra:pipelines[0].azureRoleAssignments[0].role "Storage Blob Data Owner" is not a role a team\'s deployment identity may assign; allowed: Storage Blob Data Reader, Storage Blob Data Contributor, Storage Queue Data Reader, Storage Queue Data Contributor, Key Vault Reader, Key Vault Secrets User, Key Vault Crypto User, Key Vault Certificate User, AcrPull, AcrPush, Azure Service Bus Data Sender, Azure Service Bus Data Receiver, Azure Event Hubs Data Sender, Azure Event Hubs Data Receiver',
                ],
            },
            {
                what: "a JIT entry in a namespace of another team",
                edit: (c) => {
                    c["aks-entra:namespaces"].push({ name: "search" });
                    c["aks-entra:jit"][0].namespace = "search";
                },
                problems: [
                    'aks-entra:namespaces[2].name "search" is not a namespace of team payments on stack contoso/aks-entra/platform (its namespaces: payments, payments-batch); a team stack configures only its own namespaces: add it to aks-entra:teams.payments.namespaces of the platform stack first',
                    'aks-entra:jit[0].namespace "search" is not a namespace of team payments on stack contoso/aks-entra/platform (its namespaces: payments, payments-batch); a team stack configures only its own namespaces: add it to aks-entra:teams.payments.namespaces of the platform stack first',
                ],
            },
            {
                what: "a team the platform does not declare",
                edit: (c) => {
                    c["aks-entra:platform"].team = "billing";
                },
                problems: [
                    'aks-entra:platform.team "billing" is not a team of stack contoso/aks-entra/platform (its teams: payments, search); add it to the platform\'s aks-entra:teams and run pulumi up on the platform first',
                ],
            },
        ];
        const CONFIG_CASES: { what: string; edit: (c: Config) => void; problems: string[] }[] = [
            {
                what: "the platform's state backend (the team identity's state rights come from the platform)",
                edit: (c) => {
                    c["aks-entra:stateBackend"] = { containerId: CONTAINER, secretsKeyId: KEY };
                },
                problems: [
                    "aks-entra:stateBackend is the platform stack's: a team stack (aks-entra:platform) creates no cluster and changes nothing outside the namespaces of team payments; remove it",
                ],
            },
            {
                what: "a cluster-scope role (pipeline clusterAccess, JIT without namespace) and the platform's keys",
                edit: (c) => {
                    c["aks-entra:pipelines"][0].clusterAccess = "reader";
                    delete c["aks-entra:jit"][0].namespace;
                    c["aks-entra:clusterAccess"] = [{ group: "payments-devs", role: "reader" }];
                    c["aks-entra:namespaces"][0].podSecurity = { enforce: "privileged" };
                },
                problems: [
                    'aks-entra:jit[0].role "admin": Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin; set jit[0].namespace, or requireApproval: true with approvers, or state why it is needed in aks-entra:jit[0].clusterWideException (the plan reports it HIGH)',
                    "aks-entra:clusterAccess is the platform stack's: a team stack (aks-entra:platform) creates no cluster and changes nothing outside the namespaces of team payments; remove it",
                    'aks-entra:namespaces[0].podSecurity is the platform stack\'s: it creates namespace "payments" with its Pod Security labels; remove it',
                    'aks-entra:pipelines[0].clusterAccess "reader" is access to the whole cluster, which a team stack cannot grant; use namespaceAccess on the namespaces of team payments',
                    'aks-entra:jit[0] "payments-admin" has no namespace, so it is access to the whole cluster, which a team stack cannot grant; set namespace to one of the namespaces of team payments',
                ],
            },
        ];
        for (const c of [...CASES, ...CONFIG_CASES]) {
            it(`${c.what}: exactly these problems, 0 registrations`, async () => {
                const e = await runProgram(
                    onPlatform(teamConfig("payments", c.edit), "payments"),
                ).then(
                    () => assert.fail("accepted"),
                    (x: unknown) => x,
                );
                assert.ok(e instanceof ProgramFailure, String(e));
                assert.equal(e.message, new ConfigError(c.problems).message);
                assert.deepEqual(e.registrations, []);
            });
        }
        for (const c of CONFIG_CASES) {
            it(`${c.what}: refused by config validation alone, without the platform`, () => {
                assert.throws(
                    () => configFromPulumi(pulumiConfigMap(teamConfig("payments", c.edit))),
                    (e: unknown) =>
                        e instanceof ConfigError &&
                        assert.deepEqual(e.problems, c.problems) === undefined,
                );
            });
        }
    });

    describe("the offline plan", () => {
        const { out, remove } = workspace("teams");
        after(() => remove());

        it("plans the platform, then each team stack from its plan JSON (--platform), clean, on the platform's cluster; --diff works on a team stack", async () => {
            const json = out("platform.json");
            const p = await plan("--stack", "platform", "--fail-on", "high", "--json", json);
            assert.equal(p.code, 0, p.stderr);
            assert.match(
                p.stdout,
                /team-right: pipeline id-aks-entra-platform-63018dd6-team-payments gets Role Based Access Control Administrator/,
            );
            for (const team of ["payments", "search"]) {
                const who = `team-right: pipeline id-aks-entra-platform-63018dd6-team-${team} gets`;
                for (const line of [
                    `${who} Storage Blob Data Reader (${BLOB_READER}) on containers pulumi-state: the team stack's state access`,
                    `${who} Storage Blob Data Contributor (${BLOB_CONTRIBUTOR}) on containers pulumi-state under an ABAC condition that limits its writes to the state of stack team-${team}: the team stack's state access`,
                    `${who} Key Vault Crypto User (${CRYPTO_USER}) on keys pulumi-secrets: the team stack's state access`,
                ]) {
                    assert.ok(p.stdout.includes(line), line);
                }
            }
            for (const team of ["payments", "search"]) {
                const tj = out(`team-${team}.json`);
                const t = await plan(
                    "--stack",
                    `team-${team}`,
                    "--platform",
                    json,
                    "--fail-on",
                    "high",
                    "--json",
                    tj,
                );
                assert.equal(t.code, 0, t.stderr);
                assert.match(t.stdout, new RegExp(`namespaces ${team}\\s+AKS RBAC Writer`));
                assert.equal(readPlan(tj).stack, `team-${team}`);
                const d = await plan("--stack", `team-${team}`, "--platform", json, "--diff", tj);
                assert.equal(d.code, 0, d.stderr);
            }
        });

        it("a team stack without --platform is a usage error that says what to run", async () => {
            const t = await plan("--stack", "team-search");
            assert.equal(t.code, 1);
            assert.match(
                t.stderr,
                /this is a team stack of contoso\/aks-entra\/platform \(aks-entra:platform\): plan the platform first/,
            );
        });
    });
});
