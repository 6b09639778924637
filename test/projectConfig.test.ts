// Project-level config (Pulumi.yaml `config:`) under each stack file, as Pulumi merges it
// (plan/projectConfig.ts; docs/azure-facts.md, Pulumi specifics): what the offline plan, the
// workflows' scripts and the tests all read.
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { readStackConfig, UsageError } from "../plan/files";
import { findProjectFile } from "../plan/projectConfig";
import { ROOT } from "./helpers";

function project(config: unknown, stackConfig: Record<string, unknown>, sub = ""): string {
    const dir = mkdtempSync(path.join(tmpdir(), "aks-entra-project-"));
    writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        stringify({ name: "aks-entra", runtime: "nodejs", config }),
    );
    mkdirSync(path.join(dir, sub), { recursive: true });
    const file = path.join(dir, sub, "Pulumi.s.yaml");
    writeFileSync(file, stringify({ config: stackConfig }));
    return file;
}
const cleanup = (file: string) =>
    rmSync(path.dirname(findProjectFile(path.dirname(file))!), { recursive: true, force: true });

describe("project config (Pulumi.yaml) under each stack file", function () {
    it("gives its defaults and values to every stack; the stack's value of a key wins whole", function () {
        const file = project(
            {
                "azure-native:location": { value: "westeurope" },
                "aks-entra:kubernetesVersion": { default: "1.35" },
                protect: { default: true },
                "aks-entra:cluster": { default: { tier: "Standard", privateCluster: true } },
            },
            { "aks-entra:cluster": { tier: "Free" }, "aks-entra:kubernetesVersion": "1.34" },
        );
        try {
            assert.deepEqual(readStackConfig(file), {
                "azure-native:location": "westeurope",
                "aks-entra:kubernetesVersion": "1.34",
                // A bare key is the project's namespace.
                "aks-entra:protect": true,
                // Not merged below the key: privateCluster is not inherited.
                "aks-entra:cluster": { tier: "Free" },
            });
        } finally {
            cleanup(file);
        }
    });
    it("is found above the stack file, as Pulumi finds the project (profiles/)", function () {
        const file = project({ "aks-entra:location": { default: "westeurope" } }, {}, "profiles");
        try {
            assert.deepEqual(readStackConfig(file), { "aks-entra:location": "westeurope" });
        } finally {
            cleanup(file);
        }
    });
    it("refuses what Pulumi refuses: a default for another namespace's key, a bare value", function () {
        for (const [config, message] of [
            [
                { "azure-native:location": { default: "westeurope" } },
                /config key azure-native:location is not namespaced by the project \(aks-entra\) and cannot have a default; use value: \(Pulumi refuses it the same way\)$/,
            ],
            [
                { "aks-entra:location": "westeurope" },
                /config key aks-entra:location is "westeurope"; give it as \{ default: <value> \}$/,
            ],
        ] as const) {
            const file = project(config, {});
            try {
                assert.throws(
                    () => readStackConfig(file),
                    (e: Error) => e instanceof UsageError && message.test(e.message),
                );
            } finally {
                cleanup(file);
            }
        }
    });
    it("the repository's Pulumi.yaml keeps to Pulumi's rules, and dev and prod state only what differs", function () {
        for (const stack of ["dev", "prod"]) {
            const config = readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`));
            assert.equal(config["aks-entra:kubernetesVersion"], "1.35", stack);
            assert.equal(config["aks-entra:location"], "westeurope", stack);
            assert.equal(config["azure-native:location"], "westeurope", stack);
        }
    });
});
