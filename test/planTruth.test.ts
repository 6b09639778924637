// The offline plan tells the truth (issue 7), part 1: the configured deployer, every node pool,
// changes Azure refuses or that replace a resource, --fail-on and exit codes, the stack name of
// --config, the values defaults take. Part 2 (findings) is planFindings.test.ts. Runs the CLI as
// a user does (test/planRun.ts); the runs happen once, in parallel, in before() hooks.
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { TYPES } from "../offline/types";
import { propertyChanges } from "../plan/diff";
import { changedParts } from "../plan/diffRender";
import { immutableChanges } from "../plan/immutable";
import {
    DEPLOYER,
    findingLines,
    plan,
    planDiff,
    readPlan,
    type Run,
    teams,
    TEAMS_FILE,
    variant,
    workspace,
} from "./planRun";

const { out, dev: devVariant, remove } = workspace("truth");

const CLUSTER = "azure-native:containerservice:ManagedCluster aks-entra-cluster";
const SUBNET_DEV =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-network-dev/providers/Microsoft.Network/virtualNetworks/vnet-spoke-dev/subnets/aks";

describe("offline plan tells the truth: deployer, pools, refused changes, exit codes", function () {
    this.timeout(300_000);
    const runs: Record<string, Run> = {};

    before(async () => {
        const dev = devVariant;
        writeFileSync(
            out("minimal.yaml"),
            stringify({ config: { "aks-entra:location": "westeurope" } }),
        );
        // A copy of the dev stack named like a stack file, with real-looking ranges.
        const prod = dev("Pulumi.prod.yaml", (c) => {
            c["aks-entra:cluster"].authorizedIpRanges = ["20.50.100.0/24"];
        });
        [runs.dev, runs.teams, runs.minimal, runs.prodHigh, runs.prodMedium, runs.badFailOn] =
            await Promise.all([
                plan("--json", out("dev.json")),
                plan(...teams, "--json", out("teams.json"), "--fail-on", "high"),
                plan("--config", out("minimal.yaml")),
                plan("--config", prod, "--fail-on", "high"),
                plan("--config", prod, "--fail-on", "medium"),
                plan("--fail-on", "critical"),
            ]);
        assert.equal(runs.dev.code, 0, runs.dev.stderr);
        assert.equal(runs.teams.code, 5, runs.teams.stderr);

        // Second wave: diffs against those plans.
        const maxCount = dev("max-count.yaml", (c) => {
            c["aks-entra:cluster"].userPools[0].maxCount = 12;
        });
        const refused = dev("refused.yaml", (c) => {
            const cluster = c["aks-entra:cluster"];
            cluster.systemPool.vmSize = "Standard_D8ds_v5";
            cluster.systemPool.zones = ["1", "2"];
            cluster.privateCluster = true;
            delete cluster.authorizedIpRanges;
        });
        const userPoolResized = dev("user-pool-resized.yaml", (c) => {
            c["aks-entra:cluster"].userPools[0].vmSize = "Standard_D16ds_v5";
        });
        // The first user pool, with the system pool's taint fixed: only an AgentPool is added.
        const userPoolAdded = variant(TEAMS_FILE, out("user-pool.yaml"), (c) => {
            c["aks-entra:cluster"].systemPool.criticalAddonsOnly = false;
            c["aks-entra:cluster"].userPools = [
                { name: "apps", vmSize: "Standard_D8ds_v5", count: 2 },
            ];
            c["aks-entra:namespaces"][2].access.push({ group: "release-managers", role: "reader" });
        });
        const base = out("dev.json");
        [runs.maxCount, runs.refused, runs.userPoolAdded, runs.userPoolResized] = await Promise.all(
            [
                planDiff(
                    maxCount,
                    "dev",
                    base,
                    "--diff-json",
                    out("max-count-diff.json"),
                    "--markdown",
                    out("max-count.md"),
                ),
                planDiff(refused, "dev", base),
                planDiff(
                    userPoolAdded,
                    "teams",
                    out("teams.json"),
                    "--markdown",
                    out("user-pool.md"),
                ),
                planDiff(userPoolResized, "dev", base),
            ],
        );
    });

    after(remove);

    describe("deployer.objectId", () => {
        it("is the deployer the plan shows, not the harness's placeholder login", () => {
            const p = readPlan(out("dev.json"));
            const deployer = p.principals.find((x) => x.key === "deployer")!;
            assert.equal(deployer.objectId, DEPLOYER);
            // dev's deployer is its pipeline (docs/delivery.md), not a person.
            assert.equal(deployer.principalType, "ServicePrincipal");
            // Not also an ordinary user with a grant of its own.
            assert.deepEqual(
                p.principals.filter((x) => x.kind === "user").map((x) => x.objectId),
                [],
            );
            assert.deepEqual(
                p.grants.filter((g) => g.principal === "deployer").map((g) => g.role),
                ["AKS RBAC Cluster Admin"],
            );
            assert.ok(
                findingLines(runs.dev).includes(
                    `MEDIUM  cluster-admin: the deployer (${DEPLOYER}, aks-entra:deployer.objectId) gets AKS RBAC Cluster Admin on the cluster (inherited from resource group rg-aks-entra-dev-5ff3bbad, so it propagates while the cluster is created) so it can manage namespaces and RBAC; set aks-entra:deployer.clusterAdmin false once it is in an admin group`,
                ),
            );
            assert.ok(!findingLines(runs.dev).some((l) => l.startsWith("HIGH    cluster-admin")));
            assert.match(
                runs.dev.stdout,
                /^ok +Kubernetes provider waits for the deployer's AKS RBAC Cluster Admin and a 300s RBAC propagation wait$/m,
            );
            assert.doesNotMatch(runs.dev.stdout, /no deployer grant/);
            assert.match(
                runs.dev.stdout,
                new RegExp(`owners: deployer \\(${DEPLOYER}\\)  members: `),
            );
        });

        it("takes the deployer's principal type from the config (teams: ServicePrincipal)", () => {
            const p = readPlan(out("teams.json"));
            assert.equal(
                p.principals.find((x) => x.key === "deployer")!.principalType,
                "ServicePrincipal",
            );
        });
    });

    describe("node pools", () => {
        it("shows every pool in the tree and the JSON, with what Azure will not change in place", () => {
            assert.match(
                runs.dev.stdout,
                /pool system {8}System, 3 x Standard_D4ds_v5, AzureLinux, autoscale 3-5, zones 1,2,3, subnet vnet-spoke-dev\/subnets\/aks, taint CriticalAddonsOnly=true:NoSchedule$/m,
            );
            assert.match(
                runs.dev.stdout,
                /├─ azure-native:AgentPool {2}apps[0-9a-f]{4} {2}\(aks-entra-cluster-pool-apps\)$/m,
            );
            const resources = readPlan(out("dev.json")).resources;
            const pool = resources.find((r) => r.name === "aks-entra-cluster-pool-apps")!;
            const azureName = Object.keys(pool.properties).find((k) => k.startsWith("pool "))!;
            assert.match(azureName, /^pool apps[0-9a-f]{4}$/);
            assert.equal(
                pool.properties[azureName],
                "User, 3 x Standard_D8ds_v5, AzureLinux, autoscale 3-10, zones 1,2,3, subnet vnet-spoke-dev/subnets/aks, surge 33%, label aks-entra/pool=apps, label workload-class=general",
            );
            const cluster = resources.find(
                (r) => r.type === "azure-native:containerservice:ManagedCluster",
            )!;
            assert.deepEqual(cluster.immutable, {
                "apiServer private": "false",
                "apiServer privateDnsZone": "",
                "apiServer vnetIntegration subnet": "off",
                dnsPrefix: "aks-aks-entra-dev-5ff3bbad",
                "entra managed": "true",
                location: "westeurope",
                "network dnsServiceIP": "10.0.0.10",
                "network networkPluginMode": "overlay",
                "network networkPolicy": "cilium",
                "network outboundType": "loadBalancer",
                "network podCidr": "10.244.0.0/16",
                "network serviceCidr": "10.0.0.0/16",
                nodeResourceGroup: "rg-aks-entra-dev-5ff3bbad-nodes",
                oidcIssuer: "true",
                "pool system": "present",
                "pool system encryptionAtHost": "false",
                "pool system osSku": "AzureLinux",
                "pool system spot": "false",
                "pool system subnet": SUBNET_DEV,
                "pool system vmSize": "Standard_D4ds_v5",
                "pool system zones": "1,2,3",
                resourceGroupName: "rg-aks-entra-dev-5ff3bbad",
                resourceName: "aks-aks-entra-dev-5ff3bbad",
            });
            assert.equal(
                cluster.properties.network,
                "azure overlay, policy cilium, your subnet vnet-spoke-dev/subnets/aks, pods 10.244.0.0/16, services 10.0.0.0/16, outbound loadBalancer",
            );
        });

        it("--diff reports a user pool's maxCount change as a plain change of its AgentPool, exit 0", () => {
            const r = runs.maxCount;
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^Access: unchanged$/m);
            assert.match(r.stdout, /^Resources: 0 added, 0 removed, 1 changed$/m);
            const lines = r.stdout.split("\n");
            const at = lines.findIndex((l) => l.includes(" aks-entra-cluster-pool-apps "));
            const pool = /\(pool (apps[0-9a-f]{4})\)$/.exec(lines[at])?.[1] ?? "";
            // The property that changed, with its old and new value (the parts that differ).
            assert.deepEqual(lines.slice(at, at + 2), [
                `  ~ changed  azure-native:containerservice:AgentPool aks-entra-cluster-pool-apps (pool ${pool})`,
                `      pool ${pool}: autoscale 3-10 -> autoscale 3-12`,
            ]);
            assert.doesNotMatch(r.stdout, /Refused/);
            // The same change in the Markdown and, whole, in the diff's JSON.
            assert.match(
                readFileSync(out("max-count.md"), "utf8"),
                new RegExp(
                    `^\\| azure-native:containerservice:AgentPool aks-entra-cluster-pool-apps \\| pool ${pool} \\| autoscale 3-10 \\| autoscale 3-12 \\|$`,
                    "m",
                ),
            );
            const json = JSON.parse(readFileSync(out("max-count-diff.json"), "utf8")) as {
                schemaVersion: number;
                resources: { kind: string; properties: string[]; changes: unknown[] }[];
            };
            assert.equal(json.schemaVersion, 3);
            const whole = (max: number) =>
                `User, 3 x Standard_D8ds_v5, AzureLinux, autoscale 3-${max}, zones 1,2,3, subnet vnet-spoke-dev/subnets/aks, surge 33%, label aks-entra/pool=apps, label workload-class=general`;
            assert.deepEqual(
                json.resources.map((x) => [x.kind, x.properties, x.changes]),
                [
                    [
                        "changed",
                        [`pool ${pool}`],
                        [
                            {
                                property: `pool ${pool}`,
                                before: whole(10),
                                after: whole(12),
                                differs: { before: "autoscale 3-10", after: "autoscale 3-12" },
                            },
                        ],
                    ],
                ],
            );
        });

        it("--diff shows each changed property's old and new value, never a secret input's", () => {
            const base = {
                properties: { secretInputs: "kubeconfig", kubeconfig: "a", tier: "Free" },
            };
            const now = {
                properties: {
                    secretInputs: "kubeconfig",
                    kubeconfig: "b",
                    tier: "Standard",
                    network: "azure overlay, policy cilium",
                },
            };
            assert.deepEqual(propertyChanges(base, now), [
                { property: "kubeconfig", before: "[secret]", after: "[secret]" },
                { property: "network", before: undefined, after: "azure overlay, policy cilium" },
                { property: "tier", before: "Free", after: "Standard" },
            ]);
            assert.deepEqual(changedParts({ property: "p", before: "a, b, c", after: "a, c, d" }), [
                "b",
                "d",
            ]);
            assert.deepEqual(changedParts({ property: "p", before: "a, b", after: "a" }), [
                "b",
                "(none)",
            ]);
            assert.deepEqual(changedParts({ property: "p", before: "a, b", after: "b, a" }), [
                "a, b",
                "b, a",
            ]);
            assert.deepEqual(changedParts({ property: "p", after: "x" }), ["(none)", "x"]);
        });

        it("--diff reports a user pool's new VM size as a replacement, created before the old pool goes, exit 4", () => {
            const r = runs.userPoolResized;
            assert.equal(r.code, 4, r.stderr);
            assert.match(
                r.stdout,
                /^ {2}! replaces azure-native:containerservice:AgentPool aks-entra-cluster-pool-apps: agentPoolName (apps[0-9a-f]{4}) -> (?!\1)apps[0-9a-f]{4}: a new VM size, zones, OS, spot or encryption-at-host setting gives the pool a new name \(components\/nodePools.ts\): Pulumi creates the new pool, then deletes the old one/m,
            );
            // The cluster itself is not touched.
            assert.match(r.stdout, /^Resources: 0 added, 0 removed, 1 changed$/m);
            assert.doesNotMatch(r.stdout, /ManagedCluster/);
        });
    });

    describe("--diff: changes Azure refuses in place or that replace a resource", () => {
        it("flags system pool VM size and zones and private <-> public as refused, exit 4", () => {
            const r = runs.refused;
            assert.equal(r.code, 4, r.stderr);
            const lines = r.stdout.split("\n");
            const at = lines.indexOf(
                "Refused or replacing: 3 changes that pulumi up cannot make in place",
            );
            assert.ok(at > 0, r.stdout);
            assert.deepEqual(lines.slice(at + 1, at + 4), [
                `  ! refused  ${CLUSTER}: apiServer private false -> true: a Private Link API server cannot be made public or private after creation (learn.microsoft.com/azure/aks/private-clusters); create a new cluster`,
                `  ! refused  ${CLUSTER}: pool system vmSize Standard_D4ds_v5 -> Standard_D8ds_v5: AKS cannot change the VM size of an existing node pool (learn.microsoft.com/azure/aks/manage-node-pools); add a pool with the new size, move the workloads, remove the old pool`,
                `  ! refused  ${CLUSTER}: pool system zones 1,2,3 -> 1,2: AKS cannot change the availability zones of an existing node pool (learn.microsoft.com/azure/aks/availability-zones); add a pool with the new zones, move the workloads, remove the old pool`,
            ]);
            assert.match(
                r.stderr,
                /^plan: exit 4: 3 changes Azure refuses in place or that replace a resource$/m,
            );
        });

        it("adds a user pool as its own AgentPool and leaves the cluster untouched (docs/azure-facts.md, failure mode 13)", () => {
            const r = runs.userPoolAdded;
            // The pool and the new namespace grant; nothing changed.
            assert.match(r.stdout, /^Resources: 2 added, 0 removed, 0 changed$/m);
            assert.match(
                r.stdout,
                /^ {2}\+ added {4}azure-native:containerservice:AgentPool aks-entra-cluster-pool-apps$/m,
            );
            assert.doesNotMatch(r.stdout, /ManagedCluster/);
            assert.doesNotMatch(r.stdout, /Refused/);
            assert.match(
                r.stdout,
                /^ {2}\+ added {4}group release-managers on namespace batch: AKS RBAC Reader$/m,
            );
            assert.doesNotMatch(r.stderr, /exit 4/);
            assert.match(
                readFileSync(out("user-pool.md"), "utf8"),
                /AgentPool.*aks-entra-cluster-pool-apps/,
            );
        });
    });

    it("applies the same rules to every pool, and tells refused from replacing", () => {
        const urn = "urn:pulumi:dev::aks-entra::azure-native:containerservice:ManagedCluster::c";
        const before = {
            resourceName: "aks-a",
            "pool system": "present",
            "pool system vmSize": "Standard_D4ds_v5",
            "pool user": "present",
            "pool user vmSize": "Standard_D8ds_v5",
            "pool user zones": "1,2,3",
        };
        const after = {
            resourceName: "aks-b",
            "pool system": "present",
            "pool system vmSize": "Standard_D4ds_v5",
            "pool apps": "present",
            "pool apps vmSize": "Standard_D8ds_v5",
            "pool apps zones": "1,2,3",
        };
        const changes = (b: Record<string, string>, a: Record<string, string>) =>
            immutableChanges(urn, TYPES.cluster, b, a).map(
                (c) => `${c.kind} ${c.fact}: ${c.before} -> ${c.after}`,
            );
        // A renamed pool is one pool removed and one added; its own facts are not compared.
        assert.deepEqual(changes(before, after), [
            "refused pool apps: (none) -> present",
            "refused pool user: present -> (none)",
            "replaces resourceName: aks-a -> aks-b",
        ]);
        assert.deepEqual(
            changes(before, {
                ...before,
                "pool user vmSize": "Standard_E8ds_v5",
                "pool user zones": "none",
            }),
            [
                "refused pool user vmSize: Standard_D8ds_v5 -> Standard_E8ds_v5",
                "refused pool user zones: 1,2,3 -> none",
            ],
        );
        // AKS sets the DNS prefix and node resource group only at create (docs/azure-facts.md).
        assert.deepEqual(
            changes(
                { dnsPrefix: "aks-a", nodeResourceGroup: "rg-a-nodes" },
                { dnsPrefix: "aks-b", nodeResourceGroup: "rg-b-nodes" },
            ),
            [
                "refused dnsPrefix: aks-a -> aks-b",
                "refused nodeResourceGroup: rg-a-nodes -> rg-b-nodes",
            ],
        );
        // Turning the OIDC issuer on is allowed; off, refused.
        assert.deepEqual(changes({ oidcIssuer: "false" }, { oidcIssuer: "true" }), []);
        assert.deepEqual(changes({ oidcIssuer: "true" }, { oidcIssuer: "false" }), [
            "refused oidcIssuer: true -> false",
        ]);
        // A user pool as its own AgentPool resource gets the same pool rules.
        assert.deepEqual(
            immutableChanges(
                urn,
                TYPES.agentPool,
                { "pool user vmSize": "Standard_D8ds_v5" },
                { "pool user vmSize": "Standard_D16ds_v5" },
            ).map((c) => c.kind),
            ["refused"],
        );
    });

    describe("--fail-on", () => {
        it("exits 5 when a finding is at or above the level, and says how many", () => {
            assert.match(
                runs.teams.stderr,
                // teams.yaml: public API server, pull-request trust, subscription-wide role, sre's
                // cluster-wide writer by exception (cluster-wide-write), and two roles that run
                // pods as Azure-holding service accounts (issue 29).
                /^plan: exit 5: 6 findings at or above high \(--fail-on high\)$/m,
            );
            assert.equal(runs.prodMedium.code, 5, runs.prodMedium.stderr);
            assert.match(
                runs.prodMedium.stderr,
                // The dev stack's JIT entries: cluster-admin of jit oncall-admin, eligible-already-held
                // (payments-devs) and standing-cluster-admin-with-jit x2, the admin groups; its
                // deployer is a pipeline (test/planJit.test.ts); placeholder-ids: the dev file's
                // example subscription in its resource ids.
                /^plan: exit 5: 9 findings at or above medium \(--fail-on medium\)$/m,
            );
            assert.match(
                runs.prodMedium.stdout,
                /^MEDIUM {2}placeholder-ids: 1 id is a placeholder /m,
            );
        });

        it("exits 0 when every finding is below the level", () => {
            assert.equal(runs.prodHigh.code, 0, runs.prodHigh.stderr);
            assert.doesNotMatch(runs.prodHigh.stdout, /^HIGH /m);
            assert.doesNotMatch(runs.prodHigh.stderr, /exit/);
        });

        it("refuses a level that is not a severity, exit 1", () => {
            assert.equal(runs.badFailOn.code, 1);
            assert.match(
                runs.badFailOn.stderr,
                /^plan: --fail-on "critical" is not a severity; use high, medium, low$/m,
            );
        });
    });

    it("--config says which stack name it plans as", () => {
        assert.match(
            runs.minimal.stderr,
            new RegExp(
                `^plan: ${out("minimal.yaml")}: planning as stack "dev" \\(the default; set it with --stack NAME\\)$`,
                "m",
            ),
        );
        assert.match(
            runs.teams.stderr,
            new RegExp(`^plan: ${TEAMS_FILE}: planning as stack "teams" \\(from --stack\\)$`, "m"),
        );
        assert.match(
            runs.prodHigh.stderr,
            new RegExp(
                `^plan: ${out("Pulumi.prod.yaml")}: planning as stack "prod" \\(from the file name\\)$`,
                "m",
            ),
        );
        assert.match(runs.prodHigh.stdout, /^aks-entra plan: stack prod \(project aks-entra\)$/m);
    });

    it("shows the value each default takes", () => {
        assert.equal(runs.minimal.code, 0, runs.minimal.stderr);
        assert.deepEqual(
            findingLines(runs.minimal).filter((l) => l.startsWith("INFO")),
            [
                "INFO    default-in-use: aks-entra:admins is not set; the default applies: a new admin group owned by the deployer, no other admin groups",
                "INFO    default-in-use: aks-entra:auditLogs is not set; the default applies: kube-audit-admin and guard logs to a new Log Analytics workspace in the stack's resource group, kept 30 days",
                "INFO    default-in-use: aks-entra:cluster is not set; the default applies: tier Standard, one system pool of 3 x Standard_D4ds_v5",
                "INFO    default-in-use: aks-entra:cluster.monitoring.containerInsights is not set; the default applies: on: Container Insights to the stack's Log Analytics workspace, whose ingestion is billed per GB (docs/monitoring.md)",
                "INFO    default-in-use: aks-entra:cluster.network is not set; the default applies: none (AKS creates and manages the VNet; the cluster cannot be moved into your network later)",
                "INFO    default-in-use: aks-entra:cluster.systemPool.zones is not set; the default applies: none (the pool lives in one datacenter)",
                "INFO    default-in-use: aks-entra:cluster.tier is not set; the default applies: Standard",
                "INFO    default-in-use: aks-entra:cluster.userPools is not set; the default applies: none (applications run on the system pool)",
                "INFO    default-in-use: aks-entra:deployer.principalType is not set; the default applies: read from the Azure login (getClientConfig: the Azure CLI's client id means a person, any other a service principal)",
                "INFO    default-in-use: aks-entra:kubeloginMode is not set; the default applies: azurecli",
            ],
        );
    });
});
