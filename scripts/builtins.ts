// `npm run builtins [-- STACK]`: what Azure Policy's built-in AKS definitions would say about the
// cluster of a stack (default dev), as the Markdown table docs/azure-policy.md carries. Runs the program
// offline (offline/harness.ts) on Pulumi.<stack>.yaml; no Azure credentials, no Pulumi backend.
import * as path from "node:path";
import { readStackConfig } from "../plan/files";
import { runProgram } from "../offline/harness";
import { BUILTIN_KEYS, builtinsMarkdown, clusterView } from "../policy/builtins";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<number> {
    const stack = process.argv[2] ?? "dev";
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    // As Pulumi reads it: Pulumi.yaml's project config under the stack file's.
    const result = await runProgram({ config: readStackConfig(file), stack });
    process.stdout.write(`${builtinsMarkdown(clusterView(result.registrations), BUILTIN_KEYS)}\n`);
    return 0;
}

main().then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    },
);
