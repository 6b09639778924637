// How long a first `pulumi up` of one evaluation takes: the registrations scheduled as Pulumi's
// engine runs them, at a given `--parallel`, with the typical create times of offline/timeline.ts;
// the critical path of that schedule; and Azure's floor, the chain no program can shorten (resource
// group, control-plane identity, its Managed Identity Operator grant on the kubelet identity, the
// wait for that grant to propagate, the cluster, one thing after it). Pure module.
import { AKS_ROLES } from "../components/roles";
import type { Registration } from "../offline/harness";
import { vnetOf } from "../offline/concurrency";
import { providerUrn } from "../offline/timeline";
import { TYPES } from "../offline/types";
import type { DeployStep, PlanDeploy } from "./model";
import { at, strings, text } from "./registrations";

/** What the schedule reads of a registration. */
export type TimedRegistration = Pick<
    Registration,
    "urn" | "type" | "name" | "custom" | "dependencies" | "provider" | "span"
>;

/** One resource on a path: when it starts (seconds into the run) and how long it takes. */
export type PathStep = DeployStep;

/** When each registration starts and ends, in registration order. */
export interface Schedule {
    /** Most resource operations at once; Infinity for unbounded. */
    parallel: number;
    start: number[];
    end: number[];
    /** When the last operation ends. */
    seconds: number;
    /** Most resource operations running at once. */
    width: number;
}

export type FloorRole =
    | "resource group"
    | "control-plane identity"
    | "Managed Identity Operator grant"
    | "grant propagation wait"
    | "cluster"
    | "first after the cluster"
    | "longest user pool"
    | "user pool, one at a time in its network";

export interface FloorStep {
    role: FloorRole;
    urn: string;
    type: string;
    name: string;
    seconds: number;
}

/** The shortest a first `pulumi up` of this stack can be: Azure's own chain, end to end. */
export interface Floor {
    seconds: number;
    steps: FloorStep[];
}

export interface DeployEstimate {
    parallel: number;
    /** Estimated duration of a first `pulumi up`. */
    seconds: number;
    width: number;
    criticalPath: PathStep[];
    floor: Floor;
    /** seconds / floor.seconds; 0 when there is no floor (no cluster). */
    ratio: number;
}

/**
 * How long one registration takes: its span in the harness's timeline (createSeconds of
 * offline/timeline.ts for a new resource, 0 for one an earlier run created, for components and
 * providers).
 */
export function durationOf(r: TimedRegistration): number {
    return Math.max(0, r.span.end - r.span.start);
}

/** Components and providers are done as soon as what they wait for is: they take no slot. */
function takesSlot(r: TimedRegistration): boolean {
    return r.custom && !r.type.startsWith("pulumi:providers:");
}

/** Indices each registration waits for: its dependencies and its provider, when registered. */
export function waitLists(regs: readonly TimedRegistration[]): number[][] {
    const index = new Map<string, number>();
    regs.forEach((r, i) => {
        if (!index.has(r.urn)) index.set(r.urn, i);
    });
    return regs.map((r, i) => {
        const waits = new Set<number>();
        for (const urn of [...r.dependencies, providerUrn(r.provider)]) {
            const j = index.get(urn);
            if (j !== undefined && j !== i) waits.add(j);
        }
        return [...waits].sort((a, b) => a - b);
    });
}

/**
 * The registrations as the engine runs them with at most `parallel` resource operations at once
 * (`pulumi up --parallel`; Infinity for unbounded). A discrete-event simulation: a step is ready
 * when everything it waits for has ended; ready steps start in registration order whenever a slot
 * is free; components and providers take no time and no slot. Deterministic.
 */
export function schedule(regs: readonly TimedRegistration[], parallel = Infinity): Schedule {
    if (!(parallel === Infinity || (Number.isInteger(parallel) && parallel >= 1))) {
        throw new RangeError(`parallel ${parallel} is not a positive integer or Infinity`);
    }
    const waits = waitLists(regs);
    const dependents: number[][] = regs.map(() => []);
    waits.forEach((ws, i) => ws.forEach((j) => dependents[j].push(i)));
    const remaining = waits.map((ws) => ws.length);
    const start = regs.map(() => NaN);
    const end = regs.map(() => NaN);
    /** Ready to start, waiting for a slot: registration indices, ascending. */
    const ready: number[] = [];
    let running: { i: number; end: number }[] = [];
    let width = 0;

    // Steps that became ready at time t; components and providers end on the spot.
    const release = (first: number[], t: number) => {
        const queue = [...first];
        while (queue.length > 0) {
            const i = queue.shift()!;
            if (takesSlot(regs[i])) {
                ready.splice(insertAt(ready, i), 0, i);
                continue;
            }
            start[i] = t;
            end[i] = t;
            for (const d of dependents[i]) if (--remaining[d] === 0) queue.push(d);
        }
    };

    let t = 0;
    release(
        regs.map((_, i) => i).filter((i) => remaining[i] === 0),
        t,
    );
    for (;;) {
        while (running.length < parallel && ready.length > 0) {
            const i = ready.shift()!;
            start[i] = t;
            running.push({ i, end: t + durationOf(regs[i]) });
        }
        width = Math.max(width, running.length);
        if (running.length === 0) break;
        t = Math.min(...running.map((x) => x.end));
        const ending = running
            .filter((x) => x.end === t)
            .map((x) => x.i)
            .sort((a, b) => a - b);
        running = running.filter((x) => x.end !== t);
        const next: number[] = [];
        for (const i of ending) {
            end[i] = t;
            for (const d of dependents[i]) if (--remaining[d] === 0) next.push(d);
        }
        release(next, t);
    }
    const stuck = regs.filter((_, i) => Number.isNaN(end[i]));
    if (stuck.length > 0) {
        throw new Error(
            `${stuck.length} registrations wait for each other and never start: ${stuck.map((r) => r.name).join(", ")}`,
        );
    }
    return { parallel, start, end, seconds: Math.max(0, ...end), width };
}

/** Where `i` goes in an ascending list. */
function insertAt(list: readonly number[], i: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid] < i) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/**
 * The chain that decides the total: from the resource that finishes last (the first registered
 * among equals) back through what it waited for that ended last, to a resource that waited for
 * nothing. Components and providers on the way take no time and are passed through, not listed.
 * With unbounded parallelism the steps follow each other without gaps and sum to the total; with
 * fewer slots a gap is time spent waiting for one.
 */
export function criticalPath(regs: readonly TimedRegistration[], s: Schedule): PathStep[] {
    const waits = waitLists(regs);
    let last = -1;
    regs.forEach((r, i) => {
        if (takesSlot(r) && (last < 0 || s.end[i] > s.end[last])) last = i;
    });
    const path: PathStep[] = [];
    for (let i = last; i >= 0;) {
        const r = regs[i];
        if (takesSlot(r)) {
            path.push({
                urn: r.urn,
                type: r.type,
                name: r.name,
                start: s.start[i],
                seconds: durationOf(r),
            });
        }
        let before = -1;
        for (const j of waits[i]) if (before < 0 || s.end[j] > s.end[before]) before = j;
        i = before;
    }
    return path.reverse();
}

const MANAGED_IDENTITY_OPERATOR = `/roledefinitions/${AKS_ROLES.managedIdentityOperator}`;

/**
 * Azure's floor (docs/azure-facts.md, failure modes 4 and 11): the resource group, the control-plane
 * identity in it, the identity's Managed Identity Operator grant on the kubelet identity, the wait
 * for that grant to propagate (the time.Sleep whose `triggers.grant` is the grant's id), the cluster,
 * and the shortest thing that must follow the cluster (waiting for it directly or through the
 * Kubernetes provider), or the longest user pool when that takes longer: AKS creates user pools
 * only on an existing cluster (docs/azure-facts.md, failure mode 13), so no program can start them
 * sooner; the pools of one virtual network of yours count one after another (failure mode 28). Each with its registration's own duration, so the floor follows the config
 * (the wait is `cluster.kubeletGrantWaitSeconds`). A link the stack lacks is left out.
 */
export function azureFloor(regs: readonly Registration[]): Floor {
    const custom = regs.filter((r) => r.custom);
    const cluster = custom.find((r) => r.type === TYPES.cluster);
    if (!cluster) return { seconds: 0, steps: [] };
    const identityIds = strings(at(cluster.inputs, "identity", "userAssignedIdentities")).map(
        (id) => id.toLowerCase(),
    );
    const controlPlane = custom.find(
        (r) => r.type === TYPES.identity && identityIds.includes(r.id.toLowerCase()),
    );
    const groupName = text((controlPlane ?? cluster).inputs.resourceGroupName);
    const group = custom.find(
        (r) => r.type === TYPES.resourceGroup && text(r.inputs.resourceGroupName) === groupName,
    );
    const principalId = text(controlPlane?.state.principalId);
    const grant = custom.find(
        (r) =>
            r.type === TYPES.roleAssignment &&
            principalId !== "" &&
            text(r.inputs.principalId) === principalId &&
            text(r.inputs.roleDefinitionId).toLowerCase().endsWith(MANAGED_IDENTITY_OPERATOR),
    );
    const wait = grant
        ? custom.find(
              (r) => r.type === TYPES.sleep && text(at(r.inputs, "triggers", "grant")) === grant.id,
          )
        : undefined;

    // What follows the cluster: resources that wait for it, directly or through a provider.
    const waits = waitLists(regs);
    const dependents: number[][] = regs.map(() => []);
    waits.forEach((ws, i) => ws.forEach((j) => dependents[j].push(i)));
    const seen = new Set<number>();
    const queue = [regs.indexOf(cluster)];
    let after: Registration | undefined;
    while (queue.length > 0) {
        for (const d of dependents[queue.shift()!]) {
            if (seen.has(d)) continue;
            seen.add(d);
            if (!takesSlot(regs[d])) queue.push(d);
            else if (
                !after ||
                durationOf(regs[d]) < durationOf(after) ||
                (durationOf(regs[d]) === durationOf(after) && d < regs.indexOf(after))
            )
                after = regs[d];
        }
    }

    // Pools in one virtual network of yours are created one at a time (AKS sets the network's
    // ownership per pool; docs/azure-facts.md failure mode 28); pools in AKS's network at once.
    const byNetwork = new Map<string, Registration[]>();
    for (const r of custom) {
        if (r.type !== TYPES.agentPool) continue;
        const key = vnetOf(r.inputs.vnetSubnetID)?.toLowerCase() ?? r.urn;
        byNetwork.set(key, [...(byNetwork.get(key) ?? []), r]);
    }
    const total = (pools: readonly Registration[]) =>
        pools.reduce((sum, r) => sum + durationOf(r), 0);
    let pools: Registration[] = [];
    for (const g of byNetwork.values()) if (total(g) > total(pools)) pools = g;
    const tail: [FloorRole, Registration | undefined][] =
        pools.length > 0 && (!after || total(pools) > durationOf(after))
            ? pools.map((r) => [
                  pools.length === 1
                      ? "longest user pool"
                      : "user pool, one at a time in its network",
                  r,
              ])
            : [["first after the cluster", after]];

    const chain: [FloorRole, Registration | undefined][] = [
        ["resource group", group],
        ["control-plane identity", controlPlane],
        ["Managed Identity Operator grant", grant],
        ["grant propagation wait", wait],
        ["cluster", cluster],
        ...tail,
    ];
    const steps = chain
        .filter((c): c is [FloorRole, Registration] => c[1] !== undefined)
        .map(([role, r]) => ({
            role,
            urn: r.urn,
            type: r.type,
            name: r.name,
            seconds: durationOf(r),
        }));
    return { seconds: steps.reduce((sum, x) => sum + x.seconds, 0), steps };
}

/** Schedule, critical path and floor of a first `pulumi up` at `parallel` operations at once. */
export function estimateDeploy(regs: readonly Registration[], parallel = Infinity): DeployEstimate {
    const s = schedule(regs, parallel);
    const floor = azureFloor(regs);
    return {
        parallel,
        seconds: s.seconds,
        width: s.width,
        criticalPath: criticalPath(regs, s),
        floor,
        ratio: floor.seconds > 0 ? s.seconds / floor.seconds : 0,
    };
}

/** The plan's form of an estimate with unbounded parallelism. */
export function planDeploy(regs: readonly Registration[]): PlanDeploy {
    const e = estimateDeploy(regs);
    return {
        parallel: "unbounded",
        seconds: e.seconds,
        floorSeconds: e.floor.seconds,
        ratio: Math.round(e.ratio * 1000) / 1000,
        criticalPath: e.criticalPath,
    };
}

/** `9m 24s`, `2m 00s`, `8s`, `1h 02m 03s`: a duration as a reader says it. */
export function formatSeconds(seconds: number): string {
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, "0");
    if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m ${rest}s`;
    if (m > 0) return `${m}m ${rest}s`;
    return `${s % 60}s`;
}
