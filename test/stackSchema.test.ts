// The stack files' JSON Schema (schema/stack.schema.json): generated from the zod schemas the
// program validates with, current, accepted by every stack file of the repository, named by each
// file's modeline, and refusing what it can express (the bad-input cases say which it can).
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { STACK_SCHEMA_PATH, stackFileSchemaText } from "../components/config/jsonSchema";
import { ROOT } from "./helpers";
import { schemaErrors } from "./stackSchema";

/** Every stack file a user copies or CI plans: Pulumi.<stack>.yaml and profiles/*.yaml. */
const STACK_FILES = [
    ...readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)),
    ...readdirSync(path.join(ROOT, "profiles"))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => `profiles/${f}`),
];

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("the stack files' JSON Schema", function () {
    it("is current: npm run schema writes what is checked in", () => {
        assert.equal(
            read(STACK_SCHEMA_PATH),
            stackFileSchemaText(),
            "schema/stack.schema.json is stale: run npm run schema",
        );
    });

    it(`accepts every stack file of the repository (${STACK_FILES.length})`, () => {
        assert.ok(
            STACK_FILES.includes("Pulumi.prod.yaml") &&
                STACK_FILES.includes("profiles/minimal.yaml"),
        );
        for (const file of STACK_FILES) {
            assert.deepEqual(schemaErrors(parse(read(file))), [], file);
        }
    });

    it("is named by each stack file's first line, relative to the file, for editors", () => {
        for (const file of STACK_FILES) {
            const [first] = read(file).split("\n");
            const target = path.relative(
                path.dirname(path.join(ROOT, file)),
                path.join(ROOT, STACK_SCHEMA_PATH),
            );
            assert.equal(
                first,
                `# yaml-language-server: $schema=${target.startsWith(".") ? target : `./${target}`}`,
                file,
            );
        }
    });

    const config = (values: Record<string, unknown>) => ({ config: values });

    it("refuses an unknown aks-entra key, a key without a namespace and a wrong shape", () => {
        assert.deepEqual(schemaErrors(config({ "aks-entra:locaton": "westeurope" })), [
            "/config must NOT have additional properties",
        ]);
        assert.deepEqual(schemaErrors(config({ protect: true })), [
            "/config must NOT have additional properties",
        ]);
        assert.deepEqual(
            schemaErrors(config({ "aks-entra:cluster": { systemPool: { count: "3" } } })),
            ["/config/aks-entra:cluster/systemPool/count must be integer"],
        );
        assert.deepEqual(schemaErrors(config({ "aks-entra:cluster": { tier: "Gold" } })), [
            "/config/aks-entra:cluster/tier must be equal to one of the allowed values",
        ]);
    });

    it("refuses the retired cluster.userPool, saying what replaced it", () => {
        const errors = schemaErrors(config({ "aks-entra:cluster": { userPool: { vmSize: "x" } } }));
        assert.deepEqual(errors, ["/config/aks-entra:cluster/userPool must NOT be valid"]);
        assert.match(read(STACK_SCHEMA_PATH), /retired: use cluster\.userPools/);
    });

    it("leaves other programs' keys alone and takes a top-level boolean as pulumi config set writes it", () => {
        assert.deepEqual(
            schemaErrors(
                config({
                    "azure-native:location": "westeurope",
                    "pulumi:tags": { a: 1 },
                    "aks-entra:location": "westeurope",
                    "aks-entra:protect": "false",
                    "aks-entra:kubeloginPop": true,
                }),
            ),
            [],
        );
        assert.equal(schemaErrors(config({ "aks-entra:protect": "no" })).length > 0, true);
    });
});
