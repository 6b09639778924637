// Hostile input, by class (issue 22, item 7): identity administration over identities, map keys
// that are JavaScript member names, invisible characters, versions with leading zeros, service and
// pod ranges AKS and kube-apiserver refuse, resource ids in the wrong subscription, node sizes
// below 2 vCPUs, an expires-at the janitor cannot read, a Conditional Access policy that would
// hold nobody, and problems inside lists that are also too long. Every message is exact.
import {
    type BadInput,
    type Config,
    grantOn,
    min,
    NETWORK,
    pipeline,
    SRE,
    SUBNET,
} from "./configCases";

const SUB = "/subscriptions/11111111-2222-4333-8444-555555555555";
const OTHER_SUB = "/subscriptions/99999999-2222-4333-8444-555555555555";
const RG = `${SUB}/resourceGroups/rg-apps`;
const IDENTITY = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deploy`;
const MI_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59";
const MI_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830";
const OTHER = "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const ACR = `${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries`;

/** A pipeline `deploy` granted `role` on `scope`. */
const pipelineGrant = (role: string, scope: string): Config =>
    min({ pipelines: [pipeline({ azureRoleAssignments: [{ role, scope }] })] });

const identityAdmin = (at: string, role: string, name: string, scope: string, why: string) =>
    `${at}.role ${JSON.stringify(role)} (${name}) on ${JSON.stringify(scope)} is identity administration over the user-assigned identities there: it ${why}, the pipelines' and the deployer's included; aks-entra never grants it over a subscription, a resource group or an identity: grant the data-plane roles the workload needs instead`;
const CONTRIBUTOR_WHY =
    "creates, rewrites and adds federated credentials to every user-assigned identity in scope, and so signs in as them";
const OPERATOR_WHY =
    "assigns every user-assigned identity in scope to compute it controls, and so acts as them";
const WORKLOAD = "aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0]";
const PIPELINE = "aks-entra:pipelines[0].azureRoleAssignments[0]";

/** A user pool `apps` with `extra` settings. */
const userPool = (extra: Config): Config =>
    min({ cluster: { userPools: [{ name: "apps", ...extra }] } });

const PROTO =
    "is the name of a JavaScript object's prototype link: a map given it loses the entry without a word; choose another name";
const MEMBER =
    "is the name of a member every JavaScript object has (Object.prototype: toString, constructor, valueOf, ...), which the Pulumi SDK does not carry safely as a map key (toString breaks its serializer); choose another name";
const invisible = (what: string) =>
    `contains an invisible character: ${what}; retype it without it (it looks right and is not the same text)`;

/** cluster.network with your subnet and `extra`. */
const network = (extra: Config): Config =>
    min({ cluster: { network: { subnetId: SUBNET, ...extra } } });

const FEWER_VCPUS = (n: number) =>
    `has ${n} vCPU${n === 1 ? "" : "s"}; AKS refuses node sizes with fewer than 2 vCPUs (e.g. Standard_D2s_v5)`;
const NOT_A_DATE =
    "is not a date the janitor reads (YYYY-MM-DD, or YYYY-MM-DDThh:mm:ssZ in UTC); it would keep the stack for ever";
const NOBODY = (groups: string) =>
    `aks-entra:conditionalAccess.excludeGroups excludes every group the policy holds by default (the admin groups of admins.existingGroupObjectIds: ${groups}; the stack creates no admin or JIT group): it would apply to nobody, which Entra ID refuses after the rest of the stack exists. List the groups it should hold in conditionalAccess.groups, or exclude fewer`;

export const HOSTILE_INPUT: BadInput[] = [
    // --- identity administration over a scope that holds identities, by GUID or name, any path
    {
        what: "Managed Identity Contributor by GUID for a workload over a subscription",
        config: grantOn(SUB, MI_CONTRIBUTOR),
        problems: [
            identityAdmin(
                WORKLOAD,
                MI_CONTRIBUTOR,
                "Managed Identity Contributor",
                SUB,
                CONTRIBUTOR_WHY,
            ),
        ],
    },
    {
        what: "Managed Identity Contributor by an upper-case GUID for a pipeline over a resource group",
        config: pipelineGrant(MI_CONTRIBUTOR.toUpperCase(), RG),
        problems: [
            identityAdmin(
                PIPELINE,
                MI_CONTRIBUTOR.toUpperCase(),
                "Managed Identity Contributor",
                RG,
                CONTRIBUTOR_WHY,
            ),
        ],
    },
    {
        what: "Managed Identity Operator by name for a workload on an identity",
        config: grantOn(IDENTITY, "Managed Identity Operator"),
        problems: [
            identityAdmin(
                WORKLOAD,
                "Managed Identity Operator",
                "Managed Identity Operator",
                IDENTITY,
                OPERATOR_WHY,
            ),
        ],
    },
    {
        what: "Managed Identity Operator by GUID for a pipeline on an identity's federated credential",
        config: pipelineGrant(MI_OPERATOR, `${IDENTITY}/federatedIdentityCredentials/fic`),
        problems: [
            identityAdmin(
                PIPELINE,
                MI_OPERATOR,
                "Managed Identity Operator",
                `${IDENTITY}/federatedIdentityCredentials/fic`,
                OPERATOR_WHY,
            ),
        ],
    },
    {
        what: "Managed Identity Contributor by name in lower case for a pipeline over a subscription",
        config: pipelineGrant("managed identity contributor", SUB),
        problems: [
            identityAdmin(
                PIPELINE,
                "managed identity contributor",
                "Managed Identity Contributor",
                SUB,
                CONTRIBUTOR_WHY,
            ),
        ],
    },

    // --- map keys that are JavaScript member names (labels, tags; groups carry all but __proto__)
    {
        what: "a pool label named __proto__",
        config: userPool({
            labels: Object.fromEntries([
                ["__proto__", "x"],
                ["tier", "web"],
            ]),
        }),
        problems: [`aks-entra:cluster.userPools[0].labels key "__proto__" ${PROTO}`],
    },
    {
        what: "a pool label named toString",
        config: userPool({ labels: { toString: "x" } }),
        problems: [`aks-entra:cluster.userPools[0].labels key "toString" ${MEMBER}`],
    },
    {
        what: "pool labels named constructor and valueOf",
        config: userPool({ labels: { constructor: "a", valueOf: "b" } }),
        problems: [
            `aks-entra:cluster.userPools[0].labels key "constructor" ${MEMBER}`,
            `aks-entra:cluster.userPools[0].labels key "valueOf" ${MEMBER}`,
        ],
    },
    {
        what: "a tag named toString",
        config: min({ tags: { toString: "x", team: "payments" } }),
        problems: [`aks-entra:tags key "toString" ${MEMBER}`],
    },
    {
        what: "a tag named hasOwnProperty",
        config: min({ tags: { hasOwnProperty: "x" } }),
        problems: [`aks-entra:tags key "hasOwnProperty" ${MEMBER}`],
    },

    // --- invisible characters in ids, names, subjects and keys
    {
        what: "a zero-width space inside the subnet id",
        config: network({ subnetId: `${NETWORK}/virtualNetworks/vnet-spoke/subnets/a\u200bks` }),
        problems: [
            `aks-entra:cluster.network.subnetId "${NETWORK}/virtualNetworks/vnet-spoke/subnets/a\\u200Bks" ${invisible("U+200B (zero width space) at character 143")}`,
        ],
    },
    {
        what: "a right-to-left override inside a workload's scope",
        config: grantOn(`${RG}\u202e`, "Reader"),
        problems: [
            `${WORKLOAD}.scope "${RG}\\u202E" ${invisible("U+202E (right-to-left override) at character 75")}`,
        ],
    },
    {
        what: "a zero-width joiner inside a GitHub repository",
        config: min({
            pipelines: [
                pipeline({ github: [{ repository: "contoso/pay\u200dments", branch: "main" }] }),
            ],
        }),
        problems: [
            `aks-entra:pipelines[0].github[0].repository "contoso/pay\\u200Dments" ${invisible("U+200D (zero width joiner) at character 12")}`,
        ],
    },
    {
        what: "a byte-order mark before a group's object id",
        config: min({ groups: { sre: `\ufeff${SRE}` } }),
        problems: [
            `aks-entra:groups.sre "\\uFEFF${SRE}" ${invisible("U+FEFF (zero width no-break space (byte-order mark)) at character 1")}`,
        ],
    },
    {
        what: "a zero-width space in a tag name",
        config: min({ tags: { "cost\u200bcenter": "42" } }),
        problems: [
            `aks-entra:tags key "cost\\u200Bcenter" ${invisible("U+200B (zero width space) at character 5")}`,
        ],
    },
    {
        what: "a no-break space in a namespace name",
        config: min({ namespaces: [{ name: "pay\u00a0ments" }] }),
        problems: [
            `aks-entra:namespaces[0].name "pay\\u00A0ments" ${invisible("U+00A0 (no-break space) at character 4")}`,
        ],
    },
    {
        what: "a soft hyphen in a pipeline name and a word joiner in its branch",
        config: min({
            pipelines: [
                pipeline({
                    name: "de\u00adploy",
                    github: [{ repository: "contoso/web", branch: "ma\u2060in" }],
                }),
            ],
        }),
        problems: [
            `aks-entra:pipelines[0].name "de\\u00ADploy" ${invisible("U+00AD (soft hyphen) at character 3")}`,
            `aks-entra:pipelines[0].github[0].branch "ma\\u2060in" ${invisible("U+2060 (word joiner) at character 3")}`,
        ],
    },
    {
        what: "an invisible character in a key of cluster",
        config: min({ cluster: { "tier\u200b": "Free" } }),
        problems: [
            `aks-entra:cluster key "tier\\u200B" ${invisible("U+200B (zero width space) at character 5")}`,
        ],
    },

    // --- versions: canonical numbers only
    {
        what: "kubernetesVersion with a leading zero in the minor (1.033)",
        config: min({ kubernetesVersion: "1.033", cluster: { autoUpgradeChannel: "none" } }),
        problems: [
            'aks-entra:kubernetesVersion "1.033" is not a canonical Kubernetes version (no leading zeros); did you mean "1.33"?',
        ],
    },
    {
        what: "kubernetesVersion with a leading zero in the patch",
        config: min({ kubernetesVersion: "1.33.02", cluster: { autoUpgradeChannel: "none" } }),
        problems: [
            'aks-entra:kubernetesVersion "1.33.02" is not a canonical Kubernetes version (no leading zeros); did you mean "1.33.2"?',
        ],
    },
    {
        what: "kubernetesVersion with a leading zero in the major",
        config: min({ kubernetesVersion: "01.33" }),
        problems: [
            'aks-entra:kubernetesVersion "01.33" is not a canonical Kubernetes version (no leading zeros); did you mean "1.33"?',
        ],
    },

    // --- service and pod ranges
    {
        what: "a service range wider than /12",
        config: network({ serviceCidr: "10.0.0.0/11", dnsServiceIp: "10.0.0.10" }),
        problems: [
            'aks-entra:cluster.network.serviceCidr "10.0.0.0/11" is wider than /12, the largest service range kube-apiserver accepts; allowed: /12../28 (e.g. 10.0.0.0/16)',
        ],
    },
    {
        what: "a service range of a whole /8",
        config: network({ serviceCidr: "10.0.0.0/8", dnsServiceIp: "10.0.0.10" }),
        problems: [
            'aks-entra:cluster.network.serviceCidr "10.0.0.0/8" is wider than /12, the largest service range kube-apiserver accepts; allowed: /12../28 (e.g. 10.0.0.0/16)',
        ],
    },
    {
        what: "a pod range narrower than one node's /24",
        config: network({ podCidr: "10.244.0.0/25" }),
        problems: [
            'aks-entra:cluster.network.podCidr "10.244.0.0/25" is narrower than /24, the block Azure CNI Overlay gives every node; allowed: /8../24 (e.g. 10.244.0.0/16)',
        ],
    },
    {
        what: "a pod range with fewer /24 blocks than the pools have nodes",
        config: min({
            cluster: {
                userPools: [{ name: "apps", minCount: 1, maxCount: 10 }],
                network: { subnetId: SUBNET, podCidr: "10.244.0.0/22" },
            },
        }),
        problems: [
            'aks-entra:cluster.network.podCidr "10.244.0.0/22" holds 4 node blocks (a /24 per node, Azure CNI Overlay) but the pools can grow to 13 nodes; use a wider range (e.g. 10.244.0.0/16)',
        ],
    },
    {
        what: "the DNS service address on the last address of the service range",
        config: network({ serviceCidr: "10.0.0.0/24", dnsServiceIp: "10.0.0.255" }),
        problems: [
            'aks-entra:cluster.network.dnsServiceIp "10.0.0.255" is the last (broadcast) address of serviceCidr, which Kubernetes never hands out; use e.g. the tenth',
        ],
    },

    // --- ids that must share a subscription
    {
        what: "a route table in another subscription than its subnet",
        config: network({
            outboundType: "userDefinedRouting",
            routeTableId: `${OTHER_SUB}/resourceGroups/rg-network/providers/Microsoft.Network/routeTables/rt-egress`,
        }),
        problems: [
            `aks-entra:cluster.network.routeTableId "${OTHER_SUB}/resourceGroups/rg-network/providers/Microsoft.Network/routeTables/rt-egress" is in subscription 99999999-2222-4333-8444-555555555555, but subnetId is in 11111111-2222-4333-8444-555555555555; Azure associates a route table only with subnets of its own subscription and region: use the route table of the subnet's VNet`,
        ],
    },

    // --- node sizes below 2 vCPUs, in every pool
    {
        what: "a system pool of Standard_B1s",
        config: min({ cluster: { systemPool: { vmSize: "Standard_B1s" } } }),
        problems: [`aks-entra:cluster.systemPool.vmSize "Standard_B1s" ${FEWER_VCPUS(1)}`],
    },
    {
        what: "a user pool of Standard_A1_v2",
        config: userPool({ vmSize: "Standard_A1_v2" }),
        problems: [`aks-entra:cluster.userPools[0].vmSize "Standard_A1_v2" ${FEWER_VCPUS(1)}`],
    },
    {
        what: "user pools of Standard_B1ms and of a constrained Standard_DS11-1_v2",
        config: min({
            cluster: {
                userPools: [
                    { name: "apps", vmSize: "Standard_B1ms" },
                    { name: "mem", vmSize: "Standard_DS11-1_v2" },
                ],
            },
        }),
        problems: [
            `aks-entra:cluster.userPools[0].vmSize "Standard_B1ms" ${FEWER_VCPUS(1)}`,
            `aks-entra:cluster.userPools[1].vmSize "Standard_DS11-1_v2" ${FEWER_VCPUS(1)}`,
        ],
    },
    {
        what: "a system pool of Standard_F1s",
        config: min({ cluster: { systemPool: { vmSize: "Standard_F1s" } } }),
        problems: [`aks-entra:cluster.systemPool.vmSize "Standard_F1s" ${FEWER_VCPUS(1)}`],
    },

    // --- expires-at as the janitor reads it
    {
        what: "expires-at that is not a date",
        config: min({ tags: { "expires-at": "next week" } }),
        problems: [`aks-entra:tags.expires-at "next week" ${NOT_A_DATE}`],
    },
    {
        what: "expires-at on a day that does not exist",
        config: min({ tags: { "expires-at": "2026-02-30" } }),
        problems: [`aks-entra:tags.expires-at "2026-02-30" ${NOT_A_DATE}`],
    },
    {
        what: "expires-at as a US date",
        config: min({ tags: { "expires-at": "12/31/2026" } }),
        problems: [`aks-entra:tags.expires-at "12/31/2026" ${NOT_A_DATE}`],
    },
    {
        what: "Expires-At in another case",
        config: min({ tags: { "Expires-At": "2026-12-31" } }),
        problems: [
            'aks-entra:tags key "Expires-At" is not read by the janitor, which looks for "expires-at" in lower case; rename it',
        ],
    },

    // --- a Conditional Access policy that would hold nobody
    {
        what: "Conditional Access whose default targets are all excluded",
        config: min({
            admins: { createGroup: false, existingGroupObjectIds: [SRE] },
            // Declared break-glass, so the only problem is that the policy holds nobody.
            conditionalAccess: { excludeGroups: [SRE], breakGlassGroups: [SRE] },
        }),
        problems: [NOBODY(`"${SRE}"`)],
    },
    {
        what: "Conditional Access excluding every existing admin group, by alias and by id",
        config: min({
            groups: { sre: SRE, ops: OTHER },
            admins: { createGroup: false, existingGroupObjectIds: ["sre", OTHER] },
            conditionalAccess: {
                excludeGroups: ["ops", SRE.toUpperCase()],
                breakGlassGroups: ["sre", "ops"],
            },
        }),
        problems: [NOBODY(`"sre", "${OTHER}"`)],
    },

    // --- a problem inside a list that is also too long
    {
        what: "a bad registry id inside a list of too many registries",
        config: min({
            cluster: {
                containerRegistries: Array.from({ length: 51 }, (_, i) =>
                    i === 3 ? "contoso.azurecr.io" : `${ACR}/acr${i}`,
                ),
            },
        }),
        problems: [
            'aks-entra:cluster.containerRegistries[3] "contoso.azurecr.io" is not an Azure resource id; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.ContainerRegistry/registries/<name>',
            "aks-entra:cluster.containerRegistries has 51 entries; at most 50 allowed",
        ],
    },
    {
        what: "a range with host bits inside a list of too many authorized ranges",
        config: min({
            cluster: {
                authorizedIpRanges: Array.from({ length: 201 }, (_, i) =>
                    i === 150 ? "10.0.0.1/8" : `198.18.${i}.0/24`,
                ),
            },
        }),
        problems: [
            'aks-entra:cluster.authorizedIpRanges[150] "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?',
            "aks-entra:cluster.authorizedIpRanges has 201 entries; at most 200 allowed",
        ],
    },
    {
        what: "a bad pool name deep inside a list of too many user pools",
        config: min({
            cluster: {
                userPools: Array.from({ length: 100 }, (_, i) => ({
                    name: i === 97 ? "Pool97" : `p${i}`,
                    count: 1,
                })),
            },
        }),
        problems: [
            'aks-entra:cluster.userPools[97].name "Pool97" is not a pool name (1-12 lowercase letters and digits, starting with a letter, as AKS allows for a Linux pool)',
            "aks-entra:cluster.userPools has 100 entries; at most 99 allowed",
        ],
    },

    // --- node counts: a system pool keeps a node (user pools may scale to zero)
    {
        what: "a system pool that would scale to zero",
        config: min({ cluster: { systemPool: { minCount: 0, maxCount: 3 } } }),
        problems: [
            "aks-entra:cluster.systemPool.minCount 0 is outside 1-1000; a system pool keeps at least one node (user pools may scale to 0)",
        ],
    },
    {
        what: "a user pool with a negative count",
        config: userPool({ count: -1 }),
        problems: [
            "aks-entra:cluster.userPools[0].count -1 is outside 0-100 (nodes of a user pool)",
        ],
    },

    // --- messages that read right
    {
        what: "a private DNS zone that is neither system, none nor an id",
        config: min({
            cluster: { privateCluster: true, privateDnsZone: "privatelink.westeurope.azmk8s.io" },
        }),
        problems: [
            'aks-entra:cluster.privateDnsZone "privatelink.westeurope.azmk8s.io" is not system, none or an Azure resource id; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Network/privateDnsZones/<name>',
        ],
    },
];
