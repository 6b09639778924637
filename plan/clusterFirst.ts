// Whether a bounded `pulumi up --parallel` serves the cluster first (issue 26): when the cluster
// starts, how long the run takes, and the lower bound no schedule at that parallelism can beat,
// from the engine simulation of plan/deployTime.ts. Pure module.
import type { Registration } from "../offline/harness";
import { TYPES } from "../offline/types";
import { durationOf, schedule, type TimedRegistration, waitLists } from "./deployTime";

export interface ClusterFirst {
    /** Most resource operations at once; Infinity for unbounded. */
    parallel: number;
    /** When the cluster's create starts, in seconds into the run; NaN without a cluster. */
    clusterStart: number;
    /** When the last operation ends. */
    makespan: number;
    /**
     * No schedule at this parallelism ends sooner: the cluster's end with unbounded parallelism
     * (its critical path), plus the work that must follow the cluster spread over `parallel`
     * slots, and never less than the longest path of the whole run.
     */
    lowerBound: number;
}

/** Registration indices that wait for `from`, directly, through a component or a provider. */
export function dependentsOf(regs: readonly TimedRegistration[], from: number): Set<number> {
    const dependents: number[][] = regs.map(() => []);
    waitLists(regs).forEach((ws, i) => ws.forEach((j) => dependents[j].push(i)));
    return reachable(dependents, from);
}

/** Registration indices `from` waits for, directly or through others. */
export function prerequisitesOf(regs: readonly TimedRegistration[], from: number): Set<number> {
    return reachable(waitLists(regs), from);
}

/** Every index reachable from `from` along `edges` (`from` itself only on a cycle). */
function reachable(edges: readonly number[][], from: number): Set<number> {
    const seen = new Set<number>();
    const queue = [from];
    while (queue.length > 0) {
        for (const d of edges[queue.shift()!]) {
            if (!seen.has(d)) {
                seen.add(d);
                queue.push(d);
            }
        }
    }
    return seen;
}

/** Cluster start, makespan and lower bound of a first `pulumi up` at `parallel`. */
export function clusterFirst(
    regs: readonly (TimedRegistration & Pick<Registration, "type">)[],
    parallel = Infinity,
): ClusterFirst {
    const s = schedule(regs, parallel);
    const unbounded = parallel === Infinity ? s : schedule(regs, Infinity);
    const cluster = regs.findIndex((r) => r.custom && r.type === TYPES.cluster);
    if (cluster < 0) {
        return { parallel, clusterStart: NaN, makespan: s.seconds, lowerBound: unbounded.seconds };
    }
    let after = 0;
    for (const i of dependentsOf(regs, cluster)) {
        if (regs[i].custom && !regs[i].type.startsWith("pulumi:providers:"))
            after += durationOf(regs[i]);
    }
    return {
        parallel,
        clusterStart: s.start[cluster],
        makespan: s.seconds,
        lowerBound: Math.max(unbounded.seconds, unbounded.end[cluster] + after / parallel),
    };
}
