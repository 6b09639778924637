// verify/live.ts against fakes of the two services it reads (test/fakeServices.ts): ARM as an
// in-process HttpClient (the SDKs' own pipelines run, bearer policy included, over
// https://management.azure.com, and nothing leaves the process) and the Kubernetes API as a
// node:http server on 127.0.0.1, both serving the deployment below. The bodies are the REST
// shapes Azure and the API server return (properties nested, timestamps as strings, nulls kept),
// so a snapshot equal to what was served proves nothing was flattened.
// readStackState runs against a fake `pulumi` on PATH: no backend, no network.
import { strict as assert } from "node:assert";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
    AKS_SERVER_SCOPE,
    type LiveOptions,
    MAX_CONCURRENT_READS,
    readLive,
    ReadFailure,
    readStackState,
} from "../verify/live";
import type { ReadTargets } from "../verify/snapshot";
import {
    type Answer,
    ARM_SCOPE,
    armClient,
    armError,
    type ArmFailure,
    armNotFound,
    armParentNotFound,
    type ArmRequest,
    closedPort,
    type FakeArm,
    fakeCredential,
    type FakeKube,
    kubeLists,
    kubeServer,
    kubeStatus,
    ROLE_ASSIGNMENTS,
} from "./fakeServices";

// --- the deployed world ------------------------------------------------------------------------

const SUB = "3f2c8a1e-6b4d-4c9a-9e1f-7a2b5c8d0e14";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const RG = "rg-aks-entra-prod-5ff3bbad";
const RG_ID = `/subscriptions/${SUB}/resourceGroups/${RG}`;
const CLUSTER_NAME = "aks-aks-entra-prod-5ff3bbad";
const CLUSTER = `${RG_ID}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER_NAME}`;
/** AKS answers with "resourcegroups" in lower case; targets come from Pulumi's state. */
const CLUSTER_AS_ARM = `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER_NAME}`;
const REGISTRY = `${RG_ID}/providers/Microsoft.ContainerRegistry/registries/acraksentraprod5ff3`;
const SUBSCRIPTION_SCOPE = `/subscriptions/${SUB}`;
const identityId = (name: string) =>
    `${RG_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const WORKLOAD = identityId("id-aks-entra-prod-5ff3bbad-apps-api");
const KUBELET = identityId("id-aks-entra-prod-5ff3bbad-kubelet");
const REMOVED = identityId("id-aks-entra-prod-5ff3bbad-removed");
const ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/9b2e6a0c-41d7-4f3e-8c55-0d6f1e2a7b93/`;

const ADMINS = "c0a4f1d2-8e3b-4f6a-9d7c-1b2e3f4a5b6c";
const DEVELOPERS = "d1b5e2f3-9f4c-4a7b-8e8d-2c3f4a5b6c7d";
const WORKLOAD_PRINCIPAL = "e2c6f3a4-0a5d-4b8c-9f9e-3d4a5b6c7d8e";
const KUBELET_PRINCIPAL = "f3d7a4b5-1b6e-4c9d-8a0f-4e5b6c7d8e9f";
const DEPLOYER = "a4e8b5c6-2c7f-4dae-9b1a-5f6c7d8e9fa0";

// Role definition GUIDs: docs/azure-facts.md, "Built-in Azure role definition GUIDs".
const CLUSTER_USER = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f";
const RBAC_READER = "7f6c6a51-bcf8-42ba-9220-52d62157d7db";
const RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const MI_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59";

function roleAssignment(
    scope: string,
    name: string,
    role: string,
    principalId: string,
    principalType: string,
) {
    return {
        properties: {
            roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            principalId,
            principalType,
            scope,
            condition: null,
            conditionVersion: null,
            createdOn: "2026-11-20T09:12:33.1234567Z",
            updatedOn: "2026-11-20T09:12:33.1234567Z",
            createdBy: DEPLOYER,
            updatedBy: DEPLOYER,
            delegatedManagedIdentityResourceId: null,
            description: null,
        },
        id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        type: "Microsoft.Authorization/roleAssignments",
        name,
    };
}

const CLUSTER_PAGE_1 = [
    roleAssignment(CLUSTER, "0b6f2d1e-4c3a-5b8d-9e7f-1a2b3c4d5e6f", CLUSTER_USER, ADMINS, "Group"),
    roleAssignment(
        CLUSTER,
        "1c7a3e2f-5d4b-5c9e-8f0a-2b3c4d5e6f7a",
        RBAC_CLUSTER_ADMIN,
        ADMINS,
        "Group",
    ),
];
const CLUSTER_PAGE_2 = [
    roleAssignment(
        `${CLUSTER}/namespaces/apps`,
        "2d8b4f3a-6e5c-5dab-9a1b-3c4d5e6f7a8b",
        RBAC_READER,
        DEVELOPERS,
        "Group",
    ),
];
const REGISTRY_ASSIGNMENTS = [
    roleAssignment(
        REGISTRY,
        "3e9c5a4b-7f6d-5ebc-8b2c-4d5e6f7a8b9c",
        ACR_PULL,
        KUBELET_PRINCIPAL,
        "ServicePrincipal",
    ),
];

const SUBSCRIPTION_ASSIGNMENTS = [
    roleAssignment(
        SUBSCRIPTION_SCOPE,
        "5a1e7c6d-9b8f-5adc-8d4e-6f7a8b9c0d1e",
        MI_CONTRIBUTOR,
        DEPLOYER,
        "User",
    ),
];

const CLUSTER_BODY = {
    id: CLUSTER_AS_ARM,
    location: "westeurope",
    name: CLUSTER_NAME,
    type: "Microsoft.ContainerService/ManagedClusters",
    tags: { "aks-entra:stack": "prod" },
    sku: { name: "Base", tier: "Standard" },
    identity: {
        type: "UserAssigned",
        userAssignedIdentities: {
            [identityId("id-aks-entra-prod-5ff3bbad-control-plane")]: {
                principalId: "b5f9c6d7-3d8a-4ebf-8c2b-6a7d8e9fa0b1",
                clientId: "c6a0d7e8-4e9b-4fca-9d3c-7b8e9fa0b1c2",
            },
        },
    },
    properties: {
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        kubernetesVersion: "1.35",
        currentKubernetesVersion: "1.35.2",
        dnsPrefix: "aks-entra-prod",
        fqdn: "aks-entra-prod-95a72697.hcp.westeurope.azmk8s.io",
        enableRBAC: true,
        disableLocalAccounts: true,
        aadProfile: {
            managed: true,
            enableAzureRBAC: true,
            adminGroupObjectIDs: [ADMINS],
            adminUsers: null,
            tenantID: TENANT,
        },
        oidcIssuerProfile: { enabled: true, issuerURL: ISSUER },
        securityProfile: { workloadIdentity: { enabled: true } },
        apiServerAccessProfile: {
            authorizedIPRanges: ["203.0.113.0/24"],
            enablePrivateCluster: false,
            disableRunCommand: true,
        },
        identityProfile: {
            kubeletidentity: {
                resourceId: KUBELET,
                clientId: "d7b1e8f9-5fac-4adb-8e4d-8c9fa0b1c2d3",
                objectId: KUBELET_PRINCIPAL,
            },
        },
    },
};

function identityBody(id: string, principalId: string, clientId: string) {
    return {
        location: "westeurope",
        tags: {},
        id,
        name: id.split("/").pop(),
        type: "Microsoft.ManagedIdentity/userAssignedIdentities",
        properties: { isolationScope: "None", tenantId: TENANT, principalId, clientId },
    };
}
const WORKLOAD_BODY = identityBody(
    WORKLOAD,
    WORKLOAD_PRINCIPAL,
    "e8c2f9a0-6abd-4bec-9f5e-9da0b1c2d3e4",
);
const KUBELET_BODY = identityBody(
    KUBELET,
    KUBELET_PRINCIPAL,
    "d7b1e8f9-5fac-4adb-8e4d-8c9fa0b1c2d3",
);
const WORKLOAD_FICS = [
    {
        id: `${WORKLOAD}/federatedIdentityCredentials/fic-apps-api`,
        name: "fic-apps-api",
        type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        properties: {
            issuer: ISSUER,
            subject: "system:serviceaccount:apps:api",
            audiences: ["api://AzureADTokenExchange"],
        },
    },
];

/** The user kubeconfig AKS returns for an Entra cluster: an exec plugin, no secret. */
function userKubeconfig(server: string): string {
    return [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
        `    server: ${server}`,
        `  name: ${CLUSTER_NAME}`,
        "contexts:",
        "- context:",
        `    cluster: ${CLUSTER_NAME}`,
        `    user: clusterUser_${RG}_${CLUSTER_NAME}`,
        `  name: ${CLUSTER_NAME}`,
        `current-context: ${CLUSTER_NAME}`,
        "kind: Config",
        "users:",
        `- name: clusterUser_${RG}_${CLUSTER_NAME}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, " +
            TENANT +
            ", --login, devicecode]",
        "      command: kubelogin",
        "",
    ].join("\n");
}

// --- fake ARM ----------------------------------------------------------------------------------

interface ArmFake extends FakeArm {
    /** Lower-cased scope id -> an error status and body instead of the list. */
    scopeErrors: Map<string, ArmFailure>;
    /** Lower-cased scope id -> the role assignments listed there (beyond the built-in ones). */
    extraScopes: Map<string, unknown[]>;
    /** Milliseconds before answering a request for this lower-cased scope. */
    delays: Map<string, number>;
    kubeServer: string;
    /** The cluster was deleted outside the stack: its GET and its user credentials are 404s. */
    clusterDeleted: boolean;
    /** An error status and body instead of the cluster's GET (its credentials still answer). */
    clusterFailure?: ArmFailure;
}

function fakeArm(): ArmFake {
    const fake: ArmFake = Object.assign(
        armClient((q) => answer(fake, q)),
        {
            scopeErrors: new Map(),
            extraScopes: new Map(),
            delays: new Map(),
            kubeServer: "https://aks-entra-prod-95a72697.hcp.westeurope.azmk8s.io:443",
            clusterDeleted: false,
        },
    );
    return fake;
}

const CLUSTERS_IN_RG =
    `${RG_ID}/providers/Microsoft.ContainerService/managedClusters/`.toLowerCase();

async function answer(fake: ArmFake, { method, url }: ArmRequest): Promise<Answer | undefined> {
    const p = url.pathname.toLowerCase();
    const cluster = CLUSTER.toLowerCase();
    // Any other cluster in the resource group, or this one once deleted, is not there: ARM
    // answers its GET and its listClusterUserCredential POST with 404 ResourceNotFound.
    if (p.startsWith(CLUSTERS_IN_RG)) {
        const [name, action] = url.pathname.slice(CLUSTERS_IN_RG.length).split("/");
        const gone = name.toLowerCase() !== CLUSTER_NAME.toLowerCase() || fake.clusterDeleted;
        if (gone && (action === undefined || action === "listClusterUserCredential")) {
            return armNotFound("Microsoft.ContainerService/managedClusters", name, RG);
        }
    }
    if (method === "GET" && p === cluster && fake.clusterFailure) {
        const f = fake.clusterFailure;
        return armError(f.status, f.code, f.message);
    }
    if (method === "GET" && p === cluster) return { status: 200, body: CLUSTER_BODY };
    if (method === "POST" && p === `${cluster}/listclusterusercredential`) {
        const value = Buffer.from(userKubeconfig(fake.kubeServer)).toString("base64");
        return { status: 200, body: { kubeconfigs: [{ name: "clusterUser", value }] } };
    }
    if (method === "GET" && p.endsWith(ROLE_ASSIGNMENTS)) {
        const scope = p.slice(0, -ROLE_ASSIGNMENTS.length);
        const delay = fake.delays.get(scope);
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const failure = fake.scopeErrors.get(scope);
        if (failure) return armError(failure.status, failure.code, failure.message);
        if (scope === cluster) {
            if (url.searchParams.get("$skiptoken") === "page2") {
                return { status: 200, body: { value: CLUSTER_PAGE_2 } };
            }
            // ARM's nextLink repeats the query (api-version, $filter) and adds $skiptoken.
            const next = new URL(url.href);
            next.searchParams.set("$skiptoken", "page2");
            return { status: 200, body: { value: CLUSTER_PAGE_1, nextLink: next.href } };
        }
        if (scope === REGISTRY.toLowerCase()) {
            return { status: 200, body: { value: REGISTRY_ASSIGNMENTS } };
        }
        if (scope === SUBSCRIPTION_SCOPE.toLowerCase()) {
            return { status: 200, body: { value: SUBSCRIPTION_ASSIGNMENTS } };
        }
        const extra = fake.extraScopes.get(scope);
        if (extra) return { status: 200, body: { value: extra } };
    }
    const identities: [string, unknown, unknown[]][] = [
        [WORKLOAD, WORKLOAD_BODY, WORKLOAD_FICS],
        [KUBELET, KUBELET_BODY, []],
    ];
    for (const [id, body, fics] of identities) {
        if (method !== "GET") continue;
        if (p === id.toLowerCase()) return { status: 200, body };
        if (p === `${id.toLowerCase()}/federatedidentitycredentials`) {
            return { status: 200, body: { value: fics } };
        }
    }
    if (p.startsWith(REMOVED.toLowerCase())) {
        return p.endsWith("/federatedidentitycredentials")
            ? armParentNotFound("userAssignedIdentities/federatedIdentityCredentials", REMOVED)
            : armNotFound(
                  "Microsoft.ManagedIdentity/userAssignedIdentities",
                  "id-aks-entra-prod-5ff3bbad-removed",
                  RG,
              );
    }
    return undefined;
}

// --- fake credential ---------------------------------------------------------------------------

const ARM_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.arm-token-for-verify-tests.c2lnbmF0dXJl";
const AKS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.aks-token-for-verify-tests.c2lnbmF0dXJl";

/** Tokens for ARM and the AKS server app; `refuse`: scopes nobody is signed in for. */
const credential = (refuse: string[] = []) =>
    fakeCredential({ [ARM_SCOPE]: ARM_TOKEN, [AKS_SERVER_SCOPE]: AKS_TOKEN }, refuse);

// --- fake Kubernetes API -----------------------------------------------------------------------

const MANAGED_FIELDS = [
    {
        manager: "pulumi-kubernetes-1b47061264138c4a",
        operation: "Apply",
        apiVersion: "v1",
        time: "2026-11-23T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { "f:app.kubernetes.io/managed-by": {} } } },
    },
];

function meta(name: string, namespace?: string) {
    return {
        name,
        ...(namespace ? { namespace } : {}),
        uid: "6b1d9e2f-3a4c-4d5e-8f7a-0b1c2d3e4f5a",
        resourceVersion: "48213",
        creationTimestamp: "2026-11-23T10:00:00Z",
        labels: { "app.kubernetes.io/managed-by": "pulumi" },
        managedFields: MANAGED_FIELDS,
    };
}

const SERVICE_ACCOUNTS: Record<string, unknown[]> = {
    apps: [
        { metadata: meta("default", "apps") },
        {
            metadata: {
                ...meta("api", "apps"),
                annotations: {
                    "azure.workload.identity/client-id": "e8c2f9a0-6abd-4bec-9f5e-9da0b1c2d3e4",
                },
            },
            automountServiceAccountToken: false,
        },
    ],
    payments: [{ metadata: meta("default", "payments") }],
};
const ROLE_BINDINGS: Record<string, unknown[]> = {
    apps: [
        {
            metadata: meta("developers-edit", "apps"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
            subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: DEVELOPERS }],
        },
    ],
    payments: [],
};
const CLUSTER_ROLE_BINDINGS = [
    {
        metadata: meta("aks-cluster-admin-binding-aad"),
        roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "cluster-admin",
        },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: ADMINS }],
    },
];

interface KubeFake extends FakeKube {
    /** Path -> status to answer instead of the list. */
    failures: Map<string, number>;
}

async function fakeKube(): Promise<KubeFake> {
    const failures = new Map<string, number>();
    const lists = kubeLists({
        clusterRoleBindings: () => CLUSTER_ROLE_BINDINGS,
        serviceAccounts: (ns) => SERVICE_ACCOUNTS[ns] ?? [],
        roleBindings: (ns) => ROLE_BINDINGS[ns] ?? [],
    });
    const served = await kubeServer(AKS_TOKEN, (q) => {
        const failure = failures.get(q.path);
        if (failure === 401) {
            // An API server that echoes the credential it refused must not leak it into verify's output.
            return kubeStatus(401, `Unauthorized (${q.authorization})`, "Unauthorized");
        }
        if (failure) return kubeStatus(failure, "refused by the fake", "Forbidden");
        return lists(q);
    });
    return Object.assign(served, { failures });
}

// --- helpers -----------------------------------------------------------------------------------

const TARGETS: ReadTargets = {
    subscriptionId: SUB,
    clusters: [CLUSTER],
    scopes: [
        { id: CLUSTER, below: true },
        { id: REGISTRY, below: false },
        { id: SUBSCRIPTION_SCOPE, below: false },
    ],
    identities: [WORKLOAD, REMOVED, KUBELET],
    namespaces: ["apps", "payments"],
};

/** What verify keeps of a served Kubernetes list item. */
function asRead(apiVersion: string, kind: string, item: unknown) {
    const { metadata, ...rest } = item as { metadata: Record<string, unknown> };
    const { managedFields: _, ...kept } = metadata;
    void _;
    return { apiVersion, kind, ...rest, metadata: kept };
}

const FORBIDDEN_AT_SUBSCRIPTION = {
    status: 403,
    code: "AuthorizationFailed",
    message: `The client '${DEPLOYER}' with object id '${DEPLOYER}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '${SUBSCRIPTION_SCOPE}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
};

describe("verify live reads (verify/live.ts)", function () {
    let kube: KubeFake;
    beforeEach(async () => {
        kube = await fakeKube();
    });
    afterEach(async () => {
        await kube.close();
    });

    function options(arm: ArmFake, extra: Partial<LiveOptions> = {}): LiveOptions {
        return {
            credential: credential(),
            httpClient: arm,
            kube: { server: kube.server, token: AKS_TOKEN },
            ...extra,
        };
    }

    describe("ARM", function () {
        it("keeps every body as the REST API returns it: properties nested, pages joined, in target order", async () => {
            const arm = fakeArm();
            arm.scopeErrors.set(SUBSCRIPTION_SCOPE.toLowerCase(), FORBIDDEN_AT_SUBSCRIPTION);
            const r = await readLive(TARGETS, options(arm));

            assert.deepEqual(r.arm.managedClusters, [CLUSTER_BODY]);
            // Keys are the scope ids as given; the 403 scope has none (it is an error instead).
            assert.deepEqual(Object.keys(r.arm.roleAssignments), [CLUSTER, REGISTRY]);
            assert.deepEqual(r.arm.roleAssignments[CLUSTER], [
                ...CLUSTER_PAGE_1,
                ...CLUSTER_PAGE_2,
            ]);
            assert.deepEqual(r.arm.roleAssignments[REGISTRY], REGISTRY_ASSIGNMENTS);
            assert.deepEqual(r.arm.userAssignedIdentities, [WORKLOAD_BODY, KUBELET_BODY]);
            assert.deepEqual(r.arm.federatedIdentityCredentials, {
                [WORKLOAD]: WORKLOAD_FICS,
                [KUBELET]: [],
                [REMOVED]: [],
            });
            // Nothing flattened, converted or dropped: the SDK models would have moved
            // properties.principalId up, made createdOn a Date and dropped the nulls.
            const first = r.arm.roleAssignments[CLUSTER][0];
            const properties = first.properties as Record<string, unknown>;
            assert.equal(properties.createdOn, "2026-11-20T09:12:33.1234567Z");
            assert.equal(properties.condition, null);
            assert.ok(!("principalId" in first));
            assert.deepEqual(r.arm.managedClusters[0].properties, CLUSTER_BODY.properties);
        });

        it("asks atScope() exactly for the below:false scopes, with an api-version and the bearer token on every request", async () => {
            const arm = fakeArm();
            const cred = credential();
            await readLive(TARGETS, options(arm, { credential: cred }));

            const listings = arm.requests.filter((q) =>
                q.url.pathname.endsWith("/roleAssignments"),
            );
            // The cluster's list took two pages (nextLink), the other scopes one each.
            assert.equal(listings.length, 4);
            for (const scope of TARGETS.scopes) {
                const mine = listings.filter(
                    (q) =>
                        q.url.pathname ===
                        `${scope.id}/providers/Microsoft.Authorization/roleAssignments`,
                );
                assert.ok(mine.length > 0, `no request for ${scope.id}`);
                for (const q of mine) {
                    assert.equal(
                        q.url.searchParams.get("$filter"),
                        scope.below ? null : "atScope()",
                        `${scope.id}: ${q.url.href}`,
                    );
                }
            }
            for (const q of arm.requests) {
                assert.match(
                    q.url.searchParams.get("api-version") ?? "",
                    /^\d{4}-\d{2}-\d{2}/,
                    q.url.href,
                );
                assert.equal(q.authorization, `Bearer ${ARM_TOKEN}`, q.url.href);
                assert.ok(!q.url.pathname.startsWith("//"), `double slash: ${q.url.href}`);
            }
            // Each SDK client asks for a token; the credential itself is asked once per scope.
            assert.deepEqual(
                cred.scopes.filter((s) => s === "https://management.azure.com/.default").length,
                1,
            );
            // A cluster's role assignments were read at the cluster itself, not its lower-cased form.
            assert.ok(arm.requests.some((q) => q.url.pathname === CLUSTER));
        });

        it("a 403 on one scope is a ReadError naming the scope with status and code; every other read succeeds", async () => {
            const arm = fakeArm();
            arm.scopeErrors.set(SUBSCRIPTION_SCOPE.toLowerCase(), FORBIDDEN_AT_SUBSCRIPTION);
            const r = await readLive(TARGETS, options(arm, { kubernetes: false }));

            const forbidden = r.errors.filter((e) => e.what.startsWith("role assignments"));
            assert.deepEqual(forbidden, [
                {
                    what: `role assignments at ${SUBSCRIPTION_SCOPE}`,
                    error: `403 AuthorizationFailed: ${FORBIDDEN_AT_SUBSCRIPTION.message}`,
                },
            ]);
            assert.equal(r.arm.roleAssignments[SUBSCRIPTION_SCOPE], undefined);
            assert.equal(r.arm.managedClusters.length, 1);
            assert.equal(r.arm.roleAssignments[CLUSTER].length, 3);
            assert.equal(r.arm.roleAssignments[REGISTRY].length, 1);
        });

        it("a 404 identity is an error entry (the comparison reports it missing); its credentials list, 404 ParentResourceNotFound, is empty", async () => {
            const arm = fakeArm();
            const r = await readLive(TARGETS, options(arm, { kubernetes: false }));
            assert.deepEqual(r.errors, [
                {
                    what: `identity ${REMOVED}`,
                    error: `404 ResourceNotFound: The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-entra-prod-5ff3bbad-removed' under resource group '${RG}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
                },
            ]);
            assert.deepEqual(
                r.arm.userAssignedIdentities.map((i) => i.id),
                [WORKLOAD, KUBELET],
            );
            assert.deepEqual(r.arm.federatedIdentityCredentials[REMOVED], []);
            // The credentials list was asked for, and ARM answered 404 ParentResourceNotFound.
            assert.ok(
                arm.requests.some((q) =>
                    q.url.pathname.startsWith(`${REMOVED}/federatedIdentityCredentials`),
                ),
            );
        });

        it("a cluster that is gone is an error entry; an id that is not a cluster's is one too", async () => {
            const arm = fakeArm();
            const gone = CLUSTER.replace(CLUSTER_NAME, "aks-deleted");
            const r = await readLive(
                {
                    ...TARGETS,
                    clusters: [gone, `${RG_ID}/providers/Microsoft.Web/sites/app`],
                    scopes: [],
                    identities: [],
                },
                options(arm, { kubernetes: false }),
            );
            assert.deepEqual(r.arm.managedClusters, []);
            assert.deepEqual(
                r.errors.map((e) => e.what),
                [
                    `managed cluster ${gone}`,
                    `managed cluster ${RG_ID}/providers/Microsoft.Web/sites/app`,
                ],
            );
            assert.match(
                r.errors[0].error,
                /^404 ResourceNotFound: The Resource 'Microsoft\.ContainerService\/managedClusters\/aks-deleted' /,
            );
            assert.match(
                r.errors[1].error,
                /not a Microsoft\.ContainerService\/managedClusters resource id/,
            );
        });

        it("parses cluster and identity ids case-insensitively (ARM's own casing varies)", async () => {
            const arm = fakeArm();
            const r = await readLive(
                {
                    ...TARGETS,
                    clusters: [
                        CLUSTER_AS_ARM.replace(
                            "Microsoft.ContainerService",
                            "microsoft.containerservice",
                        ),
                    ],
                    scopes: [],
                    identities: [WORKLOAD.replace("/resourceGroups/", "/RESOURCEGROUPS/")],
                },
                options(arm, { kubernetes: false }),
            );
            assert.deepEqual(r.errors, []);
            assert.equal(r.arm.managedClusters.length, 1);
            assert.equal(r.arm.userAssignedIdentities.length, 1);
        });

        it("a token that cannot be had fails each read with the credential's message, quickly", async () => {
            const arm = fakeArm();
            const started = Date.now();
            const r = await readLive(
                TARGETS,
                options(arm, {
                    credential: credential(["https://management.azure.com/.default"]),
                    kubernetes: false,
                }),
            );
            assert.ok(Date.now() - started < 5_000);
            assert.equal(arm.requests.length, 0);
            assert.equal(r.errors.length, 1 + 3 + 2 * 3);
            for (const e of r.errors) {
                assert.match(
                    e.error,
                    /^CredentialUnavailableError: AzureCliCredential: Please run 'az login'/,
                );
            }
        });

        it("runs at most MAX_CONCURRENT_READS reads at once, and keeps the order of the targets when answers come out of order", async () => {
            const arm = fakeArm();
            const scopes = Array.from({ length: 20 }, (_, i) => {
                const id = `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-${String(i).padStart(2, "0")}`;
                arm.extraScopes.set(id.toLowerCase(), [
                    roleAssignment(
                        id,
                        `4f0d6b5c-8a7e-5fcd-9c3d-${String(i).padStart(12, "0")}`,
                        RBAC_READER,
                        DEVELOPERS,
                        "Group",
                    ),
                ]);
                // Later scopes answer first.
                arm.delays.set(id.toLowerCase(), (20 - i) * 3);
                if (i % 7 === 3) arm.scopeErrors.set(id.toLowerCase(), FORBIDDEN_AT_SUBSCRIPTION);
                return { id, below: false };
            });
            const r = await readLive(
                { ...TARGETS, clusters: [], identities: [], scopes },
                options(arm, { kubernetes: false }),
            );
            assert.equal(MAX_CONCURRENT_READS, 8);
            assert.ok(arm.maxInFlight <= MAX_CONCURRENT_READS, `max in flight ${arm.maxInFlight}`);
            assert.ok(arm.maxInFlight > 1, "reads ran one by one");
            const failed = scopes.filter((_, i) => i % 7 === 3).map((s) => s.id);
            assert.deepEqual(
                Object.keys(r.arm.roleAssignments),
                scopes.map((s) => s.id).filter((id) => !failed.includes(id)),
            );
            assert.deepEqual(
                r.errors.map((e) => e.what),
                failed.map((id) => `role assignments at ${id}`),
            );
        });
    });

    describe("Kubernetes", function () {
        it("lists each namespace's service accounts and RoleBindings and the ClusterRoleBindings, as JSON, with the token", async () => {
            const arm = fakeArm();
            const r = await readLive(TARGETS, options(arm));

            assert.equal(r.kubernetes.read, true);
            assert.deepEqual(r.kubernetes.serviceAccounts, [
                ...SERVICE_ACCOUNTS.apps.map((o) => asRead("v1", "ServiceAccount", o)),
                ...SERVICE_ACCOUNTS.payments.map((o) => asRead("v1", "ServiceAccount", o)),
            ]);
            assert.deepEqual(
                r.kubernetes.roleBindings,
                ROLE_BINDINGS.apps.map((o) =>
                    asRead("rbac.authorization.k8s.io/v1", "RoleBinding", o),
                ),
            );
            assert.deepEqual(
                r.kubernetes.clusterRoleBindings,
                CLUSTER_ROLE_BINDINGS.map((o) =>
                    asRead("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", o),
                ),
            );
            for (const o of [...r.kubernetes.serviceAccounts, ...r.kubernetes.roleBindings]) {
                assert.ok(!("managedFields" in o.metadata));
                // Timestamps as the API server wrote them, not Date objects re-serialised.
                assert.equal(o.metadata.creationTimestamp, "2026-11-23T10:00:00Z");
            }
            assert.deepEqual(kube.requests.map((q) => q.path).sort(), [
                "/api/v1/namespaces/apps/serviceaccounts",
                "/api/v1/namespaces/payments/serviceaccounts",
                "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings",
            ]);
            for (const q of kube.requests) assert.equal(q.authorization, `Bearer ${AKS_TOKEN}`);
            // The endpoint was given: no user kubeconfig was fetched.
            assert.ok(
                !arm.requests.some((q) => q.url.pathname.endsWith("/listClusterUserCredential")),
            );
        });

        it("a 401 from one endpoint is a ReadError; the other lists are kept; no token anywhere in the result", async () => {
            const arm = fakeArm();
            arm.scopeErrors.set(SUBSCRIPTION_SCOPE.toLowerCase(), FORBIDDEN_AT_SUBSCRIPTION);
            kube.failures.set(
                "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings",
                401,
            );
            const r = await readLive(TARGETS, options(arm));

            assert.equal(r.kubernetes.read, true);
            const mine = r.errors.filter((e) => e.what === "role bindings in payments");
            assert.equal(mine.length, 1);
            assert.match(mine[0].error, /^401 Unauthorized: Unauthorized \(Bearer \[redacted\]\)$/);
            assert.equal(r.kubernetes.serviceAccounts.length, 3);
            assert.equal(r.kubernetes.roleBindings.length, 1);
            assert.equal(r.kubernetes.clusterRoleBindings.length, 1);
            // Errors in the order of the targets: ARM first, then Kubernetes.
            assert.deepEqual(
                r.errors.map((e) => e.what),
                [
                    `role assignments at ${SUBSCRIPTION_SCOPE}`,
                    `identity ${REMOVED}`,
                    "role bindings in payments",
                ],
            );
            const text = JSON.stringify(r);
            assert.ok(!text.includes(ARM_TOKEN), "ARM token in the result");
            assert.ok(!text.includes(AKS_TOKEN), "AKS token in the result");
            assert.ok(!text.includes("aks-token-for-verify-tests"));
        });

        it("finds the API server in the cluster user kubeconfig and signs in with a token for the AKS server app", async () => {
            const arm = fakeArm();
            arm.kubeServer = kube.server;
            const cred = credential();
            const r = await readLive(TARGETS, { credential: cred, httpClient: arm });

            assert.equal(r.kubernetes.read, true);
            assert.equal(r.kubernetes.clusterRoleBindings.length, 1);
            assert.ok(cred.scopes.includes(AKS_SERVER_SCOPE));
            assert.equal(AKS_SERVER_SCOPE, "6dae42f8-4368-4678-94ff-3960e28e3630/.default");
            const creds = arm.requests.filter((q) =>
                q.url.pathname.endsWith("/listClusterUserCredential"),
            );
            assert.equal(creds.length, 1);
            assert.equal(creds[0].method, "POST");
            assert.ok(creds[0].url.searchParams.get("api-version"));
            assert.equal(creds[0].authorization, `Bearer ${ARM_TOKEN}`);
            for (const q of kube.requests) assert.equal(q.authorization, `Bearer ${AKS_TOKEN}`);
            // Nothing of the kubeconfig is kept.
            const text = JSON.stringify(r);
            assert.ok(!text.includes("certificate-authority-data"));
            assert.ok(!text.includes("LS0tLS1CRUdJTi"));
            assert.ok(!text.includes("kubelogin"));
            assert.ok(!text.includes(AKS_TOKEN));
        });

        it("kubernetes: false reads nothing from the cluster: read false, no request, no kubeconfig, no token", async () => {
            const arm = fakeArm();
            const cred = credential();
            const r = await readLive(
                TARGETS,
                options(arm, { credential: cred, kubernetes: false }),
            );
            assert.deepEqual(r.kubernetes, {
                read: false,
                serviceAccounts: [],
                roleBindings: [],
                clusterRoleBindings: [],
            });
            assert.equal(kube.requests.length, 0);
            assert.ok(
                !arm.requests.some((q) => q.url.pathname.endsWith("/listClusterUserCredential")),
            );
            assert.ok(!cred.scopes.includes(AKS_SERVER_SCOPE));
        });

        it("no cluster target: nothing to read in Kubernetes, even with kubernetes: true", async () => {
            const noKube = {
                read: false,
                serviceAccounts: [],
                roleBindings: [],
                clusterRoleBindings: [],
            };
            // An endpoint given, and the real path (the user kubeconfig and an AKS token).
            for (const extra of [{ kubernetes: true }, { kubernetes: true, kube: undefined }]) {
                const arm = fakeArm();
                arm.kubeServer = kube.server;
                const cred = credential();
                const r = await readLive(
                    { ...TARGETS, clusters: [] },
                    options(arm, { credential: cred, ...extra }),
                );
                assert.deepEqual(r.kubernetes, noKube);
                assert.deepEqual(
                    r.errors.map((e) => e.what),
                    [`identity ${REMOVED}`],
                );
                assert.ok(
                    !arm.requests.some((q) =>
                        q.url.pathname.endsWith("/listClusterUserCredential"),
                    ),
                );
                assert.ok(!cred.scopes.includes(AKS_SERVER_SCOPE));
            }
            assert.equal(kube.requests.length, 0);
        });

        // Through the real path: no endpoint given, so the old reader asked ARM for the deleted
        // cluster's user credentials, got a 404 and failed "kubernetes credentials" (exit 3, a
        // read failed) instead of leaving the cluster's own 404 to say it is missing (exit 2).
        it("a cluster deleted outside the stack: Kubernetes is not read at all (no user credentials, no AKS token, read false, no Kubernetes error); its 404 stays", async () => {
            const arm = fakeArm();
            arm.kubeServer = kube.server;
            arm.clusterDeleted = true;
            const cred = credential();
            const r = await readLive(TARGETS, { credential: cred, httpClient: arm });

            assert.deepEqual(r.kubernetes, {
                read: false,
                serviceAccounts: [],
                roleBindings: [],
                clusterRoleBindings: [],
            });
            assert.deepEqual(r.arm.managedClusters, []);
            assert.deepEqual(
                r.errors.map((e) => e.what),
                [`managed cluster ${CLUSTER}`, `identity ${REMOVED}`],
            );
            assert.equal(
                r.errors[0].error,
                `404 ResourceNotFound: The Resource 'Microsoft.ContainerService/managedClusters/${CLUSTER_NAME}' under resource group '${RG}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
            );
            assert.equal(kube.requests.length, 0);
            assert.deepEqual(
                arm.requests.filter((q) => q.method !== "GET").map((q) => q.url.pathname),
                [],
            );
            assert.ok(!cred.scopes.includes(AKS_SERVER_SCOPE));
            // ARM's other reads went on: the role assignments and identities are there.
            assert.equal(r.arm.roleAssignments[CLUSTER].length, 3);
            assert.equal(r.arm.userAssignedIdentities.length, 2);
        });

        it("the same with an endpoint given: a deleted cluster's API server is never asked", async () => {
            const arm = fakeArm();
            arm.clusterDeleted = true;
            const r = await readLive(TARGETS, options(arm));
            assert.equal(r.kubernetes.read, false);
            assert.equal(kube.requests.length, 0);
            assert.ok(
                !r.errors.some((e) =>
                    /^(kubernetes|cluster role|role bindings|service)/.test(e.what),
                ),
            );
        });

        it("of two clusters, the first deleted: Kubernetes is read through the one that is there", async () => {
            const arm = fakeArm();
            arm.kubeServer = kube.server;
            const gone = CLUSTER.replace(CLUSTER_NAME, "aks-aks-entra-prod-deleted");
            const r = await readLive(
                { ...TARGETS, clusters: [gone, CLUSTER] },
                { credential: credential(), httpClient: arm },
            );

            assert.equal(r.kubernetes.read, true);
            assert.equal(r.kubernetes.clusterRoleBindings.length, 1);
            assert.deepEqual(
                arm.requests.filter((q) => q.method === "POST").map((q) => q.url.pathname),
                [`${CLUSTER}/listClusterUserCredential`],
            );
            assert.deepEqual(
                r.errors.map((e) => e.what),
                [`managed cluster ${gone}`, `identity ${REMOVED}`],
            );
        });

        it("a cluster ARM refuses to show (403) is not known to be gone: Kubernetes is still read", async () => {
            const arm = fakeArm();
            arm.kubeServer = kube.server;
            arm.clusterFailure = {
                status: 403,
                code: "AuthorizationFailed",
                message: `The client '${DEPLOYER}' with object id '${DEPLOYER}' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read' over scope '${CLUSTER}' or the scope is invalid.`,
            };
            const r = await readLive(TARGETS, { credential: credential(), httpClient: arm });

            assert.equal(r.kubernetes.read, true);
            assert.ok(kube.requests.length > 0);
            assert.match(
                r.errors.find((e) => e.what === `managed cluster ${CLUSTER}`)?.error ?? "",
                /^403 AuthorizationFailed: /,
            );
        });

        it("an API server that cannot be reached (private cluster, no path): read false, one error, no namespace tried", async () => {
            const arm = fakeArm();
            const port = await closedPort();
            const r = await readLive(
                TARGETS,
                options(arm, { kube: { server: `http://127.0.0.1:${port}`, token: AKS_TOKEN } }),
            );
            assert.equal(r.kubernetes.read, false);
            const kubeErrors = r.errors.filter(
                (e) => !/^(identity|federated|role assignments)/.test(e.what),
            );
            assert.equal(kubeErrors.length, 1);
            assert.equal(kubeErrors[0].what, "cluster role bindings");
            assert.match(kubeErrors[0].error, /^ECONNREFUSED: /);
        });

        it("no token for the AKS server app: a 'kubernetes credentials' error, read false; ARM is read", async () => {
            const arm = fakeArm();
            arm.kubeServer = kube.server;
            const r = await readLive(TARGETS, {
                credential: credential([AKS_SERVER_SCOPE]),
                httpClient: arm,
            });
            assert.equal(r.kubernetes.read, false);
            assert.equal(kube.requests.length, 0);
            const e = r.errors.find((x) => x.what === "kubernetes credentials");
            assert.ok(e);
            assert.match(e.error, /^CredentialUnavailableError: /);
            assert.equal(r.arm.managedClusters.length, 1);
        });

        it("never sends a token over plain http to another machine", async () => {
            const arm = fakeArm();
            arm.kubeServer = "http://10.224.0.4:80";
            const r = await readLive(TARGETS, { credential: credential(), httpClient: arm });
            assert.equal(r.kubernetes.read, false);
            const e = r.errors.find((x) => x.what === "kubernetes credentials");
            assert.ok(e);
            assert.match(e.error, /refusing to send a token to http:\/\/10\.224\.0\.4/);
        });
    });
});

// --- stack state -------------------------------------------------------------------------------

/** `[type, id]` of each resource readStackState keeps from EXPORTED, in order. */
const EXPORTED_RESOURCES = [
    ["pulumi:pulumi:Stack", ""],
    ["pulumi:providers:azure-native", "0c4e2a1b-9d8f-4e7a-b6c5-3d2e1f0a9b8c"],
    ["azure-native:containerservice:ManagedCluster", CLUSTER],
    ["aks-entra:AksEntra", ""],
];

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const EXPORTED = {
    version: 3,
    deployment: {
        manifest: { time: "2026-11-23T10:05:00.000Z", magic: "abc", version: "v3.270.0" },
        secrets_providers: {
            type: "cloud",
            state: { url: "azurekeyvault://kv.vault.azure.net/keys/pulumi-state" },
        },
        resources: [
            {
                urn: "urn:pulumi:prod::aks-entra::pulumi:pulumi:Stack::aks-entra-prod",
                custom: false,
                type: "pulumi:pulumi:Stack",
                outputs: {
                    clusterName: CLUSTER_NAME,
                    kubeconfig: {
                        [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
                        ciphertext: "v1:AbCd:EfGh",
                    },
                },
            },
            {
                urn: "urn:pulumi:prod::aks-entra::pulumi:providers:azure-native::default_3_28_0",
                custom: true,
                id: "0c4e2a1b-9d8f-4e7a-b6c5-3d2e1f0a9b8c",
                type: "pulumi:providers:azure-native",
                inputs: { version: "3.28.0" },
                outputs: { version: "3.28.0" },
            },
            {
                urn: "urn:pulumi:prod::aks-entra::aks-entra:AksEntra$azure-native:containerservice:ManagedCluster::aks-entra-cluster",
                custom: true,
                id: CLUSTER,
                type: "azure-native:containerservice:ManagedCluster",
                parent: "urn:pulumi:prod::aks-entra::aks-entra:AksEntra::aks-entra",
                inputs: {
                    resourceName: CLUSTER_NAME,
                    windowsProfile: {
                        adminPassword: {
                            [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
                            ciphertext: "v1:Zz",
                        },
                    },
                },
                outputs: { name: CLUSTER_NAME, disableLocalAccounts: true },
            },
            {
                urn: "urn:pulumi:prod::aks-entra::aks-entra:AksEntra::aks-entra",
                custom: false,
                type: "aks-entra:AksEntra",
            },
        ],
    },
};

/**
 * A `pulumi` that answers as the CLI does, logging its arguments; no backend behind it. Like the
 * CLI, `stack select` remembers the stack for later commands (the CLI keeps it in
 * ~/.pulumi/workspaces): here in $FAKE_PULUMI_SELECTED.
 */
function fakePulumi(dir: string): string {
    const script = [
        "#!/bin/sh",
        'echo "$*" >> "$FAKE_PULUMI_LOG"',
        'case "$1" in',
        "  version) echo v3.270.0; exit 0 ;;",
        "esac",
        'if [ -n "$FAKE_PULUMI_STDERR" ]; then echo "$FAKE_PULUMI_STDERR" >&2; exit 255; fi',
        'case "$1 $2" in',
        '  "stack select") echo "$*" > "$FAKE_PULUMI_SELECTED"; exit 0 ;;',
        '  "stack export") cat "$FAKE_PULUMI_EXPORT"; exit 0 ;;',
        "esac",
        'echo "error: unknown command $*" >&2',
        "exit 1",
        "",
    ].join("\n");
    const bin = path.join(dir, "pulumi");
    writeFileSync(bin, script);
    chmodSync(bin, 0o755);
    return bin;
}

describe("verify stack state (verify/live.ts readStackState)", function () {
    const saved: Record<string, string | undefined> = {};
    const env = (vars: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(vars)) {
            if (!(k in saved)) saved[k] = process.env[k];
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    afterEach(() => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
            delete saved[k];
        }
    });

    let dir: string;
    let log: string;
    let selected: string;
    let exportFile: string;
    /** Every command the fake pulumi ran, its arguments joined by spaces. */
    const calls = () => readFileSync(log, "utf8").trim().split("\n");
    /** What the fake `pulumi stack export` prints next: EXPORTED with these resources. */
    const exportWith = (resources: unknown[]) =>
        writeFileSync(
            exportFile,
            JSON.stringify({ ...EXPORTED, deployment: { ...EXPORTED.deployment, resources } }),
        );
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "verify-live-"));
        log = path.join(dir, "pulumi.log");
        selected = path.join(dir, "selected-stack");
        fakePulumi(dir);
        exportFile = path.join(dir, "export.json");
        writeFileSync(exportFile, JSON.stringify(EXPORTED));
        env({
            PATH: `${dir}:/usr/bin:/bin`,
            FAKE_PULUMI_LOG: log,
            FAKE_PULUMI_SELECTED: selected,
            FAKE_PULUMI_EXPORT: exportFile,
            FAKE_PULUMI_STDERR: undefined,
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: undefined,
        });
    });

    it("maps the exported resources, replaces every secret, takes the outputs from the root stack, never asks for plaintext", async () => {
        const state = await readStackState("prod", dir);
        assert.deepEqual(state.outputs, { clusterName: CLUSTER_NAME, kubeconfig: "[secret]" });
        assert.deepEqual(
            state.resources.map((r) => [r.type, r.id]),
            EXPORTED_RESOURCES,
        );
        const cluster = state.resources[2];
        assert.deepEqual(cluster.inputs, {
            resourceName: CLUSTER_NAME,
            windowsProfile: { adminPassword: "[secret]" },
        });
        assert.deepEqual(cluster.outputs, { name: CLUSTER_NAME, disableLocalAccounts: true });
        assert.deepEqual(state.resources[3].inputs, {});
        assert.deepEqual(state.resources[3].outputs, {});
        assert.ok(!JSON.stringify(state).includes("ciphertext"));

        assert.ok(calls().includes("stack export --stack prod --non-interactive"), log);
        assert.ok(!calls().some((c) => c.includes("--show-secrets")), calls().join("\n"));
    });

    it("never selects the stack (the user's current stack stays as it was): every command names it with --stack", async () => {
        await readStackState("prod", dir);
        assert.deepEqual(calls(), ["version", "stack export --stack prod --non-interactive"]);
        assert.ok(!existsSync(selected), "pulumi stack select was run");

        // Nor when the read fails.
        env({ FAKE_PULUMI_STDERR: "error: no stack named 'prod' found" });
        await assert.rejects(readStackState("prod", dir), ReadFailure);
        assert.ok(!calls().some((c) => /\bselect\b/.test(c)), calls().join("\n"));
        assert.ok(!existsSync(selected), "pulumi stack select was run");
    });

    it("leaves out resources pending deletion (the failed delete of a replaced one) and deleted ones pending replacement", async () => {
        const [root, provider, cluster, component] = EXPORTED.deployment.resources;
        const oldCluster = CLUSTER.replace(CLUSTER_NAME, "aks-aks-entra-prod-0b9d2c1e");
        const identity = {
            urn: "urn:pulumi:prod::aks-entra::aks-entra:AksEntra$azure-native:managedidentity:UserAssignedIdentity::kubelet",
            custom: true,
            id: KUBELET,
            type: "azure-native:managedidentity:UserAssignedIdentity",
            parent: component.urn,
            inputs: { resourceName: "id-aks-entra-prod-5ff3bbad-kubelet" },
            outputs: { principalId: KUBELET_PRINCIPAL },
        };
        exportWith([
            root,
            provider,
            cluster,
            component,
            // A delete-before-replace identity deleted, its replacement not created.
            { ...identity, pendingReplacement: true },
            // The cluster's old half: same URN, its own id, still to be deleted. It
            // comes after the live one, so a reader keeping the last entry per URN
            // would take it for the cluster.
            {
                ...cluster,
                id: oldCluster,
                delete: true,
                outputs: { name: "aks-aks-entra-prod-0b9d2c1e" },
            },
        ]);
        const state = await readStackState("prod", dir);
        assert.deepEqual(
            state.resources.map((r) => [r.type, r.id]),
            EXPORTED_RESOURCES,
        );
        assert.equal(state.resources.filter((r) => r.urn === cluster.urn).length, 1);
        assert.ok(!JSON.stringify(state).includes(oldCluster));
        assert.ok(!JSON.stringify(state).includes(KUBELET_PRINCIPAL));
        // delete: false and pendingReplacement: false are ordinary resources.
        exportWith([{ ...identity, delete: false, pendingReplacement: false }]);
        assert.deepEqual(
            (await readStackState("prod", dir)).resources.map((r) => r.id),
            [KUBELET],
        );
    });

    it("no pulumi CLI on PATH: a ReadFailure that says to install it", async () => {
        env({ PATH: mkdtempSync(path.join(tmpdir(), "verify-empty-path-")) });
        await assert.rejects(readStackState("prod", dir), (e: unknown) => {
            assert.ok(e instanceof ReadFailure);
            assert.match(e.message, /Pulumi CLI was not found on PATH: install it/);
            return true;
        });
    });

    it("a project directory that does not exist: a ReadFailure naming it", async () => {
        const missing = path.join(dir, "no-such-project");
        await assert.rejects(readStackState("prod", missing), (e: unknown) => {
            assert.ok(e instanceof ReadFailure);
            assert.ok(e.message.includes(missing));
            assert.match(
                e.message,
                /does not exist: run verify from the directory that holds Pulumi\.yaml/,
            );
            return true;
        });
    });

    it("a stack the backend does not know: a ReadFailure that says how to find it", async () => {
        env({ FAKE_PULUMI_STDERR: "error: no stack named 'prod' found" });
        await assert.rejects(readStackState("prod", dir), (e: unknown) => {
            assert.ok(e instanceof ReadFailure);
            assert.match(
                e.message,
                /^stack prod was not found in the backend you are logged in to: check `pulumi stack ls` .*`pulumi whoami` \(error: no stack named 'prod' found\)$/,
            );
            assert.ok(e.message.includes(dir));
            // Not advice to select it: verify reads the stack it is given without selecting.
            assert.ok(!e.message.includes("stack select"));
            return true;
        });
    });

    it("a directory without Pulumi.yaml: a ReadFailure that says to run verify from the project directory", async () => {
        env({
            FAKE_PULUMI_STDERR: `error: no Pulumi.yaml project file found (searching upwards from ${dir}). If you have not created a project yet, use \`pulumi new\` to do so: no project file found`,
        });
        await assert.rejects(readStackState("prod", dir), (e: unknown) => {
            assert.ok(e instanceof ReadFailure);
            assert.equal(
                e.message,
                `${dir} holds no Pulumi.yaml: run verify from the project directory`,
            );
            return true;
        });
    });

    it("not logged in: a ReadFailure that says to run pulumi login", async () => {
        env({
            FAKE_PULUMI_STDERR:
                "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
        });
        await assert.rejects(readStackState("prod", dir), (e: unknown) => {
            assert.ok(e instanceof ReadFailure);
            assert.match(e.message, /not logged in to a Pulumi backend: run `pulumi login`/);
            return true;
        });
    });
});
