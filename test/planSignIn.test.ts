// The offline plan shows how people and the exported kubeconfig sign in and whether their tokens
// are proof-of-possession tokens (plan/signIn.ts), and raises LOW bearer-sign-in when people with
// cluster-admin sign in with bearer tokens. In-process: one evaluation per login, no CLI spawn.
import { strict as assert } from "node:assert";
import { configFromPulumi, pulumiConfigMap } from "../components/config";
import { resolveDeployer } from "../components/deployer";
import type { RunResult } from "../offline/harness";
import { buildPlan } from "../plan/build";
import type { Plan } from "../plan/model";
import { renderMarkdown } from "../plan/markdown";
import { renderText } from "../plan/render";
import { style } from "../plan/text";
import { dev } from "./configCases";
import { one, run, TYPES } from "./helpers";

type Config = Record<string, unknown>;

function planOf(config: Config, r: RunResult): Plan {
    const stackConfig = configFromPulumi(pulumiConfigMap(config));
    return buildPlan({
        project: "aks-entra",
        stack: "dev",
        registrations: r.registrations,
        outputs: r.outputs,
        secretOutputs: r.secretOutputs,
        deployer: resolveDeployer(stackConfig, r.deployer),
        config: stackConfig,
    });
}

const ADMINS =
    "group admins (created), group jit oncall-admin, group platform-admins, group sre (eligible through PIM)";
const TAIL =
    "for proof-of-possession tokens, bound to a key on the person's machine and to this cluster (docs/kubelogin.md: Proof-of-possession tokens)";

describe("offline plan: sign-in and proof-of-possession tokens", function () {
    this.timeout(60_000);
    // Pulumi.dev.yaml: azurecli, no PoP; and the two logins that take PoP, plus devicecode.
    const configs: Record<string, Config> = {
        bearer: dev(() => undefined),
        interactivePop: dev((c) => {
            c["aks-entra:kubeloginMode"] = "interactive";
            c["aks-entra:kubeloginPop"] = true;
        }),
        spnPop: dev((c) => {
            c["aks-entra:kubeloginMode"] = "spn";
            c["aks-entra:kubeloginPop"] = true;
        }),
        devicecode: dev((c) => (c["aks-entra:kubeloginMode"] = "devicecode")),
    };
    const runs: Record<string, RunResult> = {};
    const plans: Record<string, Plan> = {};
    before(async () => {
        for (const [name, config] of Object.entries(configs)) {
            runs[name] = await run({ config });
            plans[name] = planOf(config, runs[name]);
        }
    });

    const bearerFinding = (p: Plan) =>
        p.findings
            .filter((f) => f.code === "bearer-sign-in")
            .map((f) => `${f.severity} ${f.subject}: ${f.message}`);

    it("records each login and its tokens in the JSON, as the program wrote them", () => {
        assert.deepEqual(plans.bearer.signIn, {
            people: { mode: "azurecli", tokens: "bearer" },
            kubeconfig: { mode: "azurecli", tokens: "bearer" },
        });
        assert.deepEqual(plans.interactivePop.signIn, {
            people: { mode: "interactive", tokens: "pop" },
            kubeconfig: { mode: "azurecli", tokens: "bearer" },
        });
        assert.deepEqual(plans.spnPop.signIn, {
            people: { mode: "azurecli", tokens: "bearer" },
            kubeconfig: { mode: "spn", tokens: "pop" },
        });
        // The program's own outputs agree: the command and the kubeconfig carry the flags.
        const id = one(runs.interactivePop, TYPES.cluster, "aks-entra-cluster").id;
        assert.ok(
            String(runs.interactivePop.outputs.getCredentialsCommand).endsWith(
                ` -l interactive --pop-enabled --pop-claims "u=${id}"`,
            ),
        );
        assert.match(String(runs.spnPop.outputs.kubeconfig), /- --pop-enabled\n/);
        assert.doesNotMatch(String(runs.bearer.outputs.kubeconfig), /--pop-/);
    });

    it("shows them in the text and the Markdown, and on the Kubernetes provider", () => {
        const text = renderText(plans.spnPop, style(false));
        assert.ok(
            text.includes(
                [
                    "Sign-in",
                    "WHO                                     LOGIN",
                    "people (getCredentialsCommand)          kubelogin -l azurecli, bearer tokens",
                    "kubeconfig output, Kubernetes provider  kubelogin -l spn, PoP tokens bound to the cluster's ARM id and a key on the signing-in machine",
                ].join("\n"),
            ),
            text,
        );
        assert.ok(
            text.includes(
                "kubeconfig: user kubeconfig, kubelogin --login spn, PoP tokens (secret)",
            ),
        );
        assert.ok(
            renderText(plans.bearer, style(false)).includes(
                "kubeconfig: user kubeconfig, kubelogin --login azurecli, bearer tokens (secret)",
            ),
        );
        assert.ok(
            renderMarkdown(plans.interactivePop).includes(
                [
                    "## Sign-in",
                    "",
                    "| who | login |",
                    "|---|---|",
                    "| people (getCredentialsCommand) | kubelogin -l interactive, PoP tokens bound to the cluster's ARM id and a key on the signing-in machine |",
                    "| kubeconfig output, Kubernetes provider | kubelogin -l azurecli, bearer tokens |",
                ].join("\n"),
            ),
        );
    });

    it("raises LOW bearer-sign-in when people with cluster-admin sign in with bearer tokens", () => {
        assert.deepEqual(bearerFinding(plans.bearer), [
            `low aks-entra:kubeloginPop: people sign in with bearer tokens (getCredentialsCommand: kubelogin -l azurecli), and ${ADMINS} have cluster-admin: a token copied from a laptop or a log works from any machine until it expires; set aks-entra:kubeloginMode interactive and aks-entra:kubeloginPop true ${TAIL}`,
        ]);
        assert.deepEqual(bearerFinding(plans.devicecode), [
            `low aks-entra:kubeloginPop: people sign in with bearer tokens (getCredentialsCommand: kubelogin -l devicecode), and ${ADMINS} have cluster-admin: a token copied from a laptop or a log works from any machine until it expires; set aks-entra:kubeloginMode interactive and aks-entra:kubeloginPop true ${TAIL}`,
        ]);
        // spn is the automation's login: the PoP is in the kubeconfig, people still use azurecli.
        assert.deepEqual(bearerFinding(plans.spnPop), [
            `low aks-entra:kubeloginPop: people sign in with bearer tokens (getCredentialsCommand: kubelogin -l azurecli), and ${ADMINS} have cluster-admin: a token copied from a laptop or a log works from any machine until it expires; aks-entra:kubeloginMode spn is the automation's login, so people convert their own kubeconfig: kubelogin convert-kubeconfig -l interactive --pop-enabled --pop-claims "u=<clusterId output>" ${TAIL}`,
        ]);
    });

    it("raises nothing when people sign in with PoP tokens", () => {
        assert.deepEqual(bearerFinding(plans.interactivePop), []);
    });
});
