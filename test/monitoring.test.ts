// cluster.monitoring, cluster.secretsStore and the audit setting's sinks (issue 23, items 1, 2, 8):
// what reaches the cluster and the Azure Monitor resources, their order, the plan, the fakes that
// refuse what Azure refuses, and every body of the new types (and every body the shipped stacks
// register of them) valid under Microsoft's schema of azure-native 3.28's API version.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { configFromPulumi } from "../components/config";
import { resolveDeployer } from "../components/deployer";
import {
    ASSOCIATION_NAMES,
    CONTAINER_INSIGHTS_STREAMS,
    monitorName,
} from "../components/monitoring";
import { ALERT_RULE_GROUPS } from "../components/monitoringRules";
import {
    addonProblems,
    diagnosticSinkProblems,
    monitoringAnswer,
} from "../offline/monitoringFakes";
import { pulumiConfigMap, type Registration, type RunResult } from "../offline/harness";
import { buildPlan } from "../plan/build";
import { ARM_BODY_TYPES, armProblemsOf, armBody } from "./armSchema";
import { type Config, dev } from "./configCases";
import { dependsOnTransitively, ofType, one, ROOT, run, TYPES } from "./helpers";

const SUB = "11111111-2222-4333-8444-555555555555";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-monitoring/providers`;
const AMW = `${RG}/Microsoft.Monitor/accounts/amw-platform`;
const ACTION_GROUP = `${RG}/microsoft.insights/actionGroups/ag-oncall`;
const STORAGE = `${RG}/Microsoft.Storage/storageAccounts/staudit`;
const EVENT_HUB_RULE = `${RG}/Microsoft.EventHub/namespaces/eh-siem/authorizationRules/send`;
const LOG = `${RG}/Microsoft.OperationalInsights/workspaces/log-central`;

/** Everything on, the stack's own workspaces; the audit setting with metrics and both sinks. */
const everything = dev((c: Config) => {
    c["aks-entra:cluster"].monitoring = {
        prometheus: true,
        alerts: { actionGroupId: ACTION_GROUP },
    };
    c["aks-entra:cluster"].secretsStore = { rotationPollInterval: "5m" };
    Object.assign(c["aks-entra:auditLogs"], {
        metrics: true,
        storageAccountId: STORAGE,
        eventHub: { authorizationRuleId: EVENT_HUB_RULE, name: "aks-audit" },
    });
});
/** Your Azure Monitor and Log Analytics workspaces; Container Insights off; alerts to nobody. */
const yours = dev((c: Config) => {
    c["aks-entra:cluster"].monitoring = {
        containerInsights: false,
        prometheus: { azureMonitorWorkspaceId: AMW },
        alerts: true,
    };
    c["aks-entra:cluster"].secretsStore = true;
    c["aks-entra:auditLogs"] = { workspaceId: LOG };
});
/** No audit trail: Container Insights (the default) still has the stack's workspace. */
const auditOff = dev((c: Config) => (c["aks-entra:auditLogs"] = { enabled: false }));

const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
const workspace = (r: RunResult) => one(r, TYPES.workspace, "aks-entra-audit-workspace");
const byName = (r: RunResult, type: string, name: string) =>
    one(r, type, `aks-entra-monitoring-${name}`);
const ruleGroups = (r: RunResult) => ofType(r, TYPES.prometheusRuleGroup);

describe("cluster.monitoring, cluster.secretsStore and the audit setting's sinks", function () {
    this.timeout(300_000);
    let all: RunResult;
    let own: RunResult;
    let noAudit: RunResult;
    let plain: RunResult;
    before(async function () {
        all = await run({ config: everything });
        own = await run({ config: yours });
        noAudit = await run({ config: auditOff });
        plain = await run();
    });

    it("turns the add-ons on in the cluster: Container Insights with managed-identity ingestion, the Secrets Store driver with rotation, the Prometheus metrics profile", function () {
        const c = cluster(all).inputs;
        assert.deepEqual(c.addonProfiles, {
            azurepolicy: { enabled: true },
            omsagent: {
                enabled: true,
                config: { logAnalyticsWorkspaceResourceID: workspace(all).id, useAADAuth: "true" },
            },
            azureKeyvaultSecretsProvider: {
                enabled: true,
                config: { enableSecretRotation: "true", rotationPollInterval: "5m" },
            },
        });
        assert.deepEqual(c.azureMonitorProfile, {
            metrics: {
                enabled: true,
                kubeStateMetrics: { metricLabelsAllowlist: "", metricAnnotationsAllowList: "" },
            },
        });
        // secretsStore: true takes the driver's default poll interval; Container Insights off is
        // written off, so turning it off turns the add-on off.
        const o = cluster(own).inputs.addonProfiles as Record<string, unknown>;
        assert.deepEqual(o.omsagent, { enabled: false });
        assert.deepEqual(o.azureKeyvaultSecretsProvider, {
            enabled: true,
            config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
        });
    });

    it("collects Container Insights with Microsoft's DCR (cost-optimised streams, ContainerLogV2) into the stack's workspace, associated with the cluster after it exists", function () {
        const dcr = byName(all, TYPES.dataCollectionRule, "container-insights");
        assert.equal(
            dcr.inputs.dataCollectionRuleName,
            "MSCI-westeurope-aks-aks-entra-dev-5ff3bbad",
        );
        assert.equal(dcr.inputs.kind, "Linux");
        assert.deepEqual(dcr.inputs.dataSources, {
            extensions: [
                {
                    name: "ContainerInsightsExtension",
                    extensionName: "ContainerInsights",
                    streams: [...CONTAINER_INSIGHTS_STREAMS],
                    extensionSettings: {
                        dataCollectionSettings: {
                            interval: "5m",
                            namespaceFilteringMode: "Exclude",
                            namespaces: ["kube-system", "gatekeeper-system", "azure-arc"],
                            enableContainerLogV2: true,
                        },
                    },
                },
            ],
        });
        assert.ok(CONTAINER_INSIGHTS_STREAMS.includes("Microsoft-ContainerLogV2"));
        assert.ok(
            !(CONTAINER_INSIGHTS_STREAMS as readonly string[]).includes("Microsoft-ContainerLog"),
        );
        assert.deepEqual(dcr.inputs.destinations, {
            logAnalytics: [{ name: "ciworkspace", workspaceResourceId: workspace(all).id }],
        });
        assert.deepEqual(dcr.inputs.dataFlows, [
            { streams: [...CONTAINER_INSIGHTS_STREAMS], destinations: ["ciworkspace"] },
        ]);
        const a = byName(
            all,
            TYPES.dataCollectionRuleAssociation,
            "container-insights-association",
        );
        assert.equal(a.inputs.associationName, ASSOCIATION_NAMES.containerInsights);
        assert.equal(a.inputs.resourceUri, cluster(all).id);
        assert.equal(a.inputs.dataCollectionRuleId, dcr.id);
        assert.ok(dependsOnTransitively(all, dcr, cluster(all)));
        assert.ok(dependsOnTransitively(all, a, dcr));
    });

    it("keeps the stack's workspace for Container Insights when the audit trail is off, and sends it to your workspace when you name one", function () {
        assert.equal(ofType(noAudit, TYPES.diagnosticSetting).length, 0);
        const ws = workspace(noAudit);
        assert.deepEqual(ws.inputs.features, { disableLocalAuth: true });
        assert.deepEqual(
            (cluster(noAudit).inputs.addonProfiles as Record<string, unknown>).omsagent,
            {
                enabled: true,
                config: { logAnalyticsWorkspaceResourceID: ws.id, useAADAuth: "true" },
            },
        );
        // Your workspace: the stack creates none, Container Insights off creates no rule.
        assert.equal(ofType(own, TYPES.workspace).length, 0);
        assert.equal(
            ofType(own, TYPES.dataCollectionRule).filter((d) =>
                d.name.endsWith("container-insights"),
            ).length,
            0,
        );
    });

    it("sends Prometheus metrics through an endpoint and rule to the Azure Monitor workspace it creates, with Microsoft's recording rules and the three recommended alert groups to your action group", function () {
        const amw = byName(all, TYPES.azureMonitorWorkspace, "prometheus-workspace");
        assert.equal(
            amw.inputs.azureMonitorWorkspaceName,
            "amw-westeurope-aks-aks-entra-dev-5ff3bbad",
        );
        const dce = byName(all, TYPES.dataCollectionEndpoint, "prometheus-endpoint");
        const dcr = byName(all, TYPES.dataCollectionRule, "prometheus");
        assert.equal(dcr.inputs.dataCollectionEndpointId, dce.id);
        assert.deepEqual(dcr.inputs.destinations, {
            monitoringAccounts: [{ name: "MonitoringAccount1", accountResourceId: amw.id }],
        });
        assert.deepEqual(dcr.inputs.dataSources, {
            prometheusForwarder: [
                {
                    name: "PrometheusDataSource",
                    streams: ["Microsoft-PrometheusMetrics"],
                    labelIncludeFilter: {},
                },
            ],
        });
        const a = byName(all, TYPES.dataCollectionRuleAssociation, "prometheus-association");
        assert.equal(a.inputs.associationName, ASSOCIATION_NAMES.prometheus);
        assert.equal(a.inputs.resourceUri, cluster(all).id);
        assert.equal(a.inputs.dataCollectionRuleId, dcr.id);

        const groups = Object.fromEntries(
            ruleGroups(all).map((g) => [g.name.replace("aks-entra-monitoring-rules-", ""), g]),
        );
        assert.deepEqual(Object.keys(groups).sort(), [
            "alerts-cluster",
            "alerts-node",
            "alerts-pod",
            "kubernetes-recording",
            "node-recording",
        ]);
        for (const g of Object.values(groups)) {
            assert.deepEqual(g.inputs.scopes, [amw.id, cluster(all).id], g.name);
            assert.equal(g.inputs.clusterName, "aks-aks-entra-dev-5ff3bbad");
            assert.ok(dependsOnTransitively(all, g, cluster(all)), g.name);
        }
        const records = (g: Registration) =>
            (g.inputs.rules as { record?: string }[]).map((r) => r.record);
        assert.equal(
            groups["node-recording"].inputs.ruleGroupName,
            "NodeRecordingRulesRuleGroup-aks-aks-entra-dev-5ff3bbad",
        );
        assert.equal(records(groups["node-recording"]).length, 11);
        assert.ok(
            records(groups["node-recording"]).includes("instance:node_cpu_utilisation:rate5m"),
        );
        assert.equal(records(groups["kubernetes-recording"]).length, 19);
        assert.ok(
            records(groups["kubernetes-recording"]).includes(
                "node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate",
            ),
        );
        const crash = (groups["alerts-pod"].inputs.rules as Record<string, unknown>[]).find(
            (r) => r.alert === "KubePodCrashLooping",
        );
        assert.deepEqual(crash, {
            alert: "KubePodCrashLooping",
            expression:
                'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1',
            for: "PT15M",
            severity: 4,
            enabled: true,
            labels: { severity: "warning" },
            resolveConfiguration: { autoResolved: true, timeToResolve: "PT10M" },
            actions: [{ actionGroupId: ACTION_GROUP }],
        });
        for (const level of ["cluster", "node", "pod"] as const) {
            const rules = groups[`alerts-${level}`].inputs.rules as Record<string, unknown>[];
            assert.deepEqual(
                rules.map((r) => r.alert),
                ALERT_RULE_GROUPS[level].map((r) => r.alert),
            );
        }
    });

    it("uses your Azure Monitor workspace without creating one; alerts: true notifies no action group", function () {
        assert.equal(ofType(own, TYPES.azureMonitorWorkspace).length, 0);
        const dcr = byName(own, TYPES.dataCollectionRule, "prometheus");
        assert.deepEqual(dcr.inputs.destinations, {
            monitoringAccounts: [{ name: "MonitoringAccount1", accountResourceId: AMW }],
        });
        for (const g of ruleGroups(own)) {
            assert.deepEqual(g.inputs.scopes, [AMW, cluster(own).id]);
            for (const r of g.inputs.rules as Record<string, unknown>[]) {
                assert.equal(r.actions, undefined);
            }
        }
        assert.equal(ruleGroups(own).length, 5);
        // Nothing of Prometheus in a stack that does not ask for it.
        for (const t of [
            TYPES.azureMonitorWorkspace,
            TYPES.dataCollectionEndpoint,
            TYPES.prometheusRuleGroup,
        ]) {
            assert.equal(ofType(plain, t).length, 0, t);
        }
        assert.deepEqual(cluster(plain).inputs.azureMonitorProfile, {
            metrics: { enabled: false },
        });
    });

    it("sends AllMetrics and the same logs to your storage account and event hub from the one audit setting", function () {
        const s = one(all, TYPES.diagnosticSetting, "aks-entra-audit-setting").inputs;
        assert.deepEqual(s.metrics, [{ category: "AllMetrics", enabled: true }]);
        assert.equal(s.workspaceId, workspace(all).id);
        assert.equal(s.storageAccountId, STORAGE);
        assert.equal(s.eventHubAuthorizationRuleId, EVENT_HUB_RULE);
        assert.equal(s.eventHubName, "aks-audit");
        const p = one(plain, TYPES.diagnosticSetting, "aks-entra-audit-setting").inputs;
        for (const k of [
            "metrics",
            "storageAccountId",
            "eventHubAuthorizationRuleId",
            "eventHubName",
        ]) {
            assert.equal(p[k], undefined, k);
        }
    });

    it("shows the add-ons, which service account reads which vault, and where monitoring data goes in the plan", function () {
        const config = configFromPulumi(pulumiConfigMap(everything));
        const plan = buildPlan({
            project: "aks-entra",
            stack: "dev",
            registrations: all.registrations,
            outputs: {},
            secretOutputs: [],
            deployer: resolveDeployer(config, all.deployer),
            config,
        });
        const props = (type: string, name: string) =>
            plan.resources.find((x) => x.type === type && x.name === name)!.properties;
        const c = props(TYPES.cluster, "aks-entra-cluster");
        assert.equal(
            c.containerInsights,
            "enabled, workspace log-aks-entra-dev-5ff3bbad, managed-identity ingestion (no shared keys)",
        );
        assert.equal(c.managedPrometheus, "enabled");
        assert.equal(
            c.secretsStore,
            "Secrets Store CSI driver, rotation every 5m; the add-on's own identity is granted nothing by this stack: each workload reads with its workload identity: service account payments/payments-api reads vault kv-payments-prod (Key Vault Secrets User)",
        );
        assert.equal(
            props(TYPES.diagnosticSetting, "aks-entra-audit-setting").destination,
            "workspace log-aks-entra-dev-5ff3bbad (resource-specific tables), storage account staudit, event hub aks-audit (namespace eh-siem)",
        );
        assert.equal(
            props(TYPES.diagnosticSetting, "aks-entra-audit-setting").metrics,
            "AllMetrics",
        );
        const pod = props(TYPES.prometheusRuleGroup, "aks-entra-monitoring-rules-alerts-pod");
        assert.equal(pod.notifies, "action group ag-oncall");
        assert.equal(pod.scopes, "accounts amw-westeurope-aks-aks-entra-dev-5ff3bbad, cluster");
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
        const shipped = await Promise.all(
            [
                ["Pulumi.dev.yaml", "dev"],
                ["Pulumi.prod.yaml", "prod"],
                ["Pulumi.team-payments.yaml", "team-payments"],
            ].map(([file, stack]) =>
                run({
                    config: (
                        parse(readFileSync(path.join(ROOT, file), "utf8")) as { config: Config }
                    ).config,
                    stack,
                }),
            ),
        );
        const seen = new Set<string>();
        for (const r of [all, own, noAudit, ...shipped]) {
            for (const x of r.registrations.filter((x) => ARM_BODY_TYPES.includes(x.type))) {
                const problems = armProblemsOf(x.type, x.inputs);
                if (problems === undefined) {
                    this.test!.title += " (skipped: ../shared/armschemas is not here)";
                    this.skip();
                }
                assert.deepEqual(problems, [], `${x.type} ${x.name}`);
                seen.add(x.type);
            }
        }
        assert.deepEqual([...seen].sort(), [...ARM_BODY_TYPES].sort());
        // The check can fail: a property the API version does not know, a wrong type.
        const dcr = byName(all, TYPES.dataCollectionRule, "container-insights").inputs;
        assert.deepEqual(armProblemsOf(TYPES.dataCollectionRule, { ...dcr, streamsOfMine: [] }), [
            "properties.streamsOfMine: not in the schema",
        ]);
        const group = ruleGroups(all)[0].inputs;
        assert.deepEqual(armProblemsOf(TYPES.prometheusRuleGroup, { ...group, interval: 1 }), [
            "properties.interval: not a string",
        ]);
        assert.equal(
            armBody(
                TYPES.dataCollectionRuleAssociation,
                byName(all, TYPES.dataCollectionRuleAssociation, "prometheus-association").inputs,
            ).name,
            "ContainerInsightsMetricsExtension",
        );
    });
});
