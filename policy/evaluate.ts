// Runs the whole pack over a list of resources the way the Pulumi engine would (every resource
// policy on every resource, then every stack policy once), honouring a policy config in the format
// of `pulumi preview --policy-pack-config`. Used by the tests and by tools that evaluate the
// program offline; the real pack does not load this module.
import {
    type EnforcementLevel,
    type PolicyProviderResource,
    type PolicyResource,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
    type StackValidationArgs,
    type StackValidationPolicy,
} from "@pulumi/policy";
import { policies } from "./policies";
import { unknownCheckingProxy } from "./read";

/** A resource as the engine registered it (offline/harness.ts `Registration` fits). */
export interface EvaluatedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent; "" at the top. */
    parent: string;
    dependencies: string[];
    /** `<provider urn>::<provider id>`, or "". */
    provider: string;
    protect: boolean;
    ignoreChanges: string[];
    /** Properties (inputs plus outputs). */
    state: Record<string, unknown>;
}

/** Policy config: `{ "<policy>": level | { enforcementLevel?, ...properties }, "all"?: level }`. */
export type PackConfig = Record<string, EnforcementLevel | Record<string, unknown>>;

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** The resource in violation (stack policies may omit it). */
    urn?: string;
    message: string;
}

class NotApplicable extends Error {}

function levelOf(
    policy: { name: string; enforcementLevel?: EnforcementLevel },
    config: PackConfig,
): EnforcementLevel {
    const own = config[policy.name];
    if (typeof own === "string") return own;
    const fromObject = own?.enforcementLevel as EnforcementLevel | undefined;
    const all = config.all;
    return (
        fromObject ??
        (typeof all === "string" ? all : undefined) ??
        policy.enforcementLevel ??
        "advisory"
    );
}

function propertiesOf(policyName: string, config: PackConfig): Record<string, unknown> {
    const own = config[policyName];
    if (own === undefined || typeof own === "string") return {};
    return Object.fromEntries(Object.entries(own).filter(([k]) => k !== "enforcementLevel"));
}

const opts = (r: EvaluatedResource) => ({
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: r.parent || undefined,
});

const typeCheck = (type: string) => (cls: unknown) =>
    (cls as { __pulumiType?: string }).__pulumiType === type;

function providerOf(
    r: EvaluatedResource,
    byUrn: ReadonlyMap<string, EvaluatedResource>,
): PolicyProviderResource | undefined {
    if (!r.provider) return undefined;
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    const p = byUrn.get(urn);
    return p && { type: p.type, props: p.state, urn: p.urn, name: p.name };
}

/** The args a resource policy receives for `r`. */
export function resourceArgs(
    r: EvaluatedResource,
    all: EvaluatedResource[] | ReadonlyMap<string, EvaluatedResource>,
    config: Record<string, unknown> = {},
): ResourceValidationArgs {
    // Callers evaluating many resources pass the index once (a list is indexed here).
    const byUrn = Array.isArray(all) ? new Map(all.map((x) => [x.urn, x])) : all;
    const props = unknownCheckingProxy(r.state);
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: opts(r),
        provider: providerOf(r, byUrn),
        stackTags: new Map(),
        isType: typeCheck(r.type),
        asType: ((cls: unknown) => (typeCheck(r.type)(cls) ? props : undefined)) as never,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** The args a stack policy receives for the whole list. */
export function stackArgs(
    all: EvaluatedResource[],
    config: Record<string, unknown> = {},
): StackValidationArgs {
    const out = new Map<string, PolicyResource>();
    const byUrn = new Map(all.map((x) => [x.urn, x]));
    for (const r of all) {
        out.set(r.urn, {
            type: r.type,
            props: unknownCheckingProxy(r.state),
            urn: r.urn,
            name: r.name,
            opts: opts(r),
            provider: providerOf(r, byUrn),
            dependencies: [],
            propertyDependencies: {},
            isType: typeCheck(r.type),
            asType: () => undefined,
        });
    }
    for (const r of all) {
        const p = out.get(r.urn)!;
        p.parent = r.parent ? out.get(r.parent) : undefined;
        p.dependencies = r.dependencies.flatMap((d) => out.get(d) ?? []);
    }
    return {
        resources: [...out.values()],
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Every violation the pack reports for `resources` under `config`. */
export async function evaluatePack(
    resources: EvaluatedResource[],
    config: PackConfig = {},
): Promise<Violation[]> {
    const violations: Violation[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Each policy's options, seen through one object: the arguments of every resource and of the
    // stack are built once and serve every policy (thousands of resources times every policy
    // otherwise), and `getConfig` answers for the policy being evaluated.
    const options: Record<string, unknown> = {};
    const resourceArgsList = resources.map((r) => resourceArgs(r, byUrn, options));
    let stack: StackValidationArgs | undefined;
    for (const policy of policies) {
        const level = levelOf(policy, config);
        if (level === "disabled") continue;
        for (const key of Object.keys(options)) delete options[key];
        Object.assign(options, propertiesOf(policy.name, config));
        const record = (message: string, urn?: string) =>
            violations.push({ policy: policy.name, enforcementLevel: level, urn, message });
        const validate = (policy as ResourceValidationPolicy).validateResource;
        if (validate !== undefined) {
            const checks = Array.isArray(validate) ? validate : [validate];
            for (let i = 0; i < resources.length; i++) {
                const urn = resources[i].urn;
                for (const check of checks) {
                    const pending = guard(() => check(resourceArgsList[i], (m) => record(m, urn)));
                    if (pending) await pending;
                }
            }
        }
        const validateStack = (policy as StackValidationPolicy).validateStack;
        if (validateStack !== undefined) {
            stack ??= stackArgs(resources, options);
            await guard(() => validateStack(stack!, record));
        }
    }
    return violations;
}

/**
 * Runs one check, ignoring NotApplicable; a check that returns a promise is awaited (the promise
 * is returned), a synchronous one costs no turn of the event loop.
 */
function guard(run: () => void | Promise<void>): Promise<void> | undefined {
    const skip = (e: unknown) => {
        if (!(e instanceof NotApplicable)) throw e;
    };
    try {
        const result = run();
        return result instanceof Promise ? result.catch(skip) : undefined;
    } catch (e) {
        skip(e);
        return undefined;
    }
}
