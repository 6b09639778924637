// What the fakes refuse of the monitoring resources and add-ons, as Azure does, and every body of
// the new types (and of the shipped stacks) valid under Microsoft's ARM schema of azure-native
// 3.28's API version (test/armSchema.ts); the names Microsoft's templates give them.
import { strict as assert } from "node:assert";
import { monitorName } from "../components/monitoring";
import type { RunResult } from "../offline/harness";
import {
    addonProblems,
    diagnosticSinkProblems,
    monitoringAnswer,
} from "../offline/monitoringFakes";
import { armBody, armProblemsOf } from "./armSchema";
import type { Config } from "./configCases";
import { one, run, stackConfig, TYPES } from "./helpers";
import {
    auditOff,
    byName,
    cluster,
    everything,
    RG,
    ruleGroups,
    workspace,
    yours,
} from "./monitoringCases";

/** The resource types monitoring adds, each validated against Microsoft's schema below. */
const MONITORING_TYPES: readonly string[] = [
    TYPES.dataCollectionRule,
    TYPES.dataCollectionEndpoint,
    TYPES.dataCollectionRuleAssociation,
    TYPES.azureMonitorWorkspace,
    TYPES.prometheusRuleGroup,
    TYPES.diagnosticSetting,
];

describe("monitoring: what Azure refuses, and Microsoft's schemas", function () {
    this.timeout(300_000);
    let all: RunResult;
    let own: RunResult;
    let noAudit: RunResult;
    before(async function () {
        all = await run({ config: everything });
        own = await run({ config: yours });
        noAudit = await run({ config: auditOff });
    });

    it("names rules, endpoints and workspaces as Microsoft does, cut with a hash to Azure's lengths", function () {
        assert.equal(monitorName("MSCI", "westeurope", "aks-a", 64), "MSCI-westeurope-aks-a");
        const cluster = `aks-${"x".repeat(59)}`; // 63 characters, AKS's longest
        const dcr = monitorName("MSCI", "westeurope", cluster, 64);
        const dce = monitorName("MSProm", "westeurope", cluster, 44);
        assert.equal(dcr.length, 64);
        assert.equal(dce.length, 44);
        assert.match(dcr, /^MSCI-westeurope-aks-x+-[0-9a-f]{8}$/);
        // Deterministic, and two clusters that share the cut part keep distinct names.
        assert.equal(monitorName("MSCI", "westeurope", cluster, 64), dcr);
        assert.notEqual(monitorName("MSCI", "westeurope", `${cluster.slice(0, 62)}y`, 64), dcr);
    });

    describe("the fakes refuse what Azure refuses", function () {
        const known = () => [
            ...all.registrations.map((r) => ({ type: r.type, id: r.id, inputs: r.inputs })),
        ];

        it("Container Insights by shared key to a workspace without local authentication (the stack's old body)", function () {
            const inputs = structuredClone(cluster(all).inputs) as Config;
            assert.deepEqual(addonProblems(inputs, known()), []);
            delete inputs.addonProfiles.omsagent.config.useAADAuth;
            assert.deepEqual(addonProblems(inputs, known()), [
                `addon omsagent: workspace ${workspace(all).id} has local authentication disabled; the agent must authenticate with its managed identity (config.useAADAuth "true")`,
            ]);
            inputs.addonProfiles.omsagent = { enabled: true };
            inputs.addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval =
                "two minutes";
            assert.deepEqual(addonProblems(inputs, known()), [
                "addon omsagent needs config.logAnalyticsWorkspaceResourceID",
                'addon azureKeyvaultSecretsProvider: rotationPollInterval "two minutes" is not a duration',
            ]);
        });

        it("a metric category AKS does not have, an event hub named without its authorization rule", function () {
            const setting = one(all, TYPES.diagnosticSetting, "aks-entra-audit-setting").inputs;
            assert.deepEqual(diagnosticSinkProblems(setting), []);
            const { eventHubAuthorizationRuleId, ...hubByName } = setting;
            void eventHubAuthorizationRuleId;
            assert.deepEqual(
                diagnosticSinkProblems({
                    ...hubByName,
                    metrics: [{ category: "Requests", enabled: true }],
                }),
                [
                    'Metric category "Requests" is not supported for Microsoft.ContainerService/managedClusters (AllMetrics only)',
                    "eventHubName needs eventHubAuthorizationRuleId (the namespace's authorization rule)",
                ],
            );
        });

        it("alert rules without an Azure Monitor workspace, and a Prometheus rule without its endpoint", function () {
            const g = structuredClone(ruleGroups(all)[0].inputs);
            const rg = () => "/subscriptions/x/resourceGroups/rg";
            assert.ok(monitoringAnswer(TYPES.prometheusRuleGroup, g, rg, known()));
            g.scopes = [cluster(all).id];
            assert.throws(
                () => monitoringAnswer(TYPES.prometheusRuleGroup, g, rg, known()),
                /InvalidScopes: a Prometheus rule group needs an Azure Monitor workspace \(Microsoft\.Monitor\/accounts\) in scopes/,
            );
            const dcr = structuredClone(byName(all, TYPES.dataCollectionRule, "prometheus").inputs);
            delete dcr.dataCollectionEndpointId;
            assert.throws(
                () => monitoringAnswer(TYPES.dataCollectionRule, dcr, rg, known()),
                /a prometheusForwarder data source needs dataCollectionEndpointId/,
            );
            const a = structuredClone(
                byName(all, TYPES.dataCollectionRuleAssociation, "prometheus-association").inputs,
            );
            a.dataCollectionRuleId = `${RG}/Microsoft.Insights/dataCollectionRules/gone`;
            assert.throws(
                () => monitoringAnswer(TYPES.dataCollectionRuleAssociation, a, rg, known()),
                /InvalidDataCollectionRule: .*gone does not exist/,
            );
        });
    });

    it("sends bodies of every new type that Microsoft's schema of its API version accepts, for these stacks and the shipped ones", async function () {
        // The shipped stack files as Pulumi reads them: Pulumi.yaml's shared base beneath each.
        const shipped = await Promise.all(
            ["dev", "prod", "platform"].map((stack) => run({ config: stackConfig(stack), stack })),
        );
        const seen = new Set<string>();
        for (const r of [all, own, noAudit, ...shipped]) {
            for (const x of r.registrations.filter((x) => MONITORING_TYPES.includes(x.type))) {
                const problems = armProblemsOf(x);
                if (problems === undefined) {
                    this.test!.title += " (skipped: ../shared/armschemas is not here)";
                    this.skip();
                }
                assert.deepEqual(problems, [], `${x.type} ${x.name}`);
                seen.add(x.type);
            }
        }
        assert.deepEqual([...seen].sort(), [...MONITORING_TYPES].sort());
        // The check can fail: a property the API version does not know, a wrong type.
        // (A top-level input the SDK does not know is a path parameter to the export, never sent:
        // the unknown property goes inside a data flow.)
        const dcr = byName(all, TYPES.dataCollectionRule, "container-insights");
        const [flow] = dcr.inputs.dataFlows as Record<string, unknown>[];
        const unknown = { ...dcr.inputs, dataFlows: [{ ...flow, streamsOfMine: [] }] };
        assert.deepEqual(armProblemsOf({ ...dcr, inputs: unknown }), [
            "properties.dataFlows[0].streamsOfMine: not in the schema",
        ]);
        const group = ruleGroups(all)[0];
        assert.deepEqual(armProblemsOf({ ...group, inputs: { ...group.inputs, interval: 1 } }), [
            "properties.interval: not a string",
        ]);
        assert.equal(
            armBody(byName(all, TYPES.dataCollectionRuleAssociation, "prometheus-association"))
                .name,
            "MSProm-westeurope-aks-aks-entra-dev-5ff3bbad",
        );
    });
});
