// Physical names for every Azure and Entra object the stack creates.
// Pure module. Every name is derived from project and stack only (never random, never dated), fits
// its resource's length and character rules, and carries a short hash of the exact project/stack
// pair, so two stacks never collide in one subscription or tenant even when their names slug alike
// ("Team_A" and "team-a") or are cut short to fit.
import { createHash } from "node:crypto";

/** Azure's rules for the names this project creates (length and characters). */
export const NAME_RULES = {
    resourceGroup: { max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
    cluster: { max: 63, pattern: /^[a-zA-Z0-9][-_a-zA-Z0-9]*[a-zA-Z0-9]$/ },
    dnsPrefix: { max: 54, pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/ },
    nodeResourceGroup: { max: 80, pattern: /^[-\w.()]*[-\w()]$/ },
    userAssignedIdentity: { min: 3, max: 128, pattern: /^[a-zA-Z0-9][-_a-zA-Z0-9]*$/ },
    federatedCredential: { min: 3, max: 120, pattern: /^[a-zA-Z0-9][-_a-zA-Z0-9]*$/ },
    logWorkspace: { min: 4, max: 63, pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/ },
    groupDisplayName: { max: 256, pattern: /^[\x21-\x7e ]+$/ },
    // mailNickname: ASCII, no spaces or @()\[]";:<>,
    groupMailNickname: { max: 64, pattern: /^[a-zA-Z0-9][-_.a-zA-Z0-9]*$/ },
} as const;

export type NameKind = keyof typeof NAME_RULES;

/** The names config may set (aks-entra:names); each unset one is derived. */
export interface CustomNames {
    readonly resourceGroup?: string;
    readonly cluster?: string;
    readonly dnsPrefix?: string;
    readonly nodeResourceGroup?: string;
}

/** Lowercase, `[a-z0-9-]` only, no leading/trailing or doubled hyphens. */
export function slug(value: string): string {
    return value
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
}

/** 8 hex chars of SHA-256: stable across runs and machines. */
export function shortHash(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 8);
}

/**
 * `<prefix>-<body>-<hash>[-<suffix>]`, cutting `body` so the whole fits `max`. The hash identifies
 * the stack, so cutting never makes two stacks' names equal.
 */
function compose(prefix: string, body: string, hash: string, suffix: string, max: number): string {
    const fixed = [prefix, hash, suffix].filter((s) => s.length > 0);
    const room = max - fixed.join("-").length - (body.length > 0 ? 1 : 0);
    const cut = body.slice(0, Math.max(0, room)).replace(/[-_]+$/, "");
    const parts = [prefix, cut, hash, suffix].filter((s) => s.length > 0);
    return parts.join("-");
}

/** The physical names of one stack. */
export class StackNames {
    /** `<project>-<stack>` as a slug, before any cut. */
    readonly base: string;
    /** Hash of the exact project and stack names. */
    readonly hash: string;

    /**
     * `custom`: names of your convention (aks-entra:names), used as given instead of the derived
     * ones; unique across stacks only if you keep them so.
     */
    constructor(
        readonly project: string,
        readonly stack: string,
        private readonly custom: CustomNames = {},
    ) {
        this.base = [slug(project), slug(stack)].filter((s) => s.length > 0).join("-");
        this.hash = shortHash(project, stack);
    }

    private name(kind: NameKind, prefix: string, suffix = ""): string {
        return compose(prefix, this.base, this.hash, suffix, NAME_RULES[kind].max);
    }

    get resourceGroup(): string {
        return this.custom.resourceGroup ?? this.name("resourceGroup", "rg");
    }
    get nodeResourceGroup(): string {
        return this.custom.nodeResourceGroup ?? this.name("nodeResourceGroup", "rg", "nodes");
    }
    get cluster(): string {
        return this.custom.cluster ?? this.name("cluster", "aks");
    }
    /** DNS prefix of the API server FQDN; must start with a letter or digit. */
    get dnsPrefix(): string {
        return this.custom.dnsPrefix ?? this.name("dnsPrefix", "aks");
    }
    get controlPlaneIdentity(): string {
        return this.name("userAssignedIdentity", "id", "control-plane");
    }
    get kubeletIdentity(): string {
        return this.name("userAssignedIdentity", "id", "kubelet");
    }
    /** The Log Analytics workspace of the audit trail (when the stack creates one). */
    get logWorkspace(): string {
        return this.name("logWorkspace", "log");
    }
    get adminGroupDisplayName(): string {
        return this.name("groupDisplayName", "aks", "admins");
    }
    get adminGroupMailNickname(): string {
        return this.name("groupMailNickname", "aks", "admins");
    }

    /** The JIT group of entry `name`: `<project>-<stack>-jit-<name>` (project and stack as given). */
    jitGroupDisplayName(name: string): string {
        return `${this.project}-${this.stack}-jit-${name}`;
    }
    /** Mail nickname of a JIT group: the stack's, then `jit-<name>` (a long name cut, with its hash). */
    jitGroupMailNickname(name: string): string {
        const tail = name.length <= 24 ? name : `${name.slice(0, 15)}-${shortHash(name)}`;
        return compose(
            "aks",
            this.base,
            this.hash,
            `jit-${tail}`,
            NAME_RULES.groupMailNickname.max,
        );
    }
    /** The stack's Conditional Access policy. */
    get conditionalAccessPolicy(): string {
        return `${this.project}-${this.stack} AKS sign-in (aks-entra ${this.hash})`;
    }

    /**
     * Identity of a workload: `id-<stack>-<hash>-<namespace>_<serviceAccount>`. `_` cannot occur in
     * either Kubernetes name, so distinct pairs never give one name; a pair too long to fit is cut
     * and given its own hash.
     */
    workloadIdentity(namespace: string, serviceAccount: string): string {
        return this.scoped("wl", `${namespace}_${serviceAccount}`);
    }

    /** Resource group of a platform's team (docs/team-stacks.md): `rg-<stack>-<hash>-team-<team>`. */
    teamResourceGroup(team: string): string {
        return this.name("resourceGroup", "rg", `team-${team}`);
    }

    /** Deployment identity of a platform's team: `id-<stack>-<hash>-team-<team>`. */
    teamIdentity(team: string): string {
        return this.scoped("team", team);
    }

    /** Identity of a CI pipeline: `id-<stack>-<hash>-ci-<pipeline>`. */
    pipelineIdentity(pipeline: string): string {
        return this.scoped("ci", pipeline);
    }

    private scoped(kind: string, tail: string): string {
        const max = NAME_RULES.userAssignedIdentity.max;
        const tailHash = shortHash(tail);
        // Leave the tail room for up to 24 readable chars plus its hash: a long stack name is cut
        // first (the stack hash keeps it unique), never the whole budget.
        const reserve = 1 + Math.min(tail.length, 24 + 1 + tailHash.length);
        const head = compose("id", this.base, this.hash, kind, max - reserve);
        const full = `${head}-${tail}`;
        if (full.length <= max) {
            return full;
        }
        const room = max - head.length - tailHash.length - 2;
        return `${head}-${tail.slice(0, room).replace(/[-_]+$/, "")}-${tailHash}`;
    }
}

/**
 * Name of a federated identity credential: 3-120 chars of `[A-Za-z0-9_-]`, starting alphanumeric.
 * Readable where it fits, with a hash of the exact subject so two subjects never share a name.
 */
export function federatedCredentialName(label: string, subject: string): string {
    const max = NAME_RULES.federatedCredential.max;
    const hash = shortHash(subject);
    const body = slug(label)
        .slice(0, max - hash.length - 1)
        .replace(/-+$/, "");
    return body.length > 0 ? `${body}-${hash}` : `fic-${hash}`;
}

/** Checks a name against its resource's rules; returns the problem, or undefined when valid. */
export function nameProblem(kind: NameKind, value: string): string | undefined {
    const rule = NAME_RULES[kind];
    const min = "min" in rule ? rule.min : 1;
    if (value.length < min || value.length > rule.max) {
        return `${kind} name "${value}" is ${value.length} chars; allowed ${min}-${rule.max}`;
    }
    if (!rule.pattern.test(value)) {
        return `${kind} name "${value}" has characters or an ending that Azure rejects`;
    }
    return undefined;
}

/** What Azure allows for the names config may set (aks-entra:names), in words. */
const NAME_WORDS = {
    resourceGroup:
        "a resource group name has 1-90 letters, digits, - _ . ( ), and does not end with a period",
    cluster:
        "a cluster name has 1-63 letters, digits, - and _, starting and ending with a letter or digit",
    dnsPrefix:
        "a DNS prefix has 1-54 letters, digits and -, starting and ending with a letter or digit",
    nodeResourceGroup:
        "a node resource group name has 1-80 letters, digits, - _ . ( ), and does not end with a period",
} as const;

/** A name of yours (aks-entra:names) as config reports it; undefined when Azure accepts it. */
export function customNameProblem(
    kind: keyof typeof NAME_WORDS,
    value: string,
): string | undefined {
    return nameProblem(kind, value) === undefined
        ? undefined
        : `is not a name Azure accepts: ${NAME_WORDS[kind]}`;
}
