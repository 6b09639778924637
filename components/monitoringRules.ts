// Microsoft's recommended Prometheus rules for AKS, as Azure/prometheus-collector publishes them
// (AddonBicepTemplate/FullAzureMonitorMetricsProfile.bicep: the recording rules the portal and
// `az aks update --enable-azure-monitor-metrics` create; AddonBicepTemplate/recommendedMetricAlerts.bicep
// and learn.microsoft.com/azure/azure-monitor/containers/kubernetes-metric-alerts: the alert
// rules, which the portal groups by cluster, node and pod level). Pure module: data only.

/** A recording rule: the series `record` computed by `expression`. */
export interface RecordingRule {
    record: string;
    expression: string;
    labels?: Record<string, string>;
}

const ksm = 'job="kube-state-metrics"';
const active = 'kube_pod_status_phase{phase=~"Pending|Running"} == 1';
const onNode = (metric: string) =>
    `${metric}{job="cadvisor", image!=""}* on (namespace, pod) group_left(node) topk by(namespace, pod) (1,  max by(namespace, pod, node) (kube_pod_info{node!=""}))`;
const perPod = (kind: string, resource: string) =>
    `kube_pod_container_resource_${kind}{resource="${resource}",${ksm}}  * on (namespace, pod, cluster)group_left() max by (namespace, pod, cluster) (  (${active}))`;
const perNamespace = (kind: string, resource: string) =>
    `sum by (namespace, cluster) (    sum by (namespace, pod, cluster) (        max by (namespace, pod, container, cluster) (          kube_pod_container_resource_${kind}{resource="${resource}",${ksm}}        ) * on(namespace, pod, cluster) group_left() max by (namespace, pod, cluster) (          ${active}        )    ))`;
const owner = (kind: string) =>
    `max by (cluster, namespace, workload, pod) (  label_replace(    kube_pod_owner{${ksm}, owner_kind="${kind}"},    "workload", "$1", "owner_name", "(.*)"  ))`;
const netRate = (metric: string) =>
    `sum without (device) (  rate(${metric}{job="node", device!="lo"}[5m]))`;

export const NODE_RECORDING_RULES: readonly RecordingRule[] = [
    {
        record: "instance:node_num_cpu:sum",
        expression: 'count without (cpu, mode) (  node_cpu_seconds_total{job="node",mode="idle"})',
    },
    {
        record: "instance:node_cpu_utilisation:rate5m",
        expression:
            '1 - avg without (cpu) (  sum without (mode) (rate(node_cpu_seconds_total{job="node", mode=~"idle|iowait|steal"}[5m])))',
    },
    {
        record: "instance:node_load1_per_cpu:ratio",
        expression: '(  node_load1{job="node"}/  instance:node_num_cpu:sum{job="node"})',
    },
    {
        record: "instance:node_memory_utilisation:ratio",
        expression:
            '1 - (  (    node_memory_MemAvailable_bytes{job="node"}    or    (      node_memory_Buffers_bytes{job="node"}      +      node_memory_Cached_bytes{job="node"}      +      node_memory_MemFree_bytes{job="node"}      +      node_memory_Slab_bytes{job="node"}    )  )/  node_memory_MemTotal_bytes{job="node"})',
    },
    {
        record: "instance:node_vmstat_pgmajfault:rate5m",
        expression: 'rate(node_vmstat_pgmajfault{job="node"}[5m])',
    },
    {
        record: "instance_device:node_disk_io_time_seconds:rate5m",
        expression: 'rate(node_disk_io_time_seconds_total{job="node", device!=""}[5m])',
    },
    {
        record: "instance_device:node_disk_io_time_weighted_seconds:rate5m",
        expression: 'rate(node_disk_io_time_weighted_seconds_total{job="node", device!=""}[5m])',
    },
    {
        record: "instance:node_network_receive_bytes_excluding_lo:rate5m",
        expression: netRate("node_network_receive_bytes_total"),
    },
    {
        record: "instance:node_network_transmit_bytes_excluding_lo:rate5m",
        expression: netRate("node_network_transmit_bytes_total"),
    },
    {
        record: "instance:node_network_receive_drop_excluding_lo:rate5m",
        expression: netRate("node_network_receive_drop_total"),
    },
    {
        record: "instance:node_network_transmit_drop_excluding_lo:rate5m",
        expression: netRate("node_network_transmit_drop_total"),
    },
];

export const KUBERNETES_RECORDING_RULES: readonly RecordingRule[] = [
    {
        record: "node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate",
        expression:
            'sum by (cluster, namespace, pod, container) (  irate(container_cpu_usage_seconds_total{job="cadvisor", image!=""}[5m])) * on (cluster, namespace, pod) group_left(node) topk by (cluster, namespace, pod) (  1, max by(cluster, namespace, pod, node) (kube_pod_info{node!=""}))',
    },
    ...["working_set_bytes", "rss", "cache", "swap"].map((m) => ({
        record: `node_namespace_pod_container:container_memory_${m}`,
        expression: onNode(`container_memory_${m}`),
    })),
    ...(["requests", "limits"] as const).flatMap((kind) =>
        (["memory", "cpu"] as const).flatMap((resource) => [
            {
                record: `cluster:namespace:pod_${resource}:active:kube_pod_container_resource_${kind}`,
                expression: perPod(kind, resource),
            },
            {
                record: `namespace_${resource}:kube_pod_container_resource_${kind}:sum`,
                expression: perNamespace(kind, resource),
            },
        ]),
    ),
    {
        record: "namespace_workload_pod:kube_pod_owner:relabel",
        expression: `max by (cluster, namespace, workload, pod) (  label_replace(    label_replace(      kube_pod_owner{${ksm}, owner_kind="ReplicaSet"},      "replicaset", "$1", "owner_name", "(.*)"    ) * on(replicaset, namespace) group_left(owner_name) topk by(replicaset, namespace) (      1, max by (replicaset, namespace, owner_name) (        kube_replicaset_owner{${ksm}}      )    ),    "workload", "$1", "owner_name", "(.*)"  ))`,
        labels: { workload_type: "deployment" },
    },
    ...(["DaemonSet", "StatefulSet", "Job"] as const).map((kind) => ({
        record: "namespace_workload_pod:kube_pod_owner:relabel",
        expression: owner(kind),
        labels: { workload_type: kind.toLowerCase() },
    })),
    {
        record: ":node_memory_MemAvailable_bytes:sum",
        expression:
            'sum(  node_memory_MemAvailable_bytes{job="node"} or  (    node_memory_Buffers_bytes{job="node"} +    node_memory_Cached_bytes{job="node"} +    node_memory_MemFree_bytes{job="node"} +    node_memory_Slab_bytes{job="node"}  )) by (cluster)',
    },
    {
        record: "cluster:node_cpu:ratio_rate5m",
        expression:
            'sum(rate(node_cpu_seconds_total{job="node",mode!="idle",mode!="iowait",mode!="steal"}[5m])) by (cluster) /count(sum(node_cpu_seconds_total{job="node"}) by (cluster, instance, cpu)) by (cluster)',
    },
];

/** An alert rule: fires when `expression` holds for `for`; severity 0 (critical) to 4 (verbose). */
export interface AlertRule {
    alert: string;
    expression: string;
    for: string;
    severity: 3 | 4;
    /** How long the condition must be false before the alert resolves. */
    timeToResolve: string;
}

const rule = (
    alert: string,
    expression: string,
    forTime: string,
    severity: 3 | 4,
    timeToResolve = "PT10M",
): AlertRule => ({ alert, expression, for: forTime, severity, timeToResolve });

/** The recommended alert rule groups, by the level the portal shows them at. */
export const ALERT_RULE_GROUPS: Readonly<Record<"cluster" | "node" | "pod", readonly AlertRule[]>> =
    {
        cluster: [
            rule(
                "KubeCPUQuotaOvercommit",
                `sum(min without(resource) (kube_resourcequota{${ksm}, type="hard", resource=~"(cpu|requests.cpu)"}))  /sum(kube_node_status_allocatable{resource="cpu", ${ksm}})  > 1.5`,
                "PT5M",
                3,
            ),
            rule(
                "KubeMemoryQuotaOvercommit",
                `sum(min without(resource) (kube_resourcequota{${ksm}, type="hard", resource=~"(memory|requests.memory)"}))  /sum(kube_node_status_allocatable{resource="memory", ${ksm}})  > 1.5`,
                "PT5M",
                3,
            ),
            rule(
                "KubeClientErrors",
                '(sum(rate(rest_client_requests_total{code=~"5.."}[5m])) by (cluster, instance, job, namespace)  / sum(rate(rest_client_requests_total[5m])) by (cluster, instance, job, namespace)) > 0.01',
                "PT15M",
                3,
            ),
            rule(
                "KubePersistentVolumeFillingUp",
                'kubelet_volume_stats_available_bytes{job="kubelet"}/kubelet_volume_stats_capacity_bytes{job="kubelet"} < 0.15 and kubelet_volume_stats_used_bytes{job="kubelet"} > 0 and predict_linear(kubelet_volume_stats_available_bytes{job="kubelet"}[6h], 4 * 24 * 3600) < 0 unless on(namespace, persistentvolumeclaim) kube_persistentvolumeclaim_access_mode{ access_mode="ReadOnlyMany"} == 1 unless on(namespace, persistentvolumeclaim) kube_persistentvolumeclaim_labels{label_excluded_from_alerts="true"} == 1',
                "PT60M",
                4,
                "PT15M",
            ),
            rule(
                "KubePersistentVolumeInodesFillingUp",
                'kubelet_volume_stats_inodes_free{job="kubelet"} / kubelet_volume_stats_inodes{job="kubelet"} < 0.03',
                "PT15M",
                4,
            ),
            rule(
                "KubePersistentVolumeErrors",
                `kube_persistentvolume_status_phase{phase=~"Failed|Pending",${ksm}} > 0`,
                "PT05M",
                4,
            ),
            rule(
                "KubeContainerOOMKilledCount",
                'sum by (cluster,container,controller,namespace)(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} * on(cluster,namespace,pod) group_left(controller) label_replace(kube_pod_owner, "controller", "$1", "owner_name", "(.*)")) > 0',
                "PT5M",
                4,
            ),
        ],
        node: [
            rule(
                "KubeNodeUnreachable",
                `(kube_node_spec_taint{${ksm},key="node.kubernetes.io/unreachable",effect="NoSchedule"} unless ignoring(key,value) kube_node_spec_taint{${ksm},key=~"ToBeDeletedByClusterAutoscaler|cloud.google.com/impending-node-termination|aws-node-termination-handler/spot-itn"}) == 1`,
                "PT15M",
                3,
            ),
            rule(
                "KubeNodeNotReady",
                `kube_node_status_condition{${ksm},condition="Ready",status="true"} == 0`,
                "PT15M",
                3,
            ),
            rule(
                "KubeNodeReadinessFlapping",
                'sum(changes(kube_node_status_condition{status="true",condition="Ready"}[15m])) by (cluster, node) > 2',
                "PT15M",
                3,
            ),
            rule(
                "KubeletClientCertificateExpiration",
                "kubelet_certificate_manager_client_ttl_seconds < 7 * 24 * 3600",
                "PT5M",
                4,
                "PT15M",
            ),
            rule(
                "KubeletServerCertificateExpiration",
                "kubelet_certificate_manager_server_ttl_seconds < 7 * 24 * 3600",
                "PT10M",
                4,
            ),
            rule(
                "KubeletPodStartUpLatencyHigh",
                'histogram_quantile(0.99, sum(rate(kubelet_pod_worker_duration_seconds_bucket{job="kubelet"}[5m])) by (cluster, instance, le)) * on(cluster, instance) group_left(node) kubelet_node_name{job="kubelet"} > 60',
                "PT10M",
                4,
            ),
        ],
        pod: [
            rule(
                "KubePodCrashLooping",
                `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", ${ksm}}[5m]) >= 1`,
                "PT15M",
                4,
            ),
            rule(
                "KubePodNotReadyByController",
                `sum by (namespace, controller, cluster) (max by(namespace, pod, cluster) (kube_pod_status_phase{${ksm}, phase=~"Pending|Unknown"}  ) * on(namespace, pod, cluster) group_left(controller)label_replace(kube_pod_owner,"controller","$1","owner_name","(.*)")) > 0`,
                "PT15M",
                3,
            ),
            rule(
                "KubeDeploymentReplicasMismatch",
                `(  kube_deployment_spec_replicas{${ksm}}    >  kube_deployment_status_replicas_available{${ksm}}) and (  changes(kube_deployment_status_replicas_updated{${ksm}}[10m])    ==  0)`,
                "PT15M",
                4,
                "PT15M",
            ),
            rule(
                "KubeStatefulSetReplicasMismatch",
                `(  kube_statefulset_status_replicas_ready{${ksm}}    !=  kube_statefulset_status_replicas{${ksm}}) and (  changes(kube_statefulset_status_replicas_updated{${ksm}}[10m])    ==  0)`,
                "PT15M",
                4,
            ),
            rule("KubeJobFailed", `kube_job_failed{${ksm}}  > 0`, "PT15M", 3),
            rule(
                "KubeJobNotCompleted",
                `time() - max by(namespace, job_name, cluster) (kube_job_status_start_time{${ksm}}  and kube_job_status_active{${ksm}} > 0) > 43200`,
                "PT15M",
                3,
            ),
            rule(
                "KubeHpaMaxedOut",
                `kube_horizontalpodautoscaler_status_current_replicas{${ksm}}  ==kube_horizontalpodautoscaler_spec_max_replicas{${ksm}}`,
                "PT15M",
                4,
                "PT15M",
            ),
            rule(
                "KubeDaemonSetNotScheduled",
                `kube_daemonset_status_desired_number_scheduled{${ksm}} - kube_daemonset_status_current_number_scheduled{${ksm}} > 0`,
                "PT15M",
                3,
            ),
            rule(
                "KubeContainerWaiting",
                `sum by (namespace, pod, container, cluster) (kube_pod_container_status_waiting_reason{${ksm}}) > 0`,
                "PT60M",
                3,
            ),
        ],
    };
