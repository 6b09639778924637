// Federated trusts: tokens of an issuer with a subject sign in as a managed identity (GitHub
// Actions for pipelines, the cluster's OIDC issuer for workloads). Pure module.
import type { Principal, Trust } from "../../plan/model";
import { GITHUB_ISSUER } from "../../plan/labels";
import { strings, text, TYPES } from "../../plan/registrations";
import type { AccessBuilder } from "./context";

export function federatedTrusts(b: AccessBuilder, identityByName: Map<string, Principal>): Trust[] {
    const { index } = b.ctx;
    return index.ofType(TYPES.fic).map((f) => {
        const identity = identityByName.get(
            `${text(f.inputs.resourceGroupName)}/${text(f.inputs.resourceName)}`,
        );
        const issuer = text(f.inputs.issuer);
        return {
            identity: identity?.key ?? `identity:${text(f.inputs.resourceName)}`,
            issuer,
            issuerLabel:
                issuer === index.issuerUrl && issuer !== ""
                    ? "cluster OIDC issuer"
                    : issuer === GITHUB_ISSUER
                      ? "GitHub Actions"
                      : issuer,
            subject: text(f.inputs.subject),
            audiences: strings(f.inputs.audiences).sort(),
            source: f.urn,
        };
    });
}
