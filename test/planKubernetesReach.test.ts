// Issue 29, items 4 and 5, as the plan reports them: Kubernetes RBAC that reaches past what it names
// (pods run as a service account holding Azure roles, tokens minted for it, a declared ClusterRole)
// and a namespace that loosens Pod Security. One variant of the dev stack file, planned once; the
// dev stack file itself (the safe configuration) reports none of it.
import { strict as assert } from "node:assert";
import type { Finding, Grant } from "../plan/model";
import { plan, readPlan, workspace } from "./planRun";

const { out, dev, remove } = workspace("k8s-reach");
const PAYMENTS_SAS =
    "payments/payments-api → Key Vault Secrets User on kv-payments-prod, Storage Blob Data Reader on stpaymentsprod; payments/payments-worker → Azure Service Bus Data Receiver on sb-payments-prod";

describe("offline plan: Kubernetes paths to more access and Pod Security", function () {
    this.timeout(300_000);
    let reach: Finding[];
    let safe: Finding[];
    let grants: Grant[];

    before(async () => {
        const file = dev("reach.yaml", (c) => {
            const [payments, observability] = c["aks-entra:namespaces"];
            payments.roles[0].rules.push({
                apiGroups: ["apps"],
                resources: ["deployments"],
                verbs: ["create"],
            });
            payments.roles[1].clusterRole = "edit";
            payments.roles.push({
                name: "minter",
                rules: [
                    { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
                ],
                groups: ["sre"],
                allowPrivilegeEscalation: true,
            });
            observability.roles.push({
                name: "secrets",
                clusterRole: "secret-reader",
                clusterRoleRules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }],
                groups: ["sre"],
            });
            observability.roles.push({
                name: "ops-admin",
                clusterRole: "cluster-admin",
                groups: ["sre"],
                allowPrivilegeEscalation: true,
            });
            observability.podSecurity = { enforce: "privileged", warn: "baseline" };
        });
        const [r, d] = await Promise.all([
            plan("--config", file, "--json", out("reach.json")),
            plan("--json", out("dev.json")),
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(d.code, 0, d.stderr);
        reach = readPlan(out("reach.json")).findings;
        grants = readPlan(out("reach.json")).grants;
        safe = readPlan(out("dev.json")).findings;
    });
    after(remove);

    const messages = (fs: Finding[], code: string, severity: string) =>
        fs.filter((f) => f.code === code && f.severity === severity).map((f) => f.message);

    it("reports pod creation where service accounts hold Azure roles as HIGH, with the path", () => {
        const lines = messages(reach, "kubernetes-rbac-reach", "high");
        assert.deepEqual(
            lines.sort(),
            [
                `namespace payments role auditors-view binds ClusterRole edit: reads Secrets and execs into pods, and runs pods as any service account of the namespace, so reaches their Azure roles: via a pod running as ${PAYMENTS_SAS}; held by group auditors (guardrail k8s-pods-reach-azure agrees)`,
                `namespace payments role pod-reader rule ${JSON.stringify("apps/deployments: create")}: runs pods as any service account of the namespace, so reaches their Azure roles: via a pod running as ${PAYMENTS_SAS}; held by group developers (guardrail k8s-pods-reach-azure agrees)`,
            ].sort(),
        );
    });

    it("reports an accepted token-minting role as HIGH, with the Azure reach", () => {
        const lines = messages(reach, "kubernetes-rbac-escalation", "high");
        assert.ok(
            lines.some(
                (m) =>
                    m.startsWith("namespace payments role minter rule") &&
                    m.includes(
                        "serviceaccounts/token create mints a token for any service account of the namespace",
                    ) &&
                    m.includes(
                        "allowed by aks-entra:namespaces[0].roles[2].allowPrivilegeEscalation: true",
                    ),
            ),
            lines.join("\n"),
        );
    });

    it("reports an accepted cluster-admin binding once, with the guardrail that refuses it", () => {
        assert.deepEqual(
            reach
                .filter((f) => f.message.includes("role ops-admin"))
                .map((f) => [f.severity, f.code, f.message]),
            [
                [
                    "high",
                    "kubernetes-rbac-escalation",
                    "namespace observability role ops-admin binds ClusterRole cluster-admin: full control of the namespace, its Roles and RoleBindings included: cluster-admin inside it; allowed by aks-entra:namespaces[1].roles[2].allowPrivilegeEscalation: true; held by group sre (guardrail k8s-rolebinding-known-cluster-roles agrees; a mandatory rule: pulumi preview --policy-pack policy refuses it)",
                ],
            ],
        );
    });

    it("checks a declared ClusterRole's rules like a Role's", () => {
        assert.ok(
            messages(reach, "kubernetes-rbac-risk", "medium").some((m) =>
                m.startsWith(
                    "namespace observability role secrets ClusterRole secret-reader (declared) rule",
                ),
            ),
        );
    });

    it("shows a declared ClusterRole in the matrix with its declared rules, not as unknown", () => {
        assert.deepEqual(
            grants
                .filter((g) => g.role === "ClusterRole secret-reader")
                .map((g) => [g.scope, g.level, g.detail]),
            [["namespace:observability", 1, "secrets: get"]],
        );
    });

    it("reports a namespace enforcing privileged as HIGH, and warn below restricted as LOW", () => {
        assert.ok(
            messages(reach, "pod-security", "high").some((m) =>
                m.startsWith(
                    'namespace observability enforces Pod Security "privileged" (aks-entra:namespaces[1].podSecurity)',
                ),
            ),
        );
        assert.equal(messages(reach, "pod-security-visibility", "low").length, 1);
    });

    it("reports none of it for the dev stack file (view, a pod reader, defaults)", () => {
        const codes = [
            "kubernetes-rbac-reach",
            "kubernetes-rbac-escalation",
            "pod-security",
            "pod-security-visibility",
        ];
        assert.deepEqual(
            safe.filter((f) => codes.includes(f.code)),
            [],
        );
    });
});
