// Hostile configurations: each passed validation once and then misbehaved, or hid other problems
// behind its first one (issue "Config and plan that tell the truth"). Every message is exact.
import { LAST_UPDATED, versionInstead } from "../components/aksVersions";
import {
    ARM_ID,
    type BadInput,
    type Config,
    dev,
    grantOn,
    KV,
    min,
    pipeline,
    RESERVED,
    SRE,
} from "./configCases";

const NIL = "00000000-0000-0000-0000-000000000000";
/**
 * How a version older than the AKS release calendar table is refused (rules/version.ts); the
 * minors to use instead are the table's on the day the suite runs.
 */
const OLDER_THAN_TABLE = `is a version AKS no longer creates clusters at (older than every minor in the AKS release calendar, table of ${LAST_UPDATED}); use ${versionInstead(new Date(), "westeurope")} or remove the key for AKS's default`;
const OTHER = "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const SUB = "/subscriptions/11111111-2222-4333-8444-555555555555";
const ALLOWED_KEYS =
    "location, kubernetesVersion, cluster, groups, admins, clusterAccess, namespaces, pipelines, jit, declaredRoles, conditionalAccess, kubeloginMode, kubeloginPop, deployer, auditLogs, names, protect, teams, platform, stateBackend, tags";
const NOT_AN_ALIAS = "is neither an object id (GUID) nor a name from aks-entra:groups";
const ADMIN_IN_NAMESPACE =
    "that is cluster-admin inside the namespace (it can grant itself anything there); narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)";
const TOKEN_PATH =
    "serviceaccounts/token create mints a token for any service account of the namespace, workload-identity ones included: it signs in to Azure as them, with all their Azure roles";
const REACH =
    "a path to more access than the role shows; narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)";
const SYSTEM_ROLE =
    "is a ClusterRole Kubernetes owns and reconciles (system:aggregate-to-view/edit/admin are aggregated into view, edit and admin and carry their power: system:aggregate-to-edit impersonates service accounts); bind view, edit or admin, or list the rules in a Role";
const NOT_A_REPO = "is not a GitHub repository (<owner>/<repo>)";

/** A namespace `web` with one Role `ops` made of `rules` (or binding `clusterRole`). */
function roleConfig(role: Config): Config {
    return min({
        groups: { sre: SRE },
        namespaces: [{ name: "web", roles: [{ name: "ops", groups: ["sre"], ...role }] }],
    });
}

const scopeProblem = (scope: string, why: string) =>
    `aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].scope "${scope}" is not an Azure resource id (${why}); expected ${ARM_ID}`;

/** A pipeline `deploy` with one GitHub subject. */
const subject = (s: Config): Config => min({ pipelines: [pipeline({ github: [s] })] });

export const HOSTILE: BadInput[] = [
    // --- every problem in one run: a format error no longer hides the section's other checks
    {
        what: "problems in every section, all listed at once",
        config: min({
            location: "West Europe",
            kubernetesVersion: "1.40.2",
            cluster: {
                systemPool: { vmSize: "D4", minCount: 5, maxCount: 3 },
                privateCluster: true,
                authorizedIpRanges: ["10.0.0.0/8", "10.0.0.1/8"],
            },
            groups: { sre: SRE, "bad alias!": OTHER },
            admins: { createGroup: false, members: ["not-a-guid"] },
            clusterAccess: [
                { group: "sre", role: "owner" },
                { group: "nobody", role: "reader" },
                { group: SRE, role: "writer" },
            ],
            namespaces: [
                { name: "Payments", access: [{ group: "ghost", role: "reader" }] },
                {
                    name: "kube-tools",
                    workloads: [{ serviceAccount: "default" }, { serviceAccount: "Api" }],
                },
                {
                    name: "web",
                    roles: [
                        {
                            name: "ops",
                            rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
                            groups: ["sre"],
                        },
                    ],
                },
            ],
            pipelines: [
                {
                    name: "deploy",
                    github: [
                        { repository: "contoso/..", branch: "main" },
                        { repository: "contoso/web", branch: "refs/heads/main" },
                    ],
                    namespaceAccess: [{ namespace: "billing", role: "writer" }],
                },
                {
                    name: "deploy",
                    github: [{ repository: "contoso/web", pullRequest: true }],
                    clusterAccess: "admin",
                },
            ],
            kubeloginMode: "browser",
            deployer: { objectId: NIL },
            protect: "no",
            tags: { "managed-by": "me" },
        }),
        problems: [
            'aks-entra:location "West Europe" is not an Azure region name (e.g. westeurope)',
            'aks-entra:cluster.systemPool.vmSize "D4" is not an Azure VM size (Standard_...)',
            'aks-entra:cluster.authorizedIpRanges[1] "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?',
            'aks-entra:groups key "bad alias!" is not a group name (letters, digits, - _ ., max 64)',
            'aks-entra:admins.members[0] "not-a-guid" is not an object id (a GUID)',
            'aks-entra:clusterAccess[0].role "owner" is not allowed; allowed: reader | writer | admin | cluster-admin',
            'aks-entra:namespaces[0].name "Payments" is not a valid Kubernetes namespace (lowercase RFC 1123 label, max 63 chars)',
            'aks-entra:namespaces[1].workloads[1].serviceAccount "Api" is not a valid service account name (lowercase RFC 1123 label, max 63 chars)',
            `aks-entra:pipelines[0].github[0].repository "contoso/.." ${NOT_A_REPO}: the name is letters, digits, - _ . (never . or ..), at most 100`,
            'aks-entra:pipelines[0].github[1].branch "refs/heads/main" is a full ref; give the branch name without refs/heads/ (the subject adds it)',
            'aks-entra:kubeloginMode "browser" is not allowed; allowed: azurecli | workloadidentity | spn | msi | interactive | devicecode',
            `aks-entra:deployer.objectId "${NIL}" is the nil GUID, which no Entra object has`,
            'aks-entra:protect "no" is not a boolean (true or false)',
            "aks-entra:cluster.systemPool.minCount 5 is above maxCount 3",
            'aks-entra:kubernetesVersion "1.40.2" pins a patch but cluster.autoUpgradeChannel "patch" moves it; give the minor only (e.g. "1.40") or use autoUpgradeChannel none',
            "aks-entra:cluster.authorizedIpRanges cannot be combined with cluster.privateCluster: true (a private API server has no public endpoint to restrict); remove one",
            "aks-entra:cluster.privateCluster is true and the stack creates Kubernetes objects (aks-entra:namespaces), but cluster.network.subnetId is not set: the API server would get a private address in a VNet that AKS creates and nothing can reach, so pulumi up could not create the namespaces. Set cluster.network.subnetId to a subnet of your VNet and run pulumi up from that VNet or a peered one (docs/node-pools-and-networking.md: Networking), or leave privateCluster false and restrict authorizedIpRanges",
            "aks-entra:admins.createGroup is false and admins.existingGroupObjectIds is empty; the cluster needs at least one admin group: set createGroup: true or list an existing group",
            "aks-entra:admins.members/owners are set but admins.createGroup is false; they only apply to the group this stack creates",
            `aks-entra:clusterAccess[1].group "nobody" ${NOT_AN_ALIAS} (known: sre)`,
            `aks-entra:clusterAccess lists group "${SRE}" more than once; give each group one role (the widest it needs)`,
            `aks-entra:namespaces[0].access[0].group "ghost" ${NOT_AN_ALIAS} (known: sre)`,
            `aks-entra:namespaces[1].name "kube-tools" is a namespace AKS already owns; choose another name (${RESERVED})`,
            'aks-entra:namespaces[1].workloads[0].serviceAccount "default" already exists in every namespace; give the workload its own service account',
            `aks-entra:namespaces[2].roles[0] "ops" grants rules[0]: every verb on every resource: ${ADMIN_IN_NAMESPACE}`,
            'aks-entra:pipelines[0].namespaceAccess[0].namespace "billing" is not declared in aks-entra:namespaces (declared: Payments, kube-tools, web)',
            "aks-entra:pipelines[1] trusts pull_request workflows yet has clusterAccess admin; a pipeline that trusts pull requests gets at most clusterAccess reader and namespace writer: move the rest to a deploy pipeline that trusts an environment or branch",
            'aks-entra:pipelines declares "deploy" more than once; pipeline names must be unique',
            // Issue 29, item 1: writer and admin on the whole cluster.
            `aks-entra:clusterAccess[2].role "writer": Azure Kubernetes Service RBAC Writer on the whole cluster reaches every namespace's service accounts, kube-system's included: it runs pods as any service account in its scope and so gets their API access and their Azure roles; give it in namespaces[].access, or make it a JIT entry (aks-entra:jit) with requireApproval: true, or state why it is needed in aks-entra:clusterAccess[2].clusterWideException (the plan reports it HIGH)`,
            `aks-entra:pipelines[1].clusterAccess "admin": Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin; give it in pipelines[1].namespaceAccess, or state why it is needed in aks-entra:pipelines[1].clusterWideException (the plan reports it HIGH)`,
            'aks-entra:tags key "managed-by" is a tag aks-entra sets itself (managed-by, aks-entra-project, aks-entra-stack); choose another name',
        ],
    },
    {
        what: "a bad namespace name does not hide an unknown alias in its access",
        config: min({ namespaces: [{ name: "Web", access: [{ group: "devs", role: "reader" }] }] }),
        problems: [
            'aks-entra:namespaces[0].name "Web" is not a valid Kubernetes namespace (lowercase RFC 1123 label, max 63 chars)',
            `aks-entra:namespaces[0].access[0].group "devs" ${NOT_AN_ALIAS} (none defined)`,
        ],
    },
    {
        what: "a bad repository does not hide a duplicate subject",
        config: min({
            pipelines: [
                pipeline({
                    github: [
                        { repository: "contoso/.", branch: "main" },
                        { repository: "contoso/web", environment: "prod" },
                        { repository: "contoso/web", environment: "prod" },
                    ],
                }),
            ],
        }),
        problems: [
            `aks-entra:pipelines[0].github[0].repository "contoso/." ${NOT_A_REPO}: the name is letters, digits, - _ . (never . or ..), at most 100`,
            'aks-entra:pipelines[0].github lists subject "repo:contoso/web:environment:prod" twice; issuer+subject must be unique per identity',
        ],
    },
    {
        what: "a bad VM size does not hide a half-set autoscaler",
        config: min({ cluster: { systemPool: { vmSize: "big", minCount: 2 } } }),
        problems: [
            'aks-entra:cluster.systemPool.vmSize "big" is not an Azure VM size (Standard_...)',
            'aks-entra:cluster.systemPool needs both minCount and maxCount to autoscale (got {"minCount":2})',
        ],
    },
    {
        what: "a bad service account does not hide a forbidden role on another workload",
        config: min({
            namespaces: [
                {
                    name: "web",
                    workloads: [
                        { serviceAccount: "API" },
                        {
                            serviceAccount: "worker",
                            azureRoleAssignments: [{ role: "Owner", scope: KV }],
                        },
                    ],
                },
            ],
        }),
        problems: [
            'aks-entra:namespaces[0].workloads[0].serviceAccount "API" is not a valid service account name (lowercase RFC 1123 label, max 63 chars)',
            'aks-entra:namespaces[0].workloads[1].azureRoleAssignments[0].role "Owner" (Owner) is never granted by aks-entra; grant a narrower data-plane role',
        ],
    },
    {
        what: "a broken alias is reported once, an unknown one as well",
        config: min({
            groups: { sre: "not-a-guid" },
            clusterAccess: [
                { group: "sre", role: "reader" },
                { group: "ops", role: "reader" },
            ],
        }),
        problems: [
            'aks-entra:groups.sre "not-a-guid" is not an object id (a GUID)',
            `aks-entra:clusterAccess[1].group "ops" ${NOT_AN_ALIAS} (none defined)`,
        ],
    },

    // --- names that are properties of every JavaScript object
    {
        what: "constructor as a group reference",
        config: min({
            groups: { sre: SRE },
            clusterAccess: [{ group: "constructor", role: "reader" }],
        }),
        problems: [`aks-entra:clusterAccess[0].group "constructor" ${NOT_AN_ALIAS} (known: sre)`],
    },
    {
        what: "toString as a namespace access group",
        config: min({
            namespaces: [{ name: "web", access: [{ group: "toString", role: "admin" }] }],
        }),
        problems: [
            `aks-entra:namespaces[0].access[0].group "toString" ${NOT_AN_ALIAS} (none defined)`,
        ],
    },
    {
        what: "hasOwnProperty as a Role's group",
        config: roleConfig({ clusterRole: "view", groups: ["hasOwnProperty"] }),
        problems: [
            `aks-entra:namespaces[0].roles[0].groups[0] "hasOwnProperty" ${NOT_AN_ALIAS} (known: sre)`,
        ],
    },
    {
        what: "__proto__ as an existing admin group",
        config: min({ admins: { existingGroupObjectIds: ["__proto__"] } }),
        problems: [
            `aks-entra:admins.existingGroupObjectIds[0] "__proto__" ${NOT_AN_ALIAS} (none defined)`,
        ],
    },
    {
        what: "__proto__ as a top-level key that carries a location",
        config: {
            ...Object.fromEntries([["aks-entra:__proto__", { location: "westeurope" }]]),
            "aks-entra:protect": false,
        },
        problems: [
            `aks-entra:__proto__ is not a known key; allowed: ${ALLOWED_KEYS}`,
            "aks-entra:location is required (or azure-native:location): the Azure region, e.g. pulumi config set aks-entra:location westeurope",
        ],
    },
    {
        what: "__proto__ as a tag name",
        config: min({ tags: Object.fromEntries([["__proto__", "x"]]) }),
        problems: [
            `aks-entra:tags key "__proto__" is the name of a JavaScript object's prototype link: a map given it loses the entry without a word; choose another name`,
        ],
    },
    {
        what: "__proto__ as a group alias, and a reference to it",
        config: min({
            groups: Object.fromEntries([["__proto__", SRE]]),
            clusterAccess: [{ group: "__proto__", role: "reader" }],
        }),
        problems: [
            `aks-entra:groups key "__proto__" is the name of a JavaScript object's prototype link: a map given it loses the entry without a word; choose another name`,
        ],
    },

    // --- scopes that are not well-formed ARM ids
    {
        what: "a scope that climbs out with ..",
        config: grantOn(`${SUB}/resourceGroups/rg/..`),
        problems: [
            scopeProblem(`${SUB}/resourceGroups/rg/..`, ". and .. segments are not allowed"),
        ],
    },
    {
        what: "a scope with a query string",
        config: grantOn(`${SUB}/resourceGroups/rg?api-version=1`),
        problems: [
            scopeProblem(
                `${SUB}/resourceGroups/rg?api-version=1`,
                "spaces, ?, #, % or \\ are not allowed",
            ),
        ],
    },
    {
        what: "a scope with a space",
        config: grantOn(`${SUB}/resourceGroups/my rg`),
        problems: [
            scopeProblem(`${SUB}/resourceGroups/my rg`, "spaces, ?, #, % or \\ are not allowed"),
        ],
    },
    {
        what: "a scope with an empty segment",
        config: grantOn(`${SUB}//resourceGroups/rg`),
        problems: [scopeProblem(`${SUB}//resourceGroups/rg`, "empty segment: // or a trailing /")],
    },
    {
        what: "a scope with a trailing slash",
        config: grantOn(`${SUB}/resourceGroups/rg/`),
        problems: [scopeProblem(`${SUB}/resourceGroups/rg/`, "empty segment: // or a trailing /")],
    },
    {
        what: "a scope that names a provider but no resource",
        config: grantOn(`${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault`),
        problems: [
            scopeProblem(
                `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault`,
                "provider Microsoft.KeyVault names no resource type and name",
            ),
        ],
    },
    {
        what: "a scope whose resource type has no name",
        config: grantOn(`${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites`),
        problems: [
            scopeProblem(
                `${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites`,
                'resource type "sites" has no name after it',
            ),
        ],
    },

    // --- null, and YAML numbers where text is meant
    {
        what: "location: null",
        config: min({ location: null }),
        problems: [
            "aks-entra:location is null; it is required: the Azure region, e.g. pulumi config set aks-entra:location westeurope",
        ],
    },
    {
        what: "protect: null",
        config: min({ protect: null }),
        problems: [
            "aks-entra:protect is null; give it a value, or remove the key to use its default",
        ],
    },
    {
        what: "a null tier inside cluster",
        config: min({ cluster: { tier: null } }),
        problems: [
            "aks-entra:cluster.tier is null; give one of Free | Standard | Premium, or remove the key",
        ],
    },
    {
        what: "kubernetesVersion: 1.30 unquoted (YAML reads 1.3)",
        config: min({ kubernetesVersion: 1.3 }),
        problems: [
            `aks-entra:kubernetesVersion "1.3" ${OLDER_THAN_TABLE}; an unquoted 1.30 in YAML arrives as the number 1.3: quote the version ("1.30")`,
        ],
    },
    {
        what: "a Kubernetes version AKS never offered",
        config: min({ kubernetesVersion: "1.20" }),
        problems: [`aks-entra:kubernetesVersion "1.20" ${OLDER_THAN_TABLE}`],
    },
    {
        what: "a Kubernetes version AKS no longer creates clusters at (1.24.0)",
        config: min({ kubernetesVersion: "1.24.0", cluster: { autoUpgradeChannel: "none" } }),
        problems: [`aks-entra:kubernetesVersion "1.24.0" ${OLDER_THAN_TABLE}`],
    },
    {
        // Under the default patch channel a patch pin is refused too, with a hint to give the
        // minor: not for a version refused outright, whose minor is refused as well.
        what: "a Kubernetes version AKS no longer creates, pinned to a patch under the patch channel",
        config: min({ kubernetesVersion: "1.24.0" }),
        problems: [`aks-entra:kubernetesVersion "1.24.0" ${OLDER_THAN_TABLE}`],
    },
    {
        what: "a Kubernetes version that is not 1.x",
        config: min({ kubernetesVersion: "2.0" }),
        problems: [
            'aks-entra:kubernetesVersion "2.0" is not a Kubernetes version AKS offers (Kubernetes 1.x)',
        ],
    },
    {
        what: "zones as YAML numbers",
        config: min({ cluster: { systemPool: { zones: [1, 2] } } }),
        problems: [
            'aks-entra:cluster.systemPool.zones[0] 1 is a number, not text; quote it in the stack file ("1")',
            'aks-entra:cluster.systemPool.zones[1] 2 is a number, not text; quote it in the stack file ("2")',
        ],
    },
    {
        what: "a tag value that YAML reads as a number",
        config: min({ tags: { "cost-center": 4711 } }),
        problems: [
            "aks-entra:tags.cost-center 4711 is a number, not text; quote it in the stack file",
        ],
    },

    // --- GitHub subjects GitHub never emits
    {
        what: "a branch given as a full ref",
        config: subject({ repository: "contoso/payments", branch: "refs/heads/main" }),
        problems: [
            'aks-entra:pipelines[0].github[0].branch "refs/heads/main" is a full ref; give the branch name without refs/heads/ (the subject adds it)',
        ],
    },
    {
        what: "a tag given as a full ref",
        config: subject({ repository: "contoso/payments", tag: "refs/tags/v1.0" }),
        problems: [
            'aks-entra:pipelines[0].github[0].tag "refs/tags/v1.0" is a full ref; give the tag name without refs/tags/ (the subject adds it)',
        ],
    },
    {
        what: "a branch with ..",
        config: subject({ repository: "contoso/payments", branch: "release..1" }),
        problems: [
            'aks-entra:pipelines[0].github[0].branch "release..1" is not a branch name git accepts (no .., @{ or @)',
        ],
    },
    {
        what: "a branch ending in .lock",
        config: subject({ repository: "contoso/payments", branch: "main.lock" }),
        problems: [
            'aks-entra:pipelines[0].github[0].branch "main.lock" is not a branch name git accepts (no part may start with . or end with .lock)',
        ],
    },
    {
        what: "a repository owner that starts with a hyphen",
        config: subject({ repository: "-contoso/payments", environment: "prod" }),
        problems: [
            `aks-entra:pipelines[0].github[0].repository "-contoso/payments" ${NOT_A_REPO}: the owner is letters, digits and single hyphens, at most 39`,
        ],
    },
    {
        what: "a repository without an owner",
        config: subject({ repository: "payments", environment: "prod" }),
        problems: [`aks-entra:pipelines[0].github[0].repository "payments" ${NOT_A_REPO}`],
    },

    // --- object ids
    {
        what: "the nil GUID as an admin member",
        config: min({ admins: { members: [NIL] } }),
        problems: [
            `aks-entra:admins.members[0] "${NIL}" is the nil GUID, which no Entra object has`,
        ],
    },
    {
        what: "the nil GUID as a cluster access group",
        config: min({ clusterAccess: [{ group: NIL, role: "reader" }] }),
        problems: [
            `aks-entra:clusterAccess[0].group "${NIL}" is the nil GUID, which no Entra object has`,
        ],
    },
    {
        what: "a group alias that is itself a GUID",
        config: min({ groups: { [SRE]: OTHER } }),
        problems: [
            `aks-entra:groups key "${SRE}" looks like an object id; a name that is a GUID makes every reference to it ambiguous: choose a name`,
        ],
    },

    // --- tags Azure refuses
    {
        what: "more tags than Azure allows with the stack's own",
        config: min({
            tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, "x"])),
        }),
        problems: [
            "aks-entra:tags has 48 tags; Azure allows 50 on a resource and aks-entra sets 3 itself, so at most 47",
        ],
    },
    {
        what: "a tag the stack sets itself",
        config: min({ tags: { "AKS-Entra-Stack": "prod" } }),
        problems: [
            'aks-entra:tags key "AKS-Entra-Stack" is a tag aks-entra sets itself (managed-by, aks-entra-project, aks-entra-stack); choose another name',
        ],
    },
    {
        what: "two tags that differ only in case",
        config: min({ tags: { Env: "dev", env: "prod" } }),
        problems: [
            'aks-entra:tags lists "env" more than once in different cases; Azure tag names ignore case',
        ],
    },

    // --- Kubernetes RBAC that equals cluster-admin in the namespace
    {
        what: "a Role with every verb on every resource",
        config: roleConfig({ rules: [{ apiGroups: [""], resources: ["*"], verbs: ["*"] }] }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants rules[0]: every verb on every resource: ${ADMIN_IN_NAMESPACE}`,
        ],
    },
    {
        what: "a Role that may escalate",
        config: roleConfig({
            rules: [
                { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
                {
                    apiGroups: ["rbac.authorization.k8s.io"],
                    resources: ["roles"],
                    verbs: ["escalate", "get"],
                },
            ],
        }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants rules[1]: escalate: ${ADMIN_IN_NAMESPACE}`,
        ],
    },
    {
        what: "a Role that may bind and impersonate",
        config: roleConfig({
            rules: [
                {
                    apiGroups: ["rbac.authorization.k8s.io", ""],
                    resources: ["rolebindings", "serviceaccounts"],
                    verbs: ["impersonate", "bind"],
                },
            ],
        }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants rules[0]: bind, impersonate: ${ADMIN_IN_NAMESPACE}`,
        ],
    },
    {
        what: "the cluster-admin ClusterRole bound in a namespace",
        config: roleConfig({ clusterRole: "cluster-admin" }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants the ClusterRole "cluster-admin": ${ADMIN_IN_NAMESPACE}`,
        ],
    },
    // --- issue 29, item 4: paths to more access by another name (components/kubernetesRisk.ts)
    {
        what: "create on every resource (serviceaccounts/token included)",
        config: roleConfig({ rules: [{ apiGroups: [""], resources: ["*"], verbs: ["create"] }] }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants rules[0]: serviceaccounts/token create (${TOKEN_PATH}): ${REACH}`,
        ],
    },
    {
        what: "every verb on tokens in every API group",
        config: roleConfig({
            rules: [{ apiGroups: ["*"], resources: ["serviceaccounts/token"], verbs: ["*"] }],
        }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants rules[0]: serviceaccounts/token create (${TOKEN_PATH}): ${REACH}`,
        ],
    },
    {
        what: "an aggregated admin ClusterRole",
        config: roleConfig({ clusterRole: "system:aggregate-to-admin" }),
        problems: [
            `aks-entra:namespaces[0].roles[0].clusterRole "system:aggregate-to-admin" ${SYSTEM_ROLE}`,
        ],
    },
    {
        what: "a system ClusterRole with declared rules (still Kubernetes-owned)",
        config: roleConfig({
            clusterRole: "system:node",
            clusterRoleRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
        }),
        problems: [`aks-entra:namespaces[0].roles[0].clusterRole "system:node" ${SYSTEM_ROLE}`],
    },
    {
        what: "declared rules for view (Kubernetes defines them)",
        config: roleConfig({
            clusterRole: "view",
            clusterRoleRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
        }),
        problems: [
            'aks-entra:namespaces[0].roles[0].clusterRoleRules declares rules for ClusterRole "view", whose rules Kubernetes defines; remove clusterRoleRules (declarations are for ClusterRoles other than view, edit, admin, cluster-admin)',
        ],
    },
    {
        what: "declared ClusterRole rules on a Role that binds none",
        config: roleConfig({
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
            clusterRoleRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
        }),
        problems: [
            'aks-entra:namespaces[0].roles[0].clusterRoleRules declares the rules of a ClusterRole, but "ops" binds none; set clusterRole to the ClusterRole they belong to, or move them to rules to create a Role',
        ],
    },
    {
        what: "a declared ClusterRole that impersonates",
        config: roleConfig({
            clusterRole: "sa-user",
            clusterRoleRules: [
                { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
            ],
        }),
        problems: [
            `aks-entra:namespaces[0].roles[0] "ops" grants clusterRoleRules[0]: impersonate: ${ADMIN_IN_NAMESPACE}`,
        ],
    },
    // --- issue 29, item 5: Pod Security keys
    {
        what: "a Pod Security version that is not one",
        config: min({ namespaces: [{ name: "web", podSecurity: { version: "1.33" } }] }),
        problems: [
            'aks-entra:namespaces[0].podSecurity.version "1.33" is not a Pod Security Standards version ("latest" or v1.MINOR, e.g. v1.33)',
        ],
    },
    {
        what: "a misspelled Pod Security mode",
        config: min({ namespaces: [{ name: "web", podSecurity: { enforced: "restricted" } }] }),
        problems: [
            'aks-entra:namespaces[0].podSecurity has unknown key "enforced"; allowed: enforce, warn, audit, version; did you mean "enforce"?',
        ],
    },
    {
        what: "a pull_request pipeline as admin of a namespace that enforces privileged",
        config: min({
            namespaces: [{ name: "web", podSecurity: { enforce: "privileged" } }],
            pipelines: [
                pipeline({
                    github: [{ repository: "contoso/web", pullRequest: true }],
                    namespaceAccess: [{ namespace: "web", role: "writer" }],
                }),
            ],
        }),
        problems: [
            'aks-entra:namespaces[0].podSecurity.enforce "privileged" is looser than "restricted", and pull_request workflows of aks-entra:pipelines[0] "deploy" can write in namespace "web": code from any branch with a pull request could run a privileged or hostPath pod there and take the node. Set podSecurity.enforce to "restricted" (the default there), or give the pull_request pipeline reader',
        ],
    },
    {
        what: "allowPrivilegeEscalation as text",
        config: roleConfig({ clusterRole: "view", allowPrivilegeEscalation: "yes" }),
        problems: [
            'aks-entra:namespaces[0].roles[0].allowPrivilegeEscalation "yes" is not a boolean (true or false)',
        ],
    },

    // --- keys written the way the reference table or a typo spells them
    {
        what: "aks-entra:cluster.tier set without --path",
        config: min({ "cluster.tier": "Free" }),
        problems: [
            `aks-entra:cluster.tier is not a known key; allowed: ${ALLOWED_KEYS}; tier belongs inside aks-entra:cluster: nest it in the stack file, or set it with pulumi config set --path 'aks-entra:cluster.tier' <value>`,
        ],
    },
    {
        what: "a misspelt top-level key",
        config: min({ clusterAcess: [{ group: SRE, role: "reader" }] }),
        problems: [
            `aks-entra:clusterAcess is not a known key; allowed: ${ALLOWED_KEYS}; did you mean "clusterAccess"?`,
        ],
    },
    {
        what: "a top-level key in the wrong case",
        config: dev((c) => (c["aks-entra:KubeloginMode"] = "azurecli")),
        problems: [
            `aks-entra:KubeloginMode is not a known key; allowed: ${ALLOWED_KEYS}; did you mean "kubeloginMode"?`,
        ],
    },
];
