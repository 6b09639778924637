// What Azure Monitor refuses of a diagnostic setting: log categories the resource type lacks, no
// destination, and a category sent twice to one destination by two settings of one resource.
import { AKS_LOG_CATEGORIES } from "./managedClusterChecks";
import { diagnosticSinkProblems, type Known } from "./monitoringFakes";
import { str } from "./fakeWorld";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

/**
 * Azure Monitor accepts only the log categories the resource type has, needs a destination,
 * and refuses a second setting that sends a category to a destination another setting of the
 * same resource already sends it to.
 */
export function checkDiagnosticSetting(inputs: Props, known: readonly Known[]): void {
    const uri = str(inputs.resourceUri, "resourceUri").toLowerCase();
    const logs = (inputs.logs ?? []) as { category?: string; enabled?: boolean }[];
    const problems: string[] = [];
    if (/\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/.test(uri)) {
        for (const l of logs) {
            if (!AKS_LOG_CATEGORIES.includes(String(l.category))) {
                problems.push(
                    `Category '${String(l.category)}' is not supported for Microsoft.ContainerService/managedClusters`,
                );
            }
        }
    }
    problems.push(...diagnosticSinkProblems(inputs));
    const sink =
        inputs.workspaceId ?? inputs.storageAccountId ?? inputs.eventHubAuthorizationRuleId;
    if (sink === undefined) {
        problems.push("a diagnostic setting needs a destination (workspaceId, storage, event hub)");
    }
    const others = known.filter(
        (o) =>
            o.type === TYPES.diagnosticSetting &&
            String(o.inputs?.resourceUri).toLowerCase() === uri &&
            o.inputs?.name !== inputs.name,
    );
    for (const o of others) {
        const theirs = ((o.inputs?.logs ?? []) as { category?: string }[]).map((l) => l.category);
        const shared = logs.filter((l) => theirs.includes(l.category));
        if (
            String(o.inputs?.workspaceId).toLowerCase() === String(sink).toLowerCase() &&
            shared.length > 0
        ) {
            problems.push(
                `Conflict: data sink '${String(sink)}' is already used in diagnostic setting '${String(o.inputs?.name)}' for category '${String(shared[0].category)}'`,
            );
        }
    }
    if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
}
