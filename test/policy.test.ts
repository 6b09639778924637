// The guardrails pack (policy/), proven both ways: every policy passes what the real program
// registers for the dev stack and reports an exact message for a violating variant of it. Violating
// inputs start from real registrations (the dev stack, or the program run on an edited config) and
// are deep-copied before they are changed. Finally the pack is started the way `pulumi preview
// --policy-pack policy` starts it and queried over gRPC.
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type {
    ResourceValidationPolicy,
    StackValidationPolicy,
    ResourceValidation,
} from "@pulumi/policy";
import {
    FORBIDDEN_ROLES,
    ACCESS_ROLE_GUIDS,
    AKS_ROLES,
    CLUSTER_WIDE_EFFECT,
    PRIVILEGED_ROLES as STACK_PRIVILEGED_ROLES,
} from "../components/roles";
import {
    GITHUB_ISSUER as STACK_GITHUB_ISSUER,
    TOKEN_EXCHANGE_AUDIENCE as STACK_AUDIENCE,
} from "../components/config";
import { AKS_SERVER_APP_ID as STACK_SERVER_APP_ID } from "../components/kubeconfig";
import { type Registration, type RunResult, runProgram } from "../offline/harness";
import { readStackConfig } from "../plan/files";
import {
    AKS_CLUSTER_ADMIN_ROLE,
    AKS_RBAC_ROLES,
    AKS_SERVER_APP_ID,
    GITHUB_ISSUER,
    IDENTITY_ADMIN_ROLES,
    PRIVILEGED_ROLES,
    TOKEN_EXCHANGE_AUDIENCE,
} from "../policy/azure";
import { policyConfigProblems } from "../policy/configCheck";
import { durationMinutes } from "../policy/entra";
import { evaluatePack, resourceArgs, stackArgs, type PackConfig } from "../policy/evaluate";
import { policies } from "../policy/policies";
import { unknownCheckingProxy } from "../policy/read";
import { ROOT, run, stackConfig, TYPES } from "./helpers";

// Registration properties and stack config are free-form JSON that cases edit in place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;
type Config = Props;

/** Everything a case can start from: the dev stack and the program run on edited configs. */
interface Sources {
    dev: RunResult;
    /** The bootstrap project (bootstrap/) for its example stack file. */
    bootstrap: RunResult;
    /** cluster.authorizedIpRanges removed. */
    publicApi: RunResult;
    /** cluster.privateCluster: true, no authorizedIpRanges. */
    privateApi: RunResult;
    /** cluster.disableRunCommand: false. */
    runCommand: RunResult;
    /** The pod-reader Role's verbs set to ["*"] in config. */
    wildcardRole: RunResult;
    /** The payments-deploy pipeline given clusterAccess: cluster-admin. */
    pipelineClusterAdmin: RunResult;
    /** The developers group given cluster-admin; the platform-admins admin group too. */
    groupClusterAdmin: RunResult;
    /** Every default of README "Azure Policy built-ins" turned off: SSH, add-on, cleaner, audit. */
    hardeningOff: RunResult;
    /** The payments-admin JIT entry with requireMfa: false and requireJustification: false. */
    jitRelaxed: RunResult;
    /** The payments-admin JIT entry with maxActivation: PT24H (the provider's P1D). */
    jitDay: RunResult;
    /** conditionalAccess.excludeGroups (and breakGlassGroups) removed: no break-glass exclusion. */
    caNoBreakGlass: RunResult;
    /** platform-admins, one of the default groups, excluded and declared break-glass. */
    caExcludesAdmins: RunResult;
    /** cluster.podSecurity: the restricted initiative with effect deny. */
    podSecurity: RunResult;
    /** sre given writer on the whole cluster, with a clusterWideException. */
    clusterWideWriter: RunResult;
}

const CLUSTER_TYPE = TYPES.cluster;
const RA = TYPES.roleAssignment;
const SRE = "0b9e6d2c-7a4f-4e8b-b1c3-2d5f6a7e8c90";
const DEVELOPERS = "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const PLATFORM_ADMINS = "5f0c8a3e-2b7d-4c1a-9e6f-8d3b2a1c0e9f";
const PAYMENTS_DEVS = "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098";
/** A member of the created admin group (a user): someone a member list could name. */
const ADMIN_MEMBER = "2d4f6a8c-1b3e-4d5f-a7b9-c1d3e5f7a9b1";
/** @pulumi/policy's sentinels for a string and an array not known during preview. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
/** A well-formed AKS issuer of some other cluster. */
const OTHER_ISSUER =
    "https://westeurope.oic.prod-aks.azure.com/00000000-0000-4000-8000-000000000001/00000000-0000-4000-8000-000000000002/";

/** The one registration of `type` whose logical name starts with `prefix`. */
function find(r: RunResult, type: string, prefix: string): Registration {
    const hits = r.registrations.filter((x) => x.type === type && x.name.startsWith(prefix));
    assert.equal(hits.length, 1, `one ${type} named ${prefix}*, found ${hits.length}`);
    return hits[0];
}

const cluster = (r: RunResult) => find(r, CLUSTER_TYPE, "aks-entra-cluster");
const appsPool = (r: RunResult) => find(r, TYPES.agentPool, "aks-entra-cluster-pool-apps");
const sreReader = (r: RunResult) => find(r, RA, `aks-entra-access-${SRE}/cluster/reader`);
const deployerGrant = (r: RunResult) => find(r, RA, "aks-entra-connection-deployer-cluster-admin");
const workloadFic = (r: RunResult) => find(r, TYPES.fic, "aks-entra-wl/payments/payments-api-k8s");
const pipelineFic = (r: RunResult) =>
    find(r, TYPES.fic, "aks-entra-ci-payments-deploy-gh-contoso-payments-production");
const podReader = (r: RunResult) => find(r, TYPES.role, "aks-entra-ns-payments/pod-reader");
const paymentsNamespace = (r: RunResult) => find(r, TYPES.namespace, "aks-entra-ns-payments");
/** The dev stack's RoleBinding of ClusterRole view in payments. */
const auditorsView = (r: RunResult) =>
    find(r, TYPES.roleBinding, "aks-entra-ns-payments/auditors-view");
const podReaderBinding = (r: RunResult) =>
    find(r, TYPES.roleBinding, "aks-entra-ns-payments/pod-reader");
const apiAccount = (r: RunResult) =>
    find(r, TYPES.serviceAccount, "aks-entra-wl/payments/payments-api");
const apiIdentity = (r: RunResult) => find(r, TYPES.identity, "aks-entra-wl/payments/payments-api");
const state = (reg: Registration): Props => reg.state;
const jitGroup = (r: RunResult, jit: string) => find(r, TYPES.group, `aks-entra-jit-${jit}-group`);
const jitPolicy = (r: RunResult, jit: string) =>
    find(r, TYPES.pimPolicy, `aks-entra-jit-${jit}-policy`);
/** The activation rules of oncall-admin's PIM policy in a deep copy of the registrations (cases edit them). */
const oncallRules = (all: Registration[], s: Sources): Props =>
    state(copyOf(all, jitPolicy(s.dev, "oncall-admin"))).activationRules as Props;
/** The activation rules of oncall-admin's PIM policy with MFA off (cases edit a copy). */
const oncallWithoutMfa = (all: Registration[], s: Sources) => {
    oncallRules(all, s).requireMultifactorAuthentication = false;
};
/** `[logical name of a JIT group's PIM policy in the dev stack, message]`, as a case expects it. */
const onJit = (s: Sources, jit: string, message: string): [string, string] => [
    jitPolicy(s.dev, jit).name,
    message,
];
/** entra-pim-activation-rules' messages about the dev stack's JIT group `jit`, worded once. */
const pim = {
    noMfa: (jit: string) =>
        `activating membership of group "aks-entra-dev-jit-${jit}" does not require MFA (activationRules.requireMultifactorAuthentication is false, no requiredConditionalAccessAuthenticationContext): a stolen password is enough to take the group's access; set requireMfa: true on its aks-entra:jit entry, or requireMfaForEveryGroup: false in the policy config to insist only for groups that hold cluster-admin`,
    noMfaClusterAdmin: (jit: string) =>
        `activating membership of group "aks-entra-dev-jit-${jit}" does not require MFA (activationRules.requireMultifactorAuthentication is false, no requiredConditionalAccessAuthenticationContext) and the group holds Azure Kubernetes Service RBAC Cluster Admin: a stolen password would activate full control of the cluster; set requireMfa: true on its aks-entra:jit entry`,
    noJustification: (jit: string) =>
        `activating membership of group "aks-entra-dev-jit-${jit}" does not require a justification (activationRules.requireJustification is false): the audit log would not say why anyone held the group's access; set requireJustification: true on its aks-entra:jit entry`,
    tooLong: (jit: string, duration: string, hours: number, max: number, suggested: string) =>
        `activationRules.maximumDuration "${duration}" lets an activation of group "aks-entra-dev-jit-${jit}" last ${hours} hours, more than ${max} (maxActivationHours): a forgotten activation is standing access; set maxActivation on its aks-entra:jit entry to ${suggested} or less`,
};
const jitEligible = (r: RunResult, jit: string) =>
    find(r, TYPES.pimEligibility, `aks-entra-jit-${jit}-eligible-`);
const jitClusterAdmin = (r: RunResult) =>
    find(r, RA, "aks-entra-access-jit-oncall-admin/cluster/cluster-admin");
const caPolicy = (r: RunResult) => find(r, TYPES.conditionalAccess, "aks-entra-conditional-access");

/** The admin group the dev stack creates. */
const adminGroup = (r: RunResult) => find(r, TYPES.group, "aks-entra-admins-group");
/** Someone a stack file might add as a group owner. */
const OWNER = "5a5a5a5a-1111-4222-8333-444455556666";
/** Adds OWNER to the owners of `group` in a deep copy of the registrations. */
const addOwner = (all: Registration[], group: Registration) => {
    const g = state(copyOf(all, group));
    g.owners = [...(g.owners as string[]), OWNER];
};
/** The registrations without the deployer's cluster-admin grant (deployer.clusterAdmin: false). */
const withoutDeployerGrant = (all: Registration[], s: Sources) =>
    all.filter((r) => r.urn !== deployerGrant(s.dev).urn);
/** entra-admin-group-owners' message about `owner` of group `display` (a JIT group or not). */
const ownerMessage = (display: string, owner: string, jit: boolean, known = true) =>
    `group "${display}" is ${jit ? "a just-in-time group" : "an admin group"} and "${owner}" owns it${known ? "" : " beside another owner (no deployer grant tells which is the deployer)"}: an owner adds members, itself included, so it is a cluster-admin whenever it likes${jit ? ", without PIM's MFA, justification or approval" : ""}; only the deployer owns the stack's groups (remove it from aks-entra:admins.owners), or add it to allowedGroupOwners in the policy config`;
/** entra-ca-excludes-cluster-admins' message about excluded group `id`. */
const caExclusionMessage = (id: string, why: string) =>
    `conditions.users.excludedGroups lists "${id}", which holds cluster-admin (${why}): its members sign in to the cluster without the policy's controls; exclude only an emergency-access group, declared in aks-entra:conditionalAccess.breakGlassGroups (or breakGlassGroups of the policy config)`;
/** The aks-entra component's registration without the stack file's break-glass declaration. */
const undeclareBreakGlass = (all: Registration[]) => {
    const stack = all.find((r) => r.type === "aks-entra:index:AksEntra")!;
    assert.ok(
        Array.isArray(stack.state.breakGlassGroups),
        "the component registers the declaration",
    );
    delete stack.state.breakGlassGroups;
};
/** stack-cluster-wide-write's message about a grant of `role` to `who` on `scope`. */
const clusterWideMessage = (role: "writer" | "admin", who: string, scope: string) =>
    `${role === "admin" ? "Azure Kubernetes Service RBAC Admin" : "Azure Kubernetes Service RBAC Writer"} is granted to ${who} on "${scope}": ${CLUSTER_WIDE_EFFECT[role]}; grant it on a namespace, through a JIT entry that needs approval, or state why in the entry's clusterWideException in the stack file (or list the principal in allowedClusterWidePrincipals of the policy config)`;
/** Sets the role of the copy of `reg` in `all` to `guid`. */
const setRole = (all: Registration[], reg: Registration, guid: string) => {
    state(copyOf(all, reg)).roleDefinitionId = roleId(guid);
};
/** The copy of `reg` in a list a case edits. */
const copyOf = (all: Registration[], reg: Registration) => all.find((r) => r.urn === reg.urn)!;

/** The JIT groups' object ids unknown, as in the first preview of a new stack. */
function jitIdsUnknown(all: Registration[]): void {
    const ids = new Set(
        all
            .filter((r) => r.type === TYPES.group && r.name.startsWith("aks-entra-jit-"))
            .map((r) => String(r.state.objectId)),
    );
    for (const r of all) {
        for (const key of ["objectId", "groupId", "principalId"]) {
            if (ids.has(String(r.state[key]))) r.state[key] = UNKNOWN_STRING;
        }
    }
}

/** A GroupMember making ADMIN_MEMBER a standing member of the oncall-admin JIT group. */
function standingMember(s: Sources): Registration {
    const base = structuredClone(jitEligible(s.dev, "oncall-admin"));
    const group = jitGroup(s.dev, "oncall-admin");
    const type = "azuread:index/groupMember:GroupMember";
    const name = "aks-entra-jit-oncall-admin-standing";
    const props = { groupObjectId: state(group).objectId, memberObjectId: ADMIN_MEMBER };
    return {
        ...base,
        type,
        name,
        urn: base.urn.replace(base.type, type).replace(base.name, name),
        dependencies: [group.urn],
        inputs: props,
        state: props,
    };
}
const roleId = (guid: string) =>
    `/subscriptions/11111111-2222-4333-8444-555555555555/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

function policy(name: string): ResourceValidationPolicy & StackValidationPolicy {
    const hit = policies.find((p) => p.name === name);
    assert.ok(hit, `no policy ${name}`);
    return hit as ResourceValidationPolicy & StackValidationPolicy;
}

/** Messages one resource policy reports for one registration. */
async function resourceViolations(
    name: string,
    target: Registration,
    all: Registration[],
    config: Config = {},
): Promise<string[]> {
    const validate = policy(name).validateResource;
    assert.ok(validate, `${name} is not a resource policy`);
    const checks: ResourceValidation[] = Array.isArray(validate) ? validate : [validate];
    const out: string[] = [];
    for (const check of checks) {
        await check(resourceArgs(target, all, config), (m) => out.push(m));
    }
    return out;
}

/** `[urn-name, message]` pairs one stack policy reports. */
async function stackViolations(
    name: string,
    all: Registration[],
    config: Config = {},
): Promise<[string, string][]> {
    const validate = policy(name).validateStack;
    assert.ok(validate, `${name} is not a stack policy`);
    const out: [string, string][] = [];
    await validate(stackArgs(all, config), (message, urn) => {
        out.push([all.find((r) => r.urn === urn)?.name ?? "(stack)", message]);
    });
    return out;
}

interface ResourceCase {
    what: string;
    from: (s: Sources) => Registration;
    /** Edits a deep copy of the registration's properties. */
    mutate?: (props: Props, s: Sources) => unknown;
    config?: Config;
    /** Exact messages; [] for a compliant case. */
    expected: string[] | ((s: Sources) => string[]);
}

interface StackCase {
    what: string;
    from: (s: Sources) => RunResult;
    /** Edits a deep copy of the registration list in place, or returns a new list. */
    mutate?: (all: Registration[], s: Sources) => unknown;
    config?: Config;
    /** Exact `[logical name of the resource, message]` pairs; [] for a compliant case. */
    expected: [string, string][] | ((s: Sources) => [string, string][]);
}

const deleteAt = (props: Props, ...path: string[]) => {
    const last = path.pop()!;
    delete path.reduce<Props>((o, k) => o[k] as Props, props)[last];
};

// ---------------------------------------------------------------------------------------------
// Resource policies

/** A bootstrap registration: `type` under the DeploymentIdentity of `env` (or anywhere when env is ""). */
function boot(s: Sources, type: string, env = "", test: (r: Registration) => boolean = () => true) {
    const hit = s.bootstrap.registrations.find(
        (r) =>
            r.custom &&
            r.type === type &&
            (env === "" ||
                r.parent.endsWith(`::aks-entra:bootstrap:DeploymentIdentity::deploy-${env}`)) &&
            test(r),
    );
    assert.ok(hit, `no bootstrap ${type} ${env}`);
    return hit;
}
const RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const bootRbacAdmin = (s: Sources, env = "dev") =>
    boot(s, TYPES.roleAssignment, env, (r) =>
        String(r.inputs.roleDefinitionId).endsWith(RBAC_ADMINISTRATOR),
    );

const RESOURCE_CASES: Record<string, ResourceCase[]> = {
    "bootstrap-deployment-grants": [
        {
            what: "dev's conditioned RBAC Administrator",
            from: (s) => bootRbacAdmin(s),
            expected: [],
        },
        {
            what: "preview-destroy's delete-only RBAC Administrator",
            from: (s) => bootRbacAdmin(s, "preview-destroy"),
            expected: [],
        },
        {
            what: "a role assignment of the main program",
            from: (s) => s.dev.registrations.find((r) => r.type === TYPES.roleAssignment)!,
            expected: [],
        },
        {
            what: "the condition removed",
            from: (s) => bootRbacAdmin(s),
            mutate: (p) => delete p.condition,
            expected: [
                "Role Based Access Control Administrator without a condition grants every role, Owner included, to anyone: limit it to the roles the stacks assign",
            ],
        },
        {
            what: "Owner and an unknown role in the condition's write set",
            from: (s) => bootRbacAdmin(s),
            mutate: (p) =>
                (p.condition = String(p.condition).replace(
                    "GuidEquals {",
                    "GuidEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 5a5a5a5a-1234-4321-8765-0123456789ab, ",
                )),
            expected: [
                "the condition lets it assign or remove Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635), 5a5a5a5a-1234-4321-8765-0123456789ab, a role aks-entra does not know; allow only roles the stacks may grant",
            ],
        },
        {
            what: "deletes not constrained",
            from: (s) => bootRbacAdmin(s),
            mutate: (p) => (p.condition = String(p.condition).split(" AND ")[0]),
            expected: [
                "the condition does not limit the roles it assigns: it does not constrain Microsoft.Authorization/roleAssignments/delete",
            ],
        },
        {
            what: "granted on a resource group, condition version 1.0",
            from: (s) => bootRbacAdmin(s),
            mutate: (p) => {
                p.scope = `${String(p.scope)}/resourceGroups/rg-x`;
                p.conditionVersion = "1.0";
            },
            expected: (s) => [
                `scope "${String(bootRbacAdmin(s).inputs.scope)}/resourceGroups/rg-x": the bootstrap grants Role Based Access Control Administrator on a subscription only`,
                'conditionVersion "1.0" is not "2.0"',
            ],
        },
    ],
    "bootstrap-state-storage": [
        {
            what: "the state account",
            from: (s) => boot(s, "azure-native:storage:StorageAccount"),
            expected: [],
        },
        {
            what: "shared key on, public blobs allowed, TLS 1.0",
            from: (s) => boot(s, "azure-native:storage:StorageAccount"),
            mutate: (p) => {
                p.allowSharedKeyAccess = true;
                p.allowBlobPublicAccess = true;
                p.minimumTlsVersion = "TLS1_0";
            },
            expected: [
                "allowSharedKeyAccess is true, not false: account keys would bypass Entra ID and every role condition",
                "allowBlobPublicAccess is true, not false: a container could be made public",
                'minimumTlsVersion is "TLS1_0", not "TLS1_2": older TLS is refused',
            ],
        },
        {
            what: "versioning and container soft delete off",
            from: (s) => boot(s, "azure-native:storage:BlobServiceProperties"),
            mutate: (p) => {
                p.isVersioningEnabled = false;
                p.containerDeleteRetentionPolicy = { enabled: false };
            },
            expected: [
                "isVersioningEnabled is false, not true: a bad write of a stack's state could not be undone",
                "containerDeleteRetentionPolicy.enabled is false, not true: a deleted container could not be restored",
            ],
        },
        {
            what: "a public container",
            from: (s) => boot(s, "azure-native:storage:BlobContainer"),
            mutate: (p) => (p.publicAccess = "Blob"),
            expected: ['publicAccess is "Blob": the state container must be private ("None")'],
        },
    ],
    "bootstrap-secrets-vault": [
        {
            what: "the secrets vault",
            from: (s) => boot(s, "azure-native:keyvault:Vault"),
            expected: [],
        },
        {
            what: "access policies instead of RBAC, soft delete off",
            from: (s) => boot(s, "azure-native:keyvault:Vault"),
            mutate: (p) => {
                const props = p.properties as Props;
                props.enableRbacAuthorization = false;
                props.enableSoftDelete = false;
            },
            expected: [
                "properties.enableRbacAuthorization is false, not true: access policies bypass Azure RBAC and its audit",
                "properties.enableSoftDelete is false: a deleted key could not be recovered",
            ],
        },
    ],
    "bootstrap-graph-permissions": [
        {
            what: "dev's Group.Create",
            from: (s) =>
                boot(
                    s,
                    "azuread:index/appRoleAssignment:AppRoleAssignment",
                    "dev",
                    (r) => r.inputs.appRoleId === "bf7b1a76-6e77-406b-b258-bf5c7720e98f",
                ),
            expected: [],
        },
        {
            what: "Group.ReadWrite.All instead",
            from: (s) =>
                boot(
                    s,
                    "azuread:index/appRoleAssignment:AppRoleAssignment",
                    "dev",
                    (r) => r.inputs.appRoleId === "bf7b1a76-6e77-406b-b258-bf5c7720e98f",
                ),
            mutate: (p) => (p.appRoleId = "62a82d76-70ea-41e2-9197-370581804d09"),
            expected: [
                "appRoleId 62a82d76-70ea-41e2-9197-370581804d09 is Group.ReadWrite.All, which a deployment identity never holds",
            ],
        },
    ],
    "aks-entra-managed-integration": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "aadProfile removed",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "aadProfile"),
            expected: [
                "aadProfile is not set: the cluster has no Microsoft Entra integration; set aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [...] }",
            ],
        },
        {
            what: "aadProfile.managed false",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.aadProfile.managed = false),
            expected: [
                "aadProfile.managed is false; AKS-managed Entra integration requires managed: true",
            ],
        },
        {
            what: "aadProfile.managed missing",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "aadProfile", "managed"),
            expected: [
                "aadProfile.managed is not set; AKS-managed Entra integration requires managed: true",
            ],
        },
    ],
    "aks-no-legacy-aad": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "all three legacy fields",
            from: (s) => cluster(s.dev),
            mutate: (p) => {
                Object.assign(p.aadProfile, {
                    clientAppID: "00000000-0000-4000-8000-000000000001",
                    serverAppID: "00000000-0000-4000-8000-000000000002",
                    serverAppSecret: "hunter2",
                });
            },
            expected: ["clientAppID", "serverAppID", "serverAppSecret"].map(
                (f) =>
                    `aadProfile.${f} is set; legacy (client/server app) Entra integration is deprecated and replaced by AKS-managed Entra: remove it`,
            ),
        },
        {
            what: "a server app secret alone (never echoed)",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.aadProfile.serverAppSecret = "hunter2"),
            expected: [
                "aadProfile.serverAppSecret is set; legacy (client/server app) Entra integration is deprecated and replaced by AKS-managed Entra: remove it",
            ],
        },
    ],
    "aks-azure-rbac-admin-groups": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "Azure RBAC off",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.aadProfile.enableAzureRBAC = false),
            expected: [
                "aadProfile.enableAzureRBAC is false; turn on Azure RBAC for Kubernetes authorization so access is granted by Entra role assignments",
            ],
        },
        {
            what: "no admin group",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.aadProfile.adminGroupObjectIDs = []),
            expected: [
                "aadProfile.adminGroupObjectIDs is empty; list at least one Entra group for AKS to bind to cluster-admin (the way back in with local accounts off)",
            ],
        },
        {
            what: "a group alias where an object id belongs",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.aadProfile.adminGroupObjectIDs = ["platform-admins"]),
            expected: [
                'aadProfile.adminGroupObjectIDs[0] "platform-admins" is not an object id (GUID)',
            ],
        },
    ],
    "aks-local-accounts-disabled": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "local accounts on",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.disableLocalAccounts = false),
            expected: [
                "disableLocalAccounts is false; set it to true so every login is an Entra login (no static admin kubeconfig)",
            ],
        },
        {
            what: "left at Azure's default",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "disableLocalAccounts"),
            expected: [
                "disableLocalAccounts is not set; set it to true so every login is an Entra login (no static admin kubeconfig)",
            ],
        },
    ],
    "aks-managed-identity": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: 'servicePrincipalProfile { clientId: "msi" }, as Azure reports a managed-identity cluster',
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.servicePrincipalProfile = { clientId: "msi" }),
            expected: [],
        },
        {
            what: "a system-assigned identity",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.identity = { type: "SystemAssigned" }),
            expected: [
                'identity.type is "SystemAssigned"; run the control plane as a user-assigned managed identity (identity: { type: "UserAssigned", userAssignedIdentities: [<identity id>] })',
            ],
        },
        {
            what: "a service principal with a secret",
            from: (s) => cluster(s.dev),
            mutate: (p) =>
                (p.servicePrincipalProfile = {
                    clientId: "00000000-0000-4000-8000-00000000000a",
                    secret: "hunter2",
                }),
            expected: [
                'servicePrincipalProfile is set (clientId "00000000-0000-4000-8000-00000000000a"); a service principal needs a secret that expires and leaks: remove it and use a managed identity',
            ],
        },
    ],
    "aks-distinct-user-assigned-identities": [
        { what: "the dev cluster (state: a map)", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "the dev cluster's inputs (an array of ids)",
            from: (s) => ({ ...cluster(s.dev), state: cluster(s.dev).inputs }),
            expected: [],
        },
        {
            what: "the kubelet runs as the control-plane identity",
            from: (s) => cluster(s.dev),
            mutate: (p) =>
                (p.identityProfile.kubeletidentity.resourceId = Object.keys(
                    p.identity.userAssignedIdentities,
                )[0]),
            expected: (s) => [
                `identityProfile.kubeletidentity.resourceId "${Object.keys(state(cluster(s.dev)).identity.userAssignedIdentities)[0]}" is also the control-plane identity; use a separate kubelet identity so nodes never hold the control plane's permissions`,
            ],
        },
        {
            what: "no kubelet identity",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "identityProfile"),
            expected: [
                "identityProfile.kubeletidentity.resourceId is not set; give the kubelet its own user-assigned identity instead of one AKS creates in the node resource group",
            ],
        },
        {
            what: "two control-plane identities",
            from: (s) => ({ ...cluster(s.dev), state: structuredClone(cluster(s.dev).inputs) }),
            mutate: (p) => {
                p.identity.userAssignedIdentities.push(`${p.identity.userAssignedIdentities[0]}-2`);
            },
            expected: [
                "identity.userAssignedIdentities lists 2 identities; give the control plane exactly one user-assigned identity",
            ],
        },
    ],
    "aks-workload-identity": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "OIDC issuer off",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.oidcIssuerProfile.enabled = false),
            expected: [
                "oidcIssuerProfile.enabled is false; the OIDC issuer must be on for workload identity federation",
            ],
        },
        {
            what: "workload identity not configured",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "securityProfile"),
            expected: [
                "securityProfile.workloadIdentity.enabled is not set; turn on workload identity so pods use federated Entra tokens instead of stored secrets",
            ],
        },
    ],
    "aks-kubernetes-rbac": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "Kubernetes RBAC off",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.enableRBAC = false),
            expected: ["enableRBAC is false; Kubernetes RBAC must be on"],
        },
    ],
    "aks-api-server-restricted": [
        { what: "authorized ranges (dev)", from: (s) => cluster(s.dev), expected: [] },
        { what: "a private cluster (config)", from: (s) => cluster(s.privateApi), expected: [] },
        {
            what: "no authorizedIpRanges in config",
            from: (s) => cluster(s.publicApi),
            expected: [
                "the API server is public with no authorizedIPRanges: every Internet address can reach it; set apiServerAccessProfile.authorizedIPRanges (aks-entra:cluster.authorizedIpRanges) or enablePrivateCluster: true",
            ],
        },
        {
            what: "0.0.0.0/0 among the ranges",
            from: (s) => cluster(s.dev),
            mutate: (p) => {
                p.apiServerAccessProfile.authorizedIPRanges.push("0.0.0.0/0");
            },
            expected: [
                'apiServerAccessProfile.authorizedIPRanges contains "0.0.0.0/0", which allows every address; list your egress ranges instead',
            ],
        },
    ],
    "aks-run-command-disabled": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "disableRunCommand: false in config",
            from: (s) => cluster(s.runCommand),
            expected: [
                "apiServerAccessProfile.disableRunCommand is false; run command reaches the API server through Azure Resource Manager, around authorizedIpRanges and private endpoints: set aks-entra:cluster.disableRunCommand: true unless your team relies on it",
            ],
        },
    ],
    "aks-ssh-disabled": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        { what: "a dev user pool", from: (s) => appsPool(s.dev), expected: [] },
        {
            what: "nodeSsh: true in config: the inline system pool",
            from: (s) => cluster(s.hardeningOff),
            expected: [
                'agentPoolProfiles[0] (system): securityProfile.sshAccess is "LocalUser"; SSH is the one way onto nodes that is not an Entra login (Azure Policy built-in 28257686 audits it): set it to "Disabled" (aks-entra:cluster.nodeSsh: false, the default); reach nodes with kubectl debug node/<name> instead',
            ],
        },
        {
            what: "nodeSsh: true in config: a user pool (AgentPool)",
            from: (s) => appsPool(s.hardeningOff),
            expected: [
                'securityProfile.sshAccess is "LocalUser"; SSH is the one way onto nodes that is not an Entra login (Azure Policy built-in 28257686 audits it): set it to "Disabled" (aks-entra:cluster.nodeSsh: false, the default); reach nodes with kubectl debug node/<name> instead',
            ],
        },
        {
            what: "securityProfile removed from a pool (AKS's default is LocalUser)",
            from: (s) => appsPool(s.dev),
            mutate: (p) => deleteAt(p, "securityProfile"),
            expected: [
                'securityProfile.sshAccess is not set; SSH is the one way onto nodes that is not an Entra login (Azure Policy built-in 28257686 audits it): set it to "Disabled" (aks-entra:cluster.nodeSsh: false, the default); reach nodes with kubectl debug node/<name> instead',
            ],
        },
    ],
    "aks-azure-policy-addon": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "the add-on under ARM's camel-case key (keys are case-insensitive)",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.addonProfiles = { azurePolicy: { enabled: true } }),
            expected: [],
        },
        {
            what: "azurePolicy: false in config",
            from: (s) => cluster(s.hardeningOff),
            expected: [
                "addonProfiles.azurepolicy.enabled is false; without the Azure Policy add-on no in-cluster policy (pod security, allowed images) can be assigned to the cluster (Azure Policy built-in 0a15ec92 audits it): set aks-entra:cluster.azurePolicy: true, the default",
            ],
        },
        {
            what: "addonProfiles removed",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "addonProfiles"),
            expected: [
                "addonProfiles.azurepolicy.enabled is not set; without the Azure Policy add-on no in-cluster policy (pod security, allowed images) can be assigned to the cluster (Azure Policy built-in 0a15ec92 audits it): set aks-entra:cluster.azurePolicy: true, the default",
            ],
        },
    ],
    "aks-container-insights-managed-identity": [
        {
            what: "the dev cluster (Container Insights on by default)",
            from: (s) => cluster(s.dev),
            expected: [],
        },
        {
            what: "the monitoring add-on off",
            from: (s) => cluster(s.dev),
            mutate: (p) => (p.addonProfiles = { omsagent: { enabled: false } }),
            expected: [],
        },
        {
            what: "useAADAuth removed: the agent would use the workspace key",
            from: (s) => cluster(s.dev),
            mutate: (p) => deleteAt(p, "addonProfiles", "omsagent", "config", "useAADAuth"),
            expected: [
                "addonProfiles.omsagent.config.useAADAuth is not set; the monitoring agent would ingest with the workspace's shared key, which anyone who reads the cluster's add-on secret can use to write into the workspace: set it to \"true\" (managed-identity ingestion, the stack's default with aks-entra:cluster.monitoring.containerInsights)",
            ],
        },
    ],
    "aks-secrets-store-rotation": [
        {
            what: "the dev cluster (no Secrets Store driver)",
            from: (s) => cluster(s.dev),
            expected: [],
        },
        {
            what: "the driver with rotation on, under ARM's key",
            from: (s) => cluster(s.dev),
            mutate: (p) =>
                (p.addonProfiles = {
                    azureKeyvaultSecretsProvider: {
                        enabled: true,
                        config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
                    },
                }),
            expected: [],
        },
        {
            what: "the driver with rotation off",
            from: (s) => cluster(s.dev),
            mutate: (p) =>
                (p.addonProfiles = {
                    azurekeyvaultsecretsprovider: {
                        enabled: true,
                        config: { enableSecretRotation: "false" },
                    },
                }),
            expected: [
                'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation is "false"; a secret rotated or revoked in the vault would stay mounted in running pods until they restart: set it to "true" (aks-entra:cluster.secretsStore always does)',
            ],
        },
    ],
    "aks-image-cleaner": [
        { what: "the dev cluster", from: (s) => cluster(s.dev), expected: [] },
        {
            what: "imageCleaner.enabled: false in config",
            from: (s) => cluster(s.hardeningOff),
            expected: [
                "securityProfile.imageCleaner.enabled is false; unused images, vulnerable ones included, stay on the nodes (Azure Policy built-in af3c26b2 audits it): set aks-entra:cluster.imageCleaner.enabled: true, the default",
            ],
        },
    ],
    "aks-pod-security-enforced": [
        {
            what: "cluster.podSecurity: restricted, deny",
            from: (s) =>
                find(s.podSecurity, TYPES.policyAssignment, "aks-entra-cluster-pod-security"),
            expected: [],
        },
        {
            what: "another policy assignment is not this policy's",
            from: (s) =>
                find(s.podSecurity, TYPES.policyAssignment, "aks-entra-cluster-pod-security"),
            mutate: (p) => {
                p.policyDefinitionId =
                    "/providers/Microsoft.Authorization/policyDefinitions/0a15ec92-a229-4763-bb14-0ea34a568f8d";
                p.enforcementMode = "DoNotEnforce";
            },
            expected: [],
        },
        {
            what: "the initiative assigned with effect disabled and DoNotEnforce",
            from: (s) =>
                find(s.podSecurity, TYPES.policyAssignment, "aks-entra-cluster-pod-security"),
            mutate: (p) => {
                p.parameters = { effect: { value: "Disabled" } };
                p.enforcementMode = "DoNotEnforce";
            },
            expected: [
                'the pod security restricted initiative is assigned with effect "Disabled": it checks no pod; use audit or deny (aks-entra:cluster.podSecurity.effect)',
                'the pod security restricted initiative is assigned with enforcementMode "DoNotEnforce": Azure Policy neither denies nor reports through it; use Default',
            ],
        },
    ],
    "role-assignment-principal-type": [
        { what: "a group's grant", from: (s) => sreReader(s.dev), expected: [] },
        { what: "the deployer's grant", from: (s) => deployerGrant(s.dev), expected: [] },
        {
            what: "principalType removed",
            from: (s) => sreReader(s.dev),
            mutate: (p) => deleteAt(p, "principalType"),
            expected: [
                'principalType is not set; set it ("ServicePrincipal" for managed identities, "Group" or "User") or a grant to a just-created principal fails with PrincipalNotFound',
            ],
        },
        {
            what: "a made-up principal type",
            from: (s) => sreReader(s.dev),
            mutate: (p) => (p.principalType = "Robot"),
            expected: [
                'principalType "Robot" is not one of User, Group, ServicePrincipal, ForeignGroup, Device',
            ],
        },
    ],
    "role-assignment-no-privileged-roles": [
        {
            what: "a workload's data-plane grant",
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            expected: [],
        },
        ...Object.entries(PRIVILEGED_ROLES).map(([guid, name]): ResourceCase => ({
            what: `${name} on a workload identity`,
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            mutate: (p) => (p.roleDefinitionId = roleId(guid)),
            expected: [
                `roleDefinitionId grants ${name} (${guid}), which controls access, whole resource trees or the cluster's admin groups; grant a narrower data-plane role`,
            ],
        })),
        {
            what: "the control plane's Managed Identity Operator on the kubelet identity alone",
            from: (s) => find(s.dev, RA, "aks-entra-identities-kubelet-operator"),
            expected: [],
        },
        {
            what: "Managed Identity Contributor over a whole subscription",
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            mutate: (p) => {
                p.roleDefinitionId = roleId("e40ec5ca-96e0-45a2-b4ff-59039f2c2b59");
                p.scope = "/subscriptions/11111111-2222-4333-8444-555555555555";
            },
            expected: [
                'roleDefinitionId grants Managed Identity Contributor (e40ec5ca-96e0-45a2-b4ff-59039f2c2b59) on "/subscriptions/11111111-2222-4333-8444-555555555555": every user-assigned identity in that subscription or resource group can be assigned or rewritten, and so acted as; grant the data-plane roles the holder needs instead',
            ],
        },
        {
            what: "Managed Identity Operator over a resource group",
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            mutate: (p) => {
                p.roleDefinitionId = roleId("f1a07417-d97a-45cb-824c-7a7467783830");
                p.scope =
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-payments-prod";
            },
            expected: [
                'roleDefinitionId grants Managed Identity Operator (f1a07417-d97a-45cb-824c-7a7467783830) on "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-payments-prod": every user-assigned identity in that subscription or resource group can be assigned or rewritten, and so acted as; grant the data-plane roles the holder needs instead',
            ],
        },
        // Issue 29, item 7: the pack reads the plan's privilege table; unknown counts as privileged.
        ...(
            [
                [
                    "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
                    "Virtual Machine Contributor",
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/MC_rg-aks-entra-dev_aks-entra-dev_westeurope",
                ],
                [
                    "81a9662b-bebf-436f-a333-f67b29880f12",
                    "Storage Account Key Operator Service Role",
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-payments-prod",
                ],
                [
                    "5a5a5a5a-1234-4321-8765-0123456789ab",
                    "role 5a5a5a5a-1234-4321-8765-0123456789ab, which aks-entra does not know",
                    "/subscriptions/11111111-2222-4333-8444-555555555555",
                ],
            ] as const
        ).map(([guid, name, scope]): ResourceCase => ({
            what: `${name} over ${scope}`,
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            mutate: (p) => {
                p.roleDefinitionId = roleId(guid);
                p.scope = scope;
            },
            expected: [
                `roleDefinitionId grants ${name} (${guid}) on "${scope}": a privileged role over a whole subscription or resource group reaches every resource in it, present and future; grant it on the one resource that needs it`,
            ],
        })),
        {
            what: "Virtual Machine Contributor on one virtual machine (MEDIUM in the plan)",
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            mutate: (p) => {
                p.roleDefinitionId = roleId("9980e02c-c2be-4d73-94e8-173b1dc7cf3c");
                p.scope =
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-jump/providers/Microsoft.Compute/virtualMachines/vm-jump";
            },
            expected: [],
        },
        // Issue 29, item 3: on one identity the holder adds a federated credential or attaches it.
        ...(
            [
                ["e40ec5ca-96e0-45a2-b4ff-59039f2c2b59", "Managed Identity Contributor", ""],
                ["f1a07417-d97a-45cb-824c-7a7467783830", "Managed Identity Operator", ""],
                [
                    "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
                    "Managed Identity Contributor",
                    "/federatedIdentityCredentials/payments-api-k8s",
                ],
            ] as const
        ).map(([guid, name, under]): ResourceCase => ({
            what: `${name} for a workload on the payments-api identity${under ? "'s federated credential" : ""}`,
            from: (s) =>
                find(s.dev, RA, "aks-entra-wl/payments/payments-api-key-vault-secrets-user"),
            mutate: (p, s) => {
                p.roleDefinitionId = roleId(guid);
                p.scope = `${apiIdentity(s.dev).id}${under}`;
            },
            expected: (s) => [
                `roleDefinitionId grants ${name} (${guid}) on the identity "${apiIdentity(s.dev).id}${under}": the holder can add a federated credential to it or attach it, and sign in as it with all its grants; only aks-entra's control-plane grant on the kubelet identity holds this role`,
            ],
        })),
        {
            what: "the control plane's kubelet grant turned into Managed Identity Contributor",
            from: (s) => find(s.dev, RA, "aks-entra-identities-kubelet-operator"),
            mutate: (p) => (p.roleDefinitionId = roleId("e40ec5ca-96e0-45a2-b4ff-59039f2c2b59")),
            expected: (s) => [
                `roleDefinitionId grants Managed Identity Contributor (e40ec5ca-96e0-45a2-b4ff-59039f2c2b59) on the identity "${String(state(find(s.dev, RA, "aks-entra-identities-kubelet-operator")).scope)}": the holder can add a federated credential to it or attach it, and sign in as it with all its grants; only aks-entra's control-plane grant on the kubelet identity holds this role`,
            ],
        },
    ],
    "role-assignment-no-aks-local-admin": [
        {
            what: "the deployer's RBAC Cluster Admin",
            from: (s) => deployerGrant(s.dev),
            expected: [],
        },
        {
            what: "Cluster Admin Role (local credentials) to a group",
            from: (s) => sreReader(s.dev),
            mutate: (p) => (p.roleDefinitionId = roleId(AKS_CLUSTER_ADMIN_ROLE)),
            expected: [
                "roleDefinitionId grants Azure Kubernetes Service Cluster Admin Role (0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8), which hands out the local admin kubeconfig; use Azure Kubernetes Service RBAC Cluster Admin (an Entra login) instead",
            ],
        },
    ],
    "aks-rbac-role-scope": [
        { what: "cluster scope", from: (s) => sreReader(s.dev), expected: [] },
        {
            what: "namespace scope",
            from: (s) => find(s.dev, RA, `aks-entra-access-${SRE}/observability/admin`),
            expected: [],
        },
        {
            what: "Managed Identity Operator on an identity (not an AKS RBAC role)",
            from: (s) => find(s.dev, RA, "aks-entra-identities-kubelet-operator"),
            expected: [],
        },
        {
            what: "the deployer's Cluster Admin on the stack's resource group (made by aks-entra)",
            from: (s) => deployerGrant(s.dev),
            expected: [],
        },
        {
            what: "the deployer's Cluster Admin on the whole subscription",
            from: (s) => deployerGrant(s.dev),
            mutate: (p) => (p.scope = "/subscriptions/11111111-2222-4333-8444-555555555555"),
            expected: [
                'Azure Kubernetes Service RBAC Cluster Admin is granted at scope "/subscriptions/11111111-2222-4333-8444-555555555555"; AKS RBAC roles belong on a cluster (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>) or one of its namespaces (<cluster id>/namespaces/<namespace>)',
            ],
        },
        {
            what: "RBAC Writer on a resource group (not the deployer's grant)",
            from: (s) => sreReader(s.dev),
            mutate: (p) => {
                p.roleDefinitionId = roleId(AKS_ROLES.rbacWriter);
                p.scope =
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-apps";
            },
            expected: [
                'Azure Kubernetes Service RBAC Writer is granted at scope "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-apps"; AKS RBAC roles belong on a cluster (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>) or one of its namespaces (<cluster id>/namespaces/<namespace>)',
            ],
        },
        {
            what: "RBAC Writer on the whole subscription",
            from: (s) => sreReader(s.dev),
            mutate: (p) => {
                p.roleDefinitionId = roleId(AKS_ROLES.rbacWriter);
                p.scope = "/subscriptions/11111111-2222-4333-8444-555555555555";
            },
            expected: [
                'Azure Kubernetes Service RBAC Writer is granted at scope "/subscriptions/11111111-2222-4333-8444-555555555555"; AKS RBAC roles belong on a cluster (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>) or one of its namespaces (<cluster id>/namespaces/<namespace>)',
            ],
        },
        {
            what: "RBAC Admin on a sub-resource of a namespace",
            from: (s) => find(s.dev, RA, `aks-entra-access-${SRE}/observability/admin`),
            mutate: (p) => (p.scope = `${p.scope}/pods/exporter`),
            expected: (s) => [
                `Azure Kubernetes Service RBAC Admin is granted at scope "${String(state(find(s.dev, RA, `aks-entra-access-${SRE}/observability/admin`)).scope)}/pods/exporter"; AKS RBAC roles belong on a cluster (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>) or one of its namespaces (<cluster id>/namespaces/<namespace>)`,
            ],
        },
    ],
    "fic-audience": [
        { what: "a workload credential", from: (s) => workloadFic(s.dev), expected: [] },
        { what: "a pipeline credential", from: (s) => pipelineFic(s.dev), expected: [] },
        {
            what: "a second audience",
            from: (s) => workloadFic(s.dev),
            mutate: (p) => {
                p.audiences.push("https://management.azure.com");
            },
            expected: [
                'audiences is ["api://AzureADTokenExchange","https://management.azure.com"]; Entra workload identity federation takes exactly ["api://AzureADTokenExchange"]',
            ],
        },
        {
            what: "no audience",
            from: (s) => pipelineFic(s.dev),
            mutate: (p) => deleteAt(p, "audiences"),
            expected: [
                'audiences is not set; Entra workload identity federation takes exactly ["api://AzureADTokenExchange"]',
            ],
        },
    ],
    "fic-exact-subject": [
        { what: "a service account", from: (s) => workloadFic(s.dev), expected: [] },
        { what: "a GitHub environment", from: (s) => pipelineFic(s.dev), expected: [] },
        {
            what: "a GitHub tag",
            from: (s) => pipelineFic(s.dev),
            mutate: (p) => (p.subject = "repo:contoso/payments:ref:refs/tags/v1.2.3"),
            expected: [],
        },
        {
            what: "another CI system's subject, allowed by config",
            from: (s) => pipelineFic(s.dev),
            mutate: (p) => (p.subject = "project_path:contoso/payments:ref_type:branch:ref:main"),
            config: {
                extraSubjectPatterns: ["^project_path:[-\\w/]+:ref_type:branch:ref:[-\\w]+$"],
            },
            expected: [],
        },
        {
            what: "a wildcard branch",
            from: (s) => pipelineFic(s.dev),
            mutate: (p) => (p.subject = "repo:contoso/payments:ref:refs/heads/*"),
            expected: [
                'subject "repo:contoso/payments:ref:refs/heads/*" contains "*"; a credential names one exact service account or repository ref, never a wildcard',
            ],
        },
        {
            what: "every service account of a namespace",
            from: (s) => workloadFic(s.dev),
            mutate: (p) => (p.subject = "system:serviceaccount:payments:*"),
            expected: [
                'subject "system:serviceaccount:payments:*" contains "*"; a credential names one exact service account or repository ref, never a wildcard',
            ],
        },
        {
            what: "a whole repository",
            from: (s) => pipelineFic(s.dev),
            mutate: (p) => (p.subject = "repo:contoso/payments"),
            expected: [
                'subject "repo:contoso/payments" is not an exact subject: expected system:serviceaccount:<namespace>:<serviceaccount> or repo:<owner>/<repo>:(environment:<name>|ref:refs/heads/<branch>|ref:refs/tags/<tag>|pull_request)',
            ],
        },
        {
            what: "an uppercase namespace",
            from: (s) => workloadFic(s.dev),
            mutate: (p) => (p.subject = "system:serviceaccount:Payments:payments-api"),
            expected: [
                'subject "system:serviceaccount:Payments:payments-api" is not an exact subject: expected system:serviceaccount:<namespace>:<serviceaccount> or repo:<owner>/<repo>:(environment:<name>|ref:refs/heads/<branch>|ref:refs/tags/<tag>|pull_request)',
            ],
        },
        {
            what: "a flexible credential (claims matching expression)",
            from: (s) => pipelineFic(s.dev),
            mutate: (p) =>
                (p.claimsMatchingExpression = {
                    value: "claims['sub'] matches 'repo:contoso/*'",
                    languageVersion: 1,
                }),
            expected: [
                "claimsMatchingExpression is set (a flexible credential that matches many subjects); trust one exact subject per credential",
            ],
        },
    ],
    "fic-issuer": [
        { what: "the cluster's issuer", from: (s) => workloadFic(s.dev), expected: [] },
        { what: "GitHub Actions", from: (s) => pipelineFic(s.dev), expected: [] },
        {
            what: "an unknown issuer",
            from: (s) => workloadFic(s.dev),
            mutate: (p) => (p.issuer = "https://issuer.example.com/"),
            expected: [
                'issuer "https://issuer.example.com/" is neither an AKS OIDC issuer (https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/) nor an allowed external issuer (https://token.actions.githubusercontent.com); add it to allowedExternalIssuers in the policy config if this trust is intended',
            ],
        },
        {
            what: "a service account trusted from GitHub",
            from: (s) => workloadFic(s.dev),
            mutate: (p) => (p.issuer = GITHUB_ISSUER),
            expected: [
                'subject "system:serviceaccount:payments:payments-api" is a Kubernetes service account but issuer "https://token.actions.githubusercontent.com" is not an AKS OIDC issuer; service accounts are vouched for by their cluster\'s issuer only',
            ],
        },
        {
            what: "a repository trusted from a cluster",
            from: (s) => pipelineFic(s.dev),
            mutate: (p, s) => {
                p.issuer = state(workloadFic(s.dev)).issuer;
            },
            expected: (s) => [
                `subject "repo:contoso/payments:environment:production" is a GitHub repository but issuer "${state(workloadFic(s.dev)).issuer}" is not an allowed external issuer (https://token.actions.githubusercontent.com)`,
            ],
        },
        {
            what: "GitHub when the config allows only GitLab",
            from: (s) => pipelineFic(s.dev),
            config: { allowedExternalIssuers: ["https://gitlab.com"] },
            expected: [
                'issuer "https://token.actions.githubusercontent.com" is neither an AKS OIDC issuer (https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/) nor an allowed external issuer (https://gitlab.com); add it to allowedExternalIssuers in the policy config if this trust is intended',
            ],
        },
    ],
    "k8s-no-system-masters": [
        { what: "a group binding", from: (s) => podReaderBinding(s.dev), expected: [] },
        {
            what: "system:masters added to a RoleBinding",
            from: (s) => podReaderBinding(s.dev),
            mutate: (p) => {
                p.subjects.push({
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "Group",
                    name: "system:masters",
                });
            },
            expected: [
                'subjects[1] is "Group" "system:masters" (Kubernetes superusers, outside Entra and RBAC); bind an Entra group object id instead',
            ],
        },
        {
            what: "a ClusterRoleBinding to system:masters",
            from: (s) => ({
                ...podReaderBinding(s.dev),
                type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            }),
            mutate: (p) => {
                deleteAt(p, "metadata", "namespace");
                p.subjects[0].name = "system:masters";
            },
            expected: [
                'subjects[0] is "Group" "system:masters" (Kubernetes superusers, outside Entra and RBAC); bind an Entra group object id instead',
            ],
        },
    ],
    "k8s-no-wildcard-rules": [
        { what: "the pod-reader Role", from: (s) => podReader(s.dev), expected: [] },
        {
            what: 'verbs ["*"] in config',
            from: (s) => podReader(s.wildcardRole),
            expected: [
                'rules[0].verbs contains "*"; list exactly what the role needs, or add "payments/pod-reader" to allowedWildcardRoles in the policy config',
            ],
        },
        {
            what: 'verbs ["*"] allowed by the policy config',
            from: (s) => podReader(s.wildcardRole),
            config: { allowedWildcardRoles: ["payments/pod-reader"] },
            expected: [],
        },
        {
            what: "every API group and every subresource",
            from: (s) => podReader(s.dev),
            mutate: (p) => {
                Object.assign(p.rules[0], { apiGroups: ["*"], resources: ["pods/*"] });
            },
            expected: [
                'rules[0].apiGroups contains "*"; list exactly what the role needs, or add "payments/pod-reader" to allowedWildcardRoles in the policy config',
                'rules[0].resources contains "pods/*"; list exactly what the role needs, or add "payments/pod-reader" to allowedWildcardRoles in the policy config',
            ],
        },
        {
            what: "a ClusterRole with every non-resource URL",
            from: (s) => ({
                ...podReader(s.dev),
                type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            }),
            mutate: (p) => {
                deleteAt(p, "metadata", "namespace");
                p.rules.push({ nonResourceURLs: ["*"], verbs: ["get"] });
            },
            expected: [
                'rules[1].nonResourceURLs contains "*"; list exactly what the role needs, or add "pod-reader" to allowedWildcardRoles in the policy config',
            ],
        },
    ],
    "k8s-no-escalating-rules": [
        { what: "the pod-reader Role", from: (s) => podReader(s.dev), expected: [] },
        {
            what: "serviceaccounts/token create (mints workload-identity tokens)",
            from: (s) => podReader(s.dev),
            mutate: (p) => {
                p.rules.push({
                    apiGroups: [""],
                    resources: ["serviceaccounts/token"],
                    verbs: ["create"],
                });
            },
            expected: [
                'rules[1] opens a path to more access: serviceaccounts/token create mints a token for any service account of the namespace, workload-identity ones included: it signs in to Azure as them, with all their Azure roles; narrow the rule, or add "payments/pod-reader" to allowedEscalatingRoles in the policy config',
            ],
        },
        {
            what: "the same rule allowed by the policy config",
            from: (s) => podReader(s.dev),
            mutate: (p) => {
                p.rules.push({
                    apiGroups: [""],
                    resources: ["serviceaccounts/token"],
                    verbs: ["create"],
                });
            },
            config: { allowedEscalatingRoles: ["payments/pod-reader"] },
            expected: [],
        },
        {
            what: "a ClusterRole: impersonate, nodes/proxy, webhooks, CRDs and an aggregation label",
            from: (s) => ({
                ...podReader(s.dev),
                type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            }),
            mutate: (p) => {
                deleteAt(p, "metadata", "namespace");
                p.metadata.labels["rbac.authorization.k8s.io/aggregate-to-edit"] = "true";
                p.rules.push(
                    { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
                    { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] },
                    {
                        apiGroups: ["admissionregistration.k8s.io"],
                        resources: ["mutatingwebhookconfigurations"],
                        verbs: ["create"],
                    },
                    {
                        apiGroups: ["apiextensions.k8s.io"],
                        resources: ["customresourcedefinitions"],
                        verbs: ["patch"],
                    },
                    { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] },
                );
            },
            expected: [
                'rules[1] opens a path to more access: impersonate lets its holders grant themselves any permission; narrow the rule, or add "pod-reader" to allowedEscalatingRoles in the policy config',
                'rules[2] opens a path to more access: nodes/proxy reaches the kubelet API of every node: commands in any pod of the node, past admission and the audit log; narrow the rule, or add "pod-reader" to allowedEscalatingRoles in the policy config',
                'rules[3] opens a path to more access: an admission webhook sees and can rewrite every object sent to the API server, Secrets and pods of every namespace included; narrow the rule, or add "pod-reader" to allowedEscalatingRoles in the policy config',
                'rules[4] opens a path to more access: customresourcedefinitions write defines or replaces API types for the whole cluster, and the conversion webhooks that see their objects; narrow the rule, or add "pod-reader" to allowedEscalatingRoles in the policy config',
                'rules[5] opens a path to more access: pods/ephemeralcontainers adds a container to any running pod: it runs as that pod\'s service account, with its token and Azure roles; narrow the rule, or add "pod-reader" to allowedEscalatingRoles in the policy config',
                '"pod-reader" aggregates rules (rbac.authorization.k8s.io/aggregate-to-edit): its rules join view/edit/admin for every holder, or it takes whatever other ClusterRoles carry; list the rules in a Role instead',
            ],
        },
    ],
    "k8s-rolebinding-known-cluster-roles": [
        { what: "a binding of view", from: (s) => auditorsView(s.dev), expected: [] },
        {
            what: "a binding of system:aggregate-to-edit",
            from: (s) => auditorsView(s.dev),
            mutate: (p) => {
                p.roleRef.name = "system:aggregate-to-edit";
            },
            expected: [
                'roleRef is ClusterRole "system:aggregate-to-edit", which Kubernetes owns (system:aggregate-to-* carry view/edit/admin power); bind view, edit or admin',
            ],
        },
        {
            what: "a binding of an undeclared ClusterRole",
            from: (s) => auditorsView(s.dev),
            mutate: (p) => {
                p.roleRef.name = "secret-reader";
            },
            expected: [
                'roleRef is ClusterRole "secret-reader", whose rules the binding does not declare (annotation aks-entra/clusterrole-rules): it may grant anything; declare its rules (aks-entra:namespaces[].roles[].clusterRoleRules) or bind view, edit or admin',
            ],
        },
        {
            what: "a declared ClusterRole that mints tokens",
            from: (s) => auditorsView(s.dev),
            mutate: (p) => {
                p.roleRef.name = "token-minter";
                p.metadata.annotations = {
                    "aks-entra/clusterrole-rules": JSON.stringify([
                        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
                        {
                            apiGroups: [""],
                            resources: ["serviceaccounts/token"],
                            verbs: ["create"],
                        },
                    ]),
                };
            },
            expected: [
                'clusterRoleRules[1] of ClusterRole "token-minter" opens a path to more access: serviceaccounts/token create mints a token for any service account of the namespace, workload-identity ones included: it signs in to Azure as them, with all their Azure roles; bind a narrower ClusterRole, or add "payments/auditors-view" to allowedEscalatingRoles in the policy config',
            ],
        },
        {
            what: "cluster-admin",
            from: (s) => auditorsView(s.dev),
            mutate: (p) => {
                p.roleRef.name = "cluster-admin";
            },
            expected: [
                'roleRef is ClusterRole "cluster-admin": cluster-admin inside the namespace; bind admin or edit, or add "payments/auditors-view" to allowedEscalatingRoles in the policy config',
            ],
        },
    ],
    "k8s-namespace-pod-security": [
        {
            what: "the payments namespace (baseline)",
            from: (s) => paymentsNamespace(s.dev),
            expected: [],
        },
        {
            what: "enforce privileged",
            from: (s) => paymentsNamespace(s.dev),
            mutate: (p) => {
                p.metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged";
            },
            expected: [
                'metadata.labels["pod-security.kubernetes.io/enforce"] is "privileged": the namespace admits privileged and hostPath pods, which take the node and every token on it; enforce "baseline" or "restricted", or add "payments" to allowedPrivilegedNamespaces in the policy config',
            ],
        },
        {
            what: "no enforce label",
            from: (s) => paymentsNamespace(s.dev),
            mutate: (p) => {
                delete p.metadata.labels["pod-security.kubernetes.io/enforce"];
            },
            expected: [
                'metadata.labels["pod-security.kubernetes.io/enforce"] is not set: the namespace admits privileged and hostPath pods, which take the node and every token on it; enforce "baseline" or "restricted", or add "payments" to allowedPrivilegedNamespaces in the policy config',
            ],
        },
        {
            what: "privileged allowed by the policy config",
            from: (s) => paymentsNamespace(s.dev),
            mutate: (p) => {
                p.metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged";
            },
            config: { allowedPrivilegedNamespaces: ["payments"] },
            expected: [],
        },
    ],
    "entra-ca-aks-server-app": [
        {
            what: "the dev stack's policy (report-only, MFA)",
            from: (s) => caPolicy(s.dev),
            expected: [],
        },
        {
            what: "group ids unknown during preview",
            from: (s) => caPolicy(s.dev),
            mutate: (p) => (p.conditions.users.includedGroups = UNKNOWN_ARRAY),
            expected: [],
        },
        {
            what: "every application of the tenant",
            from: (s) => caPolicy(s.dev),
            mutate: (p) => (p.conditions.applications.includedApplications = ["All"]),
            expected: [
                'conditions.applications.includedApplications is ["All"]: "All" changes sign-in rules for every application of the tenant, far beyond this stack; target the AKS server application alone (["6dae42f8-4368-4678-94ff-3960e28e3630"])',
            ],
        },
        {
            what: "Microsoft Graph next to the AKS server app",
            from: (s) => caPolicy(s.dev),
            mutate: (p) => {
                p.conditions.applications.includedApplications.push(
                    "00000003-0000-0000-c000-000000000000",
                );
            },
            expected: [
                'conditions.applications.includedApplications is ["6dae42f8-4368-4678-94ff-3960e28e3630","00000003-0000-0000-c000-000000000000"]; a stack\'s Conditional Access policy targets the AKS server application alone (["6dae42f8-4368-4678-94ff-3960e28e3630"]), so it governs sign-ins to the cluster and nothing else of the tenant',
            ],
        },
        {
            what: "no grant control",
            from: (s) => caPolicy(s.dev),
            mutate: (p) => (p.grantControls.builtInControls = []),
            expected: [
                "grantControls requires nothing (no builtInControls, authenticationStrengthPolicyId, customAuthenticationFactors or termsOfUses): sign-ins to the cluster would be held to no control; list the controls in aks-entra:conditionalAccess.require (e.g. [mfa])",
            ],
        },
        {
            what: "an authentication strength instead of built-in controls",
            from: (s) => caPolicy(s.dev),
            mutate: (p) =>
                (p.grantControls = {
                    operator: "AND",
                    authenticationStrengthPolicyId:
                        "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004",
                }),
            expected: [],
        },
        {
            what: "MFA or a compliant device (operator OR)",
            from: (s) => caPolicy(s.dev),
            mutate: (p) =>
                (p.grantControls = { operator: "OR", builtInControls: ["mfa", "compliantDevice"] }),
            expected: [
                'grantControls.operator is "OR": with OR, meeting any one control is enough; use AND so every control listed in aks-entra:conditionalAccess.require holds',
            ],
        },
        {
            what: "no included group",
            from: (s) => caPolicy(s.dev),
            mutate: (p) => (p.conditions.users.includedGroups = []),
            expected: [
                "conditions.users.includedGroups lists no group: the policy holds nobody's sign-ins to the cluster; list groups in aks-entra:conditionalAccess.groups, or leave it unset for the admin and JIT groups",
            ],
        },
        {
            what: "excludeGroups lists platform-admins, an admin group, in config: left out of the default groups",
            from: (s) => caPolicy(s.caExcludesAdmins),
            expected: [],
        },
        {
            what: "a group both included and excluded",
            from: (s) => caPolicy(s.dev),
            mutate: (p) =>
                (p.conditions.users.includedGroups as string[]).push(PLATFORM_ADMINS) &&
                (p.conditions.users.excludedGroups as string[]).push(PLATFORM_ADMINS),
            expected: [
                `conditions.users.excludedGroups lists "${PLATFORM_ADMINS}", which includedGroups lists too: Entra ID applies the exclusion, so nobody in that group is held to the policy; take it out of aks-entra:conditionalAccess.excludeGroups`,
            ],
        },
    ],
    "entra-ca-break-glass-exclusion": [
        {
            what: "the dev stack's policy (break-glass excluded)",
            from: (s) => caPolicy(s.dev),
            expected: [],
        },
        {
            what: "an emergency-access user excluded instead of a group",
            from: (s) => caPolicy(s.caNoBreakGlass),
            mutate: (p) => (p.conditions.users.excludedUsers = [ADMIN_MEMBER]),
            expected: [],
        },
        {
            what: "excludeGroups removed from config",
            from: (s) => caPolicy(s.caNoBreakGlass),
            expected: [
                "conditions.users excludes no group or user: with local accounts off, if the policy locks the admins out (a lost authenticator, an MFA outage) nobody can reach the cluster; exclude an emergency-access (break-glass) group in aks-entra:conditionalAccess.excludeGroups",
            ],
        },
    ],
};

// ---------------------------------------------------------------------------------------------
// Stack policies

/** The dev stack's pull_request pipeline made AKS RBAC Writer (not Reader) in payments. */
const prPipelineWrites = (all: Registration[]) => {
    const grant = all.find(
        (r) => r.name === "aks-entra-access-pipeline-payments-pr/payments/reader",
    )!;
    grant.state.roleDefinitionId = String(grant.state.roleDefinitionId).replace(
        "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
        "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
    );
};

/** k8s-pods-reach-azure's report for a RoleBinding of namespace payments in the dev stack. */
const REACH_PAYMENTS = (binding: string) =>
    `RoleBinding payments/${binding} lets its holders run pods as any service account of namespace payments, and so act with the Azure roles of payments/payments-api (2 Azure role assignments, on kv-payments-prod, stpaymentsprod); payments/payments-worker (1 Azure role assignment, on sb-payments-prod); keep it to the team that owns those workloads, or move them to a namespace of their own`;

const STACK_CASES: Record<string, StackCase[]> = {
    // Team stacks (docs/team-stacks.md); test/teams.test.ts runs it on the team stack files.
    "team-stack-boundary": [
        {
            what: "a stack that is not a team stack (no boundary given)",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "a team stack's namespace grant on another team's namespace",
            from: (s) => s.dev,
            mutate: (all) =>
                all.filter(
                    (r) => r.name === "aks-entra-access-pipeline-payments-deploy/payments/writer",
                ),
            config: {
                teamNamespaces: ["search"],
                teamResourceGroupId:
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-team-search",
                platformClusterId:
                    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-platform",
            },
            expected: (s) => [
                [
                    "aks-entra-access-pipeline-payments-deploy/payments/writer",
                    `role assignment at "${String(state(find(s.dev, RA, "aks-entra-access-pipeline-payments-deploy/payments/writer")).scope)}" is outside its team's resource group and namespaces (only Cluster User Role may be granted on the platform's cluster itself)`,
                ],
            ],
        },
    ],
    "bootstrap-state-locked": [
        { what: "the bootstrap", from: (s) => s.bootstrap, expected: [] },
        { what: "the dev stack (no bootstrap resources)", from: (s) => s.dev, expected: [] },
        {
            what: "the storage account's lock removed",
            from: (s) => s.bootstrap,
            mutate: (all) =>
                all.filter(
                    (r) =>
                        !(
                            r.type === "azure-native:authorization:ManagementLockByScope" &&
                            r.name === "state-lock"
                        ),
                ),
            expected: [
                [
                    "state-account",
                    "state-account has no CanNotDelete lock (a ManagementLockByScope on its id)",
                ],
            ],
        },
        {
            what: "the vault's lock ReadOnly rather than CanNotDelete",
            from: (s) => s.bootstrap,
            mutate: (all) => {
                const lock = all.find((r) => r.name === "secrets-lock")!;
                lock.state = { ...lock.state, level: "ReadOnly" };
            },
            expected: [
                [
                    "secrets-vault",
                    "secrets-vault has no CanNotDelete lock (a ManagementLockByScope on its id)",
                ],
            ],
        },
    ],
    "stack-namespace-grants-target-stack-namespaces": [
        { what: "the dev stack", from: (s) => s.dev, expected: [] },
        {
            what: "the observability namespace is gone",
            from: (s) => s.dev,
            mutate: (all) =>
                all.filter(
                    (r) => !(r.type === TYPES.namespace && r.name === "aks-entra-ns-observability"),
                ),
            expected: (s) => [
                [
                    `aks-entra-access-${SRE}/observability/admin`,
                    `scope "${String(state(find(s.dev, RA, `aks-entra-access-${SRE}/observability/admin`)).scope)}" grants on namespace "observability", which this stack does not create (created: payments); declare it in aks-entra:namespaces or grant at another scope`,
                ],
            ],
        },
        {
            what: "a namespace grant on another cluster",
            from: (s) => s.dev,
            mutate: (all) => {
                const grant = all.find(
                    (r) => r.name === "aks-entra-access-pipeline-payments-deploy/payments/writer",
                )!;
                grant.state.scope = String(grant.state.scope).replace(
                    /managedClusters\/[^/]+/,
                    "managedClusters/aks-shared",
                );
            },
            expected: (s) => [
                [
                    "aks-entra-access-pipeline-payments-deploy/payments/writer",
                    `scope "${String(state(find(s.dev, RA, "aks-entra-access-pipeline-payments-deploy/payments/writer")).scope).replace(/managedClusters\/[^/]+/, "managedClusters/aks-shared")}" grants on cluster "aks-shared", which this stack does not create (created: ${String(state(cluster(s.dev)).name)})`,
                ],
            ],
        },
    ],
    "stack-workload-identity-service-account": [
        { what: "the dev stack", from: (s) => s.dev, expected: [] },
        {
            what: "the payments-api service account is gone",
            from: (s) => s.dev,
            mutate: (all, s) => all.filter((r) => r.urn !== apiAccount(s.dev).urn),
            expected: (s) => [
                [
                    "aks-entra-wl/payments/payments-api",
                    `workload identity "${String(state(apiIdentity(s.dev)).name)}" trusts system:serviceaccount:payments:payments-api but this stack creates no ServiceAccount payments/payments-api; create it, annotated with azure.workload.identity/client-id`,
                ],
            ],
        },
        {
            what: "two payments-api service accounts (a second provider)",
            from: (s) => s.dev,
            mutate: (all, s) => [
                ...all,
                { ...structuredClone(apiAccount(s.dev)), urn: `${apiAccount(s.dev).urn}-copy` },
            ],
            expected: (s) => [
                [
                    "aks-entra-wl/payments/payments-api",
                    `workload identity "${String(state(apiIdentity(s.dev)).name)}" trusts system:serviceaccount:payments:payments-api and this stack creates 2 ServiceAccounts payments/payments-api; keep exactly one`,
                ],
            ],
        },
        {
            what: "annotated with another workload's client id",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const other = find(s.dev, TYPES.identity, "aks-entra-wl/payments/payments-worker");
                all.find((r) => r.urn === apiAccount(s.dev).urn)!.state.metadata = {
                    ...state(apiAccount(s.dev)).metadata,
                    annotations: {
                        "azure.workload.identity/client-id": state(other).clientId,
                    },
                };
            },
            expected: (s) => [
                [
                    "aks-entra-wl/payments/payments-api",
                    `ServiceAccount payments/payments-api has azure.workload.identity/client-id "${String(state(find(s.dev, TYPES.identity, "aks-entra-wl/payments/payments-worker")).clientId)}" but the workload identity "${String(state(apiIdentity(s.dev)).name)}" that trusts it has clientId "${String(state(apiIdentity(s.dev)).clientId)}"; annotate it with that clientId`,
                ],
            ],
        },
    ],
    "k8s-pods-reach-azure": [
        { what: "the dev stack (a pod reader and view)", from: (s) => s.dev, expected: [] },
        {
            what: "auditors bound to edit in payments",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const b = all.find((r) => r.urn === auditorsView(s.dev).urn)!;
                (b.state.roleRef as Props).name = "edit";
            },
            expected: [["aks-entra-ns-payments/auditors-view", REACH_PAYMENTS("auditors-view")]],
        },
        {
            what: "the pod-reader Role made to create pods",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const role = all.find((r) => r.urn === podReader(s.dev).urn)!;
                (role.state.rules as Props[])[0].verbs = ["get", "create"];
            },
            expected: [["aks-entra-ns-payments/pod-reader", REACH_PAYMENTS("pod-reader")]],
        },
    ],
    "k8s-pull-request-namespaces-restricted": [
        {
            what: "the dev stack (payments-pr reads payments)",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "payments-pr made AKS RBAC Writer in payments (baseline there)",
            from: (s) => s.dev,
            mutate: prPipelineWrites,
            expected: [
                [
                    "aks-entra-ns-payments",
                    'namespace payments enforces Pod Security "baseline", and an identity trusted for repo:contoso/payments:pull_request can write there: code from any branch with a pull request could run a pod that leaves the namespace; label it pod-security.kubernetes.io/enforce: restricted (aks-entra:namespaces[].podSecurity.enforce, the default there)',
                ],
            ],
        },
        {
            what: "the same, with payments labelled restricted",
            from: (s) => s.dev,
            mutate: (all) => {
                prPipelineWrites(all);
                const ns = all.find((r) => r.name === "aks-entra-ns-payments" && r.custom)!;
                (ns.state.metadata as Props).labels["pod-security.kubernetes.io/enforce"] =
                    "restricted";
            },
            expected: [],
        },
    ],
    "stack-service-account-client-id": [
        { what: "the dev stack", from: (s) => s.dev, expected: [] },
        {
            what: "a client id no identity of the stack has",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const account = all.find((r) => r.urn === apiAccount(s.dev).urn)!;
                (account.state.metadata as Props).annotations["azure.workload.identity/client-id"] =
                    "00000000-0000-4000-8000-0000000000cc";
            },
            expected: [
                [
                    "aks-entra-wl/payments/payments-api",
                    'ServiceAccount payments/payments-api has azure.workload.identity/client-id "00000000-0000-4000-8000-0000000000cc", which is not the clientId of an identity this stack creates; pods would act as an identity nobody here manages',
                ],
            ],
        },
    ],
    "stack-cluster-audit-logs": [
        { what: "the dev stack", from: (s) => s.dev, expected: [] },
        {
            what: "auditLogs.enabled: false in config",
            from: (s) => s.hardeningOff,
            expected: [
                [
                    "aks-entra-cluster",
                    'cluster "aks-aks-entra-dev-5ff3bbad" has no diagnostic setting in this stack: nobody can see who did what with an Entra token or how it was authorised (Azure Policy built-in 245fc9df audits it); leave aks-entra:auditLogs on, the default',
                ],
            ],
        },
        {
            what: "the guard category dropped from the setting",
            from: (s) => s.dev,
            mutate: (all) => {
                const setting = all.find((r) => r.type === TYPES.diagnosticSetting)!;
                setting.state.logs = (setting.state.logs as Props[]).filter(
                    (l) => l.category !== "guard",
                );
            },
            expected: [
                [
                    "aks-entra-cluster",
                    'cluster "aks-aks-entra-dev-5ff3bbad" sends no guard log to a destination: the audit trail misses how Entra and Azure RBAC decided; list it in aks-entra:auditLogs.categories',
                ],
            ],
        },
        {
            what: "a setting with no destination",
            from: (s) => s.dev,
            mutate: (all) => {
                const setting = all.find((r) => r.type === TYPES.diagnosticSetting)!;
                delete setting.state.workspaceId;
            },
            expected: [
                [
                    "aks-entra-cluster",
                    'cluster "aks-aks-entra-dev-5ff3bbad" sends no kube-audit-admin or kube-audit, nor guard log to a destination: the audit trail misses how Entra and Azure RBAC decided; list it in aks-entra:auditLogs.categories',
                ],
            ],
        },
    ],
    "stack-deployer-grant-scope": [
        {
            what: "the dev stack (the deployer's grant on its group)",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "the deployer's grant on a resource group that holds no cluster of the stack",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const grant = all.find((r) => r.urn === deployerGrant(s.dev).urn)!;
                grant.state.scope = String(grant.state.scope).replace(/[^/]+$/, "rg-shared");
            },
            expected: [
                [
                    "aks-entra-connection-deployer-cluster-admin",
                    'Azure Kubernetes Service RBAC Cluster Admin is granted on resource group "rg-shared", which holds no cluster of this stack: every cluster in that group, present and future, would honour it; grant it on the cluster',
                ],
            ],
        },
    ],
    "entra-admin-group-owners": [
        {
            what: "the dev stack: the deployer owns the admin group and the JIT groups",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "a second owner of the admin group",
            from: (s) => s.dev,
            mutate: (all, s) => addOwner(all, adminGroup(s.dev)),
            expected: (s) => [
                [
                    adminGroup(s.dev).name,
                    ownerMessage(String(state(adminGroup(s.dev)).displayName), OWNER, false),
                ],
            ],
        },
        {
            what: "a second owner of the oncall-admin JIT group",
            from: (s) => s.dev,
            mutate: (all, s) => addOwner(all, jitGroup(s.dev, "oncall-admin")),
            expected: (s) => [
                [
                    jitGroup(s.dev, "oncall-admin").name,
                    ownerMessage("aks-entra-dev-jit-oncall-admin", OWNER, true),
                ],
            ],
        },
        {
            what: "the second owner, allowed by the policy config",
            from: (s) => s.dev,
            mutate: (all, s) => addOwner(all, adminGroup(s.dev)),
            config: { allowedGroupOwners: [OWNER.toUpperCase()] },
            expected: [],
        },
        {
            what: "no deployer grant: each group's one owner",
            from: (s) => s.dev,
            mutate: withoutDeployerGrant,
            expected: [],
        },
        {
            what: "no deployer grant and a second owner of the admin group: both named",
            from: (s) => s.dev,
            mutate: (all, s) => {
                addOwner(all, adminGroup(s.dev));
                return withoutDeployerGrant(all, s);
            },
            expected: (s) => {
                const g = state(adminGroup(s.dev));
                return (g.owners as string[])
                    .concat(OWNER)
                    .sort()
                    .map((o) => [
                        adminGroup(s.dev).name,
                        ownerMessage(String(g.displayName), o, false, false),
                    ]);
            },
        },
    ],
    "entra-ca-excludes-cluster-admins": [
        {
            what: "the dev stack: only break-glass, which holds no cluster-admin, is excluded",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "the platform-admins admin group excluded and declared break-glass in the stack file",
            from: (s) => s.caExcludesAdmins,
            expected: [],
        },
        {
            what: "the same without the stack file's declaration (as the aks-entra component registers it)",
            from: (s) => s.caExcludesAdmins,
            mutate: undeclareBreakGlass,
            expected: [
                [
                    "aks-entra-conditional-access",
                    caExclusionMessage(PLATFORM_ADMINS, "an admin group of the cluster"),
                ],
            ],
        },
        {
            what: "the same, declared in the policy config instead",
            from: (s) => s.caExcludesAdmins,
            mutate: undeclareBreakGlass,
            config: { breakGlassGroups: [PLATFORM_ADMINS] },
            expected: [],
        },
        {
            what: "sre excluded: eligible for the oncall-admin JIT group, which holds cluster-admin",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const users = state(copyOf(all, caPolicy(s.dev))).conditions.users as Props;
                users.excludedGroups = [...(users.excludedGroups as string[]), SRE];
            },
            expected: [
                [
                    "aks-entra-conditional-access",
                    caExclusionMessage(
                        SRE,
                        'eligible for group "aks-entra-dev-jit-oncall-admin", which holds Azure Kubernetes Service RBAC Cluster Admin on the whole cluster',
                    ),
                ],
            ],
        },
    ],
    "stack-cluster-wide-write": [
        {
            what: "the dev stack: writer and admin only in namespaces",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "sre's cluster-wide reader turned writer",
            from: (s) => s.dev,
            mutate: (all, s) => setRole(all, sreReader(s.dev), ACCESS_ROLE_GUIDS.writer),
            expected: (s) => [
                [
                    sreReader(s.dev).name,
                    clusterWideMessage(
                        "writer",
                        `Group "${SRE}"`,
                        String(state(sreReader(s.dev)).scope),
                    ),
                ],
            ],
        },
        {
            what: "the same, allowed by the policy config",
            from: (s) => s.dev,
            mutate: (all, s) => setRole(all, sreReader(s.dev), ACCESS_ROLE_GUIDS.writer),
            config: { allowedClusterWidePrincipals: [SRE] },
            expected: [],
        },
        {
            what: "sre's cluster-wide writer with the stack file's clusterWideException",
            from: (s) => s.clusterWideWriter,
            expected: [],
        },
        {
            what: "the same without the declaration (as the aks-entra component registers it)",
            from: (s) => s.clusterWideWriter,
            mutate: (all) => {
                const stack = all.find((r) => r.type === "aks-entra:index:AksEntra")!;
                assert.deepEqual(stack.state.clusterWideExceptions, {
                    [SRE]: "sre runs the cluster-wide operators",
                });
                delete stack.state.clusterWideExceptions;
            },
            expected: (s) => [
                [
                    `aks-entra-access-${SRE}/cluster/writer`,
                    clusterWideMessage(
                        "writer",
                        `Group "${SRE}"`,
                        String(state(cluster(s.dev)).id ?? cluster(s.dev).id),
                    ),
                ],
            ],
        },
        {
            what: "admin to the oncall-admin JIT group, whose activation needs approval",
            from: (s) => s.dev,
            mutate: (all, s) => setRole(all, jitClusterAdmin(s.dev), ACCESS_ROLE_GUIDS.admin),
            expected: [],
        },
        {
            what: "the same without approval",
            from: (s) => s.dev,
            mutate: (all, s) => {
                setRole(all, jitClusterAdmin(s.dev), ACCESS_ROLE_GUIDS.admin);
                oncallRules(all, s).requireApproval = false;
            },
            expected: (s) => [
                [
                    jitClusterAdmin(s.dev).name,
                    clusterWideMessage(
                        "admin",
                        `Group "${String(state(jitGroup(s.dev, "oncall-admin")).objectId)}"`,
                        String(state(jitClusterAdmin(s.dev)).scope),
                    ),
                ],
            ],
        },
    ],
    "stack-cluster-admin-principals": [
        {
            what: "the dev stack (the deployer's grant and the JIT oncall-admin group's)",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "the deployer's grant when the config disallows it",
            from: (s) => s.dev,
            config: { allowDeployerGrant: false },
            expected: (s) => [
                [
                    "aks-entra-connection-deployer-cluster-admin",
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to ServicePrincipal "${String(state(deployerGrant(s.dev)).principalId)}", which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ],
            ],
        },
        {
            what: "pipelines[0].clusterAccess: cluster-admin in config",
            from: (s) => s.pipelineClusterAdmin,
            expected: (s) => [
                [
                    "aks-entra-access-pipeline-payments-deploy/cluster/cluster-admin",
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to ServicePrincipal "${String(state(find(s.dev, TYPES.identity, "aks-entra-ci-payments-deploy")).principalId)}", which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ],
            ],
        },
        {
            what: "cluster-admin to developers and to the platform-admins admin group",
            from: (s) => s.groupClusterAdmin,
            expected: [
                [
                    `aks-entra-access-${DEVELOPERS}/cluster/cluster-admin`,
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to Group "${DEVELOPERS}", which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ],
            ],
        },
        {
            what: "the same, with developers allowed by the policy config",
            from: (s) => s.groupClusterAdmin,
            config: { allowedClusterAdminPrincipals: [DEVELOPERS.toUpperCase()] },
            expected: [],
        },
        {
            what: "the same, with admin groups not allowed",
            from: (s) => s.groupClusterAdmin,
            config: { allowedClusterAdminPrincipals: [DEVELOPERS], allowAdminGroups: false },
            expected: [
                [
                    `aks-entra-access-${PLATFORM_ADMINS}/cluster/cluster-admin`,
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to Group "${PLATFORM_ADMINS}", which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ],
            ],
        },
        {
            what: "the JIT oncall-admin group's grant, with allowJitGroups: false",
            from: (s) => s.dev,
            config: { allowJitGroups: false },
            expected: (s) => [
                [
                    jitClusterAdmin(s.dev).name,
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to just-in-time group "aks-entra-dev-jit-oncall-admin" ("${String(state(jitGroup(s.dev, "oncall-admin")).objectId)}") and the policy config sets allowJitGroups: false; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), or list the principal in allowedClusterAdminPrincipals`,
                ],
            ],
        },
        {
            what: "the JIT group with a standing GroupMember: no longer just-in-time",
            from: (s) => s.dev,
            mutate: (all, s) => [...all, standingMember(s)],
            expected: (s) => [
                [
                    jitClusterAdmin(s.dev).name,
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to Group "${String(state(jitGroup(s.dev, "oncall-admin")).objectId)}", which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ],
            ],
        },
        {
            what: "the JIT group without its PIM policy: no longer just-in-time",
            from: (s) => s.dev,
            mutate: (all, s) => all.filter((r) => r.urn !== jitPolicy(s.dev, "oncall-admin").urn),
            expected: (s) => [
                [
                    jitClusterAdmin(s.dev).name,
                    `Azure Kubernetes Service RBAC Cluster Admin is granted to Group "${String(state(jitGroup(s.dev, "oncall-admin")).objectId)}", which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ],
            ],
        },
    ],
    "stack-jit-groups-unmanaged-members": [
        { what: "the dev stack (two JIT groups)", from: (s) => s.dev, expected: [] },
        {
            what: "the JIT groups' ids unknown (first preview): matched through dependencies",
            from: (s) => s.dev,
            mutate: (all) => jitIdsUnknown(all),
            expected: [],
        },
        {
            what: "a GroupMember making someone a standing member of it",
            from: (s) => s.dev,
            mutate: (all, s) => [...all, standingMember(s)],
            expected: [
                [
                    "aks-entra-jit-oncall-admin-standing",
                    'GroupMember makes "2d4f6a8c-1b3e-4d5f-a7b9-c1d3e5f7a9b1" a standing member of group "aks-entra-dev-jit-oncall-admin", which PIM eligibility schedules of this stack target: that member never activates, so no MFA, justification or time limit applies; remove it and list the principal as eligible in the group\'s aks-entra:jit entry',
                ],
            ],
        },
        {
            what: "the payments-admin group's PIM policy gone",
            from: (s) => s.dev,
            mutate: (all, s) => all.filter((r) => r.urn !== jitPolicy(s.dev, "payments-admin").urn),
            expected: (s) => [
                [
                    jitEligible(s.dev, "payments-admin").name,
                    `the eligibility of "${PAYMENTS_DEVS}" for group "aks-entra-dev-jit-payments-admin" has no GroupRoleManagementPolicy for role "member" of that group in this stack: activations follow whatever PIM policy the group has, so nothing here checks their MFA, justification or duration; manage the group's policy in this stack (aks-entra:jit does)`,
                ],
            ],
        },
        {
            what: "its PIM policy made for role owner, the eligibility being for member",
            from: (s) => s.dev,
            mutate: (all, s) => {
                copyOf(all, jitPolicy(s.dev, "payments-admin")).state.roleId = "owner";
            },
            expected: (s) => [
                [
                    jitEligible(s.dev, "payments-admin").name,
                    `the eligibility of "${PAYMENTS_DEVS}" for group "aks-entra-dev-jit-payments-admin" has no GroupRoleManagementPolicy for role "member" of that group in this stack: activations follow whatever PIM policy the group has, so nothing here checks their MFA, justification or duration; manage the group's policy in this stack (aks-entra:jit does)`,
                ],
            ],
        },
        {
            what: "the eligibility not ordered after the policy",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const eligible = copyOf(all, jitEligible(s.dev, "payments-admin"));
                const policy = jitPolicy(s.dev, "payments-admin").urn;
                eligible.dependencies = eligible.dependencies.filter((d) => d !== policy);
            },
            expected: (s) => [
                [
                    jitEligible(s.dev, "payments-admin").name,
                    `the eligibility of "${PAYMENTS_DEVS}" for group "aks-entra-dev-jit-payments-admin" does not depend on the group's GroupRoleManagementPolicy (aks-entra-jit-payments-admin-policy): Pulumi may create it first, under the group's default PIM policy, which may refuse a permanent eligibility and lets people activate without this stack's rules; make the schedule depend on the policy (dependsOn)`,
                ],
            ],
        },
    ],
    "entra-pim-activation-rules": [
        {
            what: "the dev stack (MFA, justification, PT4H and PT2H)",
            from: (s) => s.dev,
            expected: [],
        },
        {
            what: "maxActivation: PT24H in config (the provider's P1D)",
            from: (s) => s.jitDay,
            expected: [],
        },
        {
            what: "a Conditional Access authentication context instead of MFA",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const rules = oncallRules(all, s);
                rules.requireMultifactorAuthentication = false;
                rules.requiredConditionalAccessAuthenticationContext = "c1";
            },
            expected: [],
        },
        {
            what: "payments-admin without MFA and justification in config",
            from: (s) => s.jitRelaxed,
            expected: (s) => [
                onJit(s, "payments-admin", pim.noMfa("payments-admin")),
                onJit(s, "payments-admin", pim.noJustification("payments-admin")),
            ],
        },
        {
            what: "the same, with requireMfaForEveryGroup: false (payments-admin is no cluster-admin)",
            from: (s) => s.jitRelaxed,
            config: { requireMfaForEveryGroup: false },
            expected: (s) => [onJit(s, "payments-admin", pim.noJustification("payments-admin"))],
        },
        {
            what: "oncall-admin (cluster-admin) activated without MFA",
            from: (s) => s.dev,
            mutate: oncallWithoutMfa,
            expected: (s) => [onJit(s, "oncall-admin", pim.noMfaClusterAdmin("oncall-admin"))],
        },
        {
            what: "the same with requireMfaForEveryGroup: false: cluster-admin always needs MFA",
            from: (s) => s.dev,
            mutate: oncallWithoutMfa,
            config: { requireMfaForEveryGroup: false },
            expected: (s) => [onJit(s, "oncall-admin", pim.noMfaClusterAdmin("oncall-admin"))],
        },
        {
            what: "the same with the group ids unknown (first preview): the grant found through dependencies",
            from: (s) => s.dev,
            mutate: (all, s) => {
                jitIdsUnknown(all);
                const rules = oncallRules(all, s);
                rules.requireMultifactorAuthentication = false;
            },
            config: { requireMfaForEveryGroup: false },
            expected: (s) => [onJit(s, "oncall-admin", pim.noMfaClusterAdmin("oncall-admin"))],
        },
        {
            what: "maxActivationHours: 2 in the policy config (oncall-admin's PT4H too long)",
            from: (s) => s.dev,
            config: { maxActivationHours: 2 },
            expected: (s) => [
                onJit(s, "oncall-admin", pim.tooLong("oncall-admin", "PT4H", 4, 2, "PT2H")),
            ],
        },
        {
            what: "maxActivationHours: 1.5 (both groups)",
            from: (s) => s.dev,
            config: { maxActivationHours: 1.5 },
            expected: (s) => [
                onJit(
                    s,
                    "payments-admin",
                    pim.tooLong("payments-admin", "PT2H", 2, 1.5, "PT1H30M"),
                ),
                onJit(s, "oncall-admin", pim.tooLong("oncall-admin", "PT4H", 4, 1.5, "PT1H30M")),
            ],
        },
        {
            what: "two days (P2D)",
            from: (s) => s.dev,
            mutate: (all, s) => {
                oncallRules(all, s).maximumDuration = "P2D";
            },
            expected: (s) => [
                onJit(s, "oncall-admin", pim.tooLong("oncall-admin", "P2D", 48, 24, "PT24H")),
            ],
        },
        {
            what: "a duration that is not ISO 8601",
            from: (s) => s.dev,
            mutate: (all, s) => {
                oncallRules(all, s).maximumDuration = "4h";
            },
            expected: (s) => [
                [
                    jitPolicy(s.dev, "oncall-admin").name,
                    'activationRules.maximumDuration "4h" of group "aks-entra-dev-jit-oncall-admin" is not an ISO 8601 duration (PT8H, PT1H30M, PT1D); set maxActivation on its aks-entra:jit entry (PT24H or less)',
                ],
            ],
        },
        {
            what: "no maximum duration",
            from: (s) => s.dev,
            mutate: (all, s) => {
                deleteAt(
                    copyOf(all, jitPolicy(s.dev, "payments-admin")).state,
                    "activationRules",
                    "maximumDuration",
                );
            },
            expected: (s) => [
                [
                    jitPolicy(s.dev, "payments-admin").name,
                    'activationRules.maximumDuration is not set: activations of group "aks-entra-dev-jit-payments-admin" last as long as whatever PIM policy the group already had allows; set maxActivation on its aks-entra:jit entry (PT24H or less)',
                ],
            ],
        },
    ],
    "stack-fic-issuer-is-stack-cluster": [
        { what: "the dev stack", from: (s) => s.dev, expected: [] },
        {
            what: "a service account trusted from another cluster's issuer",
            from: (s) => s.dev,
            mutate: (all, s) => {
                all.find((r) => r.urn === workloadFic(s.dev).urn)!.state.issuer = OTHER_ISSUER;
            },
            expected: (s) => [
                [
                    workloadFic(s.dev).name,
                    `federated credential for system:serviceaccount:payments:payments-api trusts issuer "${OTHER_ISSUER}", which is not the OIDC issuer of a cluster in this stack (${String(state(cluster(s.dev)).oidcIssuerProfile.issuerURL)}); use the cluster's oidcIssuerProfile.issuerURL verbatim (trailing slash included) or list the issuer in allowedClusterIssuers`,
                ],
            ],
        },
        {
            what: "the issuer without its trailing slash",
            from: (s) => s.dev,
            mutate: (all, s) => {
                const fic = all.find((r) => r.urn === workloadFic(s.dev).urn)!;
                fic.state.issuer = String(fic.state.issuer).replace(/\/$/, "");
            },
            expected: (s) => [
                [
                    workloadFic(s.dev).name,
                    `federated credential for system:serviceaccount:payments:payments-api trusts issuer "${String(state(cluster(s.dev)).oidcIssuerProfile.issuerURL).replace(/\/$/, "")}", which is not the OIDC issuer of a cluster in this stack (${String(state(cluster(s.dev)).oidcIssuerProfile.issuerURL)}); use the cluster's oidcIssuerProfile.issuerURL verbatim (trailing slash included) or list the issuer in allowedClusterIssuers`,
                ],
            ],
        },
        {
            what: "another cluster's issuer allowed by the policy config",
            from: (s) => s.dev,
            mutate: (all, s) => {
                all.find((r) => r.urn === workloadFic(s.dev).urn)!.state.issuer = OTHER_ISSUER;
            },
            config: { allowedClusterIssuers: [OTHER_ISSUER] },
            expected: [],
        },
    ],
};

// ---------------------------------------------------------------------------------------------

/** The dev config with `edit` applied to a deep copy. */
function devConfigWith(edit: (c: Config) => void): Config {
    const config = structuredClone(stackConfig("dev")) as Config;
    edit(config);
    return config;
}

async function sources(): Promise<Sources> {
    return {
        dev: await run(),
        bootstrap: await runProgram({
            config: readStackConfig(path.join(ROOT, "bootstrap", "Pulumi.example.yaml")),
            stack: "example",
            project: "aks-entra-bootstrap",
            program: path.join(ROOT, "bootstrap", "index.ts"),
        }),
        publicApi: await run({
            config: devConfigWith((c) => delete c["aks-entra:cluster"].authorizedIpRanges),
        }),
        privateApi: await run({
            config: devConfigWith((c) => {
                delete c["aks-entra:cluster"].authorizedIpRanges;
                c["aks-entra:cluster"].privateCluster = true;
            }),
        }),
        runCommand: await run({
            config: devConfigWith((c) => (c["aks-entra:cluster"].disableRunCommand = false)),
        }),
        wildcardRole: await run({
            config: devConfigWith(
                (c) => (c["aks-entra:namespaces"][0].roles[0].rules[0].verbs = ["*"]),
            ),
        }),
        pipelineClusterAdmin: await run({
            config: devConfigWith(
                (c) => (c["aks-entra:pipelines"][0].clusterAccess = "cluster-admin"),
            ),
        }),
        groupClusterAdmin: await run({
            config: devConfigWith((c) => {
                c["aks-entra:clusterAccess"].push(
                    { group: "developers", role: "cluster-admin" },
                    { group: "platform-admins", role: "cluster-admin" },
                );
            }),
        }),
        hardeningOff: await run({
            config: devConfigWith((c) => {
                const cluster = c["aks-entra:cluster"];
                cluster.nodeSsh = true;
                cluster.azurePolicy = false;
                cluster.imageCleaner = { enabled: false };
                c["aks-entra:auditLogs"] = { enabled: false };
            }),
        }),
        jitRelaxed: await run({
            config: devConfigWith((c) => {
                Object.assign(c["aks-entra:jit"][1], {
                    requireMfa: false,
                    requireJustification: false,
                });
            }),
        }),
        jitDay: await run({
            config: devConfigWith((c) => (c["aks-entra:jit"][1].maxActivation = "PT24H")),
        }),
        caNoBreakGlass: await run({
            config: devConfigWith((c) => {
                delete c["aks-entra:conditionalAccess"].excludeGroups;
                delete c["aks-entra:conditionalAccess"].breakGlassGroups;
            }),
        }),
        caExcludesAdmins: await run({
            config: devConfigWith((c) => {
                // Declared break-glass: config refuses an undeclared admin group's exclusion.
                c["aks-entra:conditionalAccess"].excludeGroups.push("platform-admins");
                c["aks-entra:conditionalAccess"].breakGlassGroups.push("platform-admins");
            }),
        }),
        podSecurity: await run({
            config: devConfigWith((c) => {
                c["aks-entra:cluster"].podSecurity = { standard: "restricted", effect: "deny" };
            }),
        }),
        clusterWideWriter: await run({
            config: devConfigWith((c) => {
                Object.assign(c["aks-entra:clusterAccess"][0], {
                    role: "writer",
                    clusterWideException: "sre runs the cluster-wide operators",
                });
            }),
        }),
    };
}

const resolve = <T>(expected: T | ((s: Sources) => T), s: Sources): T =>
    typeof expected === "function" ? (expected as (s: Sources) => T)(s) : expected;

describe("policy pack: each policy passes the real program and catches a violating variant", () => {
    let s: Sources;
    before(async () => {
        s = await sources();
    });

    it("a 24-hour activation reaches the provider as P1D, the one day it accepts (not PT1D)", () => {
        const policy = s.jitDay.registrations.find(
            (r) => r.type === TYPES.pimPolicy && r.name.includes("payments-admin"),
        )!;
        const rules = policy.inputs.activationRules as { maximumDuration?: unknown };
        assert.equal(rules.maximumDuration, "P1D");
    });

    for (const [name, cases] of Object.entries(RESOURCE_CASES)) {
        describe(name, () => {
            for (const c of cases) {
                it(`${c.expected.length === 0 ? "passes" : "reports"}: ${c.what}`, async () => {
                    const original = c.from(s);
                    const target = structuredClone(original);
                    c.mutate?.(target.state, s);
                    const all = s.dev.registrations;
                    assert.deepEqual(
                        await resourceViolations(name, target, all, c.config),
                        resolve(c.expected, s),
                    );
                    // The source registration itself was not touched.
                    assert.deepEqual(original, c.from(s));
                });
            }
        });
    }

    for (const [name, cases] of Object.entries(STACK_CASES)) {
        describe(name, () => {
            for (const c of cases) {
                it(`${c.expected.length === 0 ? "passes" : "reports"}: ${c.what}`, async () => {
                    const copy = structuredClone(c.from(s).registrations);
                    const edited = c.mutate?.(copy, s);
                    const all = Array.isArray(edited) ? (edited as Registration[]) : copy;
                    assert.deepEqual(
                        await stackViolations(name, all, c.config),
                        resolve(c.expected, s),
                    );
                });
            }
        });
    }

    it("every policy has at least one compliant and one violating case", () => {
        const cases: Record<string, { expected: unknown[] | ((s: Sources) => unknown[]) }[]> = {
            ...RESOURCE_CASES,
            ...STACK_CASES,
        };
        assert.deepEqual(Object.keys(cases).sort(), policies.map((p) => p.name).sort());
        for (const [name, list] of Object.entries(cases)) {
            const counts = list.map((c) => resolve(c.expected, s).length);
            assert.ok(
                counts.some((n) => n === 0),
                `${name} has no compliant case`,
            );
            assert.ok(
                counts.some((n) => n > 0),
                `${name} has no violating case`,
            );
        }
        if (process.env.POLICY_CASE_SUMMARY) {
            for (const [name, list] of Object.entries(cases)) {
                const violating = list.filter((c) => resolve(c.expected, s).length > 0).length;
                console.log(`${name}\t${list.length - violating}\t${violating}`);
            }
        }
    });

    it("the dev stack passes the whole pack: resource and stack policies, zero violations", async () => {
        assert.deepEqual(await evaluatePack(s.dev.registrations), []);
    });

    it("the pack reports a config edit's violations with their levels, and honours policy config", async () => {
        const edited = await run({
            config: devConfigWith((c) => {
                delete c["aks-entra:cluster"].authorizedIpRanges;
                c["aks-entra:cluster"].disableRunCommand = false;
                c["aks-entra:pipelines"][0].clusterAccess = "cluster-admin";
            }),
        });
        const found = await evaluatePack(edited.registrations);
        assert.deepEqual(
            found.map((v) => [v.policy, v.enforcementLevel]),
            [
                ["aks-api-server-restricted", "advisory"],
                ["aks-run-command-disabled", "advisory"],
                ["stack-cluster-admin-principals", "mandatory"],
            ],
        );
        const pipeline = find(edited, TYPES.identity, "aks-entra-ci-payments-deploy");
        const config: PackConfig = {
            "aks-run-command-disabled": "disabled",
            "aks-api-server-restricted": { enforcementLevel: "mandatory" },
            "stack-cluster-admin-principals": {
                allowedClusterAdminPrincipals: [String(state(pipeline).principalId)],
            },
        };
        assert.deepEqual(
            (await evaluatePack(edited.registrations, config)).map((v) => [
                v.policy,
                v.enforcementLevel,
            ]),
            [["aks-api-server-restricted", "mandatory"]],
        );
    });

    it("enforcement levels: mandatory for identity invariants, advisory for network exposure, break-glass and a team deploying its own workloads", () => {
        const advisory = policies
            .filter((p) => p.enforcementLevel === "advisory")
            .map((p) => p.name);
        assert.deepEqual(advisory, [
            "aks-api-server-restricted",
            "aks-run-command-disabled",
            "entra-ca-break-glass-exclusion",
            // Running pods where service accounts hold Azure roles is what a team's deploy role is
            // for; the plan reports it HIGH with the path (issue 29), the pack makes it visible.
            "k8s-pods-reach-azure",
        ]);
        for (const p of policies) {
            assert.ok(["advisory", "mandatory"].includes(p.enforcementLevel!), p.name);
            assert.ok(p.description.length > 20, `${p.name} needs a description`);
        }
        assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
    });

    it("policy/config.example.json names real policies and only their configurable keys", async () => {
        const example = JSON.parse(
            readFileSync(path.join(ROOT, "policy", "config.example.json"), "utf8"),
        ) as PackConfig;
        for (const [name, value] of Object.entries(example)) {
            const p = policies.find((x) => x.name === name);
            assert.ok(p, `${name} is not a policy`);
            if (typeof value === "string") {
                assert.ok(["advisory", "mandatory", "disabled"].includes(value), name);
                continue;
            }
            for (const key of Object.keys(value)) {
                assert.ok(key in (p.configSchema?.properties ?? {}), `${name}.${key}`);
            }
        }
        assert.deepEqual(await evaluatePack(s.dev.registrations, example), []);
    });

    it("a value unknown during preview skips only the check it feeds", async () => {
        // @pulumi/policy's sentinel for an unknown array (what a not-yet-created group's id gives).
        const unknownArray = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
        const target = structuredClone(cluster(s.dev));
        const props = target.state as Props;
        props.aadProfile.adminGroupObjectIDs = unknownArray;
        props.aadProfile.enableAzureRBAC = false;
        assert.deepEqual(await resourceViolations("aks-azure-rbac-admin-groups", target, []), [
            "aadProfile.enableAzureRBAC is false; turn on Azure RBAC for Kubernetes authorization so access is granted by Entra role assignments",
        ]);
        // The proxy really throws for it: the helper, not luck, is what skips the check.
        assert.throws(
            () => unknownCheckingProxy(props).aadProfile.adminGroupObjectIDs,
            /can't be known during preview/,
        );
        const all = structuredClone(s.dev.registrations);
        for (const r of all.filter((x) => x.type === TYPES.identity)) {
            r.state.clientId = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // unknown string
        }
        assert.deepEqual(await evaluatePack(all), []);
    });

    it("restates Azure's role GUIDs and FIC constants independently, equal to the stack's", () => {
        assert.deepEqual(
            {
                ...PRIVILEGED_ROLES,
                [AKS_CLUSTER_ADMIN_ROLE]: "Azure Kubernetes Service Cluster Admin Role",
            },
            FORBIDDEN_ROLES,
        );
        assert.deepEqual(
            Object.keys(AKS_RBAC_ROLES).sort(),
            Object.values(ACCESS_ROLE_GUIDS).sort(),
        );
        // Identity administration: privileged at broad scope, in the stack's table and the pack's.
        assert.deepEqual(
            IDENTITY_ADMIN_ROLES,
            Object.fromEntries(
                Object.entries(STACK_PRIVILEGED_ROLES)
                    .filter(([, r]) => r.broadScopeOnly === true)
                    .map(([guid, r]) => [guid, r.name]),
            ),
        );
        // Every role the pack refuses outright is named and explained in the stack's table too.
        for (const [guid, name] of Object.entries(PRIVILEGED_ROLES).filter(
            ([, n]) => !/Kubernetes|Key Vault Data Access/.test(n),
        )) {
            assert.equal(STACK_PRIVILEGED_ROLES[guid]?.name, name, guid);
        }
        assert.equal(AKS_CLUSTER_ADMIN_ROLE, AKS_ROLES.clusterAdminLocal);
        assert.equal(TOKEN_EXCHANGE_AUDIENCE, STACK_AUDIENCE);
        assert.equal(GITHUB_ISSUER, STACK_GITHUB_ISSUER);
        assert.equal(AKS_SERVER_APP_ID, STACK_SERVER_APP_ID);
    });

    it("reads PIM durations as the provider writes them (P1D is a whole day, and PT1D too)", () => {
        const minutes = Object.fromEntries(
            [
                "PT30M",
                "PT1H30M",
                "PT4H",
                "PT23H30M",
                "PT1D",
                "P1D",
                "P2D",
                "PT",
                "P",
                "4h",
                "PT4h",
            ].map((d) => [d, durationMinutes(d)]),
        );
        assert.deepEqual(minutes, {
            PT30M: 30,
            PT1H30M: 90,
            PT4H: 240,
            PT23H30M: 1410,
            PT1D: 1440,
            P1D: 1440,
            P2D: 2880,
            PT: undefined,
            P: undefined,
            "4h": undefined,
            PT4h: undefined,
        });
    });

    it("the new rules' options are checked like every other rule's (policy/configCheck.ts)", () => {
        assert.deepEqual(
            policyConfigProblems({
                "entra-pim-activation-rules": {
                    maxActivationHours: "8",
                    requireMfaForEveryGroup: "no",
                    maxActivationHour: 8,
                },
                "stack-cluster-admin-principals": { allowJitGroups: 0 },
                "entra-ca-break-glass-exclusion": "disabled",
            }),
            [
                'entra-pim-activation-rules.maxActivationHours "8" is not a number',
                'entra-pim-activation-rules.requireMfaForEveryGroup "no" is not a boolean',
                'entra-pim-activation-rules: unknown option "maxActivationHour" (did you mean "maxActivationHours"?); options of this rule: enforcementLevel, maxActivationHours, requireMfaForEveryGroup',
                "stack-cluster-admin-principals.allowJitGroups 0 is not a boolean",
            ],
        );
    });
});

// ---------------------------------------------------------------------------------------------
// The pack as Pulumi runs it: `pulumi preview --policy-pack policy` starts
// `@pulumi/pulumi/cmd/run-policy-pack` with node in the pack directory (ts-node compiles index.ts,
// PolicyPack reads policy/package.json's version), reads the port it prints and speaks gRPC.

// Pulumi's own generated protocol types (transitive dependencies pinned by @pulumi/pulumi).
function analyzeRequest(r: Registration): pb.AnalyzeRequest {
    const request = new pb.AnalyzeRequest();
    request.setType(r.type);
    request.setUrn(r.urn);
    request.setName(r.name);
    request.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.state))));
    request.setOptions(new pb.AnalyzerResourceOptions().setProtect(r.protect));
    return request;
}

function stackResource(r: Registration): pb.AnalyzerResource {
    const resource = new pb.AnalyzerResource();
    resource.setType(r.type);
    resource.setUrn(r.urn);
    resource.setName(r.name);
    resource.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.state))));
    resource.setOptions(new pb.AnalyzerResourceOptions().setProtect(r.protect));
    resource.setParent(r.parent);
    resource.setDependenciesList(r.dependencies);
    return resource;
}

function stackRequest(result: RunResult): pb.AnalyzeStackRequest {
    return new pb.AnalyzeStackRequest().setResourcesList(result.registrations.map(stackResource));
}

describe("policy pack: served the way pulumi preview --policy-pack policy runs it", function () {
    this.timeout(120_000);
    let child: ChildProcess | undefined;
    let client: AnalyzerClient;
    let dev: RunResult;
    const done =
        <T>(ok: (value: T) => void, fail: (e: Error) => void) =>
        (e: grpc.ServiceError | null, value: T) =>
            e ? fail(e) : ok(value);
    const info = () =>
        new Promise<pb.AnalyzerInfo>((ok, fail) =>
            client.getAnalyzerInfo(new Empty(), done(ok, fail)),
        );
    const analyze = (request: pb.AnalyzeRequest) =>
        new Promise<pb.AnalyzeResponse>((ok, fail) => client.analyze(request, done(ok, fail)));
    const analyzeStack = (request: pb.AnalyzeStackRequest) =>
        new Promise<pb.AnalyzeResponse>((ok, fail) => client.analyzeStack(request, done(ok, fail)));
    const configure = (request: pb.ConfigureAnalyzerRequest) =>
        new Promise<Empty>((ok, fail) => client.configure(request, done(ok, fail)));
    const messages = (response: pb.AnalyzeResponse) =>
        response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getMessage()]);

    before(async () => {
        dev = await run();
        child = spawn(
            path.join(ROOT, "node_modules", ".bin", "node"),
            [
                path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"),
                "127.0.0.1:0",
                ".",
            ],
            { cwd: path.join(ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] },
        );
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += String(d)));
        const port = await new Promise<string>((ok, fail) => {
            child!.stdout!.once("data", (d) => ok(String(d).trim()));
            child!.once("exit", (code) => fail(new Error(`pack exited ${code}: ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    it("announces every policy with its enforcement level and the pack version", async () => {
        const announced = await info();
        assert.equal(announced.getName(), "aks-entra-guardrails");
        assert.equal(announced.getVersion(), "0.1.0");
        const levels = ["advisory", "mandatory", "disabled", "remediate"];
        assert.deepEqual(
            announced.getPoliciesList().map((p) => [p.getName(), levels[p.getEnforcementlevel()]]),
            policies.map((p) => [p.name, p.enforcementLevel]),
        );
    });

    it("passes every dev resource and the dev stack; reports a violating cluster", async () => {
        for (const r of dev.registrations) {
            assert.deepEqual(messages(await analyze(analyzeRequest(r))), [], r.name);
        }
        assert.deepEqual(messages(await analyzeStack(stackRequest(dev))), []);

        const bad = structuredClone(cluster(dev));
        bad.state.disableLocalAccounts = false;
        assert.deepEqual(messages(await analyze(analyzeRequest(bad))), [
            [
                "aks-local-accounts-disabled",
                // The server prefixes the policy's description, as `pulumi preview` shows it.
                "Local accounts are disabled: no static admin kubeconfig, every login is an Entra login.\n" +
                    "disableLocalAccounts is false; set it to true so every login is an Entra login (no static admin kubeconfig)",
            ],
        ]);
    });

    it("takes an exception from the policy config (pulumi preview --policy-pack-config)", async () => {
        const edited = await run({
            config: devConfigWith(
                (c) => (c["aks-entra:pipelines"][0].clusterAccess = "cluster-admin"),
            ),
        });
        const found = await analyzeStack(stackRequest(edited));
        assert.deepEqual(
            found.getDiagnosticsList().map((d) => d.getPolicyname()),
            ["stack-cluster-admin-principals"],
        );
        const principal = String(
            state(find(edited, TYPES.identity, "aks-entra-ci-payments-deploy")).principalId,
        );
        const request = new pb.ConfigureAnalyzerRequest();
        request
            .getPolicyconfigMap()
            .set(
                "stack-cluster-admin-principals",
                new pb.PolicyConfig()
                    .setEnforcementlevel(pb.EnforcementLevel.MANDATORY)
                    .setProperties(
                        Struct.fromJavaScript({ allowedClusterAdminPrincipals: [principal] }),
                    ),
            );
        await configure(request);
        assert.deepEqual(messages(await analyzeStack(stackRequest(edited))), []);
    });
});
