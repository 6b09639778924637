// Hidden paths to cluster-admin through Entra groups (issue 29, items 2 and 6): an owner of the
// admin group, a group nested in it, and a Conditional Access exclusion of a group that holds
// cluster-admin, standing or eligible, without declaring it break-glass. Each of these planned
// clean before; every message is exact.
import { type BadInput, dev, min, SRE } from "./configCases";

const OWNER = "6e8a0c2e-4f6b-4a8c-9e0a-2c4e6a8c0e2a";
const DEPLOYER = "8f7e6d5c-4b3a-4291-8e7d-6c5b4a392817";
const PERSON = "2d4f6a8c-1b3e-4d5f-a7b9-c1d3e5f7a9b1";
const CA = "aks-entra:conditionalAccess";

const owner = (at: string, id: string) =>
    `aks-entra:admins.owners[${at}] "${id}" would own the admin group: an owner adds members, itself included, so it is a cluster-admin whenever it likes, outside this stack and its plan. Only the deployer owns the group (always added); remove the entry, and change the group's members through aks-entra:admins.members`;
const nested = (at: number, id: string, what: string) =>
    `aks-entra:admins.members[${at}] "${id}" is ${what}: a group among the admin group's members makes all its members cluster-admins, and whoever manages it; list its people in aks-entra:admins.members, or make it an admin group in aks-entra:admins.existingGroupObjectIds, where the plan shows it`;
const exempt = (at: number, ref: string, why: string) =>
    `${CA}.excludeGroups[${at}] "${ref}" holds cluster-admin (${why}): excluding it lets its members sign in to the cluster without the policy's controls; exclude only an emergency-access group and declare it in ${CA}.breakGlassGroups, or stop excluding it`;

export const HOSTILE_ACCESS_PATHS: BadInput[] = [
    // --- item 2: who controls the admin group's membership
    {
        what: "an owner of the admin group besides the deployer",
        config: min({ admins: { owners: [PERSON, OWNER] } }),
        problems: [owner("0", PERSON), owner("1", OWNER)],
    },
    {
        what: "an owner of the admin group when deployer.objectId names someone else",
        config: min({ deployer: { objectId: DEPLOYER }, admins: { owners: [DEPLOYER, OWNER] } }),
        problems: [owner("1", OWNER)],
    },
    {
        what: "a group of aks-entra:groups among the admin group's members",
        config: min({ groups: { sre: SRE }, admins: { members: [PERSON, SRE.toUpperCase()] } }),
        problems: [nested(1, SRE.toUpperCase(), "group sre of aks-entra:groups")],
    },
    {
        what: "a group the stack file grants access to among the admin group's members",
        config: min({
            clusterAccess: [{ group: SRE, role: "reader" }],
            admins: { members: [SRE] },
        }),
        problems: [nested(0, SRE, "a group (aks-entra:clusterAccess[0].group)")],
    },

    // --- item 6: Conditional Access exclusions of cluster-admins
    {
        what: "Conditional Access excluding the standing admin group, not declared break-glass",
        config: dev((c) => c[CA].excludeGroups.push("platform-admins")),
        problems: [
            exempt(
                1,
                "platform-admins",
                "an admin group, aks-entra:admins.existingGroupObjectIds[0]",
            ),
        ],
    },
    {
        what: "Conditional Access excluding the group eligible for JIT cluster-admin",
        config: dev((c) => c[CA].excludeGroups.push("sre")),
        problems: [
            exempt(
                1,
                "sre",
                "eligible for cluster-admin of the cluster, aks-entra:jit[0].eligible[0]",
            ),
        ],
    },
    {
        what: "Conditional Access excluding a group eligible for JIT admin on the whole cluster",
        config: dev((c) => {
            c["aks-entra:jit"][1] = {
                name: "cluster-admin-ish",
                role: "admin",
                eligible: ["developers"],
                maxActivation: "PT1H",
                approvers: ["platform-admins"],
            };
            c[CA].excludeGroups.push("developers");
        }),
        problems: [
            exempt(
                1,
                "developers",
                "eligible for admin of the cluster, aks-entra:jit[1].eligible[0]",
            ),
        ],
    },
    {
        what: "Conditional Access excluding a group with cluster-admin in clusterAccess",
        config: dev((c) => {
            c["aks-entra:clusterAccess"][1].role = "cluster-admin";
            c[CA].excludeGroups.push("auditors");
        }),
        problems: [
            exempt(1, "auditors", "cluster-admin on the whole cluster, aks-entra:clusterAccess[1]"),
        ],
    },
    {
        what: "a break-glass group the policy does not exclude",
        config: dev((c) => (c[CA].breakGlassGroups = ["break-glass", "auditors"])),
        problems: [
            `${CA}.breakGlassGroups[1] "auditors" is not in ${CA}.excludeGroups: a break-glass group is one the policy excludes; add it to excludeGroups or remove it here`,
        ],
    },
    {
        what: "a break-glass group that is no group of the stack file",
        config: dev((c) => c[CA].breakGlassGroups.push("emergency")),
        problems: [
            `${CA}.breakGlassGroups[1] "emergency" is neither an object id (GUID) nor a name from aks-entra:groups (known: platform-admins, sre, developers, payments-devs, auditors, break-glass)`,
        ],
    },
];
