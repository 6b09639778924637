// `npm run plan`: the plan CLI (plan/cli.ts), started without source-mapped stack traces.
// The SDK records a stack trace for every pending output (@pulumi/pulumi runtime/debuggable.js);
// with tsx's source maps loaded for every module, mapping them is the largest share of the plan's
// memory at hundreds of namespaces (docs/performance.md: Scale). The plan prints stack traces only with
// PLAN_DEBUG, and maps them then. Source maps must be off before the modules load, so this file
// turns them off and only then requires the CLI.
if (!process.env.PLAN_DEBUG) process.setSourceMapsEnabled(false);

const cli = require("./cli") as typeof import("./cli");
void cli.main(process.argv.slice(2)).then(cli.exitWhenDrained);
