// The plan says what it sees (issue 22, item 8): findings for cluster-wide admin and pipeline
// writes, a JIT approver who is also eligible, placeholder ids of any stack file, upgrade channels
// that leave patches undone, user pools without zones, every missing audit category at once, and a
// deployer.clusterAdmin that grants nothing. One plan of a dev variant with all of these, and two
// bare stacks, run as a user runs them (test/planRun.ts), in parallel, in before().
import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { placeholderGuid } from "../plan/findingsIds";
import { findingLines, plan, type Run, workspace } from "./planRun";

const { out, dev, remove } = workspace("sees");

/** A Microsoft Learn sample id (Entra app manifest reference, `appId`). */
const LEARN_SAMPLE = "00001111-aaaa-2222-bbbb-3333cccc4444";

describe("the plan says what it sees: findings of issue 22", function () {
    this.timeout(300_000);
    const runs: Record<string, Run> = {};
    /** The finding lines of a run with `code`. */
    const lines = (r: Run, code: string) =>
        findingLines(r).filter((l) => new RegExp(`^[A-Z]+ +${code}: `).test(l));

    before(async () => {
        const gaps = dev("gaps.yaml", (c) => {
            c["aks-entra:clusterAccess"].push({
                group: "developers",
                role: "admin",
                clusterWideException: "the developers run the cluster's own operators",
            });
            Object.assign(c["aks-entra:pipelines"][0], {
                clusterAccess: "writer",
                clusterWideException: "deploys the shared ingress in every namespace",
            });
            c["aks-entra:jit"][0].approvers = ["platform-admins", "sre"];
            const cluster = c["aks-entra:cluster"];
            cluster.autoUpgradeChannel = "none";
            cluster.nodeOsUpgradeChannel = "Unmanaged";
            delete cluster.maintenance;
            for (const p of cluster.userPools) delete p.zones;
            c["aks-entra:auditLogs"].categories = ["kube-apiserver"];
            c["aks-entra:groups"].developers = LEARN_SAMPLE;
        });
        const bare = (name: string, deployer?: object) => {
            writeFileSync(
                out(name),
                stringify({
                    config: {
                        "aks-entra:location": "westeurope",
                        ...(deployer ? { "aks-entra:deployer": deployer } : {}),
                    },
                }),
            );
            return out(name);
        };
        [runs.dev, runs.gaps, runs.bareAdmin, runs.bare] = await Promise.all([
            plan(),
            plan("--config", gaps, "--stack", "dev"),
            plan("--config", bare("bare-admin.yaml", { clusterAdmin: true }), "--stack", "bare"),
            plan("--config", bare("bare.yaml"), "--stack", "bare"),
        ]);
        for (const r of Object.values(runs)) assert.equal(r.code, 0, r.stderr);
    });

    after(remove);

    it("flags a group given clusterAccess admin and a pipeline with cluster-wide writer HIGH, once each", () => {
        // Config refuses both without clusterWideException (issue 29); allowed, each is one
        // cluster-wide-write finding (plan/findingsClusterWide.ts), quoting the exception.
        const admin =
            "Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin";
        const writer =
            "Azure Kubernetes Service RBAC Writer on the whole cluster reaches every namespace's service accounts, kube-system's included: it runs pods as any service account in its scope and so gets their API access and their Azure roles";
        assert.deepEqual(lines(runs.gaps, "cluster-wide-[a-z-]+"), [
            `HIGH    cluster-wide-write: group developers gets AKS RBAC Admin on the whole cluster: ${admin}; allowed by aks-entra:clusterAccess[2].clusterWideException: "the developers run the cluster's own operators". Give it on namespaces, or through a JIT entry that needs approval`,
            `HIGH    cluster-wide-write: pipeline payments-deploy gets AKS RBAC Writer on the whole cluster: ${writer}; allowed by aks-entra:pipelines[0].clusterWideException: "deploys the shared ingress in every namespace". Give it on namespaces, or through a JIT entry that needs approval`,
        ]);
        // The JIT groups (activation needs approval) are not flagged; nor is anything in dev.
        assert.deepEqual(lines(runs.dev, "cluster-wide-[a-z-]+"), []);
    });

    it("flags an approver group that is also the eligible group (JIT)", () => {
        assert.deepEqual(lines(runs.gaps, "jit-approver-is-eligible"), [
            "MEDIUM  jit-approver-is-eligible: aks-entra:jit[0] (oncall-admin): group sre both activates and approves: any eligible member can approve another's cluster-admin activation, so approval is no check by someone else; name approvers who are not eligible",
        ]);
        assert.deepEqual(lines(runs.dev, "jit-approver-is-eligible"), []);
    });

    it("names placeholder ids of any stack file, a documented sample id and the subscription of resource ids", () => {
        assert.deepEqual(lines(runs.gaps, "placeholder-ids"), [
            "MEDIUM  placeholder-ids: 2 ids are placeholders (runs of one digit or of counting digits: no tenant or subscription issues such GUIDs) at aks-entra:cluster.containerRegistries[0] (and 6 more places), aks-entra:groups.developers: replace them with your tenant's object ids and your subscription's resource ids before pulumi up",
        ]);
    });

    it("tells a placeholder GUID from a random one", () => {
        const cases: [string, string | undefined][] = [
            ["00000000-0000-4000-8000-000000000101", "mostly zeros"],
            ["11111111-2222-4333-8444-555555555555", "runs of one digit or of counting digits"],
            [LEARN_SAMPLE, "runs of one digit or of counting digits"],
            ["aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb", "runs of one digit or of counting digits"],
            ["12345678-1234-1234-1234-123456789012", "runs of one digit or of counting digits"],
            ["deadbeef-dead-beef-dead-beefdeadbeef", "one short pattern repeated"],
            ["abcdabcd-abcd-abcd-abcd-ABCDABCDABCD", "one short pattern repeated"],
            // Real ids: Entra's AKS server app, a role definition, a random one.
            ["6dae42f8-4368-4678-94ff-3960e28e3630", undefined],
            ["a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb", undefined],
            ["e40ec5ca-96e0-45a2-b4ff-59039f2c2b59", undefined],
        ];
        for (const [id, why] of cases) assert.equal(placeholderGuid(id), why, id);
        // What Entra and Azure issue: random GUIDs, never taken for placeholders.
        const flagged = Array.from({ length: 20_000 }, () => randomUUID()).filter(
            (id) => placeholderGuid(id) !== undefined,
        );
        assert.deepEqual(flagged, []);
    });

    it("flags autoUpgradeChannel none and nodeOsUpgradeChannel Unmanaged", () => {
        assert.deepEqual(lines(runs.gaps, "auto-upgrade-off|node-os-patches-unmanaged"), [
            'MEDIUM  node-os-patches-unmanaged: aks-entra:cluster.nodeOsUpgradeChannel is "Unmanaged": the OS patches nodes on its own schedule (Ubuntu\'s unattended upgrades, about daily), new nodes start unpatched, and nothing reboots them to apply kernel fixes (AKS points to kured); on some OS SKUs it behaves as None. Use NodeImage (the default) or SecurityPatch',
            'LOW     auto-upgrade-off: aks-entra:cluster.autoUpgradeChannel is "none": AKS never applies Kubernetes patch releases (security fixes included) to this cluster; someone must run az aks upgrade for each. Use "patch" (the default) unless upgrades are scheduled elsewhere',
        ]);
        assert.deepEqual(lines(runs.dev, "auto-upgrade-off|node-os-patches-unmanaged"), []);
    });

    it("names every user pool without availability zones in one finding, by its config name", () => {
        assert.deepEqual(lines(runs.gaps, "no-availability-zones"), [
            "LOW     no-availability-zones: user pools apps, batch have no availability zones: one datacenter failure takes their nodes and the workloads on them; set zones on each in aks-entra:cluster.userPools (a pool's zones are fixed when it is created: the change creates a new pool)",
        ]);
        assert.deepEqual(lines(runs.dev, "no-availability-zones"), []);
    });

    it("names every missing audit category in one finding", () => {
        assert.deepEqual(lines(runs.gaps, "audit-logs-partial"), [
            'HIGH    audit-logs-partial: aks-entra:auditLogs.categories ["kube-apiserver"] miss kube-audit-admin (who changed what) and guard (how Entra and Azure RBAC decided): the audit trail has gaps (guardrail stack-cluster-audit-logs agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)',
        ]);
    });

    it("says deployer.clusterAdmin true grants nothing in a stack without namespaces, and only when it is written", () => {
        assert.deepEqual(lines(runs.bareAdmin, "deployer-cluster-admin-unused"), [
            "LOW     deployer-cluster-admin-unused: aks-entra:deployer.clusterAdmin is true but grants nothing: the stack has no aks-entra:namespaces, so it makes no Kubernetes objects and gives the deployer no AKS RBAC Cluster Admin (nor waits for one); remove the key, or add the namespaces it was meant for",
        ]);
        // Really nothing: no grant to the deployer.
        assert.doesNotMatch(runs.bareAdmin.stdout, /deployer-cluster-admin /);
        assert.deepEqual(lines(runs.bare, "deployer-cluster-admin-unused"), []);
        assert.deepEqual(lines(runs.dev, "deployer-cluster-admin-unused"), []);
    });
});
