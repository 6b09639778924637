// Writer or admin on the whole cluster (issue 29, item 1): HIGH for any holder but a JIT group
// whose every activation needs approval, naming the config's clusterWideException when one allows
// it. Read off the registrations, so a grant made any other way is reported too. Pure module.
import type { StackConfig } from "../components/config";
import { AKS_ROLES, CLUSTER_WIDE_EFFECT } from "../components/roles";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { describePrincipal } from "./labels";
import { isStanding, type Principal } from "./model";

const WIDE: Readonly<Record<string, "writer" | "admin">> = {
    [`azure:${AKS_ROLES.rbacWriter}`]: "writer",
    [`azure:${AKS_ROLES.rbacAdmin}`]: "admin",
};

/** The clusterWideException that allows `p`'s grant, as `key: "reason"`, or undefined. */
function exceptionOf(config: StackConfig, p: Principal): string | undefined {
    const shown = (at: string, reason: string | undefined) =>
        reason === undefined ? undefined : `aks-entra:${at}.clusterWideException: "${reason}"`;
    const i = config.clusterAccess.findIndex(
        (g) => g.clusterWideException !== undefined && g.group.objectId === p.objectId,
    );
    if (p.kind === "group" && i >= 0) {
        return shown(`clusterAccess[${i}]`, config.clusterAccess[i].clusterWideException);
    }
    const pl = config.pipelines.findIndex((x) => p.kind === "pipeline" && x.name === p.label);
    if (pl >= 0) return shown(`pipelines[${pl}]`, config.pipelines[pl].clusterWideException);
    const j = config.jit.findIndex((x) => p.key === `group:jit-${x.name}`);
    if (j >= 0) return shown(`jit[${j}]`, config.jit[j].clusterWideException);
    return undefined;
}

export function clusterWideFindings(ctx: FindingContext): FactFinding[] {
    const { access } = ctx;
    const principals = new Map(access.principals.map((p) => [p.key, p]));
    const out: FactFinding[] = [];
    for (const g of access.grants.filter((x) => isStanding(x) && x.scope === "cluster")) {
        const role = WIDE[g.roleKey];
        const p = principals.get(g.principal);
        if (role === undefined || p === undefined) continue;
        // A JIT group: guarded when every eligible activation of this grant needs approval.
        const eligible = access.grants.filter(
            (e) => !isStanding(e) && e.activation?.group === g.principal && e.roleKey === g.roleKey,
        );
        if (eligible.length > 0 && eligible.every((e) => e.activation?.approval === true)) {
            continue;
        }
        const exception = exceptionOf(ctx.config, p);
        out.push({
            code: "cluster-wide-write",
            severity: "high",
            subject: g.principal,
            message: `${describePrincipal(p)} gets ${g.role} on the whole cluster: ${CLUSTER_WIDE_EFFECT[role]}; ${exception === undefined ? "no clusterWideException in config allows it" : `allowed by ${exception}`}. Give it on namespaces, or through a JIT entry that needs approval`,
            facts: [`cluster-wide-write|${g.source}`],
        });
    }
    return out;
}
