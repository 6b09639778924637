// profiles/minimal.yaml, the smallest stack file (only the region): it plans, and the plan says what
// each default gives, with the one HIGH finding a real deployment must answer first.
import { strict as assert } from "node:assert";
import type { Plan } from "../plan/model";
import { plan, readPlan, workspace } from "./planRun";

describe("profiles/minimal.yaml: the smallest config that plans", function () {
    this.timeout(120_000);
    const { out, remove } = workspace("minimal");
    let code: number | null;
    let json: Plan;

    before(async () => {
        const r = await plan("--config", "profiles/minimal.yaml", "--json", out("minimal.json"));
        code = r.code;
        json = readPlan(out("minimal.json"));
    });
    after(() => remove());

    it("plans (exit 0) the identity core: group, identities, cluster, audit trail, the admins' grant", () => {
        assert.equal(code, 0);
        const types = json.resources.map((r) => r.type).sort();
        for (const t of [
            "azure-native:containerservice:ManagedCluster",
            "azure-native:managedidentity:UserAssignedIdentity",
            "azure-native:resources:ResourceGroup",
            "azuread:index/group:Group",
        ]) {
            assert.ok(types.includes(t), `${t} in ${types.join(", ")}`);
        }
    });

    it("its one HIGH finding is the API server open to any address, which a real stack answers first", () => {
        assert.deepEqual(
            json.findings.filter((f) => f.severity === "high").map((f) => f.code),
            ["public-api-server"],
        );
    });

    it("names every default it took", () => {
        const defaults = json.findings
            .filter((f) => f.code === "default-in-use")
            .map((f) => /^aks-entra:(\S+)/.exec(f.message)?.[1]);
        for (const key of ["admins", "auditLogs", "cluster", "cluster.network", "kubeloginMode"]) {
            assert.ok(defaults.includes(key), `${key} in ${defaults.join(", ")}`);
        }
    });
});
