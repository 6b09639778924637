// Every cross-field rule, in the order their problems are listed. Pure module.
import { admins, clusterAccess, deployerLogin, kubeloginPop } from "./access";
import { adminGroupControl } from "./adminGroupControl";
import { breakGlass } from "./breakGlass";
import { clusterWideAccess } from "./clusterWide";
import { declaredRoles } from "./declaredRoles";
import {
    apiServerAccess,
    network,
    nodePools,
    privateCluster,
    upgradeChannels,
    versionPin,
} from "./cluster";
import { clusterExtras } from "./clusterExtras";
import type { Rule } from "./context";
import { conditionalAccess, jit } from "./jit";
import { monitoring } from "./monitoring";
import { namespaces, uniqueNamespaces } from "./namespaces";
import { pipelines, uniquePipelines } from "./pipelines";
import { podSecurity } from "./podSecurity";
import { names, poolTuning } from "./pools";
import { auditLogs, hardening } from "./security";
import { tags } from "./tags";
import { teams, teamStack } from "./teams";
import { kubernetesVersion } from "./version";

export { clusterAdminPowers } from "./namespaces";
export { poolCount } from "./cluster";
export type { RuleContext } from "./context";

export const RULES: readonly Rule[] = [
    nodePools,
    poolTuning,
    upgradeChannels,
    kubernetesVersion,
    versionPin,
    apiServerAccess,
    network,
    privateCluster,
    hardening,
    monitoring,
    clusterExtras,
    auditLogs,
    admins,
    adminGroupControl,
    clusterAccess,
    deployerLogin,
    kubeloginPop,
    declaredRoles,
    uniqueNamespaces,
    namespaces,
    podSecurity,
    pipelines,
    uniquePipelines,
    jit,
    clusterWideAccess,
    conditionalAccess,
    breakGlass,
    tags,
    teams,
    teamStack,
    names,
];
