// What Microsoft Graph and ARM answer from the tenant's directory: the kind of each principal, the
// groups that exist, the applications with a service principal, and the PIM policy in effect when
// an eligibility is requested.
import { type FakeResource, type PrincipalKind, str } from "./fakeWorld";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

/**
 * A Conditional Access policy targets applications of the tenant, by their service principal
 * (AKS: "select Azure Kubernetes Service Microsoft Entra Server" among the Enterprise
 * applications, learn.microsoft.com/azure/aks/access-control-managed-azure-ad): an included
 * application without one is refused (docs/azure-facts.md failure mode 30; the message is a
 * paraphrase).
 */
export function missingServicePrincipals(
    inputs: Props,
    servicePrincipals: ReadonlySet<string>,
    tenantId: string,
): string[] {
    const apps = ((inputs.conditions as Props | undefined)?.applications ?? {}) as Props;
    const included = (apps.includedApplications ?? []) as unknown[];
    return included
        .filter((a): a is string => typeof a === "string" && /^[0-9a-f-]{36}$/i.test(a))
        .filter((a) => !servicePrincipals.has(a.toLowerCase()))
        .map(
            (a) =>
                `includedApplications: application ${a} has no service principal in tenant ${tenantId}`,
        );
}

/** The object id of a group Graph knows (created earlier in the run, or in the directory). */
export function knownGroup(
    directory: ReadonlyMap<string, PrincipalKind>,
    groupId: unknown,
    what: string,
): string {
    const id = str(groupId, `${what} groupId`).toLowerCase();
    if (directory.get(id) !== "Group") {
        throw new Error(
            `Request_ResourceNotFound: ${what}: group ${id} does not exist (give the group's object id)`,
        );
    }
    return id;
}

/**
 * PIM refuses a permanent eligibility while the group's member policy requires eligibilities to
 * expire, which its default policy does (RoleAssignmentRequestPolicyValidationFailed,
 * hashicorp/terraform-provider-azuread#1450): the stack's policy must be written first.
 */
export function checkPermanentEligibility(
    resources: readonly FakeResource[],
    now: number,
    group: string,
    inputs: Props,
): void {
    if (inputs.permanentAssignment !== true) return;
    const policy = resources.find(
        (r) =>
            r.type === TYPES.pimPolicy &&
            String(r.inputs.groupId).toLowerCase() === group &&
            r.inputs.roleId === inputs.assignmentType &&
            r.createdAt <= now,
    );
    const rules = policy?.inputs.eligibleAssignmentRules as
        { expirationRequired?: boolean } | undefined;
    if (rules?.expirationRequired !== false) {
        throw new Error(
            `RoleAssignmentRequestPolicyValidationFailed: the group's ${String(inputs.assignmentType)} policy requires an expiration (Expiration_EndUser_Assignment)` +
                (policy
                    ? ""
                    : "; no policy of the stack was in effect when the eligibility was requested"),
        );
    }
}

/** ARM compares a role assignment's principalType with what Graph knows of the principal. */
export function checkPrincipalType(
    directory: ReadonlyMap<string, PrincipalKind>,
    inputs: Props,
): void {
    const id = str(inputs.principalId, "principalId").toLowerCase();
    const known = directory.get(id);
    const said = inputs.principalType as string | undefined;
    if (known !== undefined && said !== undefined && said !== known) {
        throw new Error(
            `UnmatchedPrincipalType: The PrincipalId '${id}' has type '${known}', which is different from specified PrincipalType '${said}'.`,
        );
    }
}
