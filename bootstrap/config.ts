// The bootstrap's config: read once, validated whole before any resource exists, every problem
// reported together with its key path, the bad value and what is allowed (as components/config
// does for the main program). Pure module: no Pulumi resources.
import { ConfigError, show } from "../components/config/messages";
import { closest } from "../components/nearMiss";

export { ConfigError };

/** The bootstrap project's config namespace (its Pulumi.yaml name). */
export const BOOTSTRAP_NAMESPACE = "aks-entra-bootstrap";

/**
 * GitHub environments every repository of aks-entra has besides one per deployed stack (the
 * contract shared with the delivery workflows): `preview` creates and updates `pr-*` stacks,
 * `preview-destroy` only destroys them, `plan-read` only reads (the PR comment's preview), `e2e`
 * runs the end-to-end stacks.
 */
export const FIXED_ENVIRONMENTS = ["preview", "preview-destroy", "plan-read", "e2e"] as const;

export interface BootstrapConfig {
    location: string;
    /** Resource group of the state backend and the key vault. */
    resourceGroupName: string;
    storageAccountName: string;
    containerName: string;
    keyVaultName: string;
    keyName: string;
    /** Days a deleted blob, blob version or container can be restored. */
    softDeleteDays: number;
    github: { owner: string; repository: string };
    /** Deployed stacks, each with a GitHub environment and a deployment identity of its name. */
    stacks: string[];
    /** Teams of the platform stack: their environments' client ids come from its outputs. */
    teams: string[];
    /** The platform stack, `<org>/<project>/<stack>`, whose `teams` output the team commands read. */
    platformStack: string;
    /** The self-hosted runner label of stacks whose API server is private. */
    privateRunnerLabel: string;
}

const KEYS = [
    "location",
    "resourceGroupName",
    "storageAccountName",
    "containerName",
    "keyVaultName",
    "keyName",
    "softDeleteDays",
    "github",
    "stacks",
    "teams",
    "platformStack",
    "privateRunnerLabel",
] as const;

const STACK = /^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$|^[a-z0-9]$/;
const GITHUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

function key(path: string): string {
    return `${BOOTSTRAP_NAMESPACE}:${path}`;
}

/**
 * Pulumi hands every value as text: structured YAML as JSON. Decodes the bootstrap's keys (without
 * namespace) from a config map; other namespaces are not this program's.
 */
export function bootstrapRaw(all: Readonly<Record<string, string>>): Record<string, unknown> {
    const raw = Object.create(null) as Record<string, unknown>;
    for (const [full, text] of Object.entries(all)) {
        if (!full.startsWith(`${BOOTSTRAP_NAMESPACE}:`)) continue;
        const k = full.slice(BOOTSTRAP_NAMESPACE.length + 1);
        if (text === "null") raw[k] = null;
        else if (k === "location" || k.endsWith("Name") || k === "platformStack") raw[k] = text;
        else {
            try {
                raw[k] = JSON.parse(text);
            } catch {
                raw[k] = text;
            }
        }
    }
    return raw;
}

/** Namespaces of the providers the bootstrap uses, whose keys Pulumi hands to them. */
const PROVIDER_NAMESPACES = ["azure-native", "azuread", "pulumi"];

/**
 * The validated config of a whole config map (`namespace:key` -> text, as Pulumi hands it), or a
 * ConfigError listing every problem: a key of another namespace would never be read, so it is
 * refused rather than dropped.
 */
export function bootstrapConfigFrom(all: Readonly<Record<string, string>>): BootstrapConfig {
    const foreign: string[] = [];
    for (const full of Object.keys(all)) {
        const [ns, ...rest] = full.split(":");
        if (ns === BOOTSTRAP_NAMESPACE || PROVIDER_NAMESPACES.includes(ns)) continue;
        const name = rest.join(":") || ns;
        foreign.push(
            `${full} is not read by the bootstrap, whose keys are ${BOOTSTRAP_NAMESPACE}:<key>; write ${key(name)}`,
        );
    }
    return parseBootstrapConfig(bootstrapRaw(all), foreign);
}

/** The validated config, or a ConfigError listing every problem (after `earlier` ones). */
export function parseBootstrapConfig(
    raw: Readonly<Record<string, unknown>>,
    earlier: readonly string[] = [],
): BootstrapConfig {
    const problems: string[] = [...earlier];
    for (const k of Object.keys(raw)) {
        if (!(KEYS as readonly string[]).includes(k)) {
            const near = closest(k, KEYS);
            problems.push(
                `${key(k)} is not a key of the bootstrap${near ? `; did you mean ${key(near)}?` : ""} (keys: ${KEYS.join(", ")})`,
            );
        }
    }
    const text = (
        k: (typeof KEYS)[number],
        rule: RegExp,
        allowed: string,
        fallback?: string,
    ): string => {
        const v = raw[k] ?? fallback;
        if (v === undefined) {
            problems.push(`${key(k)} is required: ${allowed}`);
            return "";
        }
        if (typeof v !== "string" || !rule.test(v)) {
            problems.push(`${key(k)} ${show(v)} is not valid: ${allowed}`);
            return "";
        }
        return v;
    };
    const location = text(
        "location",
        /^[a-z][a-z0-9]{2,40}$/,
        "an Azure region name, e.g. westeurope",
    );
    const resourceGroupName = text(
        "resourceGroupName",
        /^[-\w.()]{0,89}[-\w()]$/,
        "1-90 letters, digits, - _ . ( ), not ending in .",
        "rg-aks-entra-state",
    );
    const storageAccountName = text(
        "storageAccountName",
        /^[a-z0-9]{3,24}$/,
        "3-24 lowercase letters and digits, unique across Azure (it is the blob endpoint's host name)",
    );
    const containerName = text(
        "containerName",
        /^(?=.{3,63}$)[a-z0-9](?:-?[a-z0-9])*$/,
        "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
        "pulumi-state",
    );
    const keyVaultName = text(
        "keyVaultName",
        /^(?=.{3,24}$)[A-Za-z](?:-?[A-Za-z0-9])*$/,
        "3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit, unique across Azure",
    );
    const keyName = text(
        "keyName",
        /^[A-Za-z0-9-]{1,127}$/,
        "1-127 letters, digits and hyphens",
        "pulumi-secrets",
    );
    const platformStack = text(
        "platformStack",
        /^[A-Za-z0-9][-_.A-Za-z0-9]*\/[A-Za-z0-9][-_.A-Za-z0-9]*\/[A-Za-z0-9][-_.A-Za-z0-9]*$/,
        "<org>/<project>/<stack> (organization/aks-entra/platform on a self-managed backend)",
        "organization/aks-entra/platform",
    );
    const privateRunnerLabel = text(
        "privateRunnerLabel",
        /^[A-Za-z0-9][-_.A-Za-z0-9]{0,99}$/,
        "a GitHub runner label (letters, digits, - _ .)",
        "aks-private",
    );

    let softDeleteDays = 30;
    const days = raw.softDeleteDays;
    if (days !== undefined) {
        if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > 365) {
            problems.push(
                `${key("softDeleteDays")} ${show(days)} is not valid: a whole number of days from 1 to 365 (Azure's range for blob and container soft delete)`,
            );
        } else softDeleteDays = days;
    }

    const github = { owner: "", repository: "" };
    const gh = raw.github;
    if (gh === undefined) {
        problems.push(
            `${key("github")} is required: { owner: <user or organization>, repository: <name> }, the repository whose environments sign in`,
        );
    } else if (gh === null || typeof gh !== "object" || Array.isArray(gh)) {
        problems.push(`${key("github")} ${show(gh)} is not valid: { owner, repository }`);
    } else {
        const g = gh as Record<string, unknown>;
        for (const k of Object.keys(g)) {
            if (k !== "owner" && k !== "repository") {
                problems.push(
                    `${key(`github.${k}`)} is not a key of github (keys: owner, repository)`,
                );
            }
        }
        if (typeof g.owner !== "string" || !GITHUB_NAME.test(g.owner)) {
            problems.push(
                `${key("github.owner")} ${show(g.owner)} is not valid: a GitHub user or organization (1-39 letters, digits and inner hyphens)`,
            );
        } else github.owner = g.owner;
        if (
            typeof g.repository !== "string" ||
            !GITHUB_REPO.test(g.repository) ||
            g.repository === "." ||
            g.repository === ".."
        ) {
            problems.push(
                `${key("github.repository")} ${show(g.repository)} is not valid: a repository name without its owner (1-100 letters, digits, . _ -)`,
            );
        } else github.repository = g.repository;
    }

    const names = (k: "stacks" | "teams", what: string): string[] => {
        const v = raw[k] ?? (k === "teams" ? [] : undefined);
        if (v === undefined) {
            problems.push(
                `${key(k)} is required: the ${what}, e.g. [dev, staging, prod, platform]`,
            );
            return [];
        }
        if (!Array.isArray(v)) {
            problems.push(`${key(k)} ${show(v)} is not valid: a list of ${what}`);
            return [];
        }
        const seen = new Set<string>();
        v.forEach((s, i) => {
            const at = key(`${k}[${i}]`);
            if (typeof s !== "string" || !STACK.test(s)) {
                problems.push(
                    `${at} ${show(s)} is not valid: lowercase letters, digits and inner hyphens, at most 40 (a GitHub environment and an identity are named after it)`,
                );
            } else if (seen.has(s)) {
                problems.push(`${at} ${show(s)} is listed twice`);
            } else if (k === "stacks" && (FIXED_ENVIRONMENTS as readonly string[]).includes(s)) {
                problems.push(
                    `${at} ${show(s)} is an environment the bootstrap always makes (${FIXED_ENVIRONMENTS.join(", ")}); list only deployed stacks`,
                );
            } else if (k === "stacks" && /^(pr|team)-/.test(s)) {
                problems.push(
                    s.startsWith("pr-")
                        ? `${at} ${show(s)} is a pull-request stack: the preview environment deploys every pr-* stack; list only long-lived stacks`
                        : `${at} ${show(s)} is a team stack: its identity is made by the platform stack (aks-entra:teams); list the team under ${key("teams")} instead`,
                );
            } else {
                seen.add(s);
            }
        });
        return [...seen];
    };
    const stacks = names("stacks", "deployed stacks (one GitHub environment and identity each)");
    const teams = names("teams", "teams of the platform stack");
    if (stacks.length === 0 && Array.isArray(raw.stacks) && raw.stacks.length === 0) {
        problems.push(`${key("stacks")} [] is empty: list at least one deployed stack`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        location,
        resourceGroupName,
        storageAccountName,
        containerName,
        keyVaultName,
        keyName,
        softDeleteDays,
        github,
        stacks,
        teams,
        platformStack,
        privateRunnerLabel,
    };
}
