// Writer or admin on the whole cluster (issue 29, item 1). Azure Kubernetes Service RBAC Admin
// allows every Kubernetes data action but on ResourceQuotas and Namespaces, RoleBindings and
// ClusterRoleBindings included, so its holder binds itself to cluster-admin; RBAC Writer runs pods
// as any service account in its scope, which on the cluster means every namespace's, kube-system's
// included (Microsoft's role descriptions, docs/azure-facts.md). Either is given on a namespace,
// or to a JIT group whose activation needs approval, or with a named exception the plan reports
// HIGH. Pure module.
import { CLUSTER_WIDE_EFFECT } from "../../roles";
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { entries, rawAt, type RuleContext } from "./context";

const WIDE_ROLES = ["writer", "admin"] as const;
type WideRole = (typeof WIDE_ROLES)[number];

const isWide = (role: string | undefined): role is WideRole =>
    (WIDE_ROLES as readonly string[]).includes(role ?? "");

/** One entry that may give a role on the whole cluster. */
interface Entry {
    /** Key path of the entry (`aks-entra:clusterAccess[0]`). */
    at: string;
    /** Key of its role (`role`, `clusterAccess`). */
    roleKey: string;
    role: string | undefined;
    /** True when the role is on the whole cluster and nothing (approval) already guards it. */
    unguarded: boolean;
    exception: string | undefined;
    /** True when clusterWideException was written (its own schema problem is reported then). */
    written: boolean;
    /** How to give the access instead. */
    instead: string;
}

function check(e: Entry): string[] {
    if (e.exception === undefined && e.written) return [];
    const wide = isWide(e.role) && e.unguarded;
    if (wide && e.exception === undefined) {
        return [
            `${e.at}.${e.roleKey} ${show(e.role)}: ${CLUSTER_WIDE_EFFECT[e.role as WideRole]}; ${e.instead}, or state why it is needed in ${e.at}.clusterWideException (the plan reports it HIGH)`,
        ];
    }
    if (!wide && e.exception !== undefined) {
        return [
            `${e.at}.clusterWideException is set but ${e.at} gives no writer or admin on the whole cluster without approval; remove it`,
        ];
    }
    return [];
}

const wrote = (ctx: RuleContext, key: string, i: number) =>
    Object.hasOwn(rawAt(ctx.raw, key, i), "clusterWideException");

export function clusterWideAccess(ctx: RuleContext): string[] {
    const out: string[] = [];
    for (const [i, g] of entries(ctx.draft.clusterAccess)) {
        out.push(
            ...check({
                at: `${NAMESPACE}:clusterAccess[${i}]`,
                roleKey: "role",
                role: g.role,
                unguarded: true,
                exception: g.clusterWideException,
                written: wrote(ctx, "clusterAccess", i),
                instead:
                    "give it in namespaces[].access, or make it a JIT entry (aks-entra:jit) with requireApproval: true",
            }),
        );
    }
    for (const [i, pl] of entries(ctx.draft.pipelines)) {
        out.push(
            ...check({
                at: `${NAMESPACE}:pipelines[${i}]`,
                roleKey: "clusterAccess",
                role: pl.clusterAccess,
                unguarded: true,
                exception: pl.clusterWideException,
                written: wrote(ctx, "pipelines", i),
                instead: `give it in pipelines[${i}].namespaceAccess`,
            }),
        );
    }
    for (const [i, j] of entries(ctx.draft.jit)) {
        // requireApproval defaults to true when approvers are listed (components/config/build.ts).
        const approval = j.requireApproval ?? (j.approvers ?? []).length > 0;
        out.push(
            ...check({
                at: `${NAMESPACE}:jit[${i}]`,
                roleKey: "role",
                role: j.role,
                unguarded: j.namespace === undefined && !approval,
                exception: j.clusterWideException,
                written: wrote(ctx, "jit", i),
                instead: `set jit[${i}].namespace, or requireApproval: true with approvers`,
            }),
        );
    }
    return out;
}
