// What Azure, ARM and the Kubernetes API answer a create of an object that exists already: the
// objects outside the stack's state and those of its previous state under other URNs.
import type { OutsideObject, PriorResource } from "./fakeWorld";
import { kindOf } from "./kubernetesFakes";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

/**
 * A create of an object that exists already fails: azure-native checks before it creates
 * ("cannot create already existing resource", docs/azure-facts.md failure mode 14), the
 * Kubernetes API answers 409 AlreadyExists, and ARM refuses a second role assignment of one
 * role to one principal on one scope under another name (RoleAssignmentExists, 409). What exists:
 * the objects outside the stack's state, those of its previous state under other URNs (their
 * deletes come after every create), and the old object of a create-before-delete replacement
 * (`replacing`) that keeps its id, as a replacement forced by a property rather than a name
 * does: Pulumi deletes it only after the new one is created.
 */
export function checkNotExisting(
    outside: readonly OutsideObject[],
    prior: ReadonlyMap<string, PriorResource>,
    type: string,
    urn: string,
    id: string,
    inputs: Props,
    replacing?: PriorResource,
): void {
    const others = [
        ...outside,
        ...[...prior.values()].filter((p) => p.urn !== urn || p === replacing),
    ];
    const lower = id.toLowerCase();
    if (type.startsWith("azure-native:")) {
        const taken = others.find(
            (o) => o.type.startsWith("azure-native:") && o.id.toLowerCase() === lower,
        );
        if (taken) throw new Error(`cannot create already existing resource '${id}'`);
    }
    if (type.startsWith("kubernetes:")) {
        if (others.some((o) => o.type === type && o.id === id)) {
            throw new Error(`AlreadyExists (409): ${kindOf(type)} "${id}" already exists`);
        }
    }
    if (type === TYPES.roleAssignment) {
        const mine = assignmentKey(id, inputs);
        const twin = others.find(
            (o) =>
                o.type === TYPES.roleAssignment &&
                o.id.toLowerCase() !== lower &&
                assignmentKey(o.id, o.inputs ?? {}) === mine,
        );
        if (twin) {
            throw new Error(
                `RoleAssignmentExists: The role assignment already exists. (409: ${twin.id} assigns the same role to the same principal on the same scope)`,
            );
        }
    }
}

/** A role assignment's (scope, role GUID, principal), lowercased: what ARM keeps unique. */
function assignmentKey(id: string, inputs: Props): string {
    const scope =
        typeof inputs.scope === "string"
            ? inputs.scope
            : id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, "");
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const role = text(inputs.roleDefinitionId).split("/").pop() ?? "";
    return [scope, role, text(inputs.principalId)].join("|").toLowerCase();
}
