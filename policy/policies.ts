// The aks-entra guardrails, as one array: the pack (index.ts) serves them, tests and other tools
// call each policy's validation directly. A plain module: importing it starts nothing.
import type { Policies } from "@pulumi/policy";
import { addonPolicies } from "./addons";
import { accessPathPolicies } from "./accessPaths";
import { bootstrapPolicies } from "./bootstrap";
import { clusterPolicies } from "./cluster";
import { entraPolicies } from "./entra";
import { federatedCredentialPolicies } from "./federatedCredentials";
import { kubernetesPolicies } from "./kubernetes";
import { podsReachAzure } from "./podReach";
import { podSecurityEnforced } from "./podSecurity";
import { pullRequestNamespacesRestricted } from "./pullRequestPods";
import { roleAssignmentPolicies } from "./roleAssignments";
import { stackPolicies } from "./stack";
import { teamStackBoundary } from "./teamStack";

export const PACK_NAME = "aks-entra-guardrails";

export const policies: Policies = [
    ...clusterPolicies,
    ...addonPolicies,
    ...roleAssignmentPolicies,
    ...federatedCredentialPolicies,
    ...kubernetesPolicies,
    ...entraPolicies,
    ...stackPolicies,
    podsReachAzure,
    pullRequestNamespacesRestricted,
    teamStackBoundary,
    podSecurityEnforced,
    ...accessPathPolicies,
    ...bootstrapPolicies,
];
