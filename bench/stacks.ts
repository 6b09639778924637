// What the benches share: the stacks they run (the dev stack, and generated stacks of n
// namespaces), the machine they ran on, and a table on stdout.
import { cpus, totalmem } from "node:os";
import * as path from "node:path";
import { readStackConfig } from "../plan/files";

export const ROOT = path.resolve(__dirname, "..");
const SUB = "22222222-bbbb-4bbb-8bbb-000000000001";

/** The `config:` map of Pulumi.dev.yaml, read as `npm run plan -- --stack dev` reads it. */
export function devConfig(): Record<string, unknown> {
    return readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));
}

function guid(n: number, kind: number): string {
    return `00000000-${String(kind).padStart(4, "0")}-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** A valid stack config with `n` namespaces, each with a team group, a binding and a workload. */
export function generatedConfig(n: number): Record<string, unknown> {
    const groups: Record<string, string> = { "platform-admins": guid(0, 1), auditors: guid(0, 2) };
    const namespaces = Array.from({ length: n }, (_, i) => {
        const team = `team-${String(i).padStart(3, "0")}`;
        groups[`${team}-devs`] = guid(i + 1, 3);
        return {
            name: team,
            access: [
                { group: `${team}-devs`, role: "writer" },
                { group: "auditors", role: "reader" },
            ],
            roles: [{ name: "devs-view", clusterRole: "view", groups: [`${team}-devs`] }],
            workloads: [
                {
                    serviceAccount: "app",
                    azureRoleAssignments: [
                        {
                            role: "Key Vault Secrets User",
                            scope: `/subscriptions/${SUB}/resourceGroups/rg-${team}/providers/Microsoft.KeyVault/vaults/kv-${team}`,
                        },
                    ],
                },
            ],
        };
    });
    return {
        config: {
            "aks-entra:location": "westeurope",
            "aks-entra:cluster": {
                tier: "Standard",
                systemPool: { vmSize: "Standard_D4ds_v5", count: 3, zones: ["1", "2", "3"] },
                authorizedIpRanges: ["203.0.113.0/24"],
            },
            "aks-entra:groups": groups,
            "aks-entra:admins": { createGroup: true, existingGroupObjectIds: ["platform-admins"] },
            "aks-entra:clusterAccess": [{ group: "auditors", role: "reader" }],
            "aks-entra:namespaces": namespaces,
            "aks-entra:deployer": {
                principalType: "User",
                clusterAdmin: true,
                rbacWaitSeconds: 300,
            },
        },
    };
}

/** `node 22.x, 2 CPUs, 8 GiB`. */
export function machine(): string {
    return `node ${process.versions.node}, ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

/** Columns two spaces apart, the first left-aligned and the rest right-aligned, under dashes. */
export function printTable(headers: string[], rows: string[][]): void {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
        cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    console.log(line(headers));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    rows.forEach((r) => console.log(line(r)));
}
