// Checks of single values that a regular expression cannot state well: IP ranges, ARM ids, git
// refs, GitHub repositories, Kubernetes versions. Each returns the problem (text that follows the
// key path and the value) or undefined. Pure module.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { ACTIVATION_MINUTES, MIN_NODE_VCPUS } from "./constants";

/** Validates one IPv4/IPv6 CIDR (or bare address); returns the problem or undefined. */
export function cidrProblem(value: string): string | undefined {
    const [address = "", prefix, ...rest] = value.split("/");
    // node's isIP is strict (no octal or short forms); ipaddr.js does the network arithmetic.
    const family = isIP(address);
    if (rest.length > 0 || family === 0) {
        return "is not an IP range in CIDR notation (e.g. 203.0.113.0/24)";
    }
    const bits = family === 4 ? 32 : 128;
    if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits)) {
        return `is not an IP range in CIDR notation (prefix must be 0-${bits})`;
    }
    const length = prefix === undefined ? bits : Number(prefix);
    if (length === 0) {
        return "opens the API server to the whole Internet; remove authorizedIpRanges instead";
    }
    const kind = family === 4 ? ipaddr.IPv4 : ipaddr.IPv6;
    const network = kind.networkAddressFromCIDR(`${address}/${length}`).toString();
    if (network !== ipaddr.parse(address).toString()) {
        return `has host bits set; did you mean ${network}/${length}?`;
    }
    return undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROVIDER_NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;
const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9]*$/;
// Resource group names: letters, digits, - _ . ( ), at most 90, not ending in a period.
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const ARM_ID_FORM =
    "/subscriptions/<guid>[/resourceGroups/<name>][/providers/<Namespace>/<type>/<name>[/<type>/<name>]...]";

/**
 * A role-assignment scope must be a well-formed ARM id: a subscription, an optional resource
 * group, then provider/type/name pairs (nested types and extension resources repeat them). ARM
 * would refuse or, worse, normalise anything else (`..`, query strings, empty segments) into a
 * scope nobody reviewed.
 */
export function armScopeProblem(scope: string): string | undefined {
    const bad = (why: string) => `is not an Azure resource id (${why}); expected ${ARM_ID_FORM}`;
    if (/[\s?#%\\]/.test(scope)) return bad("spaces, ?, #, % or \\ are not allowed");
    if (!scope.startsWith("/")) return bad("it must start with /subscriptions/");
    const parts = scope.slice(1).split("/");
    if (parts.some((p) => p === "")) return bad("empty segment: // or a trailing /");
    if (parts.some((p) => p === "." || p === "..")) return bad(". and .. segments are not allowed");
    const [subscriptions, subscription, ...rest] = parts;
    if (subscriptions.toLowerCase() !== "subscriptions" || !GUID.test(subscription ?? "")) {
        return bad("it must start with /subscriptions/<subscription guid>");
    }
    let i = 0;
    if (rest[0]?.toLowerCase() === "resourcegroups") {
        if (rest[1] === undefined || !RESOURCE_GROUP.test(rest[1])) {
            return bad(`${JSON.stringify(rest[1] ?? "")} is not a resource group name`);
        }
        i = 2;
    }
    while (i < rest.length) {
        if (rest[i].toLowerCase() !== "providers") {
            return bad(`expected "providers" where ${JSON.stringify(rest[i])} stands`);
        }
        const namespace = rest[i + 1];
        if (namespace === undefined || !PROVIDER_NAMESPACE.test(namespace)) {
            return bad(
                `${JSON.stringify(namespace ?? "")} is not a resource provider (e.g. Microsoft.KeyVault)`,
            );
        }
        i += 2;
        let pairs = 0;
        while (i < rest.length && rest[i].toLowerCase() !== "providers") {
            if (!RESOURCE_TYPE.test(rest[i])) {
                return bad(`${JSON.stringify(rest[i])} is not a resource type`);
            }
            if (rest[i + 1] === undefined) {
                return bad(`resource type ${JSON.stringify(rest[i])} has no name after it`);
            }
            i += 2;
            pairs++;
        }
        if (pairs === 0) return bad(`provider ${namespace} names no resource type and name`);
    }
    return undefined;
}

/**
 * A branch or tag name as git accepts it (git check-ref-format), given without its refs/heads/ or
 * refs/tags/ prefix: the subject GitHub emits adds the prefix itself.
 */
export function gitRefProblem(name: string, kind: "branch" | "tag"): string | undefined {
    const prefix = kind === "branch" ? "refs/heads/" : "refs/tags/";
    if (name.startsWith("refs/")) {
        return `is a full ref; give the ${kind} name without ${prefix} (the subject adds it)`;
    }
    const bad = (why: string) => `is not a ${kind} name git accepts (${why})`;

    if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return bad("no spaces, wildcards or ~ ^ : ? * [ \\");
    if (name.startsWith("-")) return bad("it must not start with -");
    if (name.includes("..") || name.includes("@{") || name === "@") return bad("no .., @{ or @");
    if (name.includes("//") || name.endsWith("/") || name.endsWith(".")) {
        return bad("no //, and no / or . at the end");
    }
    if (name.split("/").some((c) => c.startsWith(".") || c.endsWith(".lock"))) {
        return bad("no part may start with . or end with .lock");
    }
    return undefined;
}

// Owners: letters, digits and single hyphens, not at either end, at most 39 (GitHub's rule for
// account names). Repositories: letters, digits, - _ ., at most 100, never . or .. (GitHub refuses).
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO_NAME = /^[-_.A-Za-z0-9]{1,100}$/;

/** `<owner>/<repo>` as GitHub names repositories in its OIDC subjects. */
export function githubRepositoryProblem(value: string): string | undefined {
    const [owner = "", repo, ...rest] = value.split("/");
    if (repo === undefined || rest.length > 0) {
        return "is not a GitHub repository (<owner>/<repo>)";
    }
    if (!GITHUB_OWNER.test(owner)) {
        return "is not a GitHub repository (<owner>/<repo>): the owner is letters, digits and single hyphens, at most 39";
    }
    if (!GITHUB_REPO_NAME.test(repo) || repo === "." || repo === "..") {
        return "is not a GitHub repository (<owner>/<repo>): the name is letters, digits, - _ . (never . or ..), at most 100";
    }
    return undefined;
}

/**
 * "1.33" or "1.33.2". Whether AKS still creates clusters at it is the dated rule of
 * rules/version.ts (components/aksVersions.ts), which needs the day.
 */
export function kubernetesVersionProblem(value: string): string | undefined {
    const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(value);
    if (!m) return 'is not a Kubernetes version (e.g. "1.33" or "1.33.2")';
    // The version reaches AKS as written, and no version AKS lists has a leading zero.
    const canonical = value.replace(/\d+/g, (n) => String(Number(n)));
    if (canonical !== value) {
        return `is not a canonical Kubernetes version (no leading zeros); did you mean "${canonical}"?`;
    }
    if (Number(m[1]) !== 1) return "is not a Kubernetes version AKS offers (Kubernetes 1.x)";
    return undefined;
}

export const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/**
 * An ARM id of one resource of `type` (`Microsoft.Network/virtualNetworks/subnets`: namespace, then
 * the resource types of each level), in a resource group.
 */
export function resourceIdProblem(id: string, type: string): string | undefined {
    const [namespace, ...types] = type.split("/");
    const form = `/subscriptions/<guid>/resourceGroups/<name>/providers/${namespace}/${types.map((t) => `${t}/<name>`).join("/")}`;
    const scope = armScopeProblem(id);
    if (scope !== undefined) return `is not an Azure resource id; expected ${form}`;
    const parts = id.slice(1).split("/");
    const tail = parts.slice(4);
    const ok =
        parts[2]?.toLowerCase() === "resourcegroups" &&
        tail.length === 2 + types.length * 2 &&
        tail[0].toLowerCase() === "providers" &&
        tail[1].toLowerCase() === namespace.toLowerCase() &&
        types.every((t, i) => tail[2 + i * 2].toLowerCase() === t.toLowerCase());
    return ok ? undefined : `is not the id of a ${type} resource; expected ${form}`;
}

/**
 * The ARM id of a blob container: a storage account's blob service is always named `default`
 * (https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access, container scope).
 */
export function blobContainerIdProblem(id: string): string | undefined {
    const form =
        "/subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Storage/storageAccounts/<account>/blobServices/default/containers/<container>";
    const type = "Microsoft.Storage/storageAccounts/blobServices/containers";
    const problem = resourceIdProblem(id, type);
    if (problem !== undefined) return problem.replace(/expected .*$/, `expected ${form}`);
    return id.split("/")[10].toLowerCase() === "default"
        ? undefined
        : `is not the id of a ${type} resource (a storage account's blob service is named default); expected ${form}`;
}

/**
 * Ranges Azure keeps for itself: none may be a pod, service or cluster network range
 * (https://learn.microsoft.com/azure/aks/azure-cni-overlay, "IP address planning").
 */
export const AKS_RESERVED_RANGES = [
    "169.254.0.0/16",
    "172.30.0.0/16",
    "172.31.0.0/16",
    "192.0.2.0/24",
] as const;

/** An IPv4 network for pods or services: CIDR, no host bits, not a range AKS reserves. */
export function networkCidrProblem(value: string): string | undefined {
    const [address = "", prefix, ...rest] = value.split("/");
    if (
        rest.length > 0 ||
        prefix === undefined ||
        isIP(address) !== 4 ||
        !/^\d{1,2}$/.test(prefix)
    ) {
        return "is not an IPv4 range in CIDR notation (e.g. 10.244.0.0/16)";
    }
    const length = Number(prefix);
    if (length < 8 || length > 28) {
        return "has a prefix outside /8../28";
    }
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    if (network !== address) {
        return `has host bits set; did you mean ${network}/${length}?`;
    }
    const reserved = AKS_RESERVED_RANGES.find((r) => cidrsOverlap(r, value));
    if (reserved !== undefined) {
        return `overlaps ${reserved}, which AKS reserves; choose another private range`;
    }
    return undefined;
}

/**
 * The widest service range kube-apiserver accepts: "specified --service-cluster-ip-range is too
 * large; for 32-bit addresses, the mask must be >= 12" (kubernetes/kubernetes,
 * cmd/kube-apiserver/app/options/validation.go, validateMaxCIDRRange).
 */
export const WIDEST_SERVICE_PREFIX = 12;
/**
 * Azure CNI Overlay gives every node a /24 of the pod range
 * (https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay).
 */
export const NODE_POD_PREFIX = 24;

/** `cluster.network.serviceCidr`: a network range no wider than kube-apiserver accepts. */
export function serviceCidrProblem(value: string): string | undefined {
    const problem = networkCidrProblem(value);
    if (problem !== undefined) return problem;
    return Number(value.split("/")[1]) < WIDEST_SERVICE_PREFIX
        ? `is wider than /${WIDEST_SERVICE_PREFIX}, the largest service range kube-apiserver accepts; allowed: /${WIDEST_SERVICE_PREFIX}../28 (e.g. 10.0.0.0/16)`
        : undefined;
}

/** `cluster.network.podCidr`: a network range that holds at least one node's /24. */
export function podCidrProblem(value: string): string | undefined {
    const problem = networkCidrProblem(value);
    if (problem !== undefined) return problem;
    return Number(value.split("/")[1]) > NODE_POD_PREFIX
        ? `is narrower than /${NODE_POD_PREFIX}, the block Azure CNI Overlay gives every node; allowed: /8../${NODE_POD_PREFIX} (e.g. 10.244.0.0/16)`
        : undefined;
}

/** True when two IPv4 CIDRs share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const [na, la] = ipaddr.IPv4.parseCIDR(a);
    const [nb, lb] = ipaddr.IPv4.parseCIDR(b);
    return la <= lb ? nb.match(na, la) : na.match(nb, lb);
}

/** A plain IPv4 address (e.g. dnsServiceIp). */
export function ipv4AddressProblem(value: string): string | undefined {
    return isIP(value) === 4 ? undefined : "is not an IPv4 address (e.g. 10.0.0.10)";
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN_253 =
    /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label prefixes AKS or the kubelet own: AKS refuses them on a pool. */
const RESERVED_LABEL_PREFIXES = ["kubernetes.azure.com", "kubernetes.io", "k8s.io", "aks-entra"];

/** A Kubernetes label or taint key (`[prefix/]name`) that AKS accepts on a node pool. */
export function poolLabelKeyProblem(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (!LABEL_NAME.test(name) || (prefix !== undefined && !DNS_SUBDOMAIN_253.test(prefix))) {
        return "is not a Kubernetes label key ([prefix/]name: name at most 63 letters, digits, - _ .; prefix a DNS subdomain)";
    }
    const owned = RESERVED_LABEL_PREFIXES.find(
        (p) => prefix !== undefined && (prefix === p || prefix.endsWith(`.${p}`)),
    );
    if (owned !== undefined) {
        return `uses the prefix ${owned}, which ${owned === "aks-entra" ? "this stack sets itself (aks-entra/pool)" : "AKS and the kubelet own"}`;
    }
    return undefined;
}

/** A node taint as AKS takes it: `key=value:Effect` or `key:Effect`. */
export function taintProblem(value: string): string | undefined {
    const m = /^([^=:]+)(?:=([^:]*))?:([A-Za-z]+)$/.exec(value);
    const form = "expected key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute";
    if (!m) return `is not a taint (${form})`;
    const [, key, val, effect] = m;
    if (!["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(effect)) {
        return `has effect ${JSON.stringify(effect)}; ${form}`;
    }
    const keyProblem = poolLabelKeyProblem(key);
    if (keyProblem !== undefined) return `has a key that ${keyProblem}`;
    if (val !== undefined && val !== "" && !LABEL_NAME.test(val)) {
        return "has a value that is not a label value (at most 63 letters, digits, - _ .)";
    }
    return undefined;
}

/**
 * `system`, `none` or the id of a private DNS zone named `privatelink.<region>.azmk8s.io` or
 * `<subzone>.privatelink.<region>.azmk8s.io` (https://learn.microsoft.com/azure/aks/private-clusters).
 */
export function privateDnsZoneProblem(value: string): string | undefined {
    if (value === "system" || value === "none") return undefined;
    const idProblem = resourceIdProblem(value, "Microsoft.Network/privateDnsZones");
    if (idProblem !== undefined) {
        return `is not system, none or ${idProblem.replace(/^is not /, "")}`;
    }
    const zone = privateDnsZoneRegion(value);
    return zone === undefined
        ? "names a zone AKS does not accept: privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io"
        : undefined;
}

/** The region of a private DNS zone id in AKS's form, or undefined. */
export function privateDnsZoneRegion(id: string): string | undefined {
    const zone = id.split("/").pop() ?? "";
    return /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?\.)?privatelink\.([a-z0-9]+)\.azmk8s\.io$/.exec(
        zone.toLowerCase(),
    )?.[2];
}

/**
 * A versioned Key Vault key identifier, as KMS etcd encryption takes it:
 * `https://<vault>.vault.azure.net/keys/<name>/<version>` (AKS refuses a key without its version;
 * https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption).
 */
export function keyVaultKeyIdProblem(value: string): string | undefined {
    return keyVaultKeyParts(value) === undefined
        ? "is not a versioned Key Vault key id (https://<vault>.vault.azure.net/keys/<name>/<version>, the key's 'Key Identifier' with its version)"
        : undefined;
}

/** Vault, key name and version of a key id in the form keyVaultKeyIdProblem accepts. */
export function keyVaultKeyParts(
    value: string,
): { vault: string; key: string; version: string } | undefined {
    const m =
        /^https:\/\/([a-z][a-z0-9-]{1,22}[a-z0-9])\.vault\.azure\.net\/keys\/([A-Za-z0-9-]{1,127})\/([0-9a-f]{32})$/i.exec(
            value,
        );
    return m ? { vault: m[1].toLowerCase(), key: m[2], version: m[3] } : undefined;
}

/** A time of day as a maintenance window starts: `HH:mm`, 00:00-23:59. */
export function timeOfDayProblem(value: string): string | undefined {
    return /^([01]\d|2[0-3]):[0-5]\d$/.test(value)
        ? undefined
        : "is not a time of day HH:mm (00:00-23:59)";
}

/** A UTC offset as a maintenance window takes it: `+HH:mm` or `-HH:mm`, -12:00..+14:00. */
export function utcOffsetProblem(value: string): string | undefined {
    const m = /^([+-])(\d\d):(00|30|45)$/.exec(value);
    const minutes = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : NaN;
    return m && minutes >= -12 * 60 && minutes <= 14 * 60
        ? undefined
        : "is not a UTC offset +HH:mm or -HH:mm between -12:00 and +14:00 (e.g. +01:00)";
}

/** Minutes of an ISO 8601 duration of hours and minutes (`PT4H`, `PT90M`, `PT1H30M`, `P1D`). */
export function isoDurationMinutes(value: string): number | undefined {
    if (value === "P1D") return 24 * 60;
    const m = /^PT(?:(\d{1,2})H)?(?:(\d{1,4})M)?$/.exec(value);
    if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
    return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

/** A PIM activation's maximum duration: PT30M..PT24H in 30-minute steps. */
export function activationDurationProblem(value: string): string | undefined {
    const minutes = isoDurationMinutes(value);
    const { min, max, step } = ACTIVATION_MINUTES;
    if (minutes === undefined) {
        return "is not an ISO 8601 duration of hours and minutes (e.g. PT4H, PT1H30M)";
    }
    return minutes < min || minutes > max || minutes % step !== 0
        ? "is outside PT30M..PT24H in 30-minute steps, which PIM accepts for an activation"
        : undefined;
}

/**
 * The vCPUs of an Azure VM size, read from its name: `Standard_<family><vCPUs>[-<active vCPUs>]
 * <features>[_<version>]`, where a constrained size's second number is the vCPUs it runs
 * (https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions). The retired G, GS
 * and D11-D15 sizes number otherwise (all have 2 or more): undefined for them, and for a name
 * without a number.
 */
export function vmSizeVcpus(size: string): number | undefined {
    const m = /^Standard_([A-Za-z]+)(\d+)(?:-(\d+))?/.exec(size);
    if (!m) return undefined;
    if (m[3] !== undefined) return Number(m[3]);
    const [family, n] = [m[1].toUpperCase(), Number(m[2])];
    if (family === "G" || family === "GS") return undefined;
    if ((family === "D" || family === "DS") && n >= 11 && n <= 15) return undefined;
    return Math.max(n, 1); // A0: one shared core
}

/** A VM size AKS accepts for a node: `Standard_...`, with at least 2 vCPUs. */
export function vmSizeProblem(value: string): string | undefined {
    if (!/^Standard_[A-Za-z0-9_-]+$/.test(value)) return "is not an Azure VM size (Standard_...)";
    const vcpus = vmSizeVcpus(value);
    return vcpus !== undefined && vcpus < MIN_NODE_VCPUS
        ? `has ${vcpus} vCPU${vcpus === 1 ? "" : "s"}; AKS refuses node sizes with fewer than ${MIN_NODE_VCPUS} vCPUs (e.g. Standard_D2s_v5)`
        : undefined;
}

/**
 * A pool's max surge as AKS takes it: a node count or a percentage of the pool, `5` or `"33%"`
 * (AgentPoolUpgradeSettings.maxSurge; learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling).
 * At least one node or 1%; a count of at most 1000, the nodes a scale set holds.
 */
export function maxSurgeProblem(value: string): string | undefined {
    const m = /^([1-9]\d{0,3})(%?)$/.exec(value);
    const n = m ? Number(m[1]) : NaN;
    if (m && (m[2] === "%" ? n <= 100 : n <= 1000)) return undefined;
    return 'is not a node count (1-1000) or a percentage of the pool (1%-100%), e.g. 1 or "33%"';
}
