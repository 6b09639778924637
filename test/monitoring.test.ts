// cluster.monitoring, cluster.secretsStore and the audit setting's sinks (issue 23, items 1, 2, 8):
// what reaches the cluster and the Azure Monitor resources, their order and the plan. The fakes'
// refusals and the ARM schema check of the new types: test/monitoringFakes.test.ts.
import { strict as assert } from "node:assert";
import { configFromPulumi } from "../components/config";
import { resolveDeployer } from "../components/deployer";
import {
    CONTAINER_INSIGHTS_ASSOCIATION,
    CONTAINER_INSIGHTS_STREAMS,
} from "../components/monitoring";
import { ALERT_RULE_GROUPS } from "../components/monitoringRules";
import { pulumiConfigMap, type Registration, type RunResult } from "../offline/harness";
import { buildPlan } from "../plan/build";
import { dependsOnTransitively, ofType, one, run, TYPES } from "./helpers";
import {
    ACTION_GROUP,
    AMW,
    auditOff,
    byName,
    cluster,
    EVENT_HUB_RULE,
    everything,
    ruleGroups,
    STORAGE,
    workspace,
    yours,
} from "./monitoringCases";

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
        assert.equal(a.inputs.associationName, "ContainerInsightsExtension");
        assert.equal(CONTAINER_INSIGHTS_ASSOCIATION, "ContainerInsightsExtension");
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
        assert.equal(a.inputs.associationName, "MSProm-westeurope-aks-aks-entra-dev-5ff3bbad");
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
});
