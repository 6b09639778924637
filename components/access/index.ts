// The access model (issue 29): who reaches what, from every source of access, and the one table of
// privilege. Config validation and the pack import privilege.ts and ../kubernetesRisk.ts directly
// (they load before the plan's modules); the plan, `--diff` and `verify` read this barrel.
export { type Access, deriveAccess } from "./build";
export type { AccessContext } from "./context";
export type { GroupControl } from "./adminGroups";
export { effectiveAccess } from "./derived";
export { CLUSTER_ROLE_LEVELS, type Rule, rulesLevel, rulesSummary } from "./kubernetesLevels";
export { policyActivation } from "./pimEligibility";
export { enforceRank, POD_ADMISSION_MODES, type PodAdmission } from "./podAdmission";
export * from "./privilege";
