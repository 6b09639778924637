// Builds the plan from one evaluation of the program (offline/harness.ts runProgram).
// Pure module: everything comes from the registrations; the validated config lends names only.
import type { StackConfig } from "../components/config";
import type { Deployer } from "../components/deployer";
import type { Registration } from "../offline/harness";
import { deriveAccess } from "./access";
import { effectiveAccess } from "../components/access";
import { planDeploy } from "./deployTime";
import { deriveFindings, type PolicyViolation } from "./findings";
import { isStanding, type Plan, SCHEMA_VERSION, SECRET, SEVERITIES, type Severity } from "./model";
import { RegistrationIndex } from "./registrations";
import { orderChecks } from "./order";
import { planResources } from "./resources";
import { signIn } from "./signIn";

export interface PlanInput {
    project: string;
    stack: string;
    registrations: readonly Registration[];
    outputs: Record<string, unknown>;
    secretOutputs: readonly string[];
    /** Who runs `pulumi up`: config and the (fake) login, resolved as the program does. */
    deployer: Deployer;
    config: StackConfig;
    /** The stack file's config map as written (FindingContext.written). */
    written?: Readonly<Record<string, unknown>>;
    /** Violations of the guardrails pack for these registrations. Defaults to none. */
    policyViolations?: readonly PolicyViolation[];
}

export { SECRET } from "./model";

export function buildPlan(input: PlanInput): Plan {
    const index = new RegistrationIndex(input.registrations);
    const access = deriveAccess({
        index,
        config: input.config,
        project: input.project,
        stack: input.stack,
        deployer: input.deployer,
    });
    const resources = planResources({ index, access });
    const order = orderChecks({ index, access });
    const login = signIn(index, input.config);
    const findings = deriveFindings({
        index,
        access,
        order,
        config: input.config,
        written: input.written,
        signIn: login,
        policyViolations: input.policyViolations,
    });

    const byType: Record<string, number> = {};
    for (const r of resources.filter((x) => x.custom)) {
        byType[r.type] = (byType[r.type] ?? 0) + 1;
    }
    const severities = Object.fromEntries(
        SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]),
    ) as Record<Severity, number>;
    const outputs = Object.fromEntries(
        Object.entries(input.outputs).map(([k, v]) => [
            k,
            input.secretOutputs.includes(k) ? SECRET : v,
        ]),
    );

    return {
        schemaVersion: SCHEMA_VERSION,
        project: input.project,
        stack: input.stack,
        summary: {
            resources: resources.length,
            customResources: resources.filter((r) => r.custom).length,
            byType,
            principals: access.principals.length,
            scopes: access.scopes.length,
            grants: access.grants.length,
            eligibleGrants: access.grants.filter((g) => !isStanding(g)).length,
            trusts: access.trusts.length,
            findings: severities,
        },
        resources,
        order,
        principals: access.principals,
        scopes: access.scopes,
        grants: access.grants,
        derived: effectiveAccess(access),
        podSecurity: access.podAdmission,
        trusts: access.trusts,
        findings,
        deploy: planDeploy(input.registrations),
        signIn: login,
        outputs,
    };
}
