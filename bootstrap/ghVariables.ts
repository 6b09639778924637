// What the delivery workflows read, as the `gh variable set` commands that store it in the
// repository (the contract shared with the delivery workflows): AZURE_CLIENT_ID per environment,
// and AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, PULUMI_BACKEND_URL, PULUMI_SECRETS_PROVIDER and
// PRIVATE_RUNNER_LABEL for the repository. Pure module.

export interface GhVariablesInput {
    /** `<owner>/<repository>` */
    repository: string;
    tenantId: string;
    subscriptionId: string;
    backendUrl: string;
    secretsProvider: string;
    privateRunnerLabel: string;
    /** Client id of each environment's deployment identity, in the order to print. */
    clientIds: readonly { environment: string; clientId: string }[];
    /** Teams of the platform stack: their client id is its output teams.<team>.clientId. */
    teams: readonly string[];
    platformStack: string;
}

/** Single-quoted for a POSIX shell. */
function quote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One command per line, repository variables first. */
export function ghVariableCommands(input: GhVariablesInput): string[] {
    const repo = `--repo ${quote(input.repository)}`;
    const set = (name: string, value: string, env?: string) =>
        `gh variable set ${name} ${repo}${env ? ` --env ${quote(env)}` : ""} --body ${quote(value)}`;
    return [
        set("AZURE_TENANT_ID", input.tenantId),
        set("AZURE_SUBSCRIPTION_ID", input.subscriptionId),
        set("PULUMI_BACKEND_URL", input.backendUrl),
        set("PULUMI_SECRETS_PROVIDER", input.secretsProvider),
        set("PRIVATE_RUNNER_LABEL", input.privateRunnerLabel),
        ...input.clientIds.map((c) => set("AZURE_CLIENT_ID", c.clientId, c.environment)),
        // The platform stack makes the team identities: their client ids exist once it is up.
        ...input.teams.map(
            (t) =>
                `gh variable set AZURE_CLIENT_ID ${repo} --env ${quote(`team-${t}`)} --body "$(pulumi stack output teams --stack ${quote(input.platformStack)} --json | jq -r ${quote(`.["${t}"].clientId`)})"`,
        ),
    ];
}
