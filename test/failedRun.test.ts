// A run that fails: with Azure's message (or the program's own), and no promise rejection that goes
// unhandled on the way, now or handled late (Node's "PromiseRejectionHandledWarning"), while the
// program yields to the event loop between namespaces and grants (docs/performance.md: Scale).
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { generatedConfig } from "../bench/stacks";
import { DeclarationTurns, yieldToEventLoop } from "../components/yieldToEventLoop";
import { promiseOf } from "../offline/harness";
import { refused, stackConfig } from "./helpers";

/** What Node reports of promise rejections from this call until `stop()`. */
function rejectionEvents() {
    const events: string[] = [];
    const unhandled = (reason: unknown) =>
        events.push(
            `unhandledRejection: ${reason instanceof Error ? reason.message : String(reason)}`,
        );
    const handledLate = () => events.push("rejectionHandled");
    const warning = (w: Error) => {
        if (w.name === "PromiseRejectionHandledWarning") events.push(`warning: ${w.message}`);
    };
    process.on("unhandledRejection", unhandled);
    process.on("rejectionHandled", handledLate);
    process.on("warning", warning);
    return {
        /** Lets Node report what is pending (it does so after a turn), then stops listening. */
        async stop(): Promise<string[]> {
            await new Promise((resolve) => setTimeout(resolve, 20));
            process.off("unhandledRejection", unhandled);
            process.off("rejectionHandled", handledLate);
            process.off("warning", warning);
            return events;
        },
    };
}

/** The cluster created before the kubelet identity's operator grant is honoured (firstUp.test.ts). */
const clusterWithoutKubeletGrant = (_type: string, name: string, waits: string[]): string[] =>
    name === "aks-entra-cluster" ? waits.filter((u) => !/kubelet-operator/.test(u)) : waits;

const REFUSED_CLUSTER =
    /^azure-native:containerservice:ManagedCluster aks-entra-cluster: CustomKubeletIdentityMissingPermissionError: the control-plane identity [0-9a-f-]{36} does not have Managed Identity Operator on the kubelet identity \S+ yet \(granted at \d+ s, honoured from \d+ s; the cluster was created at \d+ s\)$/;

describe("a failed run (docs/performance.md: Scale)", function () {
    const cases: [string, () => Record<string, unknown>][] = [
        ["the dev stack", () => stackConfig("dev")],
        [
            "a stack of 40 namespaces (yields between namespaces and grants)",
            () => (generatedConfig(40) as { config: Record<string, unknown> }).config,
        ],
    ];
    for (const [what, config] of cases) {
        it(`${what}: AKS refuses the cluster; the run fails with Azure's message alone, and no rejection goes unhandled`, async function () {
            const events = rejectionEvents();
            const e = await refused({ config: config(), editWaits: clusterWithoutKubeletGrant });
            const seen = await events.stop();
            assert.match(e.message, REFUSED_CLUSTER);
            // Everything after the cluster went on as for any refusal: it was all registered.
            assert.ok(e.registrations.some((r) => r.type.startsWith("kubernetes:")));
            assert.deepEqual(seen, []);
        });
    }
});

describe("DeclarationTurns: Outputs made before the program yields, read after", function () {
    /** An Output that fails once the program has yielded, as a refused resource's would. */
    const failingLater = () =>
        pulumi.output(
            new Promise<string>((_, reject) =>
                setImmediate(() => reject(new Error("aks-entra: the cluster failed"))),
            ),
        );

    it("unwatched: Node reports its rejection unhandled, then handled late (the test can fail)", async function () {
        const events = rejectionEvents();
        const output = failingLater();
        for (let i = 0; i < 3; i++) await yieldToEventLoop();
        // Read at last, as index.ts reads what it exports once AksEntra.create returns.
        await assert.rejects(promiseOf(pulumi.secret(output)), /the cluster failed/);
        const seen = await events.stop();
        assert.ok(seen.includes("rejectionHandled"), seen.join("\n"));
        assert.ok(
            seen.some((s) => s.startsWith("unhandledRejection: aks-entra: the cluster failed")),
        );
    });

    it("watched: observed as it fails, and the next yield fails with its own message", async function () {
        const events = rejectionEvents();
        const turns = new DeclarationTurns();
        const output = failingLater();
        turns.watch(output);
        await assert.rejects(
            async () => {
                for (let i = 0; i < 3; i++) await turns.yield();
            },
            { message: "aks-entra: the cluster failed" },
        );
        // Read later, it still fails with its own message (and nothing was left unobserved).
        await assert.rejects(promiseOf(output), /the cluster failed/);
        assert.deepEqual(await events.stop(), []);
    });

    it("watched Outputs that resolve: the yields go on", async function () {
        const turns = new DeclarationTurns();
        turns.watch(pulumi.output("a"), pulumi.secret("b"));
        for (let i = 0; i < 3; i++) await turns.yield();
    });
});
