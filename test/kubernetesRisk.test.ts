// components/kubernetesRisk.ts, the one table of Kubernetes paths to more access (issue 29, item 4),
// without mocks: which rules open which path, in a namespace and at cluster scope, and which run
// pods. Table-driven.
import { strict as assert } from "node:assert";
import { escalationPaths, pathKinds, type RiskRule, runsPods } from "../components/kubernetesRisk";

const rule = (apiGroups: string[], resources: string[], verbs: string[]): RiskRule => ({
    apiGroups,
    resources,
    verbs,
});

describe("Kubernetes paths to more access (components/kubernetesRisk.ts)", () => {
    const CASES: { what: string; rule: RiskRule; namespace: string[]; cluster: string[] }[] = [
        { what: "pods get", rule: rule([""], ["pods"], ["get"]), namespace: [], cluster: [] },
        {
            what: "token create",
            rule: rule([""], ["serviceaccounts/token"], ["create"]),
            namespace: ["serviceaccounts/token create"],
            cluster: ["serviceaccounts/token create"],
        },
        {
            what: "token get (no token minted)",
            rule: rule([""], ["serviceaccounts/token"], ["get"]),
            namespace: [],
            cluster: [],
        },
        {
            what: "token create in the apps group (no such resource there)",
            rule: rule(["apps"], ["serviceaccounts/token"], ["create"]),
            namespace: [],
            cluster: [],
        },
        {
            what: "create on every resource",
            rule: rule([""], ["*"], ["create"]),
            namespace: ["serviceaccounts/token create"],
            // nodes/proxy is cluster-scoped: a RoleBinding cannot reach it, a ClusterRoleBinding can.
            cluster: ["serviceaccounts/token create", "nodes/proxy"],
        },
        {
            what: "get on every resource of every group: nodes/proxy only at cluster scope",
            rule: rule(["*"], ["*"], ["get"]),
            namespace: [],
            cluster: ["nodes/proxy"],
        },
        {
            what: "ephemeral containers patch",
            rule: rule([""], ["pods/ephemeralcontainers"], ["patch"]),
            namespace: ["pods/ephemeralcontainers update/patch"],
            cluster: ["pods/ephemeralcontainers update/patch"],
        },
        {
            what: "webhooks list (read only)",
            rule: rule(
                ["admissionregistration.k8s.io"],
                ["mutatingwebhookconfigurations"],
                ["list"],
            ),
            namespace: [],
            cluster: [],
        },
        {
            what: "webhooks and CRDs written",
            rule: {
                apiGroups: ["admissionregistration.k8s.io", "apiextensions.k8s.io"],
                resources: ["validatingwebhookconfigurations", "customresourcedefinitions"],
                verbs: ["update"],
            },
            namespace: [
                "admission webhook configurations write",
                "customresourcedefinitions write",
            ],
            cluster: ["admission webhook configurations write", "customresourcedefinitions write"],
        },
    ];
    for (const c of CASES) {
        it(`${c.what}: namespace [${c.namespace.join(", ")}], cluster [${c.cluster.join(", ")}]`, () => {
            assert.deepEqual(
                pathKinds(c.rule, "namespace").map((k) => k.short),
                c.namespace,
            );
            assert.deepEqual(
                pathKinds(c.rule, "cluster").map((k) => k.short),
                c.cluster,
            );
        });
    }

    it("says * on * once, and the escalating verbs in the rule's order", () => {
        assert.deepEqual(escalationPaths(rule(["*"], ["*"], ["*"]), "cluster"), [
            "every verb on every resource amounts to cluster-admin inside the namespace",
        ]);
        assert.deepEqual(
            escalationPaths(rule([""], ["serviceaccounts"], ["impersonate", "bind"]), "namespace"),
            ["impersonate/bind lets its holders grant themselves any permission in the namespace"],
        );
    });

    const PODS: [string, RiskRule, boolean][] = [
        ["pods create", rule([""], ["pods"], ["create"]), true],
        [
            "deployments patch (the pod template's service account)",
            rule(["apps"], ["deployments"], ["patch"]),
            true,
        ],
        ["cronjobs create", rule(["batch"], ["cronjobs"], ["create"]), true],
        ["pods get", rule([""], ["pods"], ["get", "list"]), false],
        [
            "deployments in the core group (none there)",
            rule([""], ["deployments"], ["create"]),
            false,
        ],
        ["every resource of every group, written", rule(["*"], ["*"], ["update"]), true],
    ];
    for (const [what, r, expected] of PODS) {
        it(`runs pods: ${what} → ${expected}`, () => assert.equal(runsPods(r), expected));
    }
});
