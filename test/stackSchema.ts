// The stack files' JSON Schema as editors apply it (ajv, draft-07), for the tests that check it.
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { STACK_SCHEMA_PATH } from "../components/config/jsonSchema";
import { ROOT } from "./helpers";

const validate = new Ajv({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(path.join(ROOT, STACK_SCHEMA_PATH), "utf8")) as object,
);

/** What the checked-in schema says of a stack file's content: its errors, [] when it accepts. */
export function schemaErrors(stackFile: unknown): string[] {
    return validate(stackFile)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath || "(file)"} ${e.message ?? ""}`);
}

/**
 * The bad-input cases (badInput.test.ts) the JSON Schema refuses on its own: wrong shapes and types,
 * unknown keys, enums, ranges, patterns. The rest need the program's checks (cross-field rules,
 * resource ids, references between keys) and are refused by the program alone.
 */
export const SCHEMA_REFUSES: ReadonlySet<string> = new Set([
    "a key without the aks-entra: prefix (protect: true)",
    "a misspelled namespace, and an unknown key without one",
    "a region's display name instead of its name",
    "cluster given as a string",
    "namespaces given as a string",
    "clusterAccess given as a map",
    "tags given as a list",
    "protect: yes (a string)",
    "a pool count as a string",
    "a namespace without a name",
    "a clusterAccess entry without a role",
    "a role without groups",
    "a pipeline without GitHub subjects",
    "a platform stack name that is not fully qualified",
    "a typo in a top-level key (namespace)",
    "a typo in cluster (privateClsuter)",
    "a wrongly cased key in systemPool (vmsize)",
    "a typo in a namespace (workload)",
    "an unknown tier",
    "an unknown upgrade channel",
    "pool count 0",
    "pool count 101",
    "a fractional pool count",
    "availability zone 4",
    "autoscaler settings of every kind with a wrong value, and a misspelled one",
    "pod security with an unknown standard and effect, app routing as a string",
    "pod security without a standard",
    "Image Cleaner scanning every 12 hours",
    "a maintenance window of 2 hours at 25:00, an offset without sign",
    "alerts without managed Prometheus; a Prometheus toggle that is neither; a workspace id of another type",
    "monitoring ids of the wrong type and an unknown monitoring key",
    "a Prometheus toggle that is text",
    "audit sinks of the wrong type, an event hub without a name, metrics as text",
    "audit logs off with metrics and sinks",
    "audit logs to your workspace with a retention, kube-audit beside kube-audit-admin, a made-up category",
    "audit retention of 7 days, categories listed twice",
    "JIT: a bad duration, a too long one, and an unknown role",
    "JIT: a name used twice, an unknown alias, no eligible principal",
    "Conditional Access: an unknown control and state, a group both included and excluded",
    "a member given by e-mail instead of object id",
    "a group alias mapped to a name instead of a GUID",
    "a group alias with a space",
    "an unknown cluster role (owner)",
    "a clusterWideException that says nothing",
    "an uppercase namespace name",
    "a 64-character namespace name",
    "cluster-admin inside a namespace",
    "a Pod Security level that does not exist",
    "an unknown RBAC verb",
    "a camel-case service account",
    "a declared role without a real intent or access level",
    "pullRequest: false",
    "an unknown kubelogin mode",
    "kubeloginPop: yes (a string)",
    "kubeloginPop and a managed identity client id with an unknown kubelogin mode",
    "a deployer of type Group",
    "an hour-long RBAC wait",
    "the retired inline cluster.userPool",
    "user pools with a bad name, a twin, an AKS label and a taint without effect",
    "pool tuning outside what AKS takes, a 13-character pool name, a pod subnet on one pool",
    "names Azure refuses, and an unknown key under names",
    "a tag name Azure refuses",
    "a deployer object id that is not a GUID",
    "problems in every section, all listed at once",
    "a bad namespace name does not hide an unknown alias in its access",
    "a bad service account does not hide a forbidden role on another workload",
    "a broken alias is reported once, an unknown one as well",
    "__proto__ as a top-level key that carries a location",
    "__proto__ as a group alias, and a reference to it",
    "location: null",
    "protect: null",
    "a null tier inside cluster",
    "kubernetesVersion: 1.30 unquoted (YAML reads 1.3)",
    "zones as YAML numbers",
    "a tag value that YAML reads as a number",
    "a Pod Security version that is not one",
    "a misspelled Pod Security mode",
    "allowPrivilegeEscalation as text",
    "aks-entra:cluster.tier set without --path",
    "a misspelt top-level key",
    "a top-level key in the wrong case",
    "a byte-order mark before a group's object id",
    "a no-break space in a namespace name",
    "a soft hyphen in a pipeline name and a word joiner in its branch",
    "an invisible character in a key of cluster",
    "a bad pool name deep inside a list of too many user pools",
    "a system pool that would scale to zero",
    "a user pool with a negative count",
    "six problems in one config",
]);
