// Pure helpers, without mocks: role GUIDs, role resolution, kubeconfig rewrite, CIDR checks.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import {
    ACCESS_ROLE_GUIDS,
    AKS_ROLES,
    cidrProblem,
    credentialsCommand,
    FORBIDDEN_ROLES,
    KUBELOGIN_MODES,
    kubeloginArgs,
    type KubeloginMode,
    namespaceScope,
    parseConfig,
    popClaims,
    resolveRole,
    rewriteKubeconfig,
    roleAssignmentName,
    roleDefinitionId,
    ROLE_NAMES,
} from "../components";
import { PRIVILEGE, privilegeOf } from "../components/access/privilege";
import { BUILT_IN_ROLES } from "../components/roles";
import { ROOT } from "./helpers";
import { managedClusterProblems, poolProblems } from "../offline/fakes";

describe("roles (docs/azure-facts.md: Built-in Azure role definition GUIDs)", function () {
    it("pins the AKS role GUIDs", function () {
        assert.deepEqual(AKS_ROLES, {
            clusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
            clusterAdminLocal: "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
            rbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
            rbacWriter: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
            rbacAdmin: "3498e952-d568-435e-9b2c-8d77e338d7f7",
            // docs/azure-facts.md roles table: the control plane on your own network.
            networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
            privateDnsZoneContributor: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
            // The control plane on a KMS key; the kubelet on a registry.
            keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
            // The control plane on a private KMS vault: it makes the private link.
            keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
            acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
            // The control plane on your disk encryption set: AKS reads it.
            reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            rbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
            managedIdentityOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
            aksContributor: "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
        });
        assert.deepEqual(ACCESS_ROLE_GUIDS, {
            reader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
            writer: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
            admin: "3498e952-d568-435e-9b2c-8d77e338d7f7",
            "cluster-admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        });
    });

    // Issue 29, item 7: one table of privilege, read by config, plan and pack alike.
    it("lists every role the stack may grant in the privilege table, with Microsoft's name", function () {
        for (const [name, guid] of Object.entries(BUILT_IN_ROLES)) {
            assert.equal(privilegeOf(guid)?.name, name, guid);
        }
        for (const guid of Object.values(AKS_ROLES)) {
            assert.ok(
                privilegeOf(guid),
                `AKS role ${guid} is not in components/access/privilege.ts`,
            );
        }
        assert.deepEqual(
            Object.entries(PRIVILEGE)
                .filter(([, r]) => r.class !== "ordinary")
                .map(([guid, r]) => `${r.class} ${r.level} ${r.name} ${guid}`)
                .sort(),
            [
                "forbidden 3 Azure Kubernetes Service Contributor Role ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
                "forbidden 3 Contributor b24988ac-6180-42a0-ab88-20f7382dd24c",
                "forbidden 3 Key Vault Data Access Administrator 8b54135c-b56d-4d72-a534-26097cfdc8d8",
                "forbidden 3 Owner 8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                "forbidden 3 Role Based Access Control Administrator f58310d9-a9f6-439a-9e8d-f62e7b41a168",
                "forbidden 3 User Access Administrator 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
                "forbidden 4 Azure Kubernetes Service Cluster Admin Role 0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
                "identity-admin 3 Managed Identity Contributor e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
                "identity-admin 3 Managed Identity Operator f1a07417-d97a-45cb-824c-7a7467783830",
                "privileged 3 Key Vault Administrator 00482a5a-887f-4fb3-b363-3b7fe8e74483",
                "privileged 3 Storage Account Contributor 17d1049b-9a84-46fb-8f53-869881c3d3ab",
                "privileged 3 Storage Account Key Operator Service Role 81a9662b-bebf-436f-a333-f67b29880f12",
                "privileged 3 Virtual Machine Contributor 9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
            ],
        );
        assert.equal(privilegeOf("5a5a5a5a-1234-4321-8765-0123456789ab"), undefined);
        assert.equal(privilegeOf("ACDD72A7-3385-48EF-BD42-F606FBA81AE7")?.level, 1);
    });

    it("names every role GUID of docs/azure-facts.md as that table does", function () {
        const table = readFileSync(path.join(ROOT, "docs", "azure-facts.md"), "utf8");
        const rows = [...table.matchAll(/^\| ([^|]+?) \| ([0-9a-f-]{36}) \|/gm)];
        assert.ok(rows.length >= 10, "the GUID table is where the test expects it");
        for (const [, name, guid] of rows) {
            assert.equal(ROLE_NAMES[guid], name, guid);
        }
    });

    it("resolves built-in roles by name (any case) or GUID, and nothing else", function () {
        assert.equal(resolveRole("Key Vault Secrets User"), "4633458b-17de-408a-b874-0445c86b69e6");
        assert.equal(resolveRole("acrpull"), "7f951dda-4ed3-4680-a7ca-43fe172d538d");
        assert.equal(
            resolveRole("2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1"),
            "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        );
        assert.equal(resolveRole("Key Vault Secret User"), undefined);
    });

    it("forbids Owner, Contributor, User Access Administrator, RBAC Administrator, local admin, AKS Contributor and Key Vault Data Access Administrator", function () {
        assert.deepEqual(Object.keys(FORBIDDEN_ROLES).sort(), [
            "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            "8b54135c-b56d-4d72-a534-26097cfdc8d8",
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "b24988ac-6180-42a0-ab88-20f7382dd24c",
            "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
            "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        ]);
    });

    it("builds full role definition ids, namespace scopes and stable assignment GUIDs", function () {
        assert.equal(
            roleDefinitionId("s", AKS_ROLES.clusterUser),
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
        );
        assert.equal(
            namespaceScope("/x/managedClusters/c", "payments"),
            "/x/managedClusters/c/namespaces/payments",
        );
        const a = roleAssignmentName("/S/c", AKS_ROLES.rbacReader, "P");
        assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(
            roleAssignmentName("/s/C", AKS_ROLES.rbacReader, "p"),
            a,
            "case-insensitive, like ARM",
        );
        assert.notEqual(roleAssignmentName("/s/c", AKS_ROLES.rbacWriter, "p"), a);
    });
});

describe("kubeconfig rewrite (docs/azure-facts.md, failure mode 6)", function () {
    // The login's own flags as AKS issues them (convert-kubeconfig keeps them for spn,
    // interactive and devicecode).
    const personal = [
        "--environment",
        "AzurePublicCloud",
        "--server-id",
        "6dae42f8-4368-4678-94ff-3960e28e3630",
        "--client-id",
        "80faf920-1908-4b52-b5ef-a8e7bedfc67a",
        "--tenant-id",
        "t-1",
    ];
    const aksArgs = ["get-token", ...personal, "--login", "devicecode"];
    const table: [string, string[]][] = [
        [
            "azurecli",
            [
                "get-token",
                "--login",
                "azurecli",
                "--server-id",
                "6dae42f8-4368-4678-94ff-3960e28e3630",
            ],
        ],
        [
            "workloadidentity",
            [
                "get-token",
                "--login",
                "workloadidentity",
                "--server-id",
                "6dae42f8-4368-4678-94ff-3960e28e3630",
            ],
        ],
        [
            "msi",
            ["get-token", "--login", "msi", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
        ],
    ];
    table.push(
        ["spn", ["get-token", "--login", "spn", ...personal]],
        ["interactive", ["get-token", "--login", "interactive", ...personal]],
        ["devicecode", ["get-token", "--login", "devicecode", ...personal]],
    );
    for (const [mode, expected] of table) {
        it(`writes the args kubelogin convert-kubeconfig -l ${mode} writes`, function () {
            assert.deepEqual(kubeloginArgs(aksArgs, mode as "azurecli"), expected);
        });
    }

    // Lower-case `resourcegroups`, as AKS writes some ids: passed on exactly, never rebuilt.
    const clusterId =
        "/subscriptions/11111111-2222-4333-8444-555555555555/resourcegroups/rg-aks-entra-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev";
    const pop = ["--pop-enabled", "--pop-claims", `u=${clusterId}`];
    for (const mode of ["interactive", "spn"] as const) {
        it(`adds --pop-enabled --pop-claims u=<cluster id> after the ${mode} login's flags`, function () {
            assert.deepEqual(kubeloginArgs(aksArgs, mode, { popClusterId: clusterId }), [
                "get-token",
                "--login",
                mode,
                ...personal,
                ...pop,
            ]);
        });
    }

    it("refuses PoP in a login kubelogin gets no PoP token in, and a claim that is no ARM id", function () {
        for (const mode of KUBELOGIN_MODES.filter((m) => m !== "interactive" && m !== "spn")) {
            assert.throws(
                () => kubeloginArgs(aksArgs, mode, { popClusterId: clusterId }),
                new RegExp(
                    `^Error: aks-entra: kubelogin requests no PoP tokens in the ${mode} login$`,
                ),
            );
        }
        assert.equal(popClaims(clusterId), `u=${clusterId}`);
        for (const bad of ["", "aks-dev", `${clusterId},x=y`, `${clusterId} `]) {
            assert.throws(() => popClaims(bad), /is not a cluster ARM id$/);
        }
    });

    it("rewrites every exec user and refuses a kubeconfig without one", function () {
        const kc = stringify({
            users: [{ name: "u", user: { exec: { command: "kubelogin", args: aksArgs } } }],
        });
        const out = parse(rewriteKubeconfig(kc, "azurecli")) as {
            users: { user: { exec: { args: string[]; interactiveMode: string } } }[];
        };
        assert.equal(out.users[0].user.exec.args[2], "azurecli");
        assert.equal(out.users[0].user.exec.interactiveMode, "Never");
        assert.throws(
            () =>
                rewriteKubeconfig(
                    stringify({ users: [{ name: "u", user: { token: "x" } }] }),
                    "azurecli",
                ),
            /has no exec \(kubelogin\) user; request it with format exec/,
        );
        assert.throws(
            () => kubeloginArgs(["get-token", "--login", "devicecode"], "azurecli"),
            /no --server-id/,
        );
    });
});

describe("getCredentialsCommand: the person's login, with PoP tokens when asked", function () {
    const cluster = {
        resourceGroup: "rg-aks-entra-dev",
        name: "aks-dev",
        id: "/subscriptions/11111111-2222-4333-8444-555555555555/resourcegroups/rg-aks-entra-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev",
    };
    const get =
        "az aks get-credentials --resource-group rg-aks-entra-dev --name aks-dev --overwrite-existing && kubelogin convert-kubeconfig";
    const pop = ` --pop-enabled --pop-claims "u=${cluster.id}"`;
    // kubeloginMode -> [without PoP, with kubeloginPop true]; undefined: the config refuses it.
    const table: Record<KubeloginMode, [string, string | undefined]> = {
        azurecli: [`${get} -l azurecli`, undefined],
        workloadidentity: [`${get} -l azurecli`, undefined],
        msi: [`${get} -l azurecli`, undefined],
        // A person never signs in as the service principal: the spn PoP is in the kubeconfig.
        spn: [`${get} -l azurecli`, `${get} -l azurecli`],
        interactive: [`${get} -l interactive`, `${get} -l interactive${pop}`],
        devicecode: [`${get} -l devicecode`, undefined],
    };
    for (const mode of KUBELOGIN_MODES) {
        const [bearer, withPop] = table[mode];
        it(`kubeloginMode ${mode}`, function () {
            assert.equal(
                credentialsCommand({ kubeloginMode: mode, kubeloginPop: false }, cluster),
                bearer,
            );
            const config = { location: "westeurope", kubeloginMode: mode, kubeloginPop: true };
            if (withPop === undefined) {
                assert.throws(
                    () => parseConfig(config),
                    /aks-entra:kubeloginPop true is used only/,
                );
            } else {
                assert.equal(credentialsCommand(parseConfig(config), cluster), withPop);
            }
        });
    }
});

describe("authorized IP ranges", function () {
    const cases: [string, string | undefined][] = [
        ["203.0.113.0/24", undefined],
        ["198.51.100.17/32", undefined],
        ["198.51.100.17", undefined],
        ["2001:db8::/32", undefined],
        ["10.0.0.1/8", "has host bits set; did you mean 10.0.0.0/8?"],
        [
            "0.0.0.0/0",
            "opens the API server to the whole Internet; remove authorizedIpRanges instead",
        ],
        ["300.1.1.1/32", "is not an IP range in CIDR notation (e.g. 203.0.113.0/24)"],
        ["10.0.0.0/33", "is not an IP range in CIDR notation (prefix must be 0-32)"],
        ["10.0.0.0/x", "is not an IP range in CIDR notation (prefix must be 0-32)"],
        ["10.0.0.0/8/8", "is not an IP range in CIDR notation (e.g. 203.0.113.0/24)"],
    ];
    for (const [value, problem] of cases) {
        it(`${value} -> ${problem ?? "valid"}`, function () {
            assert.equal(cidrProblem(value), problem);
        });
    }
});

describe("config cross-checks that keep logical names unique", function () {
    const kv =
        "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
    it("rejects the same role on the same scope twice for one identity (by name and by GUID)", function () {
        assert.throws(
            () =>
                parseConfig({
                    location: "westeurope",
                    namespaces: [
                        {
                            name: "payments",
                            workloads: [
                                {
                                    serviceAccount: "api",
                                    azureRoleAssignments: [
                                        { role: "Key Vault Secrets User", scope: kv },
                                        {
                                            role: "4633458b-17de-408a-b874-0445c86b69e6",
                                            scope: kv
                                                .toUpperCase()
                                                .replace("/SUBSCRIPTIONS", "/subscriptions"),
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                }),
            (e: Error) =>
                e.message.includes(
                    `aks-entra:namespaces[0].workloads[0].azureRoleAssignments grants role 4633458b-17de-408a-b874-0445c86b69e6 on ${kv.toLowerCase()} twice; list each role and scope once`,
                ),
        );
    });

    it("rejects a pipeline listing one namespace twice", function () {
        assert.throws(
            () =>
                parseConfig({
                    location: "westeurope",
                    namespaces: [{ name: "payments" }],
                    pipelines: [
                        {
                            name: "deploy",
                            github: [{ repository: "contoso/app", branch: "main" }],
                            namespaceAccess: [
                                { namespace: "payments", role: "reader" },
                                { namespace: "payments", role: "writer" },
                            ],
                        },
                    ],
                }),
            /aks-entra:pipelines\[0\]\.namespaceAccess lists namespace "payments" more than once; give the pipeline one role per namespace/,
        );
    });
});

describe("the fake AKS refuses what AKS refuses (offline/fakes.ts)", function () {
    const valid = {
        aadProfile: { managed: true, enableAzureRBAC: true },
        disableLocalAccounts: true,
        identity: { type: "UserAssigned", userAssignedIdentities: ["/id/cp"] },
        identityProfile: { kubeletidentity: { resourceId: "/id/k" } },
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        networkProfile: {
            networkPlugin: "azure",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
        },
        agentPoolProfiles: [{ name: "system", mode: "System" }],
    };
    const table: [string, Record<string, unknown>, string][] = [
        [
            "legacy AAD fields",
            { aadProfile: { managed: true, serverAppID: "x" } },
            "legacy Entra (client/server app) fields cannot be set with managed integration",
        ],
        [
            "local accounts off without managed Entra",
            { aadProfile: {} },
            "local accounts can only be disabled on a cluster with AKS-managed Entra integration",
        ],
        [
            "ranges on a private cluster",
            {
                apiServerAccessProfile: {
                    enablePrivateCluster: true,
                    authorizedIPRanges: ["203.0.113.0/24"],
                },
            },
            "authorized IP ranges are not supported on a private cluster",
        ],
        [
            "node-image with SecurityPatch",
            {
                autoUpgradeProfile: {
                    upgradeChannel: "node-image",
                    nodeOSUpgradeChannel: "SecurityPatch",
                },
            },
            "nodeOSUpgradeChannel must be NodeImage when upgradeChannel is node-image",
        ],
        [
            "cilium policy without the cilium dataplane",
            { networkProfile: { networkPlugin: "azure", networkPolicy: "cilium" } },
            "network policy cilium requires networkDataplane cilium",
        ],
        [
            "workload identity without OIDC",
            { oidcIssuerProfile: { enabled: false } },
            "workload identity requires the OIDC issuer to be enabled",
        ],
        [
            "a kubelet identity with a system-assigned control plane",
            { identity: { type: "SystemAssigned" } },
            "a custom kubelet identity requires a user-assigned control-plane identity",
        ],
        [
            "no System pool",
            { agentPoolProfiles: [{ name: "user", mode: "User" }] },
            "a cluster needs at least one System mode agent pool",
        ],
        [
            "a Kubernetes version past AKS end of support",
            { kubernetesVersion: "1.24.0" },
            "K8sVersionNotSupported: version 1.24.0 is not supported in this region (past AKS end of support)",
        ],
        [
            "a service range wider than /12",
            { networkProfile: { ...valid.networkProfile, serviceCidr: "10.0.0.0/11" } },
            "serviceCidr 10.0.0.0/11 is too large; the mask must be >= 12",
        ],
        [
            "a System pool of one vCPU",
            { agentPoolProfiles: [{ name: "system", mode: "System", vmSize: "Standard_B1s" }] },
            "agent pool system: VM size Standard_B1s has fewer than 2 vCPUs, which AKS does not allow",
        ],
        [
            "a System pool that scales to zero",
            { agentPoolProfiles: [{ name: "system", mode: "System", count: 0, minCount: 0 }] },
            "agent pool system: minCount 0 is outside 1-1000 for a System pool",
        ],
    ];
    it("accepts a User pool that scales to zero, and a /12 service range", function () {
        assert.deepEqual(poolProblems({ mode: "User", count: 0, minCount: 0 }, "apps"), []);
        const net = { ...valid.networkProfile, serviceCidr: "10.0.0.0/12" };
        assert.deepEqual(managedClusterProblems({ ...valid, networkProfile: net }), []);
    });
    it("accepts what this stack sends", function () {
        assert.deepEqual(managedClusterProblems(valid), []);
    });
    for (const [what, change, problem] of table) {
        it(`refuses ${what}`, function () {
            assert.ok(managedClusterProblems({ ...valid, ...change }).includes(problem));
        });
    }
});
