// The labels and tags the stack puts on what it creates (stack.ts, stackAccess.ts).
import type { StackConfig } from "./config";
import type { StackNames } from "./naming";

/** Labels on every Kubernetes object the stack creates. */
export const LABELS = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "aks-entra",
};

/** Tags on every Azure resource the stack tags: its own, then config's. */
export function stackTags(config: StackConfig, names: StackNames): Record<string, string> {
    return {
        "managed-by": "pulumi",
        "aks-entra-project": names.project,
        "aks-entra-stack": names.stack,
        ...config.tags,
    };
}
