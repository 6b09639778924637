// The baselines for bench/plan.ts: load the SDK modules the program uses, and nothing else, the
// way plan/main.ts starts (source maps off before anything loads). With --all, also every module of
// this repository the plan imports (the CLI, the offline engine, the components index.ts uses, the
// guardrails), running nothing: the "modules it imports" of the scale goal taken literally.
process.setSourceMapsEnabled(false);

require("@pulumi/pulumi");
require("@pulumi/azure-native/authorization");
require("@pulumi/azure-native/containerservice");
require("@pulumi/azure-native/managedidentity");
require("@pulumi/azure-native/monitor");
require("@pulumi/azure-native/operationalinsights");
require("@pulumi/azure-native/resources");
require("@pulumi/azuread");
require("@pulumi/kubernetes");
require("@pulumiverse/time");

if (process.argv.includes("--all")) {
    require("../plan/cli");
    require("../offline/harness");
    require("../policy/evaluate");
    require("../components");
}
