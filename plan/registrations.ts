// Registrations indexed for the plan: by URN, by type, and the few resources everything refers to.
// Pure module (types only from the harness).
import type { Registration } from "../offline/harness";

export { TYPES } from "../offline/types";
import { TYPES } from "../offline/types";

export type Props = Record<string, unknown>;

export class RegistrationIndex {
    readonly byUrn = new Map<string, Registration>();
    private readonly byType = new Map<string, Registration[]>();
    /** The stack's AKS cluster (the plan describes one cluster per stack). */
    readonly cluster?: Registration;
    readonly clusterId: string;
    readonly issuerUrl: string;

    constructor(readonly registrations: readonly Registration[]) {
        for (const r of registrations) {
            this.byUrn.set(r.urn, r);
            const list = this.byType.get(r.type) ?? [];
            list.push(r);
            this.byType.set(r.type, list);
        }
        this.cluster = this.ofType(TYPES.cluster)[0];
        this.clusterId = this.cluster?.id ?? "";
        this.issuerUrl = text(at(this.cluster?.state, "oidcIssuerProfile", "issuerURL"));
    }

    /** Custom resources of one type, in registration order. */
    ofType(type: string): Registration[] {
        return (this.byType.get(type) ?? []).filter((r) => r.custom);
    }

    /** URN of a provider reference (`<urn>::<id>`). */
    static providerUrn(reference: string): string {
        const cut = reference.lastIndexOf("::");
        return cut > 0 && reference.startsWith("urn:") ? reference.slice(0, cut) : reference;
    }
}

/** A nested value, or undefined. */
export function at(value: unknown, ...path: string[]): unknown {
    let cur = value;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Props)[p];
    }
    return cur;
}

export function text(value: unknown): string {
    return typeof value === "string" ? value : "";
}

/** The last segment of an ARM id (a resource's name), "" when the value is no string. */
export function lastSegment(id: unknown): string {
    return text(id).split("/").pop() ?? "";
}

/** A role assignment's role definition GUID, lowercase. */
export function roleGuidOf(assignment: { inputs: Record<string, unknown> }): string {
    return lastSegment(assignment.inputs.roleDefinitionId).toLowerCase();
}

export function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** `metadata.namespace/metadata.name` (or the name alone) of a Kubernetes object. */
export function k8sName(r: Registration): string {
    const ns = text(at(r.inputs, "metadata", "namespace"));
    const name = text(at(r.inputs, "metadata", "name"));
    return ns ? `${ns}/${name}` : name;
}
