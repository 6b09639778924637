// The orderings a first `pulumi up` relies on, checked on the registrations' dependencies:
// the cluster waits for the kubelet-operator grant, federated credentials of one identity are
// chained, the Kubernetes provider waits for the deployer's grant and the RBAC propagation wait.
// Pure module.
import type { Registration } from "../offline/harness";
import { AKS_ROLES } from "../components/roles";
import { accessLookups } from "./access";
import { describePrincipal } from "./labels";
import { compareText, type OrderCheck, sortBy } from "./model";
import { at, k8sName, RegistrationIndex, text, TYPES } from "./registrations";
import type { ResourceContext } from "./resources";

/** True when `from` waits for `to`, directly or through what it waits for. */
function waitsFor(index: RegistrationIndex, from: Registration, to: string): boolean {
    const seen = new Set<string>();
    const stack = [...from.dependencies];
    while (stack.length > 0) {
        const urn = stack.pop()!;
        if (urn === to) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        stack.push(...(index.byUrn.get(urn)?.dependencies ?? []));
    }
    return false;
}

/** The time.Sleep resources triggered by one of `grants` (their `triggers.grant` is its id). */
function sleepsAfter(index: RegistrationIndex, grants: readonly Registration[]): Registration[] {
    const ids = new Set(grants.map((g) => g.id));
    return index
        .ofType(TYPES.sleep)
        .filter((s) => ids.has(text(at(s.inputs, "triggers", "grant"))));
}

/** The orderings a first `pulumi up` depends on (docs/azure-facts.md, failure modes 2, 4 and 7). */
export function orderChecks(ctx: ResourceContext): OrderCheck[] {
    const { index, access } = ctx;
    const checks: OrderCheck[] = [];
    const l = accessLookups(access);
    const grantOf = (ra: Registration) => l.grantBySource.get(ra.urn);
    const cluster = index.cluster;
    const assignments = index.ofType(TYPES.roleAssignment);

    if (cluster) {
        const operator = assignments.filter((ra) => {
            const g = grantOf(ra);
            return (
                g?.roleKey === `azure:${AKS_ROLES.managedIdentityOperator}` &&
                g.principal === "control-plane"
            );
        });
        const waits = sleepsAfter(index, operator);
        const needed = [...operator, ...waits];
        const ok =
            operator.length > 0 &&
            waits.length > 0 &&
            needed.every((r) => waitsFor(index, cluster, r.urn));
        checks.push({
            code: "cluster-waits-for-operator-grant",
            ok,
            resource: cluster.urn,
            waitsFor: needed.map((r) => r.urn).sort(compareText),
            message: ok
                ? `cluster is created after the control-plane identity holds Managed Identity Operator on the kubelet identity and a ${text(waits[0].inputs.createDuration)} propagation wait`
                : "cluster does NOT wait for the control plane's Managed Identity Operator grant on the kubelet identity and its propagation: AKS answers CustomKubeletIdentityMissingPermissionError",
        });
    }

    // Federated credentials of one identity, one at a time (409 ConcurrentFederatedIdentityCredentialsWrites...).
    const ficsByIdentity = new Map<string, Registration[]>();
    for (const f of index.ofType(TYPES.fic)) {
        const who = l.trustBySource.get(f.urn)?.identity ?? "";
        ficsByIdentity.set(who, [...(ficsByIdentity.get(who) ?? []), f]);
    }
    for (const [who, fics] of [...ficsByIdentity].sort((a, b) => compareText(a[0], b[0]))) {
        if (fics.length < 2) continue;
        const before = (f: Registration) =>
            fics.filter((o) => o !== f && waitsFor(index, f, o.urn)).length;
        const chain = sortBy([...fics], before, (f) => f.urn);
        const ok = chain.every((f, n) => before(f) === n);
        const p = l.principal.get(who);
        const name = p ? describePrincipal(p) : who;
        checks.push({
            code: "federated-credentials-chained",
            ok,
            resource: chain[chain.length - 1].urn,
            waitsFor: chain.slice(0, -1).map((f) => f.urn),
            message: ok
                ? `${fics.length} federated credentials of ${name} are written one at a time: ${chain.map((f) => text(f.inputs.subject).replace(/^(repo:[^:]+|system:serviceaccount):/, "")).join(" -> ")}`
                : `federated credentials of ${name} are NOT chained: Azure rejects concurrent writes (409)`,
        });
    }

    const provider = index.ofType(TYPES.k8sProvider)[0];
    if (provider) {
        const deployerGrants = assignments.filter((ra) => grantOf(ra)?.principal === "deployer");
        const sleeps = sleepsAfter(index, deployerGrants);
        const needed = [...deployerGrants, ...sleeps].map((x) => x.urn).sort(compareText);
        const ok = needed.every((u) => waitsFor(index, provider, u));
        const wait = sleeps[0] ? text(sleeps[0].inputs.createDuration) : "";
        checks.push({
            code: "kubernetes-provider-waits-for-deployer-grant",
            ok,
            resource: provider.urn,
            waitsFor: needed,
            message:
                deployerGrants.length === 0
                    ? "no deployer grant (aks-entra:deployer.clusterAdmin false): the deployer must already be in an admin group"
                    : ok
                      ? `Kubernetes provider waits for the deployer's ${grantOf(deployerGrants[0])?.role ?? "grant"}${wait ? ` and a ${wait} RBAC propagation wait` : " (no propagation wait)"}`
                      : "Kubernetes provider does NOT wait for the deployer's grant: the first pulumi up fails with Forbidden",
        });
        const k8s = index.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        const strays = k8s.filter(
            (r) => RegistrationIndex.providerUrn(r.provider) !== provider.urn,
        );
        checks.push({
            code: "kubernetes-objects-use-cluster-provider",
            ok: strays.length === 0,
            resource: provider.urn,
            waitsFor: [],
            message:
                strays.length === 0
                    ? `all ${k8s.length} Kubernetes objects use this cluster's provider`
                    : `${strays.length} Kubernetes objects use another provider: ${strays.map((r) => r.name).join(", ")}`,
        });
        const namespaces = new Map(index.ofType(TYPES.namespace).map((n) => [k8sName(n), n.urn]));
        const early = k8s.filter((r) => {
            const ns = namespaces.get(text(at(r.inputs, "metadata", "namespace")));
            return ns !== undefined && !waitsFor(index, r, ns);
        });
        checks.push({
            code: "namespaced-objects-wait-for-namespace",
            ok: early.length === 0,
            resource: provider.urn,
            waitsFor: [],
            message:
                early.length === 0
                    ? "every namespaced object waits for its namespace"
                    : `${early.length} objects may be created before their namespace: ${early.map((r) => r.name).join(", ")}`,
        });
    }
    if (!provider && cluster) {
        const deployerGrants = assignments.filter((ra) => grantOf(ra)?.principal === "deployer");
        checks.push({
            code: "no-kubernetes-objects",
            ok: deployerGrants.length === 0,
            resource: cluster.urn,
            waitsFor: [],
            message:
                deployerGrants.length === 0
                    ? "no Kubernetes objects: no Kubernetes provider, no deployer grant, no propagation wait"
                    : "no Kubernetes objects, yet the deployer is granted cluster access",
        });
    }
    return sortBy(
        checks,
        (c) => c.code,
        (c) => c.resource,
    );
}
