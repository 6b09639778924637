// Bad bootstrap config: refused whole, before any resource, with the key path, the bad value and
// what is allowed, from the program under the harness and from `npm run plan -- --project
// bootstrap`. Table-driven; every message is asserted exactly.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { bootstrapConfigFrom, ConfigError } from "../bootstrap/config";
import { pulumiConfigMap } from "../components/config/pulumi";
import { ProgramFailure, runProgram } from "../offline/harness";
import { main } from "../plan/cli";
import { ROOT } from "./helpers";
import { inProcess } from "./planRun";

const NS = "aks-entra-bootstrap";
/** The example's required keys; `extra` (without namespace) overrides, undefined removes. */
function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const base: Record<string, unknown> = {
        location: "westeurope",
        storageAccountName: "stakentrastate",
        keyVaultName: "kv-aks-entra",
        github: { owner: "contoso", repository: "aks-entra" },
        stacks: ["dev", "prod"],
        ...extra,
    };
    return Object.fromEntries(
        Object.entries(base)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [`${NS}:${k}`, v]),
    );
}

const CASES: { what: string; config: Record<string, unknown>; problems: string[] }[] = [
    {
        what: "nothing set",
        config: {},
        problems: [
            `${NS}:location is required: an Azure region name, e.g. westeurope`,
            `${NS}:storageAccountName is required: 3-24 lowercase letters and digits, unique across Azure (it is the blob endpoint's host name)`,
            `${NS}:keyVaultName is required: 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit, unique across Azure`,
            `${NS}:github is required: { owner: <user or organization>, repository: <name> }, the repository whose environments sign in`,
            `${NS}:stacks is required: the deployed stacks (one GitHub environment and identity each), e.g. [dev, staging, prod, platform]`,
        ],
    },
    {
        what: "a storage account name with capitals and a hyphen",
        config: config({ storageAccountName: "St-AksEntra" }),
        problems: [
            `${NS}:storageAccountName "St-AksEntra" is not valid: 3-24 lowercase letters and digits, unique across Azure (it is the blob endpoint's host name)`,
        ],
    },
    {
        what: "a vault name with a double hyphen and one too long",
        config: config({ keyVaultName: "kv--aks", keyName: "a".repeat(128) }),
        problems: [
            `${NS}:keyVaultName "kv--aks" is not valid: 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit, unique across Azure`,
            `${NS}:keyName "${"a".repeat(128)}" is not valid: 1-127 letters, digits and hyphens`,
        ],
    },
    {
        what: "a container name Azure refuses",
        config: config({ containerName: "Pulumi_State" }),
        problems: [
            `${NS}:containerName "Pulumi_State" is not valid: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit`,
        ],
    },
    {
        what: "soft delete beyond Azure's range",
        config: config({ softDeleteDays: 400 }),
        problems: [
            `${NS}:softDeleteDays 400 is not valid: a whole number of days from 1 to 365 (Azure's range for blob and container soft delete)`,
        ],
    },
    {
        what: "github as a URL, and a stray key",
        config: config({
            github: {
                owner: "https://github.com/contoso",
                repository: "contoso/aks-entra",
                org: "x",
            },
        }),
        problems: [
            `${NS}:github.org is not a key of github (keys: owner, repository)`,
            `${NS}:github.owner "https://github.com/contoso" is not valid: a GitHub user or organization (1-39 letters, digits and inner hyphens)`,
            `${NS}:github.repository "contoso/aks-entra" is not valid: a repository name without its owner (1-100 letters, digits, . _ -)`,
        ],
    },
    {
        what: "stacks that are not deployed stacks",
        config: config({ stacks: ["dev", "Prod", "preview", "pr-12", "team-payments", "dev"] }),
        problems: [
            `${NS}:stacks[1] "Prod" is not valid: lowercase letters, digits and inner hyphens, at most 40 (a GitHub environment and an identity are named after it)`,
            `${NS}:stacks[2] "preview" is an environment the bootstrap always makes (preview, preview-destroy, plan-read, e2e); list only deployed stacks`,
            `${NS}:stacks[3] "pr-12" is a pull-request stack: the preview environment deploys every pr-* stack; list only long-lived stacks`,
            `${NS}:stacks[4] "team-payments" is a team stack: its identity is made by the platform stack (aks-entra:teams); list the team under ${NS}:teams instead`,
            `${NS}:stacks[5] "dev" is listed twice`,
        ],
    },
    {
        what: "no stacks at all",
        config: config({ stacks: [] }),
        problems: [`${NS}:stacks [] is empty: list at least one deployed stack`],
    },
    {
        what: "teams as a map",
        config: config({ teams: { payments: {} } }),
        problems: [
            `${NS}:teams {"payments":{}} is not valid: a list of teams of the platform stack`,
        ],
    },
    {
        what: "a misspelt key and a key of the main program's namespace",
        config: { ...config(), [`${NS}:keyvaultName`]: "kv-x", "aks-entra:location": "westeurope" },
        problems: [
            "aks-entra:location is not read by the bootstrap, whose keys are aks-entra-bootstrap:<key>; write aks-entra-bootstrap:location",
            `${NS}:keyvaultName is not a key of the bootstrap; did you mean ${NS}:keyVaultName? (keys: location, resourceGroupName, storageAccountName, containerName, keyVaultName, keyName, softDeleteDays, github, stacks, teams, platformStack, privateRunnerLabel)`,
        ],
    },
    {
        what: "a platform stack that is not org/project/stack",
        config: config({ platformStack: "platform", privateRunnerLabel: "self hosted" }),
        problems: [
            `${NS}:platformStack "platform" is not valid: <org>/<project>/<stack> (organization/aks-entra/platform on a self-managed backend)`,
            `${NS}:privateRunnerLabel "self hosted" is not valid: a GitHub runner label (letters, digits, - _ .)`,
        ],
    },
];

describe("bootstrap: bad config is refused whole, before any resource", () => {
    for (const c of CASES) {
        it(c.what, () => {
            assert.throws(
                () => bootstrapConfigFrom(pulumiConfigMap(c.config)),
                (e: unknown) => {
                    assert.ok(e instanceof ConfigError);
                    assert.deepEqual(e.problems, c.problems);
                    return true;
                },
            );
        });
    }

    it("the program registers nothing and Pulumi prints the problems alone", async () => {
        const c = CASES.find((x) => x.what.startsWith("stacks that"))!;
        try {
            await runProgram({
                config: c.config,
                stack: "example",
                project: NS,
                program: path.join(ROOT, "bootstrap", "index.ts"),
            });
            assert.fail("accepted");
        } catch (e) {
            assert.ok(e instanceof ProgramFailure, String(e));
            assert.equal(e.registrations.length, 0);
            assert.equal(
                e.message,
                `aks-entra: invalid configuration (5 problems):\n${c.problems.map((p) => `  - ${p}`).join("\n")}`,
            );
        }
    });

    it("npm run plan on a bootstrap stack file refuses it with exit 1, naming the file", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "bootstrap-"));
        try {
            const file = path.join(dir, "Pulumi.bad.yaml");
            writeFileSync(file, stringify({ config: config({ softDeleteDays: 0 }) }));
            const out = await inProcess((io) =>
                main(["--project", "bootstrap", "--config", file], io),
            );
            assert.equal(out.code, 1);
            assert.equal(
                out.stderr,
                `plan: ${path.relative(process.cwd(), file)}: aks-entra: invalid configuration (1 problem):\n  - ${NS}:softDeleteDays 0 is not valid: a whole number of days from 1 to 365 (Azure's range for blob and container soft delete)\n`,
            );
            assert.equal(out.stdout, "");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
