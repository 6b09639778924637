// How people and the exported kubeconfig sign in to the cluster, and whether their tokens are
// proof-of-possession (PoP) tokens; the finding when cluster admins sign in with bearer tokens.
// Pure module: the kubeconfig's login is read off the Kubernetes provider's registration, the
// people's login from config the way index.ts builds getCredentialsCommand.
import { personLoginMode, type StackConfig } from "../components/config";
import { usesPop } from "../components/pop";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { describePrincipal } from "./labels";
import { isStanding, type Principal } from "./model";
import { type RegistrationIndex, text, TYPES } from "./registrations";

export type Tokens = "pop" | "bearer";

export interface Login {
    /** kubelogin's login mode. */
    mode: string;
    /** `pop`: bound to a key kubelogin holds and to the cluster's ARM id; `bearer`: replayable. */
    tokens: Tokens;
}

export interface SignIn {
    /** What getCredentialsCommand has a person run (`kubelogin convert-kubeconfig -l <mode>`). */
    people: Login;
    /** The exported kubeconfig, which the Kubernetes provider uses; undefined without one. */
    kubeconfig?: Login;
}

/** The kubelogin login mode written in a kubeconfig, without revealing anything else of it. */
export function loginMode(kubeconfig: string): string {
    return /--login["']?\s*(?:\n\s*-\s*)?["']?([a-z]+)/.exec(kubeconfig)?.[1] ?? "";
}

/** Bearer or PoP, as the args of a kubeconfig say (kubelogin needs both PoP flags). */
export function kubeconfigTokens(kubeconfig: string): Tokens {
    return /--pop-enabled/.test(kubeconfig) && /--pop-claims/.test(kubeconfig) ? "pop" : "bearer";
}

export function signIn(
    index: RegistrationIndex,
    config: Pick<StackConfig, "kubeloginMode" | "kubeloginPop">,
): SignIn {
    const mode = personLoginMode(config);
    const provider = index.ofType(TYPES.k8sProvider)[0];
    const kubeconfig = text(provider?.inputs.kubeconfig);
    return {
        people: { mode, tokens: usesPop(config, mode) ? "pop" : "bearer" },
        kubeconfig: kubeconfig
            ? { mode: loginMode(kubeconfig) || "?", tokens: kubeconfigTokens(kubeconfig) }
            : undefined,
    };
}

/** How a login reads: `kubelogin -l interactive, PoP tokens bound to the cluster`. */
export function loginText(login: Login): string {
    return `kubelogin -l ${login.mode}, ${login.tokens === "pop" ? "PoP tokens bound to the cluster's ARM id and a key on the signing-in machine" : "bearer tokens"}`;
}

/**
 * LOW `bearer-sign-in` when getCredentialsCommand signs people in with bearer tokens while a group
 * or user holds cluster-admin on the cluster (an AKS admin group, AKS RBAC Cluster Admin, standing
 * or eligible through PIM): those people could sign in with kubelogin's interactive login and PoP
 * tokens, and theirs is the token worth stealing. docs/kubelogin.md: Proof-of-possession tokens.
 */
export function signInFindings(ctx: FindingContext, login: SignIn): FactFinding[] {
    if (login.people.tokens === "pop") return [];
    const people = new Map<string, Principal>(
        ctx.access.principals
            .filter((p) => p.kind === "group" || p.kind === "user")
            .map((p) => [p.key, p]),
    );
    // Each admin once: held when any of its cluster-admin grants is standing, else eligible.
    const held = new Map<string, boolean>();
    for (const g of ctx.access.grants) {
        if (g.level < 4 || g.scope !== "cluster" || !people.has(g.principal)) continue;
        held.set(g.principal, (held.get(g.principal) ?? false) || isStanding(g));
    }
    const admins = [...held]
        .map(([key, standing]) => {
            const name = describePrincipal(people.get(key)!);
            return standing ? name : `${name} (eligible through PIM)`;
        })
        .sort();
    if (admins.length === 0) return [];
    const mode = ctx.config.kubeloginMode;
    const fix =
        mode === "azurecli" || mode === "interactive" || mode === "devicecode"
            ? "set aks-entra:kubeloginMode interactive and aks-entra:kubeloginPop true"
            : `aks-entra:kubeloginMode ${mode} is the automation's login, so people convert their own kubeconfig: kubelogin convert-kubeconfig -l interactive --pop-enabled --pop-claims "u=<clusterId output>"`;
    return [
        {
            code: "bearer-sign-in",
            severity: "low",
            subject: "aks-entra:kubeloginPop",
            message: `people sign in with bearer tokens (getCredentialsCommand: kubelogin -l ${login.people.mode}), and ${admins.join(", ")} ${admins.length === 1 ? "has" : "have"} cluster-admin: a token copied from a laptop or a log works from any machine until it expires; ${fix} for proof-of-possession tokens, bound to a key on the person's machine and to this cluster (docs/kubelogin.md: Proof-of-possession tokens)`,
        },
    ];
}
