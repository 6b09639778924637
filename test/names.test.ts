// Physical names, as properties over generated stacks (fast-check): every name meets its Azure
// resource's rules, different stacks never collide, the same stack always gets the same names.
// The rules are restated here from Microsoft's documentation, not read from NAME_RULES, so a wrong
// rule in components/naming.ts cannot make its own names pass.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
    federatedCredentialName,
    type NameKind,
    nameProblem,
    StackNames,
} from "../components/naming";

// ---------------------------------------------------------------------------------------------
// Azure's rules, independently written.
// Resource names: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
//   Microsoft.Resources/resourcegroups: 1-90; underscores, hyphens, periods, parentheses, letters
//     or digits (Unicode); can't end with a period.
//   Microsoft.ContainerService/managedClusters: 1-63; alphanumerics, underscores, hyphens; start
//     and end with an alphanumeric.
//   Microsoft.OperationalInsights/workspaces: 4-63; alphanumerics and hyphens; start and end with
//     an alphanumeric.
//   Microsoft.ManagedIdentity/userAssignedIdentities: 3-128; alphanumerics, hyphens, underscores;
//     start with a letter or number.
// AKS: the node resource group name is at most 80 characters
//   (https://learn.microsoft.com/azure/aks/node-resource-group); dnsPrefix 1-54 characters,
//   alphanumerics and hyphens, starting and ending with an alphanumeric (ManagedCluster REST API).
// Federated identity credentials: 3-120 characters, alphanumerics, dash or underscore, the first
//   an alphanumeric (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
// Microsoft Graph group: displayName at most 256 characters; mailNickname at most 64, ASCII 0-127
//   except @ ( ) \ [ ] " ; : < > , and space (https://learn.microsoft.com/graph/api/resources/group).

const between = (value: string, min: number, max: number) =>
    value.length >= min && value.length <= max;

const AZURE: Record<string, (name: string) => boolean> = {
    resourceGroup: (n) => between(n, 1, 90) && /^[-_.()\p{L}\p{N}]+$/u.test(n) && !n.endsWith("."),
    nodeResourceGroup: (n) =>
        between(n, 1, 80) && /^[-_.()\p{L}\p{N}]+$/u.test(n) && !n.endsWith("."),
    cluster: (n) => between(n, 1, 63) && /^[A-Za-z0-9]([-_A-Za-z0-9]*[A-Za-z0-9])?$/.test(n),
    dnsPrefix: (n) => between(n, 1, 54) && /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/.test(n),
    logWorkspace: (n) => between(n, 4, 63) && /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])$/.test(n),
    userAssignedIdentity: (n) => between(n, 3, 128) && /^[A-Za-z0-9][-_A-Za-z0-9]*$/.test(n),
    federatedCredential: (n) => between(n, 3, 120) && /^[A-Za-z0-9][-_A-Za-z0-9]*$/.test(n),
    groupDisplayName: (n) => between(n, 1, 256) && !/\p{Cc}/u.test(n),
    groupMailNickname: (n) =>
        between(n, 1, 64) && /^[\x00-\x7f]+$/.test(n) && !/[@()\\[\]";:<>, ]/.test(n),
};

/** Every physical name of one stack, with the rule it must meet. */
function physicalNames(
    names: StackNames,
    workload: [string, string],
    pipeline: string,
): [string, NameKind, string][] {
    return [
        ["resourceGroup", "resourceGroup", names.resourceGroup],
        ["nodeResourceGroup", "nodeResourceGroup", names.nodeResourceGroup],
        ["cluster", "cluster", names.cluster],
        ["dnsPrefix", "dnsPrefix", names.dnsPrefix],
        ["controlPlaneIdentity", "userAssignedIdentity", names.controlPlaneIdentity],
        ["kubeletIdentity", "userAssignedIdentity", names.kubeletIdentity],
        ["logWorkspace", "logWorkspace", names.logWorkspace],
        ["adminGroupDisplayName", "groupDisplayName", names.adminGroupDisplayName],
        ["adminGroupMailNickname", "groupMailNickname", names.adminGroupMailNickname],
        ["workloadIdentity", "userAssignedIdentity", names.workloadIdentity(...workload)],
        ["pipelineIdentity", "userAssignedIdentity", names.pipelineIdentity(pipeline)],
    ];
}

function assertValid(kind: string, rule: NameKind, value: string): void {
    assert.equal(nameProblem(rule, value), undefined, `${kind}: nameProblem`);
    assert.ok(AZURE[rule](value), `${kind} ${JSON.stringify(value)} breaks Azure's ${rule} rule`);
}

// ---------------------------------------------------------------------------------------------
// Generators

const NOTABLE_STACKS = [
    "dev",
    "prod",
    "pr-1234",
    "team-payments-prod",
    "Team_A",
    "team-a",
    "TEAM-A",
    "team.a",
    "a",
    "organization/aks-entra/dev",
    `team-payments-${"x".repeat(100)}`,
    "x".repeat(128),
];

const stackName = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...NOTABLE_STACKS) },
    // What Pulumi accepts: letters, digits, - _ . (mixed case, up to 100+ characters).
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9][-_.A-Za-z0-9]{0,129}$/) },
    // Any printable ASCII, punctuation included.
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 140 }) },
    // Unicode.
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }) },
    // Throw-away stacks.
    {
        weight: 1,
        arbitrary: fc
            .tuple(fc.constantFrom("pr", "feature", "team", "PR"), fc.nat(99_999))
            .map(([p, n]) => `${p}-${n}`),
    },
);
const projectName = fc.constantFrom(
    "aks-entra",
    "AKS_Entra",
    "platform.aks-entra",
    "x",
    "a".repeat(100),
);
/** Kubernetes names as config accepts them: lowercase RFC 1123 labels, up to 63 characters. */
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const longLabel = fc.stringMatching(/^[a-z0-9][-a-z0-9]{55,61}[a-z0-9]$/);
const k8sName = fc.oneof(label, longLabel);

const RUNS = 1_500;

describe("names: Azure's rules for every physical name (property tests)", () => {
    it(`holds for ${RUNS} generated stacks, workloads and pipelines`, () => {
        fc.assert(
            fc.property(
                projectName,
                stackName,
                k8sName,
                k8sName,
                k8sName,
                (project, stack, ns, sa, pipeline) => {
                    for (const [kind, rule, value] of physicalNames(
                        new StackNames(project, stack),
                        [ns, sa],
                        pipeline,
                    )) {
                        assertValid(kind, rule, value);
                    }
                },
            ),
            {
                numRuns: RUNS,
                examples: [
                    ["aks-entra", "pr-1234", "payments", "payments-api", "payments-deploy"],
                    ["aks-entra", "team-payments-prod", "observability", "metrics-exporter", "ci"],
                    [
                        "aks-entra",
                        `team-payments-${"x".repeat(100)}`,
                        "payments",
                        "payments-api",
                        "deploy",
                    ],
                    ["aks-entra", "dev", "n".repeat(63), "s".repeat(63), "p".repeat(63)],
                ],
            },
        );
    });

    it("the same stack always yields the same names (and pins today's names)", () => {
        fc.assert(
            fc.property(projectName, stackName, k8sName, k8sName, k8sName, (p, s, ns, sa, pl) => {
                assert.deepEqual(
                    physicalNames(new StackNames(p, s), [ns, sa], pl),
                    physicalNames(new StackNames(p, s), [ns, sa], pl),
                );
            }),
            { numRuns: RUNS },
        );
        // SHA-256 based: the same on every machine and every run; a change here renames resources.
        const dev = new StackNames("aks-entra", "dev");
        assert.deepEqual(
            physicalNames(dev, ["payments", "payments-api"], "payments-deploy").map(([k, , v]) => [
                k,
                v,
            ]),
            [
                ["resourceGroup", "rg-aks-entra-dev-5ff3bbad"],
                ["nodeResourceGroup", "rg-aks-entra-dev-5ff3bbad-nodes"],
                ["cluster", "aks-aks-entra-dev-5ff3bbad"],
                ["dnsPrefix", "aks-aks-entra-dev-5ff3bbad"],
                ["controlPlaneIdentity", "id-aks-entra-dev-5ff3bbad-control-plane"],
                ["kubeletIdentity", "id-aks-entra-dev-5ff3bbad-kubelet"],
                ["logWorkspace", "log-aks-entra-dev-5ff3bbad"],
                ["adminGroupDisplayName", "aks-aks-entra-dev-5ff3bbad-admins"],
                ["adminGroupMailNickname", "aks-aks-entra-dev-5ff3bbad-admins"],
                ["workloadIdentity", "id-aks-entra-dev-5ff3bbad-wl-payments_payments-api"],
                ["pipelineIdentity", "id-aks-entra-dev-5ff3bbad-ci-payments-deploy"],
            ],
        );
    });
});

describe("names: different stacks never collide (property tests)", () => {
    /** Stacks that slug alike or share a long prefix cut away by the length limit. */
    const lookalikes = (base: string) => [
        base,
        base.toUpperCase(),
        base.replace(/-/g, "_"),
        base.replace(/-/g, "."),
        `${base}-`,
        `${base}-${"y".repeat(120)}-1`,
        `${base}-${"y".repeat(120)}-2`,
    ];

    it("no two of 3,000+ generated stacks share a name of any kind", () => {
        const generated = fc.sample(fc.tuple(projectName, stackName), { numRuns: 3_000 });
        const pairs = [
            ...generated,
            ...NOTABLE_STACKS.flatMap((s) => lookalikes(s).map((v) => ["aks-entra", v] as const)),
            ["aks-entra", "dev"],
            ["aks-entra-dev", ""],
        ] as [string, string][];
        const unique = [...new Map(pairs.map(([p, s]) => [`${p}\u0000${s}`, [p, s]])).values()];
        assert.ok(unique.length >= 1_000, `${unique.length} distinct stacks`);

        const seen = new Map<string, string>();
        const claim = (scope: string, name: string, owner: string) => {
            const key = `${scope}\u0000${name.toLowerCase()}`; // Azure names are case-insensitive
            const other = seen.get(key);
            assert.ok(
                other === undefined || other === owner,
                `${scope} ${name}: ${other} and ${owner}`,
            );
            seen.set(key, owner);
        };
        for (const [project, stack] of unique) {
            const owner = JSON.stringify([project, stack]);
            const names = physicalNames(new StackNames(project, stack), ["payments", "api"], "ci");
            for (const [kind, , value] of names) {
                claim(kind, value, owner);
            }
            // Resource groups share one subscription: a stack's node resource group must not be
            // another stack's resource group.
            claim("any resource group", names[0][2], owner);
            claim("any resource group", names[1][2], owner);
        }
    });

    it("two different stacks differ in every name (1,000 generated pairs, many lookalikes)", () => {
        const pair = fc.oneof(
            fc.tuple(stackName, stackName),
            stackName.chain((s) => fc.tuple(fc.constant(s), fc.constantFrom(...lookalikes(s)))),
        );
        fc.assert(
            fc.property(projectName, pair, (project, [a, b]) => {
                fc.pre(a !== b);
                const one = physicalNames(new StackNames(project, a), ["payments", "api"], "ci");
                const two = physicalNames(new StackNames(project, b), ["payments", "api"], "ci");
                one.forEach(([kind, , value], i) =>
                    assert.notEqual(value.toLowerCase(), two[i][2].toLowerCase(), kind),
                );
            }),
            { numRuns: 1_000 },
        );
    });

    it("within a stack, distinct workloads and pipelines get distinct identity names", () => {
        fc.assert(
            fc.property(
                projectName,
                stackName,
                fc.uniqueArray(fc.tuple(k8sName, k8sName), {
                    minLength: 2,
                    maxLength: 30,
                    selector: ([ns, sa]) => `${ns}/${sa}`,
                }),
                fc.uniqueArray(k8sName, { minLength: 1, maxLength: 10 }),
                (project, stack, workloads, pipelines) => {
                    const names = new StackNames(project, stack);
                    const all = [
                        names.controlPlaneIdentity,
                        names.kubeletIdentity,
                        ...workloads.map(([ns, sa]) => names.workloadIdentity(ns, sa)),
                        ...pipelines.map((p) => names.pipelineIdentity(p)),
                    ].map((n) => n.toLowerCase());
                    assert.equal(new Set(all).size, all.length);
                },
            ),
            { numRuns: 300 },
        );
    });
});

describe("names: federated credential names (property tests)", () => {
    const repo = fc.stringMatching(/^[A-Za-z0-9][-A-Za-z0-9]{0,38}\/[-_.A-Za-z0-9]{1,100}$/);
    const ref = fc.stringMatching(/^[A-Za-z0-9][-_./A-Za-z0-9]{0,80}$/);
    const subject = fc.oneof(
        fc.tuple(label, label).map(([ns, sa]) => ({
            label: `k8s-${ns}-${sa}`,
            subject: `system:serviceaccount:${ns}:${sa}`,
        })),
        fc
            .tuple(repo, fc.constantFrom("environment", "branch", "tag", "pr"), ref)
            .map(([r, kind, value]) => ({
                label: `gh-${r}-${kind === "pr" ? "pr" : value}`,
                subject: `repo:${r}:${
                    kind === "environment"
                        ? `environment:${value}`
                        : kind === "branch"
                          ? `ref:refs/heads/${value}`
                          : kind === "tag"
                            ? `ref:refs/tags/${value}`
                            : "pull_request"
                }`,
            })),
    );
    /** Labels a caller might pass: as the components build them, or anything at all. */
    const anyLabel = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: "grapheme", maxLength: 50 }),
    );

    it("are 3-120 characters of [A-Za-z0-9_-] starting alphanumeric, for any label", () => {
        fc.assert(
            fc.property(subject, anyLabel, (s, other) => {
                for (const name of [
                    federatedCredentialName(s.label, s.subject),
                    federatedCredentialName(other, s.subject),
                ]) {
                    assertValid("federatedCredential", "federatedCredential", name);
                }
            }),
            { numRuns: RUNS },
        );
    });

    it("distinct subjects give distinct names, with their own labels or one shared label", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(subject, {
                    minLength: 2,
                    maxLength: 40,
                    selector: (s) => s.subject,
                }),
                anyLabel,
                (subjects, shared) => {
                    const own = subjects.map((s) => federatedCredentialName(s.label, s.subject));
                    const same = subjects.map((s) => federatedCredentialName(shared, s.subject));
                    assert.equal(new Set(own).size, subjects.length);
                    assert.equal(new Set(same).size, subjects.length);
                },
            ),
            { numRuns: 500 },
        );
    });

    it("are the same for the same subject, every time", () => {
        fc.assert(
            fc.property(subject, (s) => {
                assert.equal(
                    federatedCredentialName(s.label, s.subject),
                    federatedCredentialName(s.label, s.subject),
                );
            }),
        );
        assert.equal(
            federatedCredentialName(
                "gh-contoso/payments-production",
                "repo:contoso/payments:environment:production",
            ),
            "gh-contoso-payments-production-8be73d05",
        );
    });
});
