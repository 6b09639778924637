// The baseline for bench/plan.ts: load the SDK modules the program uses, and nothing else, the
// way plan/main.ts starts (source maps off before anything loads).
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
