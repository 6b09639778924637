// What `npm run verify` reads from a deployed stack: the stack's state (Pulumi's CLI through the
// Automation API), the ARM resources it manages (Azure's SDKs) and the Kubernetes objects that
// grant access (the cluster's API server). Everything is kept as the services return it: ARM
// bodies with `properties` nested, Kubernetes objects in their JSON form (verify/snapshot.ts).
// Every SDK is loaded on first use, so importing this module costs nothing.
import type { TokenCredential, AccessToken, GetTokenOptions } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type * as K8s from "@kubernetes/client-node";
import {
    type ArmResource,
    type KubeObject,
    type ReadError,
    type ReadTargets,
    type Snapshot,
    type StackState,
    type StateResource,
    withoutSecrets,
} from "./snapshot";

/** The stack's state could not be read; the message says what to do. */
export class ReadFailure extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReadFailure";
    }
}

export interface LiveOptions {
    /** @azure/core-auth; DefaultAzureCredential in real use. */
    credential: TokenCredential;
    /** Tests: an in-process HttpClient (@azure/core-rest-pipeline) that answers as ARM. */
    httpClient?: HttpClient;
    /**
     * Kubernetes endpoint; default: from the listClusterUserCredentials kubeconfig (server +
     * certificate-authority-data) of the first cluster that ARM did not answer 404 for (none:
     * Kubernetes is not read), token for the AKS server app scope
     * "6dae42f8-4368-4678-94ff-3960e28e3630/.default" from the same credential. Tests pass a local
     * http server.
     */
    kube?: { server: string; caData?: string; token?: string };
    /** false: skip Kubernetes reads (kubernetes.read = false). */
    kubernetes?: boolean;
}

/** Token audience of AKS-managed Entra clusters (docs/azure-facts.md, "Fixed application ids"). */
export const AKS_SERVER_SCOPE = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";
/** Reads in flight at once, ARM and Kubernetes together. */
export const MAX_CONCURRENT_READS = 8;
/** A Kubernetes list that has not answered after this long has failed (private API server). */
const KUBE_TIMEOUT_MS = 30_000;
/** Longest service message kept in a ReadError. */
const MAX_MESSAGE = 600;

// ---------------------------------------------------------------------------------------------
// Stack state
// ---------------------------------------------------------------------------------------------

/**
 * The stack's last deployment, secrets replaced by "[secret]". The CLI is asked for the state
 * without `--show-secrets` (Stack.exportStack() and Stack.outputs() both pass it): secrets stay
 * ciphertext, so no decrypt right on the stack's secrets provider (the bootstrap's Key Vault key, docs/bootstrap.md) is
 * needed and Pulumi records no decryption event. Stack outputs are the root stack resource's.
 *
 * The stack is named on the command line (`--stack`), never selected: `pulumi stack select` (and
 * LocalWorkspace.selectStack, which runs it) changes the user's current stack for every later
 * pulumi command in the project, and verifying prod while working on dev must leave dev selected.
 * The workspace is created only to check the project directory and find a usable CLI.
 */
export async function readStackState(stackName: string, workDir: string): Promise<StackState> {
    const automation =
        require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    let command: string;
    try {
        const workspace = await automation.LocalWorkspace.create({ workDir });
        command = workspace.pulumiCommand.command;
    } catch (e) {
        throw new ReadFailure(stateFailure(stackName, workDir, e));
    }
    let stdout: string;
    try {
        stdout = await runPulumi(command, ["stack", "export", "--stack", stackName], workDir);
    } catch (e) {
        throw new ReadFailure(stateFailure(stackName, workDir, e));
    }
    return parseExport(stackName, stdout);
}

/** `pulumi stack export` output -> StackState. */
function parseExport(stackName: string, stdout: string): StackState {
    let exported: unknown;
    try {
        exported = JSON.parse(stdout);
    } catch {
        throw new ReadFailure(
            `pulumi stack export --stack ${stackName} did not print JSON: upgrade the Pulumi CLI`,
        );
    }
    const deployment = field(exported, "deployment");
    const raw = field(deployment, "resources");
    const list = (Array.isArray(raw) ? (raw as unknown[]) : []).filter(current);
    const resources: StateResource[] = list.map((r) => ({
        urn: stringField(r, "urn"),
        type: stringField(r, "type"),
        id: stringField(r, "id"),
        inputs: recordOf(withoutSecrets(field(r, "inputs") ?? {})),
        outputs: recordOf(withoutSecrets(field(r, "outputs") ?? {})),
    }));
    const root = list.find(
        (r) => stringField(r, "type") === "pulumi:pulumi:Stack" && !stringField(r, "parent"),
    );
    const outputs = recordOf(withoutSecrets(field(root, "outputs") ?? {}));
    return { outputs, resources };
}

/**
 * A resource the stack holds now (apitype.ResourceV3). Two kinds of entry are not:
 * - `delete: true`: the old half of a replacement whose delete failed, pending deletion on the
 *   next update. It shares its URN with the live replacement, and keeping it would let whichever
 *   entry comes last stand for the resource.
 * - `pendingReplacement: true`: a delete-before-replace resource already deleted whose
 *   replacement was not created. It no longer exists; its id and outputs (principal ids, issuer
 *   URL) are the deleted resource's, and the next update creates it. Left out, it is "not
 *   deployed" (run pulumi up), which is what it is.
 */
function current(resource: unknown): boolean {
    return field(resource, "delete") !== true && field(resource, "pendingReplacement") !== true;
}

function runPulumi(command: string, args: string[], cwd: string): Promise<string> {
    const { execFile } = require("node:child_process") as typeof import("node:child_process");
    return new Promise((resolve, reject) => {
        execFile(
            command,
            [...args, "--non-interactive"],
            {
                cwd,
                env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
                maxBuffer: 1024 * 1024 * 1024,
                windowsHide: true,
            },
            (error, stdout, stderr) => {
                if (error) {
                    const code = (error as { code?: unknown }).code;
                    reject(new CliError(String(stderr) || error.message, code === "ENOENT"));
                } else {
                    resolve(String(stdout));
                }
            },
        );
    });
}

class CliError extends Error {
    constructor(
        readonly stderr: string,
        readonly notFound: boolean,
    ) {
        super(stderr);
    }
}

/** A message that says what went wrong and what to do, from any error of the CLI or the SDK. */
function stateFailure(stackName: string, workDir: string, e: unknown): string {
    const result = (e as { commandResult?: { stderr?: unknown } } | undefined)?.commandResult;
    const stderr =
        e instanceof CliError
            ? e.stderr
            : typeof result?.stderr === "string"
              ? result.stderr
              : e instanceof Error
                ? e.message
                : String(e);
    const detail = firstLines(stderr);
    if (
        (e instanceof CliError && e.notFound) ||
        /ENOENT/.test(stderr) ||
        /command not found/i.test(stderr)
    ) {
        return (
            "the Pulumi CLI was not found on PATH: install it (https://www.pulumi.com/docs/iac/download-install/), " +
            "or put its directory on PATH, then run verify again"
        );
    }
    if (/does not exist/.test(stderr) && stderr.includes(workDir)) {
        return `the project directory ${workDir} does not exist: run verify from the directory that holds Pulumi.yaml`;
    }
    if (/no Pulumi\.yaml|no Pulumi project found|could not find Pulumi\.yaml/i.test(stderr)) {
        return `${workDir} holds no Pulumi.yaml: run verify from the project directory`;
    }
    if (/PULUMI_ACCESS_TOKEN must be set|not logged in|pulumi login/i.test(stderr)) {
        return `not logged in to a Pulumi backend: run \`pulumi login\` (or set PULUMI_ACCESS_TOKEN, or PULUMI_BACKEND_URL for a self-managed backend) and run verify again (${detail})`;
    }
    if (/no stack named .* found/i.test(stderr) || /StackNotFound/.test(String(e))) {
        return `stack ${stackName} was not found in the backend you are logged in to: check \`pulumi stack ls\` (the stacks of the project in ${workDir}) and \`pulumi whoami\` (${detail})`;
    }
    if (/version/i.test(stderr) && /CLI/.test(stderr)) {
        return `the Pulumi CLI cannot be used: ${detail}`;
    }
    return `pulumi could not read stack ${stackName}: ${detail}`;
}

function firstLines(text: string): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !/^(code|stdout|stderr|err\?):\s*$/.test(l));
    return truncate(lines.slice(0, 4).join(" "));
}

// ---------------------------------------------------------------------------------------------
// Live ARM and Kubernetes reads
// ---------------------------------------------------------------------------------------------

/** A failed read keeps the service's HTTP status, when it answered one. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: ReadError; status?: number };

type ArmSdks = {
    cs: typeof import("@azure/arm-containerservice");
    authz: typeof import("@azure/arm-authorization");
    msi: typeof import("@azure/arm-msi");
};

/** One readLive call: its credential, clients, limiter and the tokens it must never leak. */
class Reader {
    readonly tokens = new Set<string>();
    readonly credential: TokenCredential;
    private readonly sdks: ArmSdks;
    private readonly clusterClients = new Map<
        string,
        InstanceType<ArmSdks["cs"]["ContainerServiceClient"]>
    >();
    private readonly msiClients = new Map<
        string,
        InstanceType<ArmSdks["msi"]["ManagedServiceIdentityClient"]>
    >();
    private authzClient?: InstanceType<ArmSdks["authz"]["AuthorizationManagementClient"]>;
    readonly limit = limiter(MAX_CONCURRENT_READS);

    constructor(
        private readonly targets: ReadTargets,
        private readonly options: LiveOptions,
    ) {
        this.credential = sharedCredential(options.credential, this.tokens);
        this.sdks = {
            cs: require("@azure/arm-containerservice") as ArmSdks["cs"],
            authz: require("@azure/arm-authorization") as ArmSdks["authz"],
            msi: require("@azure/arm-msi") as ArmSdks["msi"],
        };
    }

    private clientOptions() {
        return this.options.httpClient ? { httpClient: this.options.httpClient } : {};
    }

    clusters(subscriptionId: string) {
        const key = subscriptionId.toLowerCase();
        let client = this.clusterClients.get(key);
        if (!client) {
            client = new this.sdks.cs.ContainerServiceClient(
                this.credential,
                subscriptionId,
                this.clientOptions(),
            );
            this.clusterClients.set(key, client);
        }
        return client;
    }

    identities(subscriptionId: string) {
        const key = subscriptionId.toLowerCase();
        let client = this.msiClients.get(key);
        if (!client) {
            client = new this.sdks.msi.ManagedServiceIdentityClient(
                this.credential,
                subscriptionId,
                this.clientOptions(),
            );
            this.msiClients.set(key, client);
        }
        return client;
    }

    authorization() {
        this.authzClient ??= new this.sdks.authz.AuthorizationManagementClient(
            this.credential,
            this.targets.subscriptionId,
            this.clientOptions(),
        );
        return this.authzClient;
    }

    /** Runs one read under the limiter; any failure becomes a ReadError naming `what`. */
    async read<T>(what: string, fn: () => Promise<T>): Promise<Outcome<T>> {
        try {
            return { ok: true, value: await this.limit(fn) };
        } catch (e) {
            const status = (e as { statusCode?: unknown } | null)?.statusCode;
            return {
                ok: false,
                error: { what, error: this.redact(describeError(e)) },
                ...(typeof status === "number" ? { status } : {}),
            };
        }
    }

    redact(text: string): string {
        let out = text;
        for (const token of this.tokens) {
            if (token.length >= 8) out = out.split(token).join("[redacted]");
        }
        return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1[redacted]");
    }
}

/**
 * Reads, for each target, what ARM and the cluster's API server hold now. Reads run at most
 * MAX_CONCURRENT_READS at once; results and errors come in the order of the targets. A failed read
 * (403, 404, network, no token) is a ReadError and the other reads go on. When ARM answers 404
 * for every cluster, nothing is read from Kubernetes (kubernetes.read false, no Kubernetes error).
 */
export async function readLive(
    targets: ReadTargets,
    options: LiveOptions,
): Promise<Pick<Snapshot, "arm" | "kubernetes" | "errors">> {
    const reader = new Reader(targets, options);
    const clusterIds = unique(targets.clusters);
    const identityIds = unique(targets.identities);
    const scopes = uniqueBy(targets.scopes, (s) => s.id);

    const clusterReads = clusterIds.map((id) =>
        reader.read(`managed cluster ${id}`, () => getCluster(reader, id)),
    );
    const scopeReads = scopes.map((scope) =>
        reader.read(`role assignments at ${scope.id}`, () => listRoleAssignments(reader, scope)),
    );
    const identityReads = identityIds.map((id) => ({
        identity: reader.read(`identity ${id}`, () => getIdentity(reader, id)),
        credentials: reader.read(`federated credentials of ${id}`, () =>
            listFederatedCredentials(reader, id),
        ),
    }));
    // Kubernetes is read through the first cluster ARM did not answer 404 for. A cluster deleted
    // outside the stack has no API server and no user credentials (listClusterUserCredential is a
    // 404 too): when every cluster is gone, Kubernetes is not read at all, and the clusters' own
    // 404s say why (the comparison reports them missing: drift, not a failed read).
    const kubeRead = Promise.all(clusterReads).then((results) =>
        readKubernetes(
            reader,
            targets,
            options,
            clusterIds.find((_, i) => !isNotFound(results[i])),
        ),
    );

    const errors: ReadError[] = [];
    const keep = <T>(o: Outcome<T>): T | undefined => {
        if (o.ok) return o.value;
        errors.push(o.error);
        return undefined;
    };

    const managedClusters: ArmResource[] = [];
    for (const r of await Promise.all(clusterReads)) {
        const value = keep(r);
        if (value) managedClusters.push(value);
    }
    const roleAssignments: Record<string, ArmResource[]> = {};
    const scopeResults = await Promise.all(scopeReads);
    scopes.forEach((scope, i) => {
        const value = keep(scopeResults[i]);
        if (value) roleAssignments[scope.id] = value;
    });
    const userAssignedIdentities: ArmResource[] = [];
    const federatedIdentityCredentials: Record<string, ArmResource[]> = {};
    for (const [i, id] of identityIds.entries()) {
        const identity = keep(await identityReads[i].identity);
        if (identity) userAssignedIdentities.push(identity);
        const creds = keep(await identityReads[i].credentials);
        if (creds) federatedIdentityCredentials[id] = creds;
    }
    const kubernetes = await kubeRead;
    errors.push(...kubernetes.errors);

    return {
        arm: {
            managedClusters,
            roleAssignments,
            userAssignedIdentities,
            federatedIdentityCredentials,
        },
        kubernetes: {
            read: kubernetes.read,
            serviceAccounts: kubernetes.serviceAccounts,
            roleBindings: kubernetes.roleBindings,
            clusterRoleBindings: kubernetes.clusterRoleBindings,
        },
        errors,
    };
}

/** ARM answered 404: the resource is not there (deleted, or its resource group is). */
function isNotFound<T>(outcome: Outcome<T>): boolean {
    return !outcome.ok && outcome.status === 404;
}

// --- ARM ---------------------------------------------------------------------------------------

interface ArmId {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
}

/** `/subscriptions/<sub>/resourceGroups/<rg>/providers/<provider>/<type>/<name>`, any case. */
export function parseArmId(id: string, provider: string, type: string): ArmId | undefined {
    const parts = id.replace(/^\/+|\/+$/g, "").split("/");
    if (
        parts.length !== 8 ||
        parts[0].toLowerCase() !== "subscriptions" ||
        parts[2].toLowerCase() !== "resourcegroups" ||
        parts[4].toLowerCase() !== "providers" ||
        parts[5].toLowerCase() !== provider.toLowerCase() ||
        parts[6].toLowerCase() !== type.toLowerCase() ||
        parts.some((p) => p === "")
    ) {
        return undefined;
    }
    return { subscriptionId: parts[1], resourceGroup: parts[3], name: parts[7] };
}

function mustParse(id: string, provider: string, type: string): ArmId {
    const parsed = parseArmId(id, provider, type);
    if (!parsed) throw new Error(`not a ${provider}/${type} resource id`);
    return parsed;
}

/** The body as the service sent it. core-client's `parsedBody` is already the SDK's flattened model. */
function rawBody(raw: { bodyAsText?: string | null; parsedBody?: unknown }): unknown {
    if (typeof raw.bodyAsText === "string" && raw.bodyAsText !== "") {
        return JSON.parse(raw.bodyAsText) as unknown;
    }
    return raw.parsedBody;
}

/** Captures each response body an operation receives (one per page for a paged list). */
function captureBodies() {
    const bodies: unknown[] = [];
    const onResponse = (raw: { bodyAsText?: string | null; parsedBody?: unknown }) => {
        const status = (raw as { status?: number }).status ?? 200;
        if (status >= 200 && status < 300) bodies.push(rawBody(raw));
    };
    return { bodies, onResponse };
}

function armResource(body: unknown, what: string): ArmResource {
    if (body === null || typeof body !== "object" || typeof field(body, "id") !== "string") {
        throw new Error(`${what}: ARM answered without a resource id`);
    }
    return body as ArmResource;
}

function pageValues(bodies: unknown[], what: string): ArmResource[] {
    return bodies.flatMap((b) => {
        const value = field(b, "value");
        if (!Array.isArray(value)) throw new Error(`${what}: ARM answered a list without value`);
        return value.map((v) => armResource(v, what));
    });
}

async function getCluster(reader: Reader, id: string): Promise<ArmResource> {
    const arm = mustParse(id, "Microsoft.ContainerService", "managedClusters");
    const { bodies, onResponse } = captureBodies();
    await reader
        .clusters(arm.subscriptionId)
        .managedClusters.get(arm.resourceGroup, arm.name, { onResponse });
    return armResource(bodies[bodies.length - 1], "managed cluster");
}

async function listRoleAssignments(
    reader: Reader,
    scope: { id: string; below: boolean },
): Promise<ArmResource[]> {
    const { bodies, onResponse } = captureBodies();
    // The operation's path is "/{scope}/providers/..." with the scope left unencoded: a scope id
    // given with its leading "/" would make the URL "//subscriptions/..." (core-client's
    // appendPath strips one slash only).
    const path = scope.id.replace(/^\/+/, "");
    const pages = reader
        .authorization()
        .roleAssignments.listForScope(
            path,
            scope.below ? { onResponse } : { filter: "atScope()", onResponse },
        )
        .byPage();
    for await (const page of pages) void page;
    return pageValues(bodies, "role assignments");
}

async function getIdentity(reader: Reader, id: string): Promise<ArmResource> {
    const arm = mustParse(id, "Microsoft.ManagedIdentity", "userAssignedIdentities");
    const { bodies, onResponse } = captureBodies();
    await reader
        .identities(arm.subscriptionId)
        .userAssignedIdentities.get(arm.resourceGroup, arm.name, { onResponse });
    return armResource(bodies[bodies.length - 1], "identity");
}

async function listFederatedCredentials(reader: Reader, id: string): Promise<ArmResource[]> {
    const arm = mustParse(id, "Microsoft.ManagedIdentity", "userAssignedIdentities");
    const { bodies, onResponse } = captureBodies();
    const pages = reader
        .identities(arm.subscriptionId)
        .federatedIdentityCredentials.list(arm.resourceGroup, arm.name, { onResponse })
        .byPage();
    try {
        for await (const page of pages) void page;
    } catch (e) {
        // The identity itself is gone (ParentResourceNotFound): it has no credentials, and its
        // own read reports it missing. Anything else is a failed read.
        if ((e as { statusCode?: unknown }).statusCode === 404) return [];
        throw e;
    }
    return pageValues(bodies, "federated credentials");
}

// --- Kubernetes --------------------------------------------------------------------------------

interface KubeResult {
    read: boolean;
    serviceAccounts: KubeObject[];
    roleBindings: KubeObject[];
    clusterRoleBindings: KubeObject[];
    errors: ReadError[];
}

interface KubeEndpoint {
    server: string;
    caData?: string;
    token: string;
}

async function readKubernetes(
    reader: Reader,
    targets: ReadTargets,
    options: LiveOptions,
    /** The cluster whose API server is read; undefined: none to read. */
    cluster: string | undefined,
): Promise<KubeResult> {
    const result: KubeResult = {
        read: false,
        serviceAccounts: [],
        roleBindings: [],
        clusterRoleBindings: [],
        errors: [],
    };
    if (options.kubernetes === false || cluster === undefined) return result;

    const endpoint = await reader.read("kubernetes credentials", () =>
        kubeEndpoint(reader, options, cluster),
    );
    if (!endpoint.ok) {
        result.errors.push(endpoint.error);
        return result;
    }
    const k8s = require("@kubernetes/client-node") as typeof K8s;
    const { server, caData, token } = endpoint.value;
    const plainHttp = server.startsWith("http:");
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
        clusters: [{ name: "cluster", server, caData, skipTLSVerify: plainHttp }],
        users: [{ name: "verify", token }],
        contexts: [{ name: "verify", cluster: "cluster", user: "verify" }],
        currentContext: "verify",
    });
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const namespaces = unique(targets.namespaces);

    // The cluster role bindings go first: when they cannot be reached at all (a private API
    // server, no network path), nothing was read and nothing more is tried.
    const crb = await kubeList(reader, k8s, "cluster role bindings", CLUSTER_ROLE_BINDING, (o) =>
        rbac.listClusterRoleBinding({}, o),
    );
    if (!crb.ok && crb.unreachable) {
        result.errors.push(crb.error);
        return result;
    }
    result.read = true;
    const perNamespace = namespaces.map((namespace) => ({
        serviceAccounts: kubeList(
            reader,
            k8s,
            `service accounts in ${namespace}`,
            SERVICE_ACCOUNT,
            (o) => core.listNamespacedServiceAccount({ namespace }, o),
        ),
        roleBindings: kubeList(reader, k8s, `role bindings in ${namespace}`, ROLE_BINDING, (o) =>
            rbac.listNamespacedRoleBinding({ namespace }, o),
        ),
    }));
    if (crb.ok) result.clusterRoleBindings = crb.value;
    else result.errors.push(crb.error);
    for (const ns of perNamespace) {
        const sa = await ns.serviceAccounts;
        if (sa.ok) result.serviceAccounts.push(...sa.value);
        else result.errors.push(sa.error);
        const rb = await ns.roleBindings;
        if (rb.ok) result.roleBindings.push(...rb.value);
        else result.errors.push(rb.error);
    }
    return result;
}

async function kubeEndpoint(
    reader: Reader,
    options: LiveOptions,
    clusterId: string,
): Promise<KubeEndpoint> {
    let server: string;
    let caData: string | undefined;
    if (options.kube) {
        ({ server, caData } = options.kube);
    } else {
        ({ server, caData } = await userKubeconfigServer(reader, clusterId));
    }
    checkServer(server);
    let token = options.kube?.token;
    if (token === undefined) {
        const access = await reader.credential.getToken(AKS_SERVER_SCOPE);
        if (!access?.token) throw new Error(`no token for ${AKS_SERVER_SCOPE}`);
        token = access.token;
    }
    reader.tokens.add(token);
    return { server, caData, token };
}

/** Server and CA of the cluster user kubeconfig (listClusterUserCredential); nothing else kept. */
async function userKubeconfigServer(
    reader: Reader,
    clusterId: string,
): Promise<{ server: string; caData?: string }> {
    const arm = mustParse(clusterId, "Microsoft.ContainerService", "managedClusters");
    const credentials = await reader
        .clusters(arm.subscriptionId)
        .managedClusters.listClusterUserCredentials(arm.resourceGroup, arm.name);
    const value = credentials.kubeconfigs?.[0]?.value;
    if (!value) throw new Error("listClusterUserCredential returned no kubeconfig");
    const { parse } = require("yaml") as typeof import("yaml");
    let doc: unknown;
    try {
        doc = parse(Buffer.from(value).toString("utf8"));
    } catch {
        // The parser's message quotes the document: say only that it failed.
        throw new Error("the cluster user kubeconfig could not be parsed");
    }
    const clusters = field(doc, "clusters");
    const cluster = field(
        Array.isArray(clusters) ? (clusters[0] as unknown) : undefined,
        "cluster",
    );
    const server = field(cluster, "server");
    const ca = field(cluster, "certificate-authority-data");
    if (typeof server !== "string" || !server) {
        throw new Error("the cluster user kubeconfig names no server");
    }
    return { server, caData: typeof ca === "string" && ca ? ca : undefined };
}

/** A bearer token goes over https, or plain http to this machine only (tests, kubectl proxy). */
function checkServer(server: string): void {
    let url: URL;
    try {
        url = new URL(server);
    } catch {
        throw new Error("the Kubernetes server is not a URL");
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return;
    throw new Error(
        `refusing to send a token to ${url.protocol}//${url.host}: only https (or http to this machine)`,
    );
}

interface KubeKind {
    apiVersion: string;
    kind: string;
}
const SERVICE_ACCOUNT: KubeKind = { apiVersion: "v1", kind: "ServiceAccount" };
const ROLE_BINDING: KubeKind = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" };
const CLUSTER_ROLE_BINDING: KubeKind = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
};

type KubeOutcome =
    { ok: true; value: KubeObject[] } | { ok: false; error: ReadError; unreachable: boolean };

/**
 * One list call. A middleware keeps the response text as the API server sent it (the client's
 * models turn timestamps into Dates and rename fields), and bounds the call's time.
 */
async function kubeList(
    reader: Reader,
    k8s: typeof K8s,
    what: string,
    kind: KubeKind,
    call: (options: K8s.ConfigurationOptions) => Promise<unknown>,
): Promise<KubeOutcome> {
    let captured: { status: number; text: string } | undefined;
    const capture: K8s.ObservableMiddleware = {
        pre: (ctx) => {
            ctx.setSignal(AbortSignal.timeout(KUBE_TIMEOUT_MS));
            return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (rsp) =>
            new k8s.Observable(
                rsp.body.text().then((text) => {
                    captured = { status: rsp.httpStatusCode, text };
                    rsp.body = {
                        text: () => Promise.resolve(text),
                        binary: () => Promise.resolve(Buffer.from(text)),
                        stream: () => null,
                    };
                    return rsp;
                }),
            ),
    };
    let failure: unknown;
    try {
        await reader.limit(() =>
            call({ middleware: [capture], middlewareMergeStrategy: "append" }),
        );
    } catch (e) {
        failure = e;
    }
    if (captured && captured.status >= 200 && captured.status < 300) {
        try {
            return { ok: true, value: kubeItems(captured.text, kind) };
        } catch (e) {
            failure = e;
        }
    }
    const error = captured
        ? kubeStatusError(captured.status, captured.text)
        : describeError(failure ?? new Error("no response"));
    return {
        ok: false,
        error: { what, error: reader.redact(error) },
        unreachable: captured === undefined,
    };
}

function kubeItems(text: string, kind: KubeKind): KubeObject[] {
    const items = field(JSON.parse(text) as unknown, "items");
    if (!Array.isArray(items)) throw new Error("the API server answered a list without items");
    return items.map((item: unknown) => {
        const rest = { ...(item as Record<string, unknown>) };
        delete rest.apiVersion;
        delete rest.kind;
        const metadata = { ...recordOf(field(rest, "metadata")) };
        delete metadata.managedFields;
        if (typeof metadata.name !== "string") {
            throw new Error(`the API server answered a ${kind.kind} without a name`);
        }
        return {
            apiVersion: kind.apiVersion,
            kind: kind.kind,
            ...rest,
            metadata: { ...metadata, name: metadata.name },
        };
    });
}

/** `<status> <reason>: <message>` from a Kubernetes Status body. */
function kubeStatusError(status: number, text: string): string {
    let reason: unknown;
    let message: unknown;
    try {
        const body = JSON.parse(text) as unknown;
        reason = field(body, "reason");
        message = field(body, "message");
    } catch {
        message = text;
    }
    const code = typeof reason === "string" && reason ? reason : httpReason(status);
    const msg = typeof message === "string" && message ? message : httpReason(status);
    return `${status} ${code}: ${truncate(msg)}`;
}

// --- helpers -----------------------------------------------------------------------------------

/** `<status> <code>: <message>` for a service error; `<code or name>: <message>` otherwise. */
function describeError(e: unknown): string {
    if (e === null || typeof e !== "object") return String(e);
    const status = (e as { statusCode?: unknown }).statusCode;
    const code = (e as { code?: unknown }).code;
    const cause = (e as { cause?: unknown }).cause;
    let message = e instanceof Error ? e.message : JSON.stringify(e);
    let name = typeof code === "string" && code ? code : e instanceof Error ? e.name : "Error";
    // undici's fetch fails with "fetch failed" and the socket error as its cause.
    if (typeof status !== "number" && cause instanceof Error) {
        const causeCode = (cause as { code?: unknown }).code;
        if (typeof causeCode === "string") name = causeCode;
        message = cause.message || message;
    }
    if (typeof status === "number") {
        const c = typeof code === "string" && code ? code : httpReason(status);
        return `${status} ${c}: ${truncate(message)}`;
    }
    return `${name}: ${truncate(message)}`;
}

function httpReason(status: number): string {
    const { STATUS_CODES } = require("node:http") as typeof import("node:http");
    return (STATUS_CODES[status] ?? "Error").replace(/\s+/g, "");
}

function truncate(text: string): string {
    const one = text.replace(/\s+/g, " ").trim();
    return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}...` : one;
}

/**
 * The caller's credential, asked once per scope for the whole read (every SDK client would ask
 * on its own; DefaultAzureCredential may start a process each time), remembering every token it
 * hands out so that no error message can carry one.
 */
function sharedCredential(inner: TokenCredential, tokens: Set<string>): TokenCredential {
    const cache = new Map<string, Promise<AccessToken | null>>();
    return {
        getToken(scopes: string | string[], options?: GetTokenOptions) {
            const key = JSON.stringify([scopes, options?.tenantId ?? "", options?.claims ?? ""]);
            const cached = cache.get(key);
            if (cached) {
                return cached.then(
                    (t) => (t && t.expiresOnTimestamp - 120_000 > Date.now() ? t : fresh()),
                    () => cached,
                );
            }
            return fresh();
            function fresh() {
                const p = inner.getToken(scopes, options).then((t) => {
                    if (t?.token) tokens.add(t.token);
                    return t;
                });
                cache.set(key, p);
                return p;
            }
        },
    };
}

/** At most `max` calls of the returned function run at once; a freed slot goes to the next waiter. */
function limiter(max: number) {
    let active = 0;
    const waiting: (() => void)[] = [];
    return async <T>(fn: () => Promise<T>): Promise<T> => {
        if (active < max) active++;
        else await new Promise<void>((resolve) => waiting.push(resolve));
        try {
            return await fn();
        } finally {
            const next = waiting.shift();
            if (next) next();
            else active--;
        }
    };
}

function field(value: unknown, key: string): unknown {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)[key]
        : undefined;
}

function stringField(value: unknown, key: string): string {
    const v = field(value, key);
    return typeof v === "string" ? v : "";
}

function recordOf(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
}

function unique(values: string[]): string[] {
    return [...new Set(values)];
}

function uniqueBy<T>(values: T[], key: (v: T) => string): T[] {
    const seen = new Set<string>();
    return values.filter((v) => !seen.has(key(v)) && (seen.add(key(v)), true));
}
