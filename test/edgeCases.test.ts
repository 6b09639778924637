// The valid side of the hostile classes (issue 22, item 7; refusals in hostileInput.ts): what sits
// just inside each limit is accepted, plans, and reaches Azure as written. One program run and one
// plan run of a config that holds every edge at once.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { configFromPulumi, pulumiConfigMap } from "../components/config";
import { vmSizeProblem } from "../components/config/values";
import { AKS_ROLES } from "../components/roles";
import type { RunResult } from "../offline/harness";
import { type Config, grantOn, min, SRE, SUBNET } from "./configCases";
import { minimalConfig, ofType, one, run, TYPES } from "./helpers";
import { plan } from "./planRun";

const SUB = "/subscriptions/11111111-2222-4333-8444-555555555555";
const STORAGE = `${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`;

/** Each config is valid on its own and sits on the edge of a refused class. */
const EDGES: { what: string; config: Config }[] = [
    {
        what: "a user pool that scales to zero",
        config: min({ cluster: { userPools: [{ name: "batch", minCount: 0, maxCount: 5 }] } }),
    },
    {
        what: "a user pool of zero nodes without autoscaling",
        config: min({ cluster: { userPools: [{ name: "idle", count: 0 }] } }),
    },
    {
        what: "a service range of exactly /12",
        config: min({
            cluster: {
                network: {
                    subnetId: SUBNET,
                    serviceCidr: "10.0.0.0/12",
                    dnsServiceIp: "10.0.0.10",
                },
            },
        }),
    },
    {
        what: "a pod range of one /24 per node of a single-node system pool",
        config: min({
            cluster: {
                systemPool: { count: 1 },
                network: { subnetId: SUBNET, podCidr: "10.244.0.0/24" },
            },
        }),
    },
    {
        what: "2-vCPU and constrained node sizes",
        config: min({
            cluster: {
                systemPool: { vmSize: "Standard_B2s" },
                userPools: [
                    { name: "mem", vmSize: "Standard_E4-2s_v5" },
                    { name: "old", vmSize: "Standard_D11_v2" },
                ],
            },
        }),
    },
    {
        what: "expires-at as a date and as a UTC date-time",
        config: min({ tags: { "expires-at": "2026-12-31T18:30:00Z", team: "payments" } }),
    },
    {
        what: "group aliases named toString and constructor (looked up through a Map)",
        config: min({
            groups: { toString: SRE, constructor: "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f" },
            clusterAccess: [{ group: "toString", role: "reader" }],
        }),
    },
    {
        what: "Managed Identity Operator on a resource that holds no identities",
        config: grantOn(STORAGE, "f1a07417-d97a-45cb-824c-7a7467783830"),
    },
    {
        what: "Conditional Access excluding one of two existing admin groups, declared break-glass",
        config: min({
            admins: {
                createGroup: false,
                existingGroupObjectIds: [SRE, "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"],
            },
            conditionalAccess: { excludeGroups: [SRE], breakGlassGroups: [SRE.toUpperCase()] },
        }),
    },
    {
        what: "text with ordinary spaces and non-ASCII letters where text is free",
        config: min({ tags: { owner: "Zoë Müller, platform team" } }),
    },
];

/** Every edge at once, for one program run and one plan run. */
const ALL_EDGES = minimalConfig({
    protect: false,
    // A minor AKS still creates clusters at (as Pulumi.dev.yaml pins: refreshed together).
    kubernetesVersion: "1.35",
    groups: { toString: SRE },
    clusterAccess: [{ group: "toString", role: "reader" }],
    cluster: {
        systemPool: { vmSize: "Standard_D2s_v5", count: 2 },
        userPools: [
            { name: "batch", vmSize: "Standard_E4-2s_v5", minCount: 0, maxCount: 5 },
            { name: "idle", count: 0 },
        ],
        network: {
            subnetId: SUBNET,
            podCidr: "10.244.0.0/16",
            serviceCidr: "10.0.0.0/12",
            dnsServiceIp: "10.0.0.10",
        },
    },
    tags: { "expires-at": "2026-12-31", owner: "Zoë Müller" },
});

describe("edge cases of the hostile classes: accepted, planned and created as written", function () {
    this.timeout(120_000);
    let r: RunResult;
    let dir: string;
    let planned: Promise<{ code: number; stdout: string; stderr: string }>;

    before(async function () {
        dir = mkdtempSync(path.join(tmpdir(), "aks-entra-edges-"));
        const file = path.join(dir, "edges.yaml");
        writeFileSync(file, stringify({ config: ALL_EDGES }));
        planned = plan("--config", file, "--stack", "edges");
        r = await run({ config: ALL_EDGES });
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const edge of EDGES) {
        it(`accepts ${edge.what}`, function () {
            assert.doesNotThrow(() => configFromPulumi(pulumiConfigMap(edge.config)));
        });
    }

    it("accepts node sizes of 2 vCPUs and more, constrained ones by their active vCPUs", function () {
        for (const size of [
            "Standard_D2s_v5",
            "Standard_B2s",
            "Standard_E4-2s_v5",
            "Standard_G1",
        ]) {
            assert.equal(vmSizeProblem(size), undefined, size);
        }
        assert.match(String(vmSizeProblem("Standard_E4-1s_v5")), /^has 1 vCPU;/);
    });

    it("creates a user pool that scales to zero, and one of zero nodes", function () {
        const pools = ofType(r, TYPES.agentPool).map((p) => ({
            name: String(p.inputs.agentPoolName).slice(0, -4),
            vmSize: p.inputs.vmSize,
            count: p.inputs.count,
            enableAutoScaling: p.inputs.enableAutoScaling,
            minCount: p.inputs.minCount,
            maxCount: p.inputs.maxCount,
        }));
        pools.sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(pools, [
            {
                name: "batch",
                vmSize: "Standard_E4-2s_v5",
                count: 0,
                enableAutoScaling: true,
                minCount: 0,
                maxCount: 5,
            },
            {
                name: "idle",
                vmSize: "Standard_D4ds_v5",
                count: 0,
                enableAutoScaling: false,
                minCount: undefined,
                maxCount: undefined,
            },
        ]);
    });

    it("sends the /12 service range and the tags as written", function () {
        const cluster = one(r, TYPES.cluster, "aks-entra-cluster").inputs;
        const profile = cluster.networkProfile as Record<string, unknown>;
        assert.equal(profile.serviceCidr, "10.0.0.0/12");
        assert.equal(profile.dnsServiceIP, "10.0.0.10");
        const tags = cluster.tags as Record<string, string>;
        assert.equal(tags["expires-at"], "2026-12-31");
        assert.equal(tags.owner, "Zoë Müller");
    });

    it("grants the group aliased toString its role on the cluster", function () {
        const clusterId = one(r, TYPES.cluster, "aks-entra-cluster").id;
        const grants = ofType(r, TYPES.roleAssignment).filter(
            (g) => g.inputs.principalId === SRE && g.inputs.scope === clusterId,
        );
        assert.deepEqual(
            grants.map((g) => String(g.inputs.roleDefinitionId).split("/").pop()).sort(),
            [AKS_ROLES.clusterUser, AKS_ROLES.rbacReader].sort(),
        );
    });

    it("npm run plan plans it (exit 0)", async function () {
        const result = await planned;
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /batch/);
    });
});
