// The baseline for bench/plan.ts: load the SDK modules the program uses, and nothing else.

require("@pulumi/pulumi");
require("@pulumi/azure-native/authorization");
require("@pulumi/azure-native/containerservice");
require("@pulumi/azure-native/managedidentity");
require("@pulumi/azure-native/resources");
require("@pulumi/azuread");
require("@pulumi/kubernetes");
require("@pulumiverse/time");
