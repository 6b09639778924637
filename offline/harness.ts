// Runs the real program (index.ts, the file `pulumi up` runs) in-process under Pulumi's mock
// runtime with the fakes, and records what the engine would have seen: every registration with its
// parent, dependencies, provider and options, every invoke, and the stack outputs. Given the state
// of an earlier run (RunOptions.previous) it simulates a second `pulumi up` of the stack: what is
// created, left alone, updated, replaced and deleted, in which order, and what Azure refuses of it;
// destroyStack simulates `pulumi destroy` of such a state.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { pulumiConfigMap } from "../components/config";
import { AZURE_CLI_APP_ID } from "../components/deployer";
import {
    AzureFakes,
    DEFAULT_DEPLOYER,
    fakeGuid,
    type FakeDeployer,
    type FakeWorld,
    type FakeInvoke,
    type FicOperation,
    ficConcurrencyProblems,
    isSecretValue,
    type OutsideObject,
    type PrincipalKind,
    type StackOutputs,
    type StepOp,
    unwrapSecrets,
} from "./fakes";
import { poolCreateConcurrencyProblems, type WriteOperation } from "./concurrency";
import { deleteSeconds, providerUrn, type Span } from "./timeline";
import { TYPES } from "./types";

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
    /**
     * When it starts and ends in the simulated `pulumi up` (offline/timeline.ts): a first one, or
     * with RunOptions.previous a second one, where what is unchanged takes no time.
     */
    span: Span;
    /** URN of the resource it is deleted with (the deletedWith option); "" for none. */
    deletedWith: string;
}

export type { OutsideObject, StepOp };

/**
 * What Pulumi does with one resource in a `pulumi up` or `pulumi destroy`, with when it starts and
 * ends in simulated seconds (offline/timeline.ts).
 */
export interface Step {
    op: StepOp;
    urn: string;
    type: string;
    name: string;
    span: Span;
    /** What changed, what forced a replace, why a delete is skipped. */
    reason?: string;
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
    /**
     * The stack's state after an earlier run (its registrations): this run is then a second
     * `pulumi up` of the stack. Each registration becomes a create, same, update or replace step,
     * and what the state holds that this run does not register is deleted at the end.
     */
    previous?: Pick<RunResult, "registrations"> &
        Partial<Pick<RunResult, "outputs" | "secretOutputs">>;
    /** Objects that exist but that the stack's state does not know (docs/azure-facts.md, 14). */
    outside?: readonly OutsideObject[];
    /** The cluster was deleted outside Pulumi: Kubernetes deletes cannot reach its API server. */
    clusterGone?: boolean;
    /** Principals of the tenant that the stack does not create: object id -> kind. */
    directory?: Readonly<Record<string, PrincipalKind>>;
    /**
     * Client ids of the applications with a service principal in the tenant. Defaults to the
     * fakes' TENANT_APPS (the AKS server and client applications, the Azure CLI).
     */
    servicePrincipals?: readonly string[];
    /**
     * Rewrites what a registration waits for, as the engine would see it: how a test removes an
     * ordering the design relies on and shows what Azure then does. Gets the type, logical name and
     * the URNs it waits for; returns the URNs to keep.
     */
    editWaits?: (type: string, name: string, waits: string[]) => string[];
    /**
     * Other stacks of the backend a StackReference reads, by `org/project/stack`: a team stack's
     * platform (docs/team-stacks.md), with its outputs as the platform's run or plan left them.
     */
    stacks?: Readonly<Record<string, StackOutputs>>;
    /** The deployer's role assignments outside the stack, which Azure then holds it to (fakes). */
    rights?: FakeWorld["rights"];
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
    /**
     * What the engine does, in time order (ties: registration order): a create for every custom
     * registration of a first run; with `previous`, create, same, update and replace steps, then
     * the deletes.
     */
    steps: Step[];
}

/** The program failed; `registrations` says what it had registered by then (ideally nothing). */
export class ProgramFailure extends Error {
    constructor(
        readonly cause: unknown,
        readonly registrations: Registration[],
        /** The steps of the run when it got as far as planning them (else empty). */
        readonly steps: Step[] = [],
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
    getDeletedwith(): string;
}
type Callback = (err: unknown, resp?: { getUrn(): string; getId(): string }) => void;
interface Monitor {
    registerResource(req: RegisterRequest, cb: Callback): void;
    registerResourceOutputs(
        req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined },
        cb: (err: unknown, resp?: unknown) => void,
    ): void;
}

/**
 * Evaluates the program once. Runs are sequential (the Pulumi runtime is process-global): a run
 * asked for while another is under way starts when it ends. Each starts from fresh fakes and a
 * fresh module load of the program.
 */
export function runProgram(options: RunOptions): Promise<RunResult> {
    // Calls made while a run is under way (a Promise.all of plans in one process) wait their turn.
    const run = queue.then(() => runAlone(options));
    queue = run.then(
        () => undefined,
        () => undefined,
    );
    return run;
}

/** The end of the last run asked for: each run starts after it. */
let queue: Promise<void> = Promise.resolve();

async function runAlone(options: RunOptions): Promise<RunResult> {
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
    // azure-native:subscriptionId picks the subscription, as it does for the provider's login.
    const subscription = config["azure-native:subscriptionId"];
    return {
        ...DEFAULT_DEPLOYER,
        ...(typeof subscription === "string" ? { subscriptionId: subscription.toLowerCase() } : {}),
        objectId: objectId ?? DEFAULT_DEPLOYER.objectId,
        clientId: application
            ? fakeGuid(`client#${objectId ?? DEFAULT_DEPLOYER.objectId}`)
            : AZURE_CLI_APP_ID,
        clusterAccessOutsideStack: raw.clusterAdmin === false,
    };
}

async function evaluate(options: RunOptions): Promise<RunResult> {
    const deployer = options.deployer ?? loginFor(options.config);
    const previous = options.previous?.registrations ?? [];
    const project = options.project ?? PROJECT;
    const stack = options.stack ?? "dev";
    const organization = options.organization ?? "organization";
    const fakes = new AzureFakes(deployer, options.existing, options.directory, {
        previous,
        outside: options.outside,
        servicePrincipals: options.servicePrincipals,
        rights: options.rights,
        // The stack itself, for a StackReference to its own last outputs ({} before the first up).
        stacks: {
            ...options.stacks,
            [`${organization}/${project}/${stack}`]: {
                outputs: options.previous?.outputs ?? {},
                secretOutputNames: options.previous?.secretOutputs ?? [],
            },
        },
    });
    pulumi.runtime.setAllConfig(pulumiConfigMap(options.config), []);
    await pulumi.runtime.setMocks(fakes, project, stack, false, organization);

    const registrations: Registration[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    // A component's registered outputs are its outputs in the engine's state, what stack policies
    // read (AnalyzeStack gets each resource's final outputs): the policy pack sees them here too.
    const componentOutputs = new Map<string, Record<string, unknown>>();
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const state = unwrapSecrets(outputs) as Record<string, unknown>;
        const registered = registrations.find((r) => r.urn === req.getUrn() && !r.custom);
        if (registered) registered.state = state;
        else componentOutputs.set(req.getUrn(), state);
        registerOutputs(req, cb);
    };
    monitor.registerResource = (req, cb) => {
        // The engine starts a resource once what it waits for has been created.
        let waits = [...req.getDependenciesList(), providerUrn(req.getProvider())];
        if (options.editWaits) waits = options.editWaits(req.getType(), req.getName(), waits);
        const start = fakes.timeline.startAfter(waits);
        const key = `${req.getType()}|${req.getName()}`;
        const urn = mockUrn(stack, project, req.getParent(), req.getType(), req.getName());
        fakes.startOf.set(key, start);
        fakes.registering.set(key, { urn, ignoreChanges: req.getIgnorechangesList() });
        register(req, (err, resp) => {
            if (!err && resp) {
                if (resp.getUrn() !== urn) {
                    fakes.errors.push(`harness: URN ${resp.getUrn()} was announced as ${urn}`);
                }
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
                    state: fake?.state ?? componentOutputs.get(resp.getUrn()) ?? {},
                    span,
                    deletedWith: req.getDeletedwith(),
                });
            }
            cb(err, resp);
        });
    };

    // What Azure refused is the cause; what the program then failed on follows from it.
    let steps: Step[] = [];
    const failure = (e: unknown) =>
        new ProgramFailure(
            fakes.errors.length > 0 ? new Error(fakes.errors.join("\n")) : unwrapRunError(e),
            registrations,
            steps,
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
    const planned = planSteps(registrations, fakes, previous, options.clusterGone === true);
    steps = planned.steps;
    fakes.errors.push(...planned.errors);
    if (fakes.errors.length > 0) {
        throw failure(undefined);
    }
    return { registrations, invokes: fakes.invokes, outputs, secretOutputs, deployer, steps };
}

/** The URN the mock monitor gives a registration (runtime/mocks.js, newUrn). */
function mockUrn(stack: string, project: string, parent: string, type: string, name: string) {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The steps of one run: the custom registrations as the fakes classified them, then the deletes of
 * what the previous state holds that this run does not register and of the old halves of
 * replacements, after every other step has ended; and what Azure refuses of them.
 */
function planSteps(
    registrations: readonly Registration[],
    fakes: AzureFakes,
    previous: readonly Registration[],
    clusterGone: boolean,
): { steps: Step[]; errors: string[] } {
    const steps: Step[] = [];
    const fics: FicOperation[] = [];
    const pools: WriteOperation[] = [];
    for (const r of registrations) {
        if (!r.custom) continue;
        const fake = fakes.find(r.type, r.name, r.id);
        const op = fake?.op ?? "create";
        const reason = fake?.reason;
        steps.push({
            op,
            urn: r.urn,
            type: r.type,
            name: r.name,
            span: r.span,
            ...(reason ? { reason } : {}),
        });
        if (r.type === TYPES.fic && op !== "same") {
            fics.push({ op, name: r.name, id: r.id, inputs: r.inputs, span: r.span });
        }
        if (r.type === TYPES.agentPool && op !== "same") {
            pools.push({ op, name: r.name, id: r.id, inputs: r.inputs, span: r.span });
        }
    }
    const registered = new Set(registrations.map((r) => r.urn));
    const replaced = new Set(
        registrations
            .filter((r) => {
                const fake = fakes.find(r.type, r.name, r.id);
                return fake?.op === "replace" && fake.deleteBeforeReplace !== true;
            })
            .map((r) => r.urn),
    );
    const condemned = previous.filter((r) => !registered.has(r.urn) || replaced.has(r.urn));
    const after = Math.max(0, ...steps.map((s) => s.span.end));
    const deletes = scheduleDeletes(previous, condemned, after, {
        clusterGone,
        command: "pulumi up",
        replaced,
    });
    const order = (list: Step[]) => list.map((s, i) => ({ s, i }));
    const all = [
        ...order(steps),
        ...order(deletes.steps).map(({ s, i }) => ({ s, i: steps.length + i })),
    ];
    all.sort((a, b) => a.s.span.start - b.s.span.start || a.i - b.i);
    fics.push(...deletes.fics);
    return {
        steps: all.map(({ s }) => s),
        errors: [
            ...deletes.errors,
            ...ficConcurrencyProblems(fics),
            ...poolCreateConcurrencyProblems(pools),
        ],
    };
}

/**
 * Types Azure does not delete with the resource they belong to, so a delete Pulumi skips
 * (deletedWith) leaves them in Azure: Azure Monitor keeps the diagnostic settings of a deleted
 * resource and applies them to one recreated under the same id
 * (learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings; docs/azure-facts.md
 * failure mode 27). Child resources (agent pools, maintenance configurations, federated
 * credentials), Kubernetes objects and PIM eligibilities go with their parent.
 */
const OUTLIVE_THEIR_RESOURCE: ReadonlySet<string> = new Set([TYPES.diagnosticSetting]);

/**
 * Pulumi's deletes of `condemned` (resources of `state`): a resource is deleted once every
 * condemned resource that refers to it in `state` (dependency, parent, provider or deletedWith)
 * has been deleted, from `from` seconds on. A delete whose deletedWith resource is itself condemned
 * is skipped, transitively (Pulumi's deletedWith); components and providers delete without a cloud
 * call. Reports what Azure and the Kubernetes API refuse: deletes of protected resources, and
 * Kubernetes deletes once the cluster is gone; and what stays in Azure (`left`): skipped deletes
 * of the types in OUTLIVE_THEIR_RESOURCE.
 */
function scheduleDeletes(
    state: readonly Registration[],
    condemned: readonly Registration[],
    from: number,
    options: { clusterGone: boolean; command: string; replaced?: ReadonlySet<string> },
): { steps: Step[]; errors: string[]; fics: FicOperation[]; left: OutsideObject[] } {
    const replaced = options.replaced ?? new Set<string>();
    const doomed = new Set(condemned.map((r) => r.urn));
    const refersTo = (r: Registration) =>
        new Set(
            [...r.dependencies, r.parent, providerUrn(r.provider), r.deletedWith].filter(
                (u) => u !== "" && u !== r.urn && doomed.has(u),
            ),
        );
    const waitsFor = new Map<string, Registration[]>(condemned.map((r) => [r.urn, []]));
    for (const r of condemned) for (const u of refersTo(r)) waitsFor.get(u)!.push(r);
    const skipped = (r: Registration) => r.deletedWith !== "" && doomed.has(r.deletedWith);

    const spans = new Map<string, Span>();
    const spanOf = (r: Registration, visiting: Set<string> = new Set()): Span => {
        const known = spans.get(r.urn);
        if (known) return known;
        if (visiting.has(r.urn)) throw new Error(`harness: delete cycle through ${r.urn}`);
        visiting.add(r.urn);
        const start = Math.max(from, ...waitsFor.get(r.urn)!.map((d) => spanOf(d, visiting).end));
        const span = { start, end: start + (skipped(r) ? 0 : deleteSeconds(r.type, r.custom)) };
        spans.set(r.urn, span);
        return span;
    };
    condemned.forEach((r) => spanOf(r));

    const errors: string[] = [];
    const fics: FicOperation[] = [];
    const steps: Step[] = [];
    const left: OutsideObject[] = [];
    const clusters = state.filter((r) => r.type === TYPES.cluster);
    const clusterName = clusters
        .map((c) => (typeof c.inputs.resourceName === "string" ? c.inputs.resourceName : c.name))
        .join(", ");
    const clusterDeletes = condemned
        .filter((r) => r.type === TYPES.cluster && !skipped(r))
        .map((r) => spans.get(r.urn)!);
    for (const r of condemned) {
        if (!r.custom) continue;
        const span = spans.get(r.urn)!;
        if (skipped(r)) {
            steps.push({
                op: "delete-skipped",
                urn: r.urn,
                type: r.type,
                name: r.name,
                span,
                reason: `deleted with ${r.deletedWith}`,
            });
            if (OUTLIVE_THEIR_RESOURCE.has(r.type)) {
                left.push({ type: r.type, id: r.id, inputs: r.inputs });
            }
            continue;
        }
        steps.push({
            op: "delete",
            urn: r.urn,
            type: r.type,
            name: r.name,
            span,
            ...(replaced.has(r.urn) ? { reason: "the old object of a replacement" } : {}),
        });
        if (r.protect) {
            errors.push(
                `${r.type} ${r.name}: the resource is protected, so ${options.command} cannot delete it; remove protect from the program and run pulumi up first`,
            );
        }
        if (r.type === TYPES.fic) {
            fics.push({ op: "delete", name: r.name, id: r.id, inputs: r.inputs, span });
        }
        if (r.type.startsWith("kubernetes:")) {
            const gone = options.clusterGone || clusterDeletes.some((c) => c.start <= span.start);
            if (gone) {
                errors.push(
                    `${r.type} ${r.name}: Unreachable: the API server of ${clusterName || "the cluster"} is gone (cluster deleted); ${options.command} cannot delete Kubernetes objects without it`,
                );
            }
        }
    }
    const index = new Map(state.map((r, i) => [r.urn, i]));
    steps.sort((a, b) => a.span.start - b.span.start || index.get(a.urn)! - index.get(b.urn)!);
    return { steps, errors, fics, left };
}

/**
 * `pulumi destroy` of a stack's state: every resource deleted as Pulumi orders deletes (see
 * scheduleDeletes), from 0 s. No program runs. Returns the steps in time order, what Azure and
 * the Kubernetes API refuse, and what stays in Azure afterwards (`left`: pass it as
 * RunOptions.outside to the next `pulumi up` of the same stack).
 */
export function destroyStack(
    previous: Pick<RunResult, "registrations">,
    options: { clusterGone?: boolean } = {},
): { steps: Step[]; errors: string[]; left: OutsideObject[] } {
    const state = previous.registrations;
    const { steps, errors, fics, left } = scheduleDeletes(state, state, 0, {
        clusterGone: options.clusterGone === true,
        command: "pulumi destroy",
    });
    return { steps, errors: [...errors, ...ficConcurrencyProblems(fics)], left };
}

async function waitForRegistrations(): Promise<void> {
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    await wait?.();
}

function unwrapRunError(e: unknown): unknown {
    return e;
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
