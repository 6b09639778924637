// The guardrail beside the plan's kubernetes-rbac-reach finding (issue 29, item 4): a RoleBinding
// that lets its holders run pods (pods or a workload controller, edit/admin, or declared rules
// that do) in a namespace whose service accounts hold Azure roles through workload identity. The
// pod runs as that account and exchanges its token for the identity's. Advisory: deploying into
// its own namespace is what a team's writer role is for; the report makes the path visible.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    CLUSTER_ROLE_RUNS_PODS,
    declaredRules,
    riskRule,
    runsPods,
} from "../components/kubernetesRisk";
import { TYPE } from "./azure";
import { SERVICE_ACCOUNT_SUBJECT } from "./federatedCredentials";
import { isUnknown, items, read, str } from "./read";
import { identityOf, ofType } from "./stack";

/** `<namespace>` → each service account of it whose identity holds Azure roles, with their scopes. */
function azureAccounts(resources: PolicyResource[]): Map<string, string[]> {
    const identities = ofType(resources, TYPE.identity);
    const assignments = ofType(resources, TYPE.roleAssignment);
    const out = new Map<string, string[]>();
    for (const fic of ofType(resources, TYPE.fic)) {
        const m = SERVICE_ACCOUNT_SUBJECT.exec(str(read(fic.props, "subject")) ?? "");
        const identity = m && identityOf(fic, identities);
        if (!m || !identity) continue;
        const principal = read(identity.props, "principalId");
        if (isUnknown(principal) || typeof principal !== "string") continue;
        const scopes = assignments
            .filter(
                (a) => str(read(a.props, "principalId"))?.toLowerCase() === principal.toLowerCase(),
            )
            .map((a) => (str(read(a.props, "scope")) ?? "").split("/").pop());
        if (scopes.length === 0) continue;
        const [, ns, sa] = m as unknown as [string, string, string];
        out.set(ns, [
            ...(out.get(ns) ?? []),
            `${ns}/${sa} (${scopes.length} Azure role assignment${scopes.length > 1 ? "s" : ""}, on ${scopes.join(", ")})`,
        ]);
    }
    return out;
}

/** Whether a RoleBinding's role runs pods, read off the Role or the ClusterRole's declared rules. */
function bindingRunsPods(binding: PolicyResource, roles: PolicyResource[]): boolean {
    const kind = read(binding.props, "roleRef", "kind");
    const ref = str(read(binding.props, "roleRef", "name")) ?? "";
    const ns = read(binding.props, "metadata", "namespace");
    if (kind === "Role") {
        const role = roles.find(
            (r) =>
                read(r.props, "metadata", "namespace") === ns &&
                read(r.props, "metadata", "name") === ref,
        );
        return items(read(role?.props, "rules")).some((rule) => runsPods(riskRule(rule)));
    }
    if (Object.hasOwn(CLUSTER_ROLE_RUNS_PODS, ref)) return CLUSTER_ROLE_RUNS_PODS[ref];
    return (declaredRules(read(binding.props, "metadata")) ?? []).some(runsPods);
}

export const podsReachAzure: StackValidationPolicy = {
    name: "k8s-pods-reach-azure",
    description:
        "Report a RoleBinding that runs pods in a namespace whose service accounts hold Azure roles (the pod gets their Azure token).",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const accounts = azureAccounts(args.resources);
        if (accounts.size === 0) return;
        const roles = ofType(args.resources, TYPE.role);
        for (const b of ofType(args.resources, TYPE.binding)) {
            const ns = str(read(b.props, "metadata", "namespace"));
            const held = ns === undefined ? undefined : accounts.get(ns);
            if (!held || !bindingRunsPods(b, roles)) continue;
            report(
                `RoleBinding ${ns}/${str(read(b.props, "metadata", "name"))} lets its holders run pods as any service account of namespace ${ns}, and so act with the Azure roles of ${held.join("; ")}; keep it to the team that owns those workloads, or move them to a namespace of their own`,
                b.urn,
            );
        }
    },
};
