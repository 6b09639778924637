// Barrel: the components and pure helpers of aks-entra.
export * from "./adminGroup";
export * from "./cluster";
export * from "./clusterAccess";
export * from "./clusterConnection";
export * from "./config";
export * from "./deployer";
export * from "./federatedCredentials";
export * from "./identities";
export * from "./kubeconfig";
export * from "./namespace";
export * from "./naming";
export * from "./pipelineIdentity";
export * from "./roleAssignment";
export * from "./roles";
export * from "./stack";
export * from "./workloadIdentity";
