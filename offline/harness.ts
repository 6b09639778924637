// Runs the real program (index.ts, the file `pulumi up` runs) in-process under Pulumi's mock
// runtime with the fakes, and records what the engine would have seen: every registration with its
// parent, dependencies, provider and options, every invoke, and the stack outputs.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { pulumiConfigMap } from "../components/config";
import { AZURE_CLI_APP_ID } from "../components/deployer";
import {
    AzureFakes,
    DEFAULT_DEPLOYER,
    fakeGuid,
    type FakeDeployer,
    type FakeInvoke,
    type PrincipalKind,
} from "./fakes";
import { providerUrn, type Span } from "./timeline";

export const PROGRAM = path.resolve(__dirname, "..", "index.ts");
export const PROJECT = "aks-entra";
export { pulumiConfigMap };

/** One resource registration as the engine receives it. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    /** false for component resources. */
    custom: boolean;
    /** URN of the parent; "" at the top. */
    parent: string;
    /** URNs this resource waits for: explicit dependsOn plus resources its inputs come from. */
    dependencies: string[];
    /** Provider reference (`<urn>::<id>`) for resources of an explicit provider, else "". */
    provider: string;
    protect: boolean;
    ignoreChanges: string[];
    /** Top-level input names whose values Pulumi treats as secret (unwrapped in `inputs`). */
    secretInputs: string[];
    id: string;
    inputs: Record<string, unknown>;
    state: Record<string, unknown>;
    /** When it starts and ends in the simulated first `pulumi up` (offline/timeline.ts). */
    span: Span;
}

export interface RunOptions {
    /** Stack config as in `Pulumi.<stack>.yaml` under `config:` (`namespace:key` -> YAML value). */
    config: Readonly<Record<string, unknown>>;
    stack?: string;
    project?: string;
    organization?: string;
    /** Who is signed in. Defaults to the deployer the config describes (loginFor). */
    deployer?: FakeDeployer;
    /** Logical names of resources an earlier run created: they take no time in the timeline. */
    existing?: ReadonlySet<string>;
    /** Principals of the tenant that the stack does not create: object id -> kind. */
    directory?: Readonly<Record<string, PrincipalKind>>;
    /**
     * Rewrites what a registration waits for, as the engine would see it: how a test removes an
     * ordering the design relies on and shows what Azure then does. Gets the type, logical name and
     * the URNs it waits for; returns the URNs to keep.
     */
    editWaits?: (type: string, name: string, waits: string[]) => string[];
    /** Module to run. Defaults to this project's index.ts. */
    program?: string;
    /**
     * Keep JavaScript stack traces while the program runs. Defaults to false: Pulumi's runtime
     * records `new Error().stack` for every promise it makes, and under tsx each is source-mapped,
     * which is most of the time and memory of a large stack; nothing offline reads them.
     */
    keepStackTraces?: boolean;
}

export interface RunResult {
    registrations: Registration[];
    invokes: FakeInvoke[];
    /** Stack outputs, fully resolved (secrets unwrapped: see `secretOutputs`). */
    outputs: Record<string, unknown>;
    /** Names of outputs that Pulumi would store encrypted. */
    secretOutputs: string[];
    deployer: FakeDeployer;
}

/** The program failed; `registrations` says what it had registered by then (ideally nothing). */
export class ProgramFailure extends Error {
    constructor(
        readonly cause: unknown,
        readonly registrations: Registration[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramFailure";
    }
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getCustom(): boolean;
    getParent(): string;
    getDependenciesList(): string[];
    getProvider(): string;
    getProtect(): boolean;
    getIgnorechangesList(): string[];
}
type Callback = (err: unknown, resp?: { getUrn(): string; getId(): string }) => void;
interface Monitor {
    registerResource(req: RegisterRequest, cb: Callback): void;
}

/**
 * Evaluates the program once. Runs are sequential (the Pulumi runtime is process-global); each
 * starts from fresh fakes and a fresh module load of the program.
 */
export async function runProgram(options: RunOptions): Promise<RunResult> {
    const stackTraceLimit = Error.stackTraceLimit;
    if (options.keepStackTraces !== true) {
        Error.stackTraceLimit = 0;
    }
    try {
        return await evaluate(options);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

/**
 * The login of the deployer a raw config describes: `deployer.objectId` signs in itself (a person
 * through the Azure CLI unless `deployer.principalType` says ServicePrincipal), and
 * `deployer.clusterAdmin: false` means it already has Kubernetes access. Without an object id, the
 * default fake person.
 */
export function loginFor(config: Readonly<Record<string, unknown>>): FakeDeployer {
    const d = config["aks-entra:deployer"];
    const raw = (d !== null && typeof d === "object" ? d : {}) as Record<string, unknown>;
    const objectId = typeof raw.objectId === "string" ? raw.objectId.toLowerCase() : undefined;
    const application = raw.principalType === "ServicePrincipal";
    return {
        ...DEFAULT_DEPLOYER,
        objectId: objectId ?? DEFAULT_DEPLOYER.objectId,
        clientId: application
            ? fakeGuid(`client#${objectId ?? DEFAULT_DEPLOYER.objectId}`)
            : AZURE_CLI_APP_ID,
        clusterAccessOutsideStack: raw.clusterAdmin === false,
    };
}

async function evaluate(options: RunOptions): Promise<RunResult> {
    const deployer = options.deployer ?? loginFor(options.config);
    const fakes = new AzureFakes(deployer, options.existing, options.directory);
    pulumi.runtime.setAllConfig(pulumiConfigMap(options.config), []);
    await pulumi.runtime.setMocks(
        fakes,
        options.project ?? PROJECT,
        options.stack ?? "dev",
        false,
        options.organization ?? "organization",
    );

    const registrations: Registration[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        // The engine starts a resource once what it waits for has been created.
        let waits = [...req.getDependenciesList(), providerUrn(req.getProvider())];
        if (options.editWaits) waits = options.editWaits(req.getType(), req.getName(), waits);
        const start = fakes.timeline.startAfter(waits);
        fakes.startOf.set(`${req.getType()}|${req.getName()}`, start);
        register(req, (err, resp) => {
            if (!err && resp) {
                const fake = fakes.find(req.getType(), req.getName(), resp.getId());
                const span = fake?.span ?? { start, end: start };
                fakes.timeline.record(resp.getUrn(), span);
                const rawInputs = fake?.inputs ?? {};
                registrations.push({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    parent: req.getParent(),
                    dependencies: [...req.getDependenciesList()].sort(),
                    provider: req.getProvider(),
                    protect: req.getProtect(),
                    ignoreChanges: req.getIgnorechangesList(),
                    secretInputs: Object.keys(rawInputs)
                        .filter((k) => isSecretValue(rawInputs[k]))
                        .sort(),
                    id: resp.getId(),
                    inputs: unwrapSecrets(rawInputs) as Record<string, unknown>,
                    state: fake?.state ?? {},
                    span,
                });
            }
            cb(err, resp);
        });
    };

    // What Azure refused is the cause; what the program then failed on follows from it.
    const failure = (e: unknown) =>
        new ProgramFailure(
            fakes.errors.length > 0 ? new Error(fakes.errors.join("\n")) : unwrapRunError(e),
            registrations,
        );
    const program = options.program ?? PROGRAM;
    delete require.cache[require.resolve(program)];
    let exported: Record<string, unknown>;
    try {
        // As Pulumi runs a program: a module that exports a function is called and awaited.
        const loaded = require(program) as (() => Promise<unknown>) | Record<string, unknown>;
        exported = (await (typeof loaded === "function" ? loaded() : loaded)) as Record<
            string,
            unknown
        >;
    } catch (e) {
        await waitForRegistrations();
        throw failure(e);
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    try {
        for (const key of Object.keys(exported).sort()) {
            const value = exported[key];
            if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) {
                secretOutputs.push(key);
            }
            outputs[key] = await resolveDeep(value);
        }
        await waitForRegistrations();
    } catch (e) {
        throw failure(e);
    }
    if (fakes.errors.length > 0) {
        throw failure(undefined);
    }
    return { registrations, invokes: fakes.invokes, outputs, secretOutputs, deployer };
}

async function waitForRegistrations(): Promise<void> {
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    await wait?.();
}

function unwrapRunError(e: unknown): unknown {
    return e;
}

/** Mock inputs carry secrets as Pulumi's wire form `{<sigKey>: <secretSig>, value}`. */
function isSecretValue(value: unknown): value is { value: unknown } {
    return (
        value !== null &&
        typeof value === "object" &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
            pulumi.runtime.specialSecretSig
    );
}

function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** The value of an Output, awaited without `apply` (secret or not). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve, reject) => {
        (output as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
    });
}

async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        return resolveDeep(await promiseOf(value));
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(resolveDeep));
    }
    if (value !== null && typeof value === "object" && !(value instanceof pulumi.Resource)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = await resolveDeep(v);
        }
        return out;
    }
    return value;
}
