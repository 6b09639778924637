// A namespace and the Kubernetes RBAC inside it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObjectOptions } from "./clusterConnection";
import type { NamespaceRole, PodSecurity } from "./config";
import { podSecurityLabels } from "./config/rules/podSecurity";
import { DECLARED_RULES_ANNOTATION } from "./kubernetesRisk";

export interface TeamNamespaceArgs {
    /** Namespace name (RFC 1123 label, validated in config). */
    readonly namespace: string;
    /**
     * Roles of the namespace: each one with `rules` becomes a Role plus a RoleBinding of the same
     * name; each with `clusterRole` becomes a RoleBinding of that existing ClusterRole (e.g. view).
     * Subjects are Entra groups, by object id. Defaults to none.
     */
    readonly roles?: readonly NamespaceRole[];
    /**
     * Pod Security Admission of the namespace, as `pod-security.kubernetes.io/*` labels on it
     * (issue 29, item 5). Required: a namespace without them admits privileged pods.
     */
    readonly podSecurity: PodSecurity;
    /** Labels for every object. Defaults to none. */
    readonly labels?: Record<string, string>;
    /** Provider of this stack's cluster; deleted with the cluster. */
    readonly kubernetes: KubernetesObjectOptions;
    /**
     * Protect the namespace from deletion: deleting it deletes everything in it, including what
     * other tools deployed there. Defaults to false.
     */
    readonly protect?: boolean;
    /**
     * The namespace exists already, created by the platform stack of this team stack
     * (docs/team-stacks.md): only its Roles and RoleBindings are declared, and podSecurity is the
     * platform's. Defaults to false.
     */
    readonly existing?: boolean;
}

export class TeamNamespace extends pulumi.ComponentResource {
    /** Undefined when the namespace is the platform stack's (`existing`). */
    public readonly namespace?: k8s.core.v1.Namespace;
    /** The namespace's name, known only once the namespace exists: depend on it through this. */
    public readonly name: pulumi.Output<string>;
    public readonly roles: k8s.rbac.v1.Role[] = [];
    public readonly roleBindings: k8s.rbac.v1.RoleBinding[] = [];

    constructor(name: string, args: TeamNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:kubernetes:TeamNamespace", name, {}, opts);
        const child = { parent: this, ...args.kubernetes };
        const labels = args.labels ?? {};

        if (args.existing === true) {
            this.name = pulumi.output(args.namespace);
        } else {
            this.namespace = new k8s.core.v1.Namespace(
                `${name}`,
                {
                    metadata: {
                        name: args.namespace,
                        labels: { ...labels, ...podSecurityLabels(args.podSecurity) },
                    },
                },
                { ...child, protect: args.protect ?? false },
            );
            this.name = this.namespace.metadata.name;
        }

        for (const role of args.roles ?? []) {
            let roleRef: { apiGroup: string; kind: string; name: pulumi.Input<string> };
            if (role.rules !== undefined) {
                const created = new k8s.rbac.v1.Role(
                    `${name}/${role.name}`,
                    {
                        metadata: { name: role.name, namespace: this.name, labels },
                        rules: role.rules,
                    },
                    child,
                );
                this.roles.push(created);
                roleRef = {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "Role",
                    name: created.metadata.name,
                };
            } else {
                roleRef = {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: role.clusterRole!,
                };
            }
            this.roleBindings.push(
                new k8s.rbac.v1.RoleBinding(
                    `${name}/${role.name}`,
                    {
                        metadata: {
                            name: role.name,
                            namespace: this.name,
                            labels,
                            ...(role.clusterRoleRules === undefined
                                ? {}
                                : {
                                      annotations: {
                                          [DECLARED_RULES_ANNOTATION]: JSON.stringify(
                                              role.clusterRoleRules,
                                          ),
                                      },
                                  }),
                        },
                        roleRef,
                        // With AKS-managed Entra, a group subject is the group's object id.
                        subjects: role.groups.map((g) => ({
                            apiGroup: "rbac.authorization.k8s.io",
                            kind: "Group",
                            name: g.objectId,
                        })),
                    },
                    child,
                ),
            );
        }

        this.registerOutputs({ name: this.name });
    }
}
