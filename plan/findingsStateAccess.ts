// A platform stack whose teams' deployment identities get no access to the estate's state backend
// and secrets key (aks-entra:stateBackend unset; docs/team-stacks.md, "State backend"): their team
// stacks cannot run `pulumi up` until someone grants it. Pure module.
import { NAMESPACE, type StackConfig } from "../components/config";
import type { FactFinding } from "./dedupe";

export function stateAccessFindings(config: StackConfig): FactFinding[] {
    if (config.teams.length === 0 || config.stateBackend !== undefined) return [];
    const teams = config.teams.map((t) => t.name).join(", ");
    return [
        {
            code: "team-state-access",
            severity: "info",
            subject: `${NAMESPACE}:stateBackend`,
            message: `the deployment identities of teams ${teams} get no access to the state backend or the secrets key: their team stacks cannot run pulumi up until each holds Storage Blob Data Reader and Storage Blob Data Contributor (condition: its own stack's paths) on the state container and Key Vault Crypto User on the key; set ${NAMESPACE}:stateBackend to the bootstrap's containerId and secretsKeyId, or grant them by hand (docs/team-stacks.md, State backend)`,
            facts: [],
        },
    ];
}
