// `npm run plan -- --project bootstrap`: the offline plan of the bootstrap project (bootstrap/).
// Validates its config before the SDK loads, evaluates bootstrap/index.ts under the fakes, runs the
// guardrails pack on it as `pulumi preview --policy-pack policy` would, and reports what it would
// create and who would get what: each deployment identity, its trusted subject, its Azure roles
// with their conditions, its Microsoft Graph permissions, and the pack's violations.
import * as path from "node:path";
import { GRAPH_APP_ROLES } from "../bootstrap/access";
import { bootstrapConfigFrom, ConfigError } from "../bootstrap/config";
import { pulumiConfigMap } from "../components/config/pulumi";
import type * as Harness from "../offline/harness";
import type * as PolicyEvaluate from "../policy/evaluate";
import { UsageError } from "./files";
import { roleGuidOf, text } from "./registrations";
import { stableJson } from "./model";
import type { Style } from "./text";

export const BOOTSTRAP_DIR = path.resolve(__dirname, "..", "bootstrap");
export const BOOTSTRAP_PROJECT = "aks-entra-bootstrap";
/** Bumped on any incompatible change of the bootstrap plan's JSON form. */
export const BOOTSTRAP_SCHEMA_VERSION = 1;

export interface BootstrapGrant {
    /** The GitHub environment whose identity holds it. */
    environment: string;
    roleGuid: string;
    /** The role's name, from the assignment's description. */
    role: string;
    scope: string;
    condition?: string;
}

export interface BootstrapPlan {
    schemaVersion: number;
    project: string;
    stack: string;
    summary: {
        resources: number;
        byType: Record<string, number>;
        identities: number;
        grants: number;
        graphPermissions: number;
        violations: number;
    };
    resources: { urn: string; type: string; name: string }[];
    identities: { environment: string; name: string; clientId: string; subject: string }[];
    grants: BootstrapGrant[];
    graph: { environment: string; permission: string; appRoleId: string }[];
    violations: { policy: string; enforcementLevel: string; urn?: string; message: string }[];
    outputs: Record<string, unknown>;
}

/** True when the plan is of the bootstrap project: --project bootstrap, or a stack file under bootstrap/. */
export function isBootstrap(project: string | undefined, config: string | undefined): boolean {
    if (project !== undefined) return project === "bootstrap";
    return config !== undefined && path.dirname(path.resolve(config)) === BOOTSTRAP_DIR;
}

/** The bootstrap's config, validated as its `pulumi up` does; a UsageError naming the file. */
export function validBootstrapConfig(raw: Record<string, unknown>, file: string): void {
    try {
        bootstrapConfigFrom(pulumiConfigMap(raw));
    } catch (e) {
        if (e instanceof ConfigError)
            throw new UsageError(`${path.relative(process.cwd(), file) || file}: ${e.message}`);
        throw e;
    }
}

/** The environment of a registration whose parent is a DeploymentIdentity (`deploy-<env>`). */
function environmentOf(parent: string): string {
    const m = /::aks-entra:bootstrap:DeploymentIdentity::deploy-(.+)$/.exec(parent);
    return m?.[1] ?? "";
}

const GRAPH_PERMISSION_NAMES = new Map(
    Object.entries(GRAPH_APP_ROLES).map(([name, id]) => [id as string, name]),
);

/** Evaluates the bootstrap offline and builds its plan. Throws what the program threw. */
export async function evaluateBootstrap(input: {
    raw: Record<string, unknown>;
    stack: string;
    policyConfig?: PolicyEvaluate.PackConfig;
}): Promise<{ plan: BootstrapPlan; result: Harness.RunResult }> {
    const harness = require("../offline/harness") as typeof Harness;
    const result = await harness.runProgram({
        config: input.raw,
        stack: input.stack,
        project: BOOTSTRAP_PROJECT,
        program: path.join(BOOTSTRAP_DIR, "index.ts"),
    });
    const pack = require("../policy/evaluate") as typeof PolicyEvaluate;
    const violations = await pack.evaluatePack(result.registrations, input.policyConfig ?? {});
    return { plan: bootstrapPlan(input.stack, result, violations), result };
}

export function bootstrapPlan(
    stack: string,
    result: Pick<Harness.RunResult, "registrations" | "outputs">,
    violations: readonly PolicyEvaluate.Violation[],
): BootstrapPlan {
    const custom = result.registrations.filter((r) => r.custom);
    const byType: Record<string, number> = {};
    for (const r of custom) byType[r.type] = (byType[r.type] ?? 0) + 1;
    const identities = custom
        .filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity")
        .map((r) => {
            const environment = environmentOf(r.parent);
            const fic = custom.find(
                (f) =>
                    f.type === "azure-native:managedidentity:FederatedIdentityCredential" &&
                    environmentOf(f.parent) === environment,
            );
            return {
                environment,
                name: text(r.inputs.resourceName),
                clientId: text(r.state.clientId),
                subject: text(fic?.inputs.subject),
            };
        });
    const grants = custom
        .filter((r) => r.type === "azure-native:authorization:RoleAssignment")
        .map((r) => ({
            environment: environmentOf(r.parent),
            roleGuid: roleGuidOf(r),
            role: /\(([^()]+)\)$/.exec(text(r.inputs.description))?.[1] ?? "",
            scope: text(r.inputs.scope),
            ...(r.inputs.condition ? { condition: text(r.inputs.condition) } : {}),
        }));
    const graph = custom
        .filter((r) => r.type === "azuread:index/appRoleAssignment:AppRoleAssignment")
        .map((r) => ({
            environment: environmentOf(r.parent),
            permission: GRAPH_PERMISSION_NAMES.get(text(r.inputs.appRoleId)) ?? "(unknown)",
            appRoleId: text(r.inputs.appRoleId),
        }));
    return {
        schemaVersion: BOOTSTRAP_SCHEMA_VERSION,
        project: BOOTSTRAP_PROJECT,
        stack,
        summary: {
            resources: custom.length,
            byType,
            identities: identities.length,
            grants: grants.length,
            graphPermissions: graph.length,
            violations: violations.length,
        },
        resources: custom.map((r) => ({ urn: r.urn, type: r.type, name: r.name })),
        identities,
        grants,
        graph,
        violations: violations.map((v) => ({
            policy: v.policy,
            enforcementLevel: v.enforcementLevel,
            ...(v.urn ? { urn: v.urn } : {}),
            message: v.message,
        })),
        outputs: result.outputs,
    };
}

/** The plan as text, for a terminal or a CI log. */
export function renderBootstrapText(plan: BootstrapPlan, st: Style): string {
    const out: string[] = [];
    const s = plan.summary;
    out.push(
        st.bold(`Bootstrap plan: ${plan.project} / ${plan.stack}`),
        `${s.resources} resources, ${s.identities} deployment identities, ${s.grants} Azure role assignments, ${s.graphPermissions} Microsoft Graph permissions, ${s.violations} guardrail violations`,
        "",
        st.bold("Resources by type"),
        ...Object.entries(s.byType)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([t, n]) => `  ${String(n).padStart(3)}  ${t}`),
        "",
        st.bold("Deployment identities (GitHub environment -> identity, trusted subject)"),
    );
    for (const id of plan.identities) {
        out.push(`  ${st.cyan(id.environment)}: ${id.name}  ${st.dim(id.subject)}`);
        for (const g of plan.grants.filter((x) => x.environment === id.environment)) {
            out.push(
                `      ${g.role} on ${g.scope}${g.condition ? st.yellow(" [conditioned]") : ""}`,
            );
        }
        const graph = plan.graph.filter((x) => x.environment === id.environment);
        if (graph.length > 0) {
            out.push(`      Microsoft Graph: ${graph.map((x) => x.permission).join(", ")}`);
        }
    }
    out.push("", st.bold("Guardrails"));
    if (plan.violations.length === 0) out.push(`  ${st.green("no violations")}`);
    for (const v of plan.violations) {
        out.push(
            `  ${st.red(v.enforcementLevel)} ${v.policy}: ${v.message}${v.urn ? st.dim(` (${v.urn})`) : ""}`,
        );
    }
    const commands = plan.outputs.ghVariables;
    if (Array.isArray(commands)) {
        out.push("", st.bold("GitHub variables (pulumi stack output ghVariables)"));
        out.push(...commands.map((c) => `  ${String(c)}`));
    }
    return `${out.join("\n")}\n`;
}

export { stableJson };
