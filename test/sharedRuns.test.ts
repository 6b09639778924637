// The shared evaluations (test/sharedRuns.ts) are what they claim: one evaluation per distinct
// plain-data input, frozen all the way down so that a test cannot change what another test sees,
// and never shared for inputs that carry state.
import { strict as assert } from "node:assert";
import { evaluatePlan } from "../plan/cli";
import { configFromPulumi, pulumiConfigMap } from "../components/config";
import { minimalConfig } from "./helpers";
import { deepFreeze, sharedEvaluate, sharedRun } from "./sharedRuns";

describe("shared evaluations (test/sharedRuns.ts)", function () {
    this.timeout(120_000);
    const config = minimalConfig();

    it("evaluates the same options once and freezes the result deeply: a write throws", async () => {
        const [a, b] = await Promise.all([
            sharedRun({ config, stack: "shared" }),
            sharedRun({ config: { ...config }, stack: "shared" }),
        ]);
        assert.equal(a, b);
        assert.ok(Object.isFrozen(a.registrations));
        const first = a.registrations[0];
        assert.ok(Object.isFrozen(first.inputs));
        assert.throws(() => {
            (first as { name: string }).name = "changed";
        }, TypeError);
        assert.throws(() => {
            a.registrations.push(first);
        }, TypeError);
        assert.notEqual(first.name, "changed");
    });

    it("does not share other options, nor a run from an earlier state", async () => {
        const a = await sharedRun({ config, stack: "shared" });
        const other = await sharedRun({ config, stack: "shared-other" });
        assert.notEqual(other, a);
        const second = await sharedRun({ config, stack: "shared", previous: a });
        assert.notEqual(second, a);
        assert.ok(!Object.isFrozen(second.registrations));
    });

    it("shares the plan CLI's evaluation, frozen, with this call's timings", async () => {
        const input = {
            raw: config,
            config: configFromPulumi(pulumiConfigMap(config)),
            stack: "shared",
            project: "aks-entra",
        };
        const before = performance.now();
        const [a, b] = await Promise.all([sharedEvaluate(input), sharedEvaluate(input)]);
        assert.equal(a.plan, b.plan);
        assert.ok(Object.isFrozen(a.plan.grants));
        assert.ok(a.loaded >= before && a.ran >= a.loaded);
        // The same as evaluating it anew.
        const fresh = await evaluatePlan(input);
        assert.deepEqual(fresh.plan, a.plan);
    });

    it("freezes what it is given, cycles included", () => {
        const o: { self?: unknown; list: number[] } = { list: [1] };
        o.self = o;
        deepFreeze(o);
        assert.ok(Object.isFrozen(o) && Object.isFrozen(o.list));
    });
});
