// Shared test helpers: run the real program under the fakes and look registrations up.
import * as path from "node:path";
import { readStackConfig } from "../plan/files";
import { strict as assert } from "node:assert";
import { AzureFakes, fakeGuid } from "../offline/fakes";
import {
    ProgramFailure,
    type Registration,
    type RunOptions,
    type RunResult,
    runProgram,
} from "../offline/harness";
import { sharedRun } from "./sharedRuns";

export const ROOT = path.resolve(__dirname, "..");

/** The config of `Pulumi.<stack>.yaml` as Pulumi reads it (Pulumi.yaml's project config under it). */
export function stackConfig(stack = "dev"): Record<string, unknown> {
    return readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`));
}

/** A minimal valid config map; `extra` keys (without namespace) override. */
export function minimalConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        "aks-entra:location": "westeurope",
        ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`aks-entra:${k}`, v])),
    };
}

/**
 * The program evaluated for the dev stack file with `options` over it. Shared: the same options
 * evaluate once per process and the result is frozen (test/sharedRuns.ts); `freshRun` evaluates
 * anew, for tests of what two evaluations have in common.
 */
export function run(options: Partial<RunOptions> = {}): Promise<RunResult> {
    return sharedRun({ config: stackConfig("dev"), ...options });
}

export function freshRun(options: Partial<RunOptions> = {}): Promise<RunResult> {
    return runProgram({ config: stackConfig("dev"), ...options });
}

/** Runs and returns the failure the fakes (Azure) or the program answer with, or fails the test. */
export async function refused(options: Partial<RunOptions>): Promise<ProgramFailure> {
    try {
        await run(options);
    } catch (e) {
        assert.ok(e instanceof ProgramFailure, String(e));
        return e;
    }
    assert.fail("the fakes accepted it");
}

/** Custom resources of one type (optionally with a logical name). */
export function ofType(r: RunResult, type: string): Registration[] {
    return r.registrations.filter((x) => x.custom && x.type === type);
}

/** The single registration of `type` named `name`; fails when absent or ambiguous. */
export function one(r: RunResult, type: string, name: string): Registration {
    const hits = r.registrations.filter((x) => x.type === type && x.name === name);
    if (hits.length !== 1) {
        const known = ofType(r, type).map((x) => x.name);
        throw new Error(
            `expected one ${type} named ${name}, found ${hits.length}; known: ${known.join(", ")}`,
        );
    }
    return hits[0];
}

export function byUrn(r: RunResult, urn: string): Registration {
    const hit = r.registrations.find((x) => x.urn === urn);
    if (!hit) throw new Error(`no registration with urn ${urn}`);
    return hit;
}

/** Transitive dependencies (URNs) of a registration, following dependencies and parents' deps. */
export function dependsOnTransitively(r: RunResult, from: Registration, to: Registration): boolean {
    const seen = new Set<string>();
    const stack = [...from.dependencies];
    while (stack.length > 0) {
        const urn = stack.pop()!;
        if (urn === to.urn) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        const reg = r.registrations.find((x) => x.urn === urn);
        if (reg) stack.push(...reg.dependencies);
    }
    return false;
}

import { TYPES } from "../offline/types";
export { TYPES };

/**
 * The registrations a first `pulumi up` orders (docs/azure-facts.md, failure modes 4, 7, 11): one
 * lookup for every test of that ordering. Throws when one is missing.
 */
export function firstUpChain(r: RunResult) {
    return {
        resourceGroup: one(r, TYPES.resourceGroup, "aks-entra-rg"),
        controlPlane: one(r, TYPES.identity, "aks-entra-identities-control-plane"),
        kubeletGrant: one(r, TYPES.roleAssignment, "aks-entra-identities-kubelet-operator"),
        /** The control plane's Network Contributor on your subnet (stacks with cluster.network). */
        subnetGrant: r.registrations.find(
            (x) => x.name === "aks-entra-identities-control-plane-subnet",
        ),
        kubeletWait: one(r, TYPES.sleep, "aks-entra-identities-kubelet-operator-propagation"),
        cluster: one(r, TYPES.cluster, "aks-entra-cluster"),
        deployerGrant: one(r, TYPES.roleAssignment, "aks-entra-connection-deployer-cluster-admin"),
        deployerWait: one(r, TYPES.sleep, "aks-entra-connection-rbac-propagation"),
        provider: one(r, TYPES.k8sProvider, "aks-entra-connection-k8s"),
    };
}

/**
 * A role assignment as the engine registers it, for tests that feed the fakes directly: `role`
 * (a GUID) over `scope` to the service principal `principalId`; the role definition id in
 * subscription `sub` when given, else tenant-wide as the providers also accept it.
 */
export function fakeGrant(
    name: string,
    role: string,
    scope: string,
    principalId: string,
    sub?: string,
) {
    return {
        type: TYPES.roleAssignment,
        name,
        custom: true,
        inputs: {
            scope,
            roleAssignmentName: fakeGuid(name),
            roleDefinitionId: `${sub ? `/subscriptions/${sub}` : ""}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            principalId,
            principalType: "ServicePrincipal",
        },
    };
}

/**
 * What the fake AKS answers to a cluster `c` with the control-plane identity `controlPlaneId`,
 * created at `at` s after `grants` (made at 0 s, honoured 60 s after they end), with `inputs`
 * added: the fakes' errors.
 */
export function clusterCreateErrors(
    controlPlaneId: string,
    grants: ReturnType<typeof fakeGrant>[],
    at: number,
    inputs: Record<string, unknown>,
): string[] {
    const fakes = new AzureFakes();
    for (const g of grants) fakes.newResource(g);
    fakes.startOf.set(`${TYPES.cluster}|c`, at);
    fakes.newResource({
        type: TYPES.cluster,
        name: "c",
        custom: true,
        inputs: {
            resourceGroupName: "rg",
            resourceName: "c",
            location: "westeurope",
            dnsPrefix: "c",
            aadProfile: { managed: true, enableAzureRBAC: true },
            identity: { type: "UserAssigned", userAssignedIdentities: [controlPlaneId] },
            agentPoolProfiles: [{ name: "system", mode: "System" }],
            ...inputs,
        },
    });
    return fakes.errors;
}
