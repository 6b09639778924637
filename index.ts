// aks-entra: the table of contents. Read and validate config, read the Azure login, build the
// stack, return its outputs. Pulumi calls the exported function and awaits it; config and login
// problems end the run before any resource is declared.
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import {
    AksEntra,
    conditionalAccessTenantProblems,
    ConfigError,
    configFromPulumi,
    createOnlyProblems,
    credentialsCommand,
    createOnlySettings,
    type Deployer,
    identityOutput as identity,
    PIM_ACTIVATION_URL,
    previousCreateOnlySettings,
    resolveDeployer,
    StackNames,
    type StackConfig,
    checkedPlatformView,
    readPlatformOutputs,
    TeamStack,
    teamOutput,
    teamStackOutputs,
} from "./components";

/** RunError: Pulumi prints the message alone, no stack trace, and nothing has been created. */
function clean<T>(f: () => T): T {
    try {
        return f();
    } catch (e) {
        throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
    }
}

export = async () => {
    const config: StackConfig = clean(() => configFromPulumi(pulumi.runtime.allConfig()));
    // Who is signed in decides the deployer's principal type (components/deployer.ts).
    const login = await authorization.getClientConfig();
    const deployer: Deployer = clean(() => resolveDeployer(config, login));
    const names = new StackNames(pulumi.getProject(), pulumi.getStack(), config.names);
    if (config.platform !== undefined) {
        // A team stack (docs/team-stacks.md): checked against its platform's outputs first.
        const outputs = await readPlatformOutputs(config.platform.stack);
        const platform = clean(() => checkedPlatformView(config, outputs));
        const team = await TeamStack.create("aks-entra", { config, names, deployer, platform });
        return teamStackOutputs(team, platform);
    }
    // What AKS fixed at create must not change: refused here, before anything is declared
    // (components/createOnly.ts), rather than by Azure halfway through the update.
    const createOnly = createOnlySettings(config, names);
    const refusals = [
        ...createOnlyProblems(
            await previousCreateOnlySettings(),
            createOnly,
            new StackNames(pulumi.getProject(), pulumi.getStack()),
        ),
        // What the tenant must already hold (components/jit.ts).
        ...(await conditionalAccessTenantProblems(config.conditionalAccess, login.tenantId)),
    ];
    clean(() => {
        if (refusals.length > 0) throw new ConfigError(refusals);
    });
    const stack = await AksEntra.create("aks-entra", { config, names, deployer, login });

    return {
        tenantId: login.tenantId,
        subscriptionId: login.subscriptionId,
        resourceGroupName: stack.resourceGroup.name,
        clusterName: stack.cluster.name,
        clusterId: stack.cluster.id,
        oidcIssuerUrl: stack.cluster.oidcIssuerUrl,
        controlPlaneIdentity: identity(stack.identities.controlPlane),
        kubeletIdentity: identity(stack.identities.kubelet),
        adminGroupObjectIds: stack.admins.objectIds,
        /** Workload identities by `namespace/serviceAccount`. */
        workloadIdentities: Object.fromEntries(
            Object.entries(stack.workloads).map(([key, w]) => [key, identity(w.identity)]),
        ),
        /** Pipeline identities by name: what `azure/login` needs (client-id, tenant-id, subscription-id). */
        pipelineIdentities: Object.fromEntries(
            Object.entries(stack.pipelines).map(([key, p]) => [key, identity(p.identity)]),
        ),
        /** JIT groups by entry name: the group to activate in PIM, and where. */
        jitGroups: Object.fromEntries(
            Object.entries(stack.jit).map(([key, j]) => [
                key,
                { objectId: j.group.objectId, activate: PIM_ACTIVATION_URL },
            ]),
        ),
        /** What a person runs to reach the cluster (with PoP tokens when kubeloginPop is on). */
        getCredentialsCommand: pulumi
            .all([stack.resourceGroup.name, stack.cluster.name, stack.cluster.id])
            .apply(([resourceGroup, name, id]) =>
                credentialsCommand(config, { resourceGroup, name, id }),
            ),
        /** User kubeconfig, kubelogin exec with a non-interactive login (automationLoginMode). Secret. */
        kubeconfig: pulumi.secret(stack.cluster.kubeconfig),
        /** Each team's boundary by team name (docs/team-stacks.md): what its team stack reads. */
        ...(config.teams.length === 0
            ? {}
            : {
                  teams: Object.fromEntries(
                      config.teams.map((t) => [t.name, teamOutput(stack.teams[t.name], t)]),
                  ),
              }),
        /** What AKS fixed when it created the cluster; the next run refuses changes to it. */
        createOnlySettings: createOnly,
    };
};
