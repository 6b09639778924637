// The bootstrap project (bootstrap/): its resources as the example stack file declares them,
// evaluated once under the fakes: the state backend's settings and lock, the secrets key, one
// deployment identity per GitHub environment with its subject, its Azure roles and their
// conditions, its Microsoft Graph app roles; its gh variable commands; the guardrails pack on it
// and on violating variants of it; its offline plan.
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { PRIVILEGE } from "../components/access/privilege";
import { fakeGraphObjectId } from "../offline/bootstrapFakes";
import type { Registration, RunResult } from "../offline/harness";
import { runProgram } from "../offline/harness";
import { bootstrapPlan, type BootstrapPlan } from "../plan/bootstrap";
import { readStackConfig } from "../plan/files";
import { evaluatePack } from "../policy/evaluate";
import { configFromPulumi, pulumiConfigMap } from "../components/config";
import { ROOT, stackConfig } from "./helpers";
import { inProcess } from "./planRun";
import { main } from "../plan/cli";

const PROGRAM = path.join(ROOT, "bootstrap", "index.ts");
const EXAMPLE = path.join(ROOT, "bootstrap", "Pulumi.example.yaml");

/** Built-in role GUIDs (Microsoft's "Azure built-in roles"; docs/azure-facts.md). */
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424";

/** Microsoft Graph application permission ids (learn.microsoft.com/graph/permissions-reference). */
const GRAPH = {
    groupCreate: "bf7b1a76-6e77-406b-b258-bf5c7720e98f",
    groupReadAll: "5b567255-7703-4780-807c-7be8301ae99b",
    groupReadWriteAll: "62a82d76-70ea-41e2-9197-370581804d09",
    applicationReadAll: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    pimPolicyReadWrite: "b38dcc4d-a239-4ed6-aa84-6c65b284f97c",
    pimPolicyRead: "69e67828-780e-47fd-b28c-7b27d14864e6",
    pimEligibilityReadWrite: "618b6020-bca8-4de6-99f6-ef445fa4d857",
    pimEligibilityRead: "edb419d6-7edc-42a3-9345-509bfdf5d87c",
    conditionalAccessReadWrite: "01c0a623-fc9b-48e9-b794-0756f8e8f067",
    policyReadAll: "246dd0d5-5bd0-4def-940b-0421030a5b68",
};

const DEPLOYED = ["dev", "staging", "prod", "platform"];
const ENVIRONMENTS = [...DEPLOYED, "preview", "preview-destroy", "plan-read", "e2e"];

describe("bootstrap: the example stack's resources", () => {
    let r: RunResult;
    const custom = (type: string) => r.registrations.filter((x) => x.custom && x.type === type);
    const only = (type: string): Registration => {
        const found = custom(type);
        assert.equal(found.length, 1, `one ${type}`);
        return found[0];
    };
    /** The environment of a resource made by a DeploymentIdentity, from its parent's URN. */
    const envOf = (x: Registration) =>
        /::aks-entra:bootstrap:DeploymentIdentity::deploy-(.+)$/.exec(x.parent)?.[1];
    let sub: string;
    let account: Registration;
    let vault: Registration;
    let containerScope: string;
    let keyScope: string;

    before(async () => {
        r = await runProgram({
            config: readStackConfig(EXAMPLE),
            stack: "example",
            project: "aks-entra-bootstrap",
            program: PROGRAM,
        });
        sub = `/subscriptions/${r.deployer.subscriptionId}`;
        account = only("azure-native:storage:StorageAccount");
        vault = only("azure-native:keyvault:Vault");
        containerScope = `${account.id}/blobServices/default/containers/pulumi-state`;
        keyScope = `${vault.id}/keys/pulumi-secrets`;
    });

    it("the state storage account takes Entra ID tokens only, TLS 1.2 over HTTPS, no public blobs", () => {
        const i = account.inputs;
        assert.equal(i.accountName, "stakentrastateexample");
        assert.equal(i.resourceGroupName, "rg-aks-entra-state");
        assert.equal(i.allowSharedKeyAccess, false);
        assert.equal(i.defaultToOAuthAuthentication, true);
        assert.equal(i.allowBlobPublicAccess, false);
        assert.equal(i.allowCrossTenantReplication, false);
        assert.equal(i.enableHttpsTrafficOnly, true);
        assert.equal(i.minimumTlsVersion, "TLS1_2");
        assert.equal(i.kind, "StorageV2");
    });

    it("blob versioning and soft delete of blobs and containers are on (30 days)", () => {
        const b = only("azure-native:storage:BlobServiceProperties").inputs;
        assert.equal(b.accountName, "stakentrastateexample");
        assert.equal(b.blobServicesName, "default");
        assert.equal(b.isVersioningEnabled, true);
        assert.deepEqual(b.deleteRetentionPolicy, { enabled: true, days: 30 });
        assert.deepEqual(b.containerDeleteRetentionPolicy, { enabled: true, days: 30 });
    });

    it("the stacks' container is private and made after the blob service settings", () => {
        const c = only("azure-native:storage:BlobContainer");
        assert.equal(c.inputs.containerName, "pulumi-state");
        assert.equal(c.inputs.publicAccess, "None");
        assert.equal(c.id, containerScope);
        const service = only("azure-native:storage:BlobServiceProperties");
        assert.ok(
            c.dependencies.includes(service.urn),
            "container waits for versioning and soft delete",
        );
    });

    it("a CanNotDelete lock on the storage account and one on the vault", () => {
        const locks = custom("azure-native:authorization:ManagementLockByScope");
        assert.deepEqual(
            locks.map((l) => [l.inputs.scope, l.inputs.level]).sort(),
            [
                [account.id, "CanNotDelete"],
                [vault.id, "CanNotDelete"],
            ].sort(),
        );
    });

    it("the vault authorizes with Azure RBAC, keeps deleted keys 90 days and has purge protection", () => {
        const p = vault.inputs.properties as Record<string, unknown>;
        assert.equal(vault.inputs.vaultName, "kv-aks-entra-example");
        assert.equal(p.enableRbacAuthorization, true);
        assert.equal(p.enablePurgeProtection, true);
        assert.equal(p.enableSoftDelete, true);
        assert.equal(p.softDeleteRetentionInDays, 90);
        assert.equal(p.tenantId, r.deployer.tenantId);
        assert.equal(p.accessPolicies, undefined, "no access policies");
    });

    it("the secrets key is an RSA key for encrypt and decrypt in that vault", () => {
        const k = only("azure-native:keyvault:Key");
        assert.equal(k.inputs.keyName, "pulumi-secrets");
        assert.equal(k.inputs.vaultName, "kv-aks-entra-example");
        assert.deepEqual(k.inputs.properties, {
            kty: "RSA",
            keySize: 3072,
            keyOps: ["encrypt", "decrypt"],
        });
    });

    it("one identity per GitHub environment, each trusting only repo:<owner>/<repo>:environment:<env>", () => {
        const ids = custom("azure-native:managedidentity:UserAssignedIdentity");
        assert.deepEqual(ids.map(envOf).sort(), [...ENVIRONMENTS].sort());
        for (const id of ids) {
            assert.equal(id.inputs.resourceName, `id-aks-entra-deploy-${envOf(id)}`);
        }
        const fics = custom("azure-native:managedidentity:FederatedIdentityCredential");
        assert.equal(fics.length, ENVIRONMENTS.length);
        for (const f of fics) {
            const env = envOf(f)!;
            assert.equal(f.inputs.subject, `repo:contoso/aks-entra:environment:${env}`);
            assert.equal(f.inputs.issuer, "https://token.actions.githubusercontent.com");
            assert.deepEqual(f.inputs.audiences, ["api://AzureADTokenExchange"]);
            assert.equal(f.inputs.resourceName, `id-aks-entra-deploy-${env}`);
        }
    });

    /** (role, scope) pairs of an environment's identity, sorted. */
    const grantsOf = (env: string) =>
        custom("azure-native:authorization:RoleAssignment")
            .filter((g) => envOf(g) === env)
            .map((g) => [String(g.inputs.roleDefinitionId).split("/").pop(), g.inputs.scope])
            .sort();
    const grant = (env: string, role: string) => {
        const found = custom("azure-native:authorization:RoleAssignment").filter(
            (g) => envOf(g) === env && String(g.inputs.roleDefinitionId).endsWith(role),
        );
        assert.equal(found.length, 1, `${env} holds ${role} once`);
        return found[0].inputs;
    };

    it("each identity's Azure roles, exactly: no Owner, no User Access Administrator anywhere", () => {
        const deploy = () =>
            [
                [CONTRIBUTOR, sub],
                [RBAC_ADMINISTRATOR, sub],
                [BLOB_READER, containerScope],
                [BLOB_CONTRIBUTOR, containerScope],
                [CRYPTO_USER, keyScope],
            ].sort();
        for (const env of [...DEPLOYED, "preview", "preview-destroy", "e2e"]) {
            assert.deepEqual(grantsOf(env), deploy(), env);
        }
        assert.deepEqual(
            grantsOf("plan-read"),
            [
                [READER, sub],
                [BLOB_READER, containerScope],
                [BLOB_CONTRIBUTOR, containerScope],
                [CRYPTO_USER, keyScope],
            ].sort(),
        );
        for (const g of custom("azure-native:authorization:RoleAssignment")) {
            const role = String(g.inputs.roleDefinitionId).split("/").pop();
            assert.ok(role !== OWNER && role !== USER_ACCESS_ADMINISTRATOR, g.name);
            assert.equal(g.inputs.principalType, "ServicePrincipal");
            const id = custom("azure-native:managedidentity:UserAssignedIdentity").find(
                (i) => envOf(i) === envOf(g),
            )!;
            assert.equal(g.inputs.principalId, id.state.principalId);
            assert.equal(
                g.inputs.roleDefinitionId,
                `${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            );
        }
    });

    /** The GUID sets a role-assignment condition allows for writes (Request) and deletes (Resource). */
    const guidSets = (condition: string) => {
        const set = (source: string) =>
            new RegExp(
                `@${source}\\[Microsoft\\.Authorization/roleAssignments:RoleDefinitionId\\] ForAnyOfAnyValues:GuidEquals \\{([^}]*)\\}`,
            )
                .exec(condition)?.[1]
                .split(", ")
                .sort();
        return { write: set("Request"), remove: set("Resource") };
    };
    /** Every role of the main program's privilege table but the forbidden ones. */
    const stackRoles = Object.entries(PRIVILEGE)
        .filter(([, p]) => p.class !== "forbidden")
        .map(([g]) => g)
        .sort();

    it("RBAC Administrator assigns and removes only the roles the stacks assign (condition 2.0)", () => {
        // The table has them: AKS RBAC Reader, Key Vault Secrets User, AcrPull, Managed Identity Operator.
        for (const g of [
            "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
            "4633458b-17de-408a-b874-0445c86b69e6",
            "7f951dda-4ed3-4680-a7ca-43fe172d538d",
            "f1a07417-d97a-45cb-824c-7a7467783830",
        ]) {
            assert.ok(stackRoles.includes(g), g);
        }
        for (const env of [...DEPLOYED, "preview", "e2e"]) {
            const a = grant(env, RBAC_ADMINISTRATOR);
            assert.equal(a.conditionVersion, "2.0");
            const c = String(a.condition);
            assert.match(
                c,
                /^\(\(\(!\(ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/write'\}\)\) OR \(@Request\[.*\}\)\) AND \(\(!\(ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/delete'\}\)\) OR \(@Resource\[.*\}\)\)\)$/,
            );
            const { write, remove } = guidSets(c);
            // The platform's identity also grants the team identities RBAC Administrator.
            const roles =
                env === "platform" ? [...stackRoles, RBAC_ADMINISTRATOR].sort() : stackRoles;
            assert.deepEqual(write, roles, `${env} writes`);
            assert.deepEqual(remove, roles, `${env} deletes`);
            const never = [OWNER, CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR];
            for (const role of env === "platform" ? never : [...never, RBAC_ADMINISTRATOR]) {
                assert.ok(!write.includes(role) && !remove.includes(role), role);
            }
        }
    });

    it("preview-destroy removes the stacks' role assignments but can create none", () => {
        const a = grant("preview-destroy", RBAC_ADMINISTRATOR);
        const c = String(a.condition);
        assert.ok(
            c.startsWith(
                "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) AND ",
            ),
            c,
        );
        const { write, remove } = guidSets(c);
        assert.equal(write, undefined, "no role definition id may be written");
        assert.deepEqual(remove, stackRoles);
    });

    it("state writes are limited by blob path: each stack its own, preview pr-*, plan-read the locks", () => {
        const paths = (env: string) =>
            [
                ...String(grant(env, BLOB_CONTRIBUTOR).condition).matchAll(/StringLike '([^']+)'/g),
            ].map((m) => m[1]);
        assert.deepEqual(paths("prod"), [
            ".pulumi/meta.yaml",
            ".pulumi/stacks/aks-entra/prod.json*",
            ".pulumi/history/aks-entra/prod/*",
            ".pulumi/backups/aks-entra/prod/*",
            ".pulumi/locks/organization/aks-entra/prod/*",
        ]);
        assert.ok(paths("preview").every((p) => p === ".pulumi/meta.yaml" || p.includes("pr-*")));
        assert.deepEqual(paths("preview-destroy"), [
            ".pulumi/stacks/aks-entra/pr-*.json*",
            ".pulumi/history/aks-entra/pr-*/*",
            ".pulumi/backups/aks-entra/pr-*/*",
            ".pulumi/locks/organization/aks-entra/pr-*/*",
        ]);
        assert.deepEqual(paths("plan-read"), [".pulumi/locks/organization/aks-entra/*"]);
        assert.ok(paths("e2e").includes(".pulumi/stacks/aks-entra/e2e-*.json*"));
        for (const env of ENVIRONMENTS) {
            const c = String(grant(env, BLOB_CONTRIBUTOR).condition);
            assert.ok(
                c.startsWith(
                    "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'}) AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'}) AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})) OR (",
                ),
                env,
            );
            assert.equal(grant(env, BLOB_CONTRIBUTOR).conditionVersion, "2.0");
            assert.equal(grant(env, BLOB_READER).condition, undefined, "reads are unconditioned");
        }
    });

    it("sends role assignment bodies the ARM schema of their API version (2022-04-01) accepts", function () {
        const file = path.join(
            ROOT,
            "..",
            "shared",
            "armschemas",
            "2022-04-01",
            "Microsoft.Authorization.json",
        );
        if (!existsSync(file)) this.skip(); // ../shared is laid beside the checkout (docs/development.md: Development)
        const schema = JSON.parse(readFileSync(file, "utf8")) as {
            definitions: {
                RoleAssignmentProperties: {
                    properties: Record<string, { oneOf?: { enum?: string[] }[] }>;
                    required: string[];
                };
            };
        };
        const props = schema.definitions.RoleAssignmentProperties;
        for (const g of custom("azure-native:authorization:RoleAssignment")) {
            // azure-native's inputs but the URL's (scope, name) form the body's properties.
            const body = Object.keys(g.inputs).filter(
                (k) => k !== "scope" && k !== "roleAssignmentName",
            );
            assert.deepEqual(
                body.filter((k) => !(k in props.properties)),
                [],
                g.name,
            );
            for (const k of props.required) assert.ok(body.includes(k), `${g.name}: ${k}`);
            const types = props.properties.principalType.oneOf?.[0].enum ?? [];
            assert.ok(types.includes(String(g.inputs.principalType)), g.name);
        }
    });

    it("Microsoft Graph app roles, on Graph's service principal, exactly per profile", () => {
        const graphSp = r.invokes.find(
            (i) => i.token === "azuread:index/getServicePrincipal:getServicePrincipal",
        );
        assert.equal(graphSp?.inputs.clientId, "00000003-0000-0000-c000-000000000000");
        const assignments = custom("azuread:index/appRoleAssignment:AppRoleAssignment");
        const of = (env: string) =>
            assignments
                .filter((a) => envOf(a) === env)
                .map((a) => a.inputs.appRoleId)
                .sort();
        const deploy = [
            GRAPH.groupCreate,
            GRAPH.groupReadAll,
            GRAPH.applicationReadAll,
            GRAPH.pimPolicyReadWrite,
            GRAPH.pimEligibilityReadWrite,
            GRAPH.conditionalAccessReadWrite,
            GRAPH.policyReadAll,
        ].sort();
        for (const env of DEPLOYED) assert.deepEqual(of(env), deploy, env);
        assert.deepEqual(
            of("plan-read"),
            [
                GRAPH.groupReadAll,
                GRAPH.applicationReadAll,
                GRAPH.pimPolicyRead,
                GRAPH.pimEligibilityRead,
                GRAPH.policyReadAll,
            ].sort(),
        );
        // pr-* and e2e-* stacks create no group, PIM or Conditional Access policy (below).
        for (const env of ["preview", "preview-destroy", "e2e"]) assert.deepEqual(of(env), [], env);
        const ids = custom("azure-native:managedidentity:UserAssignedIdentity");
        for (const a of assignments) {
            assert.notEqual(a.inputs.appRoleId, GRAPH.groupReadWriteAll);
            // Microsoft Graph's service principal in the (fake) tenant, as the lookup answered.
            assert.equal(a.inputs.resourceObjectId, fakeGraphObjectId());
            assert.equal(
                a.inputs.principalObjectId,
                ids.find((i) => envOf(i) === envOf(a))!.state.principalId,
            );
        }
    });

    it("outputs the platform stack's aks-entra:stateBackend, which the platform's config accepts as is", () => {
        const out = r.outputs.stateBackend as { containerId: string; secretsKeyId: string };
        assert.deepEqual(out, { containerId: containerScope, secretsKeyId: keyScope });
        assert.equal(
            containerScope,
            `${sub}/resourceGroups/rg-aks-entra-state/providers/Microsoft.Storage/storageAccounts/stakentrastateexample/blobServices/default/containers/pulumi-state`,
        );
        const platform = {
            ...stackConfig("platform"),
            "aks-entra:stateBackend": out,
        };
        assert.deepEqual(configFromPulumi(pulumiConfigMap(platform)).stateBackend, out);
    });

    it("prints the gh variable commands of the contract: repository variables and a client id per environment", () => {
        const lines = r.outputs.ghVariables as string[];
        const repo = "--repo 'contoso/aks-entra'";
        assert.deepEqual(lines.slice(0, 5), [
            `gh variable set AZURE_TENANT_ID ${repo} --body '${r.deployer.tenantId}'`,
            `gh variable set AZURE_SUBSCRIPTION_ID ${repo} --body '${r.deployer.subscriptionId}'`,
            `gh variable set PULUMI_BACKEND_URL ${repo} --body 'azblob://pulumi-state?storage_account=stakentrastateexample'`,
            `gh variable set PULUMI_SECRETS_PROVIDER ${repo} --body 'azurekeyvault://kv-aks-entra-example.vault.azure.net/keys/pulumi-secrets'`,
            `gh variable set PRIVATE_RUNNER_LABEL ${repo} --body 'aks-private'`,
        ]);
        const ids = custom("azure-native:managedidentity:UserAssignedIdentity");
        assert.deepEqual(
            lines.slice(5, 5 + ENVIRONMENTS.length),
            ENVIRONMENTS.map(
                (env) =>
                    `gh variable set AZURE_CLIENT_ID ${repo} --env '${env}' --body '${String(ids.find((i) => envOf(i) === env)!.state.clientId)}'`,
            ),
        );
        assert.deepEqual(lines.slice(5 + ENVIRONMENTS.length), [
            `gh variable set AZURE_CLIENT_ID ${repo} --env 'team-payments' --body "$(pulumi stack output teams --stack 'organization/aks-entra/platform' --json | jq -r '.["payments"].clientId')"`,
            `gh variable set AZURE_CLIENT_ID ${repo} --env 'team-search' --body "$(pulumi stack output teams --stack 'organization/aks-entra/platform' --json | jq -r '.["search"].clientId')"`,
        ]);
    });

    describe("the guardrails pack", () => {
        const policiesOf = async (regs: Registration[]) =>
            (await evaluatePack(regs, {})).map((v) => `${v.policy}: ${v.message}`);

        it("passes the bootstrap as it is", async () => {
            assert.deepEqual(await policiesOf(r.registrations), []);
        });

        // Each rule's violating variants: test/policy.test.ts (RESOURCE_CASES, STACK_CASES).

        it("still refuses Contributor granted by a DeploymentIdentity-named component of another project", async () => {
            const moved = r.registrations.map((x) => ({
                ...x,
                urn: x.urn.replace("::aks-entra-bootstrap::", "::aks-entra::"),
                parent: x.parent.replace("::aks-entra-bootstrap::", "::aks-entra::"),
            }));
            const found = await policiesOf(moved);
            assert.ok(
                found.some((f) =>
                    f.startsWith(
                        "role-assignment-no-privileged-roles: roleDefinitionId grants Contributor",
                    ),
                ),
                found.join("\n"),
            );
        });
    });

    it("the offline plan lists each identity with its subject, roles and Graph permissions", () => {
        const plan = bootstrapPlan("example", r, []);
        assert.equal(plan.summary.identities, ENVIRONMENTS.length);
        assert.equal(plan.summary.graphPermissions, DEPLOYED.length * 7 + 5);
        const dev = plan.identities.find((i) => i.environment === "dev")!;
        assert.equal(dev.subject, "repo:contoso/aks-entra:environment:dev");
        assert.deepEqual(
            plan.graph.filter((g) => g.environment === "plan-read").map((g) => g.permission),
            [
                "Group.Read.All",
                "Application.Read.All",
                "RoleManagementPolicy.Read.AzureADGroup",
                "PrivilegedEligibilitySchedule.Read.AzureADGroup",
                "Policy.Read.All",
            ],
        );
        assert.deepEqual(
            plan.grants
                .filter((g) => g.environment === "plan-read")
                .map((g) => g.role)
                .sort(),
            [
                "Key Vault Crypto User",
                "Reader",
                "Storage Blob Data Contributor",
                "Storage Blob Data Reader",
            ],
        );
    });
});

describe("bootstrap: the profiles of pr-* and e2e-* stacks never write to Microsoft Graph", () => {
    // Their deployment identities (preview, preview-destroy, e2e) hold no Graph permission: a
    // profile that starts creating groups, JIT or Conditional Access needs the bootstrap's
    // environments() to give them "write" first.
    for (const profile of ["preview", "e2e"]) {
        it(`profiles/${profile}.yaml creates no group, JIT group or Conditional Access policy`, () => {
            const doc = parse(
                readFileSync(path.join(ROOT, "profiles", `${profile}.yaml`), "utf8"),
            ) as {
                config: Record<string, unknown>;
            };
            const c = doc.config;
            assert.equal((c["aks-entra:admins"] as { createGroup?: unknown }).createGroup, false);
            assert.equal(c["aks-entra:jit"], undefined);
            assert.equal(c["aks-entra:conditionalAccess"], undefined);
        });
    }
});

describe("bootstrap: npm run plan -- --project bootstrap", () => {
    it("plans the example stack file, guardrails clean, exit 0", async function () {
        this.timeout(120_000);
        const out = await inProcess((io) =>
            main(["--project", "bootstrap", "--fail-on", "high"], io),
        );
        assert.equal(out.code, 0, out.stderr);
        assert.match(
            out.stdout,
            /^Bootstrap plan: aks-entra-bootstrap \/ example\n96 resources, 8 deployment identities, 39 Azure role assignments, 33 Microsoft Graph permissions, 0 guardrail violations\n/,
        );
        assert.match(
            out.stdout,
            /  plan-read: id-aks-entra-deploy-plan-read  repo:contoso\/aks-entra:environment:plan-read\n      Reader on \/subscriptions\//,
        );
    });

    it("a --config file in bootstrap/ plans the bootstrap, and --json writes its plan", async function () {
        this.timeout(120_000);
        const dir = mkdtempSync(path.join(tmpdir(), "bootstrap-plan-"));
        try {
            const json = path.join(dir, "plan.json");
            const out = await inProcess((io) =>
                main(
                    [
                        "--config",
                        path.join(ROOT, "bootstrap", "Pulumi.example.yaml"),
                        "--json",
                        json,
                    ],
                    io,
                ),
            );
            assert.equal(out.code, 0, out.stderr);
            const plan = JSON.parse(readFileSync(json, "utf8")) as BootstrapPlan;
            assert.equal(plan.schemaVersion, 1);
            assert.equal(plan.stack, "example");
            assert.deepEqual(
                plan.identities.map((i) => i.environment),
                ENVIRONMENTS,
            );
            assert.deepEqual(plan.violations, []);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses --diff and --markdown for the bootstrap", async () => {
        const out = await inProcess((io) =>
            main(["--project", "bootstrap", "--markdown", "x.md"], io),
        );
        assert.equal(out.code, 1);
        assert.equal(
            out.stderr,
            "plan: --markdown is for the main program's stacks; the bootstrap's plan has --json, --policy-config and --fail-on\n",
        );
    });

    it("refuses a project it does not know", async () => {
        const out = await inProcess((io) => main(["--project", "boot"], io));
        assert.equal(out.code, 1);
        assert.ok(
            out.stderr.startsWith(
                'plan: --project "boot" is not a project of this repository; use bootstrap or aks-entra\n',
            ),
            out.stderr,
        );
    });
});
