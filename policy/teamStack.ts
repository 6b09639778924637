// The boundary of a team stack (docs/team-stacks.md), as the guardrails see it: given its team's
// namespaces and resource group and its platform's cluster (policy config, which `npm run plan --
// --platform` fills from the platform's outputs and a team's pipeline passes to `pulumi preview
// --policy-pack-config`), nothing the stack declares reaches outside them. Unset: not a team stack.
import type { StackValidationPolicy } from "@pulumi/policy";
import { AKS_ROLES } from "../components/roles";
import { assignedRole, TYPE } from "./azure";
import { isUnknown, read, show, str } from "./read";

export interface TeamBoundaryConfig {
    teamNamespaces?: string[];
    teamResourceGroupId?: string;
    platformClusterId?: string;
}

/** Kubernetes kinds without a namespace that a team stack must not create. */
const CLUSTER_SCOPED =
    /^kubernetes:(core\/v1:Namespace|rbac\.authorization\.k8s\.io\/v1\w*:(ClusterRole|ClusterRoleBinding))$/;

export const teamStackBoundary: StackValidationPolicy = {
    name: "team-stack-boundary",
    description:
        "A team stack's Kubernetes objects are in its team's namespaces, none is cluster-scoped, and its role assignments are on its team's resource group, its namespaces, or Cluster User Role on the platform's cluster.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            teamNamespaces: { type: "array", items: { type: "string" }, default: [] },
            teamResourceGroupId: { type: "string", default: "" },
            platformClusterId: { type: "string", default: "" },
        },
    },
    validateStack: (args, report) => {
        const c = args.getConfig<TeamBoundaryConfig>();
        const cluster = (c.platformClusterId ?? "").toLowerCase();
        const rg = (c.teamResourceGroupId ?? "").toLowerCase();
        if (cluster === "" || rg === "") return;
        const owned = new Set(c.teamNamespaces ?? []);
        for (const r of args.resources) {
            if (!r.type.startsWith("kubernetes:")) continue;
            if (CLUSTER_SCOPED.test(r.type)) {
                report(
                    `${r.type.split(":").pop()} ${show(read(r.props, "metadata", "name"))} is cluster-scoped; a team stack creates objects only in its team's namespaces (${[...owned].join(", ")})`,
                    r.urn,
                );
                continue;
            }
            const ns = read(r.props, "metadata", "namespace");
            if (isUnknown(ns) || typeof ns !== "string") continue;
            if (!owned.has(ns)) {
                report(
                    `${r.type.split(":").pop()} in namespace ${show(ns)}, which is not one of its team's namespaces (${[...owned].join(", ")})`,
                    r.urn,
                );
            }
        }
        for (const ra of args.resources.filter((r) => TYPE.roleAssignment.test(r.type))) {
            const scope = read(ra.props, "scope");
            if (isUnknown(scope)) continue;
            const at = (str(scope) ?? "").toLowerCase();
            const m = at.startsWith(`${cluster}/namespaces/`)
                ? at.slice(cluster.length + "/namespaces/".length)
                : undefined;
            const inside =
                at === rg ||
                at.startsWith(`${rg}/`) ||
                (m !== undefined && owned.has(m)) ||
                (at === cluster && assignedRole(ra.props) === AKS_ROLES.clusterUser);
            if (!inside) {
                report(
                    `role assignment at ${show(scope)} is outside its team's resource group and namespaces (only Cluster User Role may be granted on the platform's cluster itself)`,
                    ra.urn,
                );
            }
        }
    },
};
