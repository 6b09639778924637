// Fake Azure, Microsoft Graph and Kubernetes: answers the program's registrations and invokes the
// way the real services would (id shapes, GUIDs, the OIDC issuer URL, the exec kubeconfig AKS
// returns). One implementation, used by the tests and by the offline plan.
//
// The entry point of the fakes: each concept lives in its own file, exported from here.
export {
    DEFAULT_DEPLOYER,
    fakeGuid,
    TENANT_APPS,
    type FakeDeployer,
    type FakeInvoke,
    type FakeResource,
    type FakeWorld,
    type OutsideObject,
    type PrincipalKind,
    type PriorResource,
    type StackOutputs,
    type StepOp,
} from "./fakeWorld";
export { AzureFakes } from "./azureFakes";
export {
    AKS_LOG_CATEGORIES,
    maintenanceProblems,
    managedClusterProblems,
    poolProblems,
} from "./managedClusterChecks";
export {
    conditionalAccessProblems,
    pimPolicyProblems,
    PROVIDER_MAX_DURATIONS,
} from "./entraChecks";
export { applyIgnoreChanges, classifyChange, type Change } from "./changes";
export { isSecretValue, sameValue, unwrapSecrets } from "./inputValues";
export { updateProblems } from "./inPlaceUpdates";
export { ficConcurrencyProblems, type FicOperation } from "./ficConcurrency";
