// Entry point of the policy pack: `pulumi preview --policy-pack policy`.
// Constructing a PolicyPack starts the analyzer server, so nothing else lives here; the policies
// are in policies.ts. docs/guardrails.md lists the rules and how to allow an exception.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    description:
        "aks-entra guardrails: AKS with every door through Microsoft Entra ID, least-privilege grants, exact workload identity trust.",
    policies,
});
