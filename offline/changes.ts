// How a registration compares with the stack's previous state, as the Pulumi engine decides it:
// secrets unwrapped, ignoreChanges applied, the properties that force a replacement. Pure module.
import { TYPES } from "./types";
import type { StepOp } from "./fakeWorld";
import { location, sameValue } from "./inputValues";

type Props = Record<string, unknown>;

/** `[*]` in an ignoreChanges path: every element of an array. */
const EVERY = Symbol("every element");
type PathPart = string | number | typeof EVERY;

/** `agentPoolProfiles[0].count`, `tags["cost-center"]`, `agentPoolProfiles[*].count`. */
function parsePath(path: string): PathPart[] {
    const parts: PathPart[] = [];
    for (const m of path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+|\*)\]|([^.[\]]+)/g)) {
        if (m[1] !== undefined) parts.push(m[1]);
        else if (m[2] !== undefined) parts.push(m[2] === "*" ? EVERY : Number(m[2]));
        else parts.push(m[3]);
    }
    return parts;
}

function resetPath(news: unknown, olds: unknown, parts: readonly PathPart[]): unknown {
    if (parts.length === 0) return olds;
    const [head, ...rest] = parts;
    if (head === EVERY) {
        if (!Array.isArray(news)) return news;
        return news.map((v, i) => resetPath(v, Array.isArray(olds) ? olds[i] : undefined, rest));
    }
    if (news === null || typeof news !== "object") return news;
    const copy = (Array.isArray(news) ? [...(news as unknown[])] : { ...news }) as Record<
        string | number,
        unknown
    >;
    const old =
        olds !== null && typeof olds === "object"
            ? (olds as Record<string | number, unknown>)[head]
            : undefined;
    copy[head] = rest.length === 0 ? old : resetPath(copy[head], old, rest);
    if (copy[head] === undefined && !Array.isArray(copy)) delete copy[head];
    return copy;
}

/**
 * The inputs Pulumi compares and sends on an update: the new inputs with each ignoreChanges path
 * reset to its value in the old inputs (removed where the old inputs have none), as the engine's
 * processIgnoreChanges does.
 */
export function applyIgnoreChanges(
    news: Props,
    olds: Props,
    ignoreChanges: readonly string[],
): Props {
    let out: unknown = news;
    for (const path of ignoreChanges) out = resetPath(out, olds, parsePath(path));
    return out as Props;
}

/** How a registration compares with the same URN in the previous state. */
export interface Change {
    op: Exclude<StepOp, "delete" | "delete-skipped">;
    reason?: string;
    /** The replacement deletes the old object before it creates the new one (same name). */
    deleteBeforeReplace?: boolean;
    /** The inputs an update sends (ignoreChanges applied). */
    after?: Props;
}

/**
 * Properties whose change replaces the resource although its id stays:
 * - time.Sleep `triggers`: RequiresReplace in terraform-provider-time's time_sleep, which
 *   @pulumiverse/time bridges; createDuration itself updates in place (and sleeps only on create).
 * - RoleBinding and ClusterRoleBinding `roleRef`: immutable in the Kubernetes API, and a forced
 *   replacement in pulumi-kubernetes (forceNewProperties, provider/pkg/provider/diff.go). A named
 *   object keeps its name, so pulumi-kubernetes deletes it before creating it again.
 * - ResourceGroup and ManagedCluster `location`: azure-native's forceNewMap
 *   (provider/pkg/gen/replacement.go, "Resources"/"ResourceGroup" and
 *   "ContainerService"/"ManagedCluster"). The id keeps the name, so the replacement's create meets
 *   the old resource (checkNotExisting; docs/azure-facts.md failure mode 26).
 */
const REPLACE_ON: Readonly<Record<string, readonly string[]>> = {
    [TYPES.resourceGroup]: ["location"],
    [TYPES.cluster]: ["location"],
    [TYPES.sleep]: ["triggers"],
    [TYPES.roleBinding]: ["roleRef"],
    [TYPES.clusterRoleBinding]: ["roleRef"],
};

/**
 * What Pulumi does with a registration given the previous state of its URN: create without one;
 * replace when the id the inputs name changes (a name in an azure-native resource's path, a
 * Kubernetes object's metadata.name or namespace; create-before-delete, Pulumi's default) or a
 * property in REPLACE_ON changes; same when the inputs are equal after ignoreChanges; else update.
 */
export function classifyChange(
    type: string,
    prior: { id: string; inputs: Props } | undefined,
    id: string,
    inputs: Props,
    ignoreChanges: readonly string[],
): Change {
    if (!prior) return { op: "create" };
    if (prior.id !== id) {
        return { op: "replace", reason: `its id changes: ${prior.id} -> ${id}` };
    }
    const after = applyIgnoreChanges(inputs, prior.inputs, ignoreChanges);
    // A region compares as azure-native compares it: "West Europe" is westeurope.
    const same = (k: string) =>
        k === "location"
            ? location(prior.inputs[k]) === location(after[k])
            : sameValue(prior.inputs[k], after[k]);
    const forced = (REPLACE_ON[type] ?? []).filter((k) => !same(k));
    if (forced.length > 0) {
        const dbr = type.startsWith("kubernetes:");
        return {
            op: "replace",
            reason: `${forced.join(", ")} changed, which replaces it${dbr ? " (the same name: delete before create)" : ""}`,
            deleteBeforeReplace: dbr,
        };
    }
    const changed = [...new Set([...Object.keys(prior.inputs), ...Object.keys(after)])]
        .filter((k) => !sameValue(prior.inputs[k], after[k]))
        .sort();
    if (changed.length === 0) return { op: "same" };
    return { op: "update", reason: `changes ${changed.join(", ")}`, after };
}
