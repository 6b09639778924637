// Just-in-time cluster access with PIM for Groups, and Conditional Access on the AKS server app.
// A JIT group's members are never managed here: PIM adds a member when an eligible person activates
// and removes them when the activation ends; a managed member list would undo every activation.
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { ConditionalAccessSettings, JitAccess } from "./config";
import { AKS_SERVER_APP_ID } from "./kubeconfig";

/** Where a person activates a JIT group membership (Entra admin center, My roles, Groups). */
export const PIM_ACTIVATION_URL =
    "https://portal.azure.com/#view/Microsoft_Azure_PIMCommon/ActivationMenuBlade/~/aadgroup";

/**
 * `PT8H`, `PT30M`, `PT1H30M`; a whole day is `P1D`. The azuread provider takes only `PT30M` ..
 * `PT23H30M` in 30-minute steps and `P1D` (its docs' `PT1D` is refused at preview;
 * docs/azure-facts.md, 21).
 */
export function activationDuration(minutes: number): string {
    if (minutes === 24 * 60) return "P1D";
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `PT${h > 0 ? `${h}H` : ""}${m > 0 ? `${m}M` : ""}`;
}

export interface JitGroupArgs {
    readonly entry: JitAccess;
    readonly displayName: string;
    readonly mailNickname: string;
    /** Owner of the group, so the deploying principal can manage it later. */
    readonly deployerObjectId: pulumi.Input<string>;
    /** Why it exists, written on eligibility schedules (PIM shows it). */
    readonly stackLabel: string;
    readonly protect: boolean;
}

/**
 * One JIT entry: the group, its PIM policy for the `member` role (activation rules) and one
 * permanent eligibility per eligible principal. The group's Azure access is granted by the stack
 * (ClusterAccess), like any group's.
 */
export class JitGroup extends pulumi.ComponentResource {
    public readonly group: azuread.Group;
    public readonly policy: azuread.GroupRoleManagementPolicy;
    public readonly eligibility: azuread.PrivilegedAccessGroupEligibilitySchedule[];

    constructor(name: string, args: JitGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:jit:JitGroup", name, {}, opts);
        const e = args.entry;
        this.group = new azuread.Group(
            `${name}-group`,
            {
                displayName: args.displayName,
                mailNickname: args.mailNickname,
                description: `Just-in-time ${e.role}${e.namespace ? ` in namespace ${e.namespace}` : " of the cluster"}: members are added by PIM on activation. Managed by Pulumi (aks-entra).`,
                securityEnabled: true,
                mailEnabled: false,
                preventDuplicateNames: true,
                owners: [args.deployerObjectId],
                // No `members`: PIM manages membership (activations come and go).
            },
            { parent: this, protect: args.protect },
        );
        const approvers = e.approvers.map((a) => ({
            objectId: a.objectId,
            type: a.kind === "group" ? "groupMembers" : "singleUser",
        }));
        this.policy = new azuread.GroupRoleManagementPolicy(
            `${name}-policy`,
            {
                // The object id: the provider validates a UUID, and a group's `id` is /groups/<uuid>
                // (terraform-provider-azuread, group_role_management_policy_resource.go).
                groupId: this.group.objectId,
                roleId: "member",
                activationRules: {
                    maximumDuration: activationDuration(e.maxActivationMinutes),
                    requireJustification: e.requireJustification,
                    requireMultifactorAuthentication: e.requireMfa,
                    requireApproval: e.requireApproval,
                    approvalStage: e.requireApproval ? { primaryApprovers: approvers } : undefined,
                },
                // Eligibility is managed here, so it is permanent; activations are what expire.
                eligibleAssignmentRules: { expirationRequired: false },
            },
            { parent: this },
        );
        this.eligibility = e.eligible.map(
            (p) =>
                new azuread.PrivilegedAccessGroupEligibilitySchedule(
                    `${name}-eligible-${p.objectId}`,
                    {
                        groupId: this.group.objectId,
                        principalId: p.objectId,
                        assignmentType: "member",
                        permanentAssignment: true,
                        justification: `aks-entra: ${args.stackLabel} jit ${e.name} (${p.label})`,
                    },
                    // The policy first: a tenant's default policy may require eligibilities to
                    // expire and refuse a permanent one (hashicorp/terraform-provider-azuread#1450).
                    { parent: this, dependsOn: [this.policy], deletedWith: this.group },
                ),
        );
        this.registerOutputs({ objectId: this.group.objectId });
    }
}

export interface ConditionalAccessArgs {
    readonly settings: ConditionalAccessSettings;
    readonly displayName: string;
    /** The groups the policy holds (config's `groups`, else the admin and JIT groups). */
    readonly groups: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * What a Conditional Access policy needs of the tenant: the AKS Microsoft Entra server application
 * must have a service principal there, since a policy targets an application of the tenant (AKS
 * docs pick "Azure Kubernetes Service Microsoft Entra Server" among the Enterprise applications;
 * docs/azure-facts.md failure mode 30). Read before anything is declared, so a tenant without it
 * gets this message instead of a run that fails at the policy. The stack does not create the
 * service principal: that needs an application administrator, and a destroy would then delete
 * the principal every AKS cluster of the tenant signs in through.
 */
export async function conditionalAccessTenantProblems(
    settings: ConditionalAccessSettings | undefined,
    tenantId: string,
): Promise<string[]> {
    if (!settings) return [];
    const found = await azuread.getServicePrincipals({
        clientIds: [AKS_SERVER_APP_ID],
        ignoreMissing: true,
    });
    return found.objectIds.length > 0
        ? []
        : [
              `aks-entra:conditionalAccess targets the AKS Microsoft Entra server application (${AKS_SERVER_APP_ID}), which has no service principal in tenant ${tenantId}; a Conditional Access policy can only target an application of the tenant. Create it once as an Application Administrator (az ad sp create --id ${AKS_SERVER_APP_ID}) and rerun, or remove aks-entra:conditionalAccess`,
          ];
}

/** `reportOnly` in config is Entra ID's report-only state. */
export const CA_STATE = {
    enabled: "enabled",
    reportOnly: "enabledForReportingButNotEnforced",
    disabled: "disabled",
} as const;

/**
 * One policy on the AKS Microsoft Entra server application (docs/azure-facts.md, fixed application
 * ids): every sign-in to the cluster by the groups, break-glass groups excepted, must meet all the
 * listed controls.
 */
export function conditionalAccessPolicy(
    name: string,
    args: ConditionalAccessArgs,
    opts: pulumi.CustomResourceOptions,
): azuread.ConditionalAccessPolicy {
    const s = args.settings;
    return new azuread.ConditionalAccessPolicy(
        name,
        {
            displayName: args.displayName,
            state: CA_STATE[s.state],
            conditions: {
                clientAppTypes: ["all"],
                applications: { includedApplications: [AKS_SERVER_APP_ID] },
                users: {
                    includedGroups: pulumi
                        .output(args.groups)
                        .apply((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
                    excludedGroups: s.excludeGroups.map((g) => g.objectId),
                },
            },
            grantControls: { operator: "AND", builtInControls: [...s.require] },
        },
        opts,
    );
}
