// The guardrail beside the config rule of issue 29, item 5: a namespace that an identity trusted
// for GitHub pull_request workflows can write (AKS RBAC Writer or Admin, on the namespace or the
// cluster) enforces Pod Security "restricted". Code from any branch with a pull request runs there;
// under "baseline" it could still run a pod that is no container hardening at all, under
// "privileged" one that takes the node.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AKS_SCOPE, assignedRole, TYPE } from "./azure";
import { isUnknown, read, show, str } from "./read";
import { identityOf, ofType } from "./stack";

/** AKS RBAC Writer and Admin: they create pods (docs/azure-facts.md, built-in role GUIDs). */
const WRITES_PODS = [
    "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
    "3498e952-d568-435e-9b2c-8d77e338d7f7",
];
const PULL_REQUEST = /^repo:[^:]+:pull_request$/;
const ENFORCE = "pod-security.kubernetes.io/enforce";

/** Namespaces pull_request identities can write, `*` for all (a cluster-scope grant). */
function pullRequestWritten(resources: PolicyResource[]): Map<string, string> {
    const identities = ofType(resources, TYPE.identity);
    const principals = new Map<string, string>();
    for (const fic of ofType(resources, TYPE.fic)) {
        if (!PULL_REQUEST.test(str(read(fic.props, "subject")) ?? "")) continue;
        const identity = identityOf(fic, identities);
        const id = identity && read(identity.props, "principalId");
        if (typeof id === "string" && !isUnknown(id)) {
            principals.set(id.toLowerCase(), str(read(fic.props, "subject"))!);
        }
    }
    const out = new Map<string, string>();
    for (const a of ofType(resources, TYPE.roleAssignment)) {
        const subject = principals.get(str(read(a.props, "principalId"))?.toLowerCase() ?? "");
        const m = AKS_SCOPE.exec(str(read(a.props, "scope")) ?? "");
        if (!subject || !m || !WRITES_PODS.includes(assignedRole(a.props) ?? "")) continue;
        out.set(m[2] ?? "*", subject);
    }
    return out;
}

export const pullRequestNamespacesRestricted: StackValidationPolicy = {
    name: "k8s-pull-request-namespaces-restricted",
    description:
        'A namespace an identity trusted for GitHub pull_request workflows can write (AKS RBAC Writer or Admin) enforces Pod Security "restricted".',
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const written = pullRequestWritten(args.resources);
        if (written.size === 0) return;
        for (const ns of ofType(args.resources, TYPE.namespace)) {
            const name = str(read(ns.props, "metadata", "name")) ?? "";
            const subject = written.get(name) ?? written.get("*");
            const enforce = read(ns.props, "metadata", "labels", ENFORCE);
            if (!subject || isUnknown(enforce) || enforce === "restricted") continue;
            report(
                `namespace ${name} enforces Pod Security ${show(enforce)}, and an identity trusted for ${subject} can write there: code from any branch with a pull request could run a pod that leaves the namespace; label it ${ENFORCE}: restricted (aks-entra:namespaces[].podSecurity.enforce, the default there)`,
                ns.urn,
            );
        }
    },
};
