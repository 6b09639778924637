// `npm run verify` end to end, offline: the CLI (verify/cli.ts run) reads a deployed dev stack
// through verify/live.ts, the Azure SDKs and @kubernetes/client-node, and nothing is faked between
// them but the network (test/fakeServices.ts). ARM is an in-process HttpClient (the SDKs'
// pipelines run: bearer policy, paging through nextLink, error mapping) answering from a World
// (test/verifyWorld.ts) as ARM does: role assignments listed with `$filter=atScope()` are those at
// and above a scope, without a filter those at, above and below it (docs/azure-facts.md item 23);
// unknown resources are 404s. The Kubernetes API is a node:http server on 127.0.0.1 answering the
// list endpoints from the same World and refusing any other bearer token. What verify.test.ts
// proves on snapshots that verifyWorld.read() imitates, this proves on what the real reader
// returns.
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { TYPES } from "../offline/types";
import { evaluatePlan, type Io, projectName, readStackConfig, validConfig } from "../plan/cli";
import { EXIT, run } from "../verify/cli";
import type { Report } from "../verify/compare";
import { readLive } from "../verify/live";
import {
    type ArmResource,
    type KubeObject,
    parseSnapshot,
    type ReadTargets,
    type Snapshot,
} from "../verify/snapshot";
import {
    type Answer,
    ARM_SCOPE,
    armClient,
    armError,
    type ArmFailure,
    armNotFound,
    armParentNotFound,
    type FakeArm,
    type FakeCredential,
    fakeCredential,
    type FakeKube,
    kubeLists,
    kubeServer,
    kubeStatus,
    ROLE_ASSIGNMENTS,
} from "./fakeServices";
import { assignment, deployedWorld, read, type World } from "./verifyWorld";

const ROOT = path.resolve(__dirname, "..");
const DEV = path.join(ROOT, "Pulumi.dev.yaml");
// Owner's role definition GUID: components/roles.ts FORBIDDEN_ROLES, from Microsoft's "Azure
// built-in roles" (docs/azure-facts.md cites that page; its table does not list Owner).
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const STRANGER = "0f0f0f0f-1234-4abc-8def-0123456789ab";
const MALLORY = "mallory@contoso.com";

// --- the credential: tokens that must never reach a snapshot or a report -----------------------

const ARM_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e2e-arm-token-for-verify.c2lnbmF0dXJl";
const AKS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e2e-aks-token-for-verify.c2lnbmF0dXJl";

// --- ARM, served from the World ----------------------------------------------------------------

interface ServedArm extends FakeArm {
    /** Every role-assignment page served: the scope as requested, its $skipToken, the ids. */
    pages: { scope: string; filter: string | null; skipToken: string | null; ids: string[] }[];
}

const lower = (s: string) => s.toLowerCase();

/** `inner` is `outer` or below it (ARM ids compare case-insensitively). */
const within = (inner: string, outer: string) =>
    lower(inner) === lower(outer) || lower(inner).startsWith(`${lower(outer).replace(/\/$/, "")}/`);

/** AKS answers a GET with "resourcegroups" in lower case; Pulumi's state has "resourceGroups". */
const asAks = (cluster: ArmResource): ArmResource => ({
    ...cluster,
    id: cluster.id.replace("/resourceGroups/", "/resourcegroups/"),
});

const RESOURCE =
    /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/(microsoft\.containerservice\/managedclusters|microsoft\.managedidentity\/userassignedidentities)\/([^/]+)(\/federatedidentitycredentials)?$/i;

/**
 * An in-process ARM over the World's arrays, refusing any other bearer token. `failures`:
 * lower-cased scope -> the error its role-assignment list answers. Lists of two or more role
 * assignments come in two pages. A request no route answers is recorded in `unrouted`.
 */
function servedArm(world: World, failures = new Map<string, ArmFailure>()): ServedArm {
    const arm: ServedArm = Object.assign(
        armClient(({ method, url, authorization }) =>
            authorization !== `Bearer ${ARM_TOKEN}`
                ? armError(401, "InvalidAuthenticationToken", "The access token is invalid.")
                : answer(method, url),
        ),
        { pages: [] as ServedArm["pages"] },
    );

    function answer(method: string, url: URL): Answer | undefined {
        if (!url.searchParams.get("api-version")) {
            return armError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            );
        }
        const p = decodeURIComponent(url.pathname).replace(/\/+$/, "");
        if (method === "GET" && lower(p).endsWith(ROLE_ASSIGNMENTS)) {
            return roleAssignments(p.slice(0, -ROLE_ASSIGNMENTS.length), url);
        }
        const m = RESOURCE.exec(p);
        if (method !== "GET" || !m) return undefined;
        const [, resourceGroup, type, name, fics] = m;
        const id = fics ? p.slice(0, -fics.length) : p;
        const cluster = world.clusters.find((c) => lower(c.id) === lower(id));
        const identity = world.identities.find((i) => lower(i.id) === lower(id));
        if (!fics && cluster) return { status: 200, body: asAks(cluster) };
        if (!fics && identity) return { status: 200, body: identity };
        if (fics && identity) {
            const value = world.credentials.filter((f) =>
                lower(f.id).startsWith(`${lower(identity.id)}/federatedidentitycredentials/`),
            );
            return { status: 200, body: { value } };
        }
        const armType = type
            .replace(/^microsoft\.containerservice/i, "Microsoft.ContainerService")
            .replace(/^microsoft\.managedidentity/i, "Microsoft.ManagedIdentity");
        return fics
            ? armParentNotFound("userAssignedIdentities/federatedIdentityCredentials", id)
            : armNotFound(armType, name, resourceGroup);
    }

    /** GET {scope}/providers/Microsoft.Authorization/roleAssignments, as ARM lists it. */
    function roleAssignments(scope: string, url: URL): Answer {
        const failure = failures.get(lower(scope));
        if (failure) return armError(failure.status, failure.code, failure.message);
        const filter = url.searchParams.get("$filter");
        if (filter !== null && filter !== "atScope()") {
            return armError(400, "UnsupportedFilter", `fake ARM: $filter ${filter}`);
        }
        // At and above the scope; without atScope() below it too (docs/azure-facts.md, 23).
        const all = world.assignments.filter((a) => {
            const at = String((a.properties as { scope: unknown }).scope);
            return within(scope, at) || (filter === null && within(at, scope));
        });
        const skipToken = url.searchParams.get("$skipToken");
        const half = Math.ceil(all.length / 2);
        let body: { value: ArmResource[]; nextLink?: string };
        if (skipToken === null) {
            body =
                all.length < 2
                    ? { value: all }
                    : // ARM's nextLink repeats the query (api-version, $filter) and adds a token.
                      { value: all.slice(0, half), nextLink: `${url.href}&$skipToken=page2` };
        } else if (skipToken === "page2") {
            body = { value: all.slice(half) };
        } else {
            return armError(400, "InvalidSkipToken", `fake ARM: $skipToken ${skipToken}`);
        }
        arm.pages.push({ scope, filter, skipToken, ids: body.value.map((a) => a.id) });
        return { status: 200, body };
    }

    return arm;
}

// --- the Kubernetes API, served from the World -------------------------------------------------

interface KubeFailure {
    status: number;
    reason: string;
    message: string;
}

/** As the API server lists it: items without kind and apiVersion, with managedFields. */
function listed(o: KubeObject): Record<string, unknown> {
    const rest: Record<string, unknown> = { ...o };
    delete rest.apiVersion;
    delete rest.kind;
    return {
        ...rest,
        metadata: {
            ...o.metadata,
            managedFields: [
                {
                    manager: "pulumi-kubernetes",
                    operation: "Apply",
                    apiVersion: typeof o.apiVersion === "string" ? o.apiVersion : "v1",
                    time: "2026-11-23T10:00:00Z",
                    fieldsType: "FieldsV1",
                    fieldsV1: { "f:metadata": { "f:labels": {} } },
                },
            ],
        },
    };
}

/**
 * The API server over the World's lists, refusing any other bearer token. `failures`: request
 * path -> the Status it answers instead of the list. A request no route answers is a 404,
 * recorded in `unrouted`.
 */
function servedKube(world: World, failures = new Map<string, KubeFailure>()): Promise<FakeKube> {
    const inNamespace = (items: KubeObject[], ns: string) =>
        items.filter((o) => o.metadata.namespace === ns).map(listed);
    const lists = kubeLists({
        clusterRoleBindings: () => world.clusterRoleBindings.map(listed),
        serviceAccounts: (ns) => inNamespace(world.serviceAccounts, ns),
        roleBindings: (ns) => inNamespace(world.roleBindings, ns),
    });
    return kubeServer(AKS_TOKEN, (q) => {
        const failure = failures.get(q.path);
        return failure ? kubeStatus(failure.status, failure.message, failure.reason) : lists(q);
    });
}

// --- one `npm run verify` against a served World -----------------------------------------------

interface LiveRun {
    code: number;
    stdout: string;
    stderr: string;
    arm: ServedArm;
    kube: FakeKube;
    credential: FakeCredential;
    /** What the CLI asked readLive to read. */
    targets: ReadTargets;
}

function captureIo(): { io: Io; stdout: () => string; stderr: () => string } {
    const out: string[] = [];
    const err: string[] = [];
    return {
        io: {
            stdout: { write: (s: string) => (out.push(s), true) },
            stderr: { write: (s: string) => (err.push(s), true) },
            env: {},
        },
        stdout: () => out.join(""),
        stderr: () => err.join(""),
    };
}

async function verifyLive(
    world: World,
    args: string[],
    faults: { arm?: Map<string, ArmFailure>; kube?: Map<string, KubeFailure> } = {},
): Promise<LiveRun> {
    const arm = servedArm(world, faults.arm);
    const kube = await servedKube(world, faults.kube);
    // The ARM token only: the Kubernetes token is given to readLive as `kube.token`.
    const credential = fakeCredential({ [ARM_SCOPE]: ARM_TOKEN });
    const captured = captureIo();
    let targets: ReadTargets | undefined;
    try {
        const code = await run(["--stack", "dev", ...args], captured.io, {
            readStackState: (stack) => {
                assert.equal(stack, "dev");
                return Promise.resolve(structuredClone(world.state));
            },
            readLive: (t, kubernetes) => {
                targets = t;
                return readLive(t, {
                    credential,
                    httpClient: arm,
                    kube: { server: kube.server, token: AKS_TOKEN },
                    kubernetes,
                });
            },
        });
        assert.ok(targets, "the CLI never read live");
        return {
            code,
            stdout: captured.stdout(),
            stderr: captured.stderr(),
            arm,
            kube,
            credential,
            targets,
        };
    } finally {
        await kube.close();
    }
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

// ---------------------------------------------------------------------------------------------

describe("verify end to end: the CLI reads a served deployment through the Azure SDKs and the Kubernetes client", function () {
    this.timeout(120_000);
    let dir: string;
    let fresh: () => World;
    /** RoleAssignment registrations of the offline plan of Pulumi.dev.yaml. */
    let plannedAssignments: number;

    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "verify-e2e-"));
        const raw = readStackConfig(DEV);
        const frozen = JSON.stringify(await deployedWorld(raw));
        fresh = () => JSON.parse(frozen) as World;
        const evaluated = await evaluatePlan({
            raw,
            config: validConfig(raw, DEV),
            stack: "dev",
            project: projectName(),
        });
        plannedAssignments = evaluated.result.registrations.filter(
            (r) => r.type === TYPES.roleAssignment,
        ).length;
    });

    describe("a stack deployed from its config", function () {
        let world: World;
        let live: LiveRun;
        let jsonFile: string;
        let snapFile: string;
        let report: Report;

        before(async () => {
            world = fresh();
            jsonFile = path.join(dir, "clean", "report.json");
            snapFile = path.join(dir, "clean", "snapshot.json");
            live = await verifyLive(world, ["--json", jsonFile, "--save-snapshot", snapFile]);
            report = readJson<Report>(jsonFile);
        });

        it("exits 0: live matches the plan, every planned role assignment checked, Kubernetes compared", () => {
            assert.equal(live.code, EXIT.ok, live.stderr + live.stdout);
            assert.match(
                live.stdout,
                /^verify dev \(aks-entra\): live matches the plan: \d+ checks\n/,
            );
            assert.match(live.stdout, /\nKubernetes: compared\n/);
            assert.equal(
                report.summary.drift,
                0,
                JSON.stringify(
                    report.checks.filter((c) => c.status !== "ok"),
                    null,
                    1,
                ),
            );
            assert.equal(report.summary.errors, 0, JSON.stringify(report.errors));
            assert.deepEqual(report.conflicts, []);
            assert.equal(report.summary.kubernetes, "compared");
            const count = (area: string) => report.checks.filter((c) => c.area === area).length;
            assert.ok(plannedAssignments > 0);
            assert.equal(count("role-assignment"), plannedAssignments);
            assert.equal(count("identity"), world.identities.length);
            assert.equal(count("federated-credential"), world.credentials.length);
            assert.ok(count("rbac-binding") > 0 && count("service-account") > 0);
            // The subscription's Owner came back in every atScope() list: inherited, listed once.
            assert.deepEqual(
                report.inherited.map((i) => [i.role, i.where]),
                [["Owner", "above"]],
            );
        });

        it("reads through the SDKs exactly what the world holds, as verifyWorld.read() imitates it: REST shapes kept, pages joined, managedFields dropped", () => {
            const snapshot = parseSnapshot(readJson<unknown>(snapFile));
            const imitated = read(world, live.targets);
            assert.deepEqual(snapshot.targets, live.targets);
            assert.deepEqual(snapshot.errors, []);
            assert.deepEqual(snapshot.arm.managedClusters, imitated.arm.managedClusters.map(asAks));
            assert.deepEqual(snapshot.arm.roleAssignments, imitated.arm.roleAssignments);
            assert.deepEqual(
                snapshot.arm.userAssignedIdentities,
                imitated.arm.userAssignedIdentities,
            );
            assert.deepEqual(
                snapshot.arm.federatedIdentityCredentials,
                imitated.arm.federatedIdentityCredentials,
            );
            assert.deepEqual(snapshot.kubernetes, imitated.kubernetes);
            assert.deepEqual(snapshot.state, world.state);
        });

        it("lists the stack's resource group and cluster without a filter (over two pages), every other scope with atScope(); every request routed and signed", () => {
            assert.deepEqual(live.arm.unrouted, []);
            assert.deepEqual(live.kube.unrouted, []);
            const cluster = world.clusters[0].id;
            const group = cluster.replace(/\/providers\/.*$/, "");
            const own = [lower(group), lower(cluster)];
            for (const scope of own) {
                const pages = live.arm.pages.filter((p) => lower(p.scope) === scope);
                assert.deepEqual(
                    pages.map((p) => [p.filter, p.skipToken]),
                    [
                        [null, null],
                        [null, "page2"],
                    ],
                    scope,
                );
            }
            const others = live.arm.pages.filter((p) => !own.includes(lower(p.scope)));
            assert.ok(others.length > 0);
            for (const p of others) assert.equal(p.filter, "atScope()", p.scope);
            // Each scope the CLI targets was listed, below: true for the group and the cluster.
            assert.deepEqual(
                live.targets.scopes
                    .filter((s) => s.below)
                    .map((s) => lower(s.id))
                    .sort(),
                [...own].sort(),
            );
            for (const s of live.targets.scopes) {
                assert.ok(
                    live.arm.pages.some((p) => lower(p.scope) === lower(s.id)),
                    s.id,
                );
            }
            for (const q of live.arm.requests) {
                assert.equal(q.authorization, `Bearer ${ARM_TOKEN}`, q.url.href);
                assert.ok(!q.url.pathname.endsWith("/listClusterUserCredential"));
            }
            assert.ok(live.credential.scopes.length > 0);
            for (const s of live.credential.scopes) assert.equal(s, ARM_SCOPE);
            assert.ok(live.kube.requests.length > 0);
            for (const q of live.kube.requests) {
                assert.equal(q.authorization, `Bearer ${AKS_TOKEN}`, q.path);
            }
        });

        it("saves a snapshot that parses and holds no token", () => {
            const text = readFileSync(snapFile, "utf8");
            const snapshot: Snapshot = parseSnapshot(JSON.parse(text));
            assert.equal(snapshot.stack, "dev");
            for (const secret of [
                ARM_TOKEN,
                AKS_TOKEN,
                "e2e-arm-token",
                "e2e-aks-token",
                "Bearer",
            ]) {
                assert.ok(!text.includes(secret), `${secret} in the snapshot`);
                assert.ok(
                    !readFileSync(jsonFile, "utf8").includes(secret),
                    `${secret} in the report`,
                );
                assert.ok(!live.stdout.includes(secret) && !live.stderr.includes(secret));
            }
            assert.ok(!text.includes("managedFields"));
        });

        it("replays the saved snapshot offline to a byte-identical JSON report", async () => {
            const replayed = path.join(dir, "clean", "replayed.json");
            const captured = captureIo();
            const code = await run(["--snapshot", snapFile, "--json", replayed], captured.io);
            assert.equal(code, EXIT.ok, captured.stderr());
            assert.equal(readFileSync(replayed, "utf8"), readFileSync(jsonFile, "utf8"));
            assert.equal(captured.stdout(), live.stdout);
        });
    });

    describe("drift and failed reads, through the same live path", function () {
        // Through the SDKs a deleted identity is a 404 on its GET and a 404 ParentResourceNotFound
        // on its credentials list: both mean "not there", so it is drift, not a failed read.
        it("an identity deleted outside the stack: ARM's 404s are drift (identity and its credentials missing, exit 2), not failed reads", async () => {
            const world = fresh();
            const gone = world.identities.find((i) => i.id.endsWith("_payments-worker"))!;
            world.identities = world.identities.filter((i) => i !== gone);
            world.credentials = world.credentials.filter(
                (f) => !lower(f.id).startsWith(`${lower(gone.id)}/`),
            );
            const json = path.join(dir, "identity-404.json");
            const live = await verifyLive(world, ["--json", json]);

            assert.equal(live.code, EXIT.drift, live.stdout + live.stderr);
            const report = readJson<Report>(json);
            assert.equal(report.summary.errors, 0, JSON.stringify(report.errors));
            assert.deepEqual(
                report.checks
                    .filter((c) => c.status !== "ok")
                    .map((c) => [c.area, c.status])
                    .sort(),
                [
                    ["federated-credential", "missing"],
                    ["identity", "missing"],
                ],
            );
        });

        // A deleted cluster has no API server to ask and no user credentials to ask for: its 404
        // is drift (the cluster is missing), and Kubernetes is not read, so no Kubernetes read
        // fails and turns the drift into "could not read" (exit 3).
        it("a cluster deleted outside the stack: exit 2 (cluster missing), Kubernetes not read, no failed read", async () => {
            const world = fresh();
            const [cluster] = world.clusters;
            world.clusters = [];
            world.assignments = world.assignments.filter(
                (a) => !within(String((a.properties as { scope: unknown }).scope), cluster.id),
            );
            const json = path.join(dir, "cluster-404.json");
            const live = await verifyLive(world, ["--json", json]);

            assert.equal(live.code, EXIT.drift, live.stdout + live.stderr);
            assert.match(live.stderr, /verify: exit 2: \d+ checks? drifted\n/);
            const report = readJson<Report>(json);
            assert.equal(report.summary.errors, 0, JSON.stringify(report.errors));
            assert.deepEqual(report.errors, []);
            assert.ok(
                report.checks.some(
                    (c) =>
                        c.area === "cluster" && c.status === "missing" && c.resource === cluster.id,
                ),
                JSON.stringify(report.checks.filter((c) => c.status !== "ok")),
            );
            assert.notEqual(report.summary.kubernetes, "compared");
            assert.equal(live.kube.requests.length, 0);
            assert.ok(
                live.arm.requests.some(
                    (q) => q.method === "GET" && lower(q.url.pathname) === lower(cluster.id),
                ),
            );
            assert.ok(live.arm.requests.every((q) => q.method === "GET"));
        });

        it("an Owner given by hand on the cluster (on the list's second page) and a RoleBinding edited by hand: exit 2, both named", async () => {
            const world = fresh();
            const cluster = world.clusters[0].id;
            const owner = assignment(cluster, OWNER, STRANGER, "User");
            world.assignments.push(owner);
            const rb = world.roleBindings.find((b) => b.metadata.name === "auditors-view")!;
            (rb.subjects as object[]).push({
                apiGroup: "rbac.authorization.k8s.io",
                kind: "User",
                name: MALLORY,
            });
            const json = path.join(dir, "drift.json");
            const live = await verifyLive(world, ["--json", json]);

            assert.equal(live.code, EXIT.drift, live.stderr);
            assert.match(live.stdout, /DRIFT: 2 of \d+ checks differ from the plan\n/);
            assert.match(
                live.stdout,
                /HIGH\s+extra\s+role-assignment\s+User 0f0f0f0f-1234-4abc-8def-0123456789ab -> Owner on cluster/,
            );
            assert.match(
                live.stdout,
                /HIGH\s+changed\s+rbac-binding\s+RoleBinding payments\/auditors-view\n/,
            );
            assert.match(
                live.stdout,
                /live:\s+ClusterRole view to Group [0-9a-f-]+, User mallory@contoso\.com\n/,
            );
            assert.match(live.stderr, /verify: exit 2: 2 checks drifted\n/);
            // The Owner was served on the cluster list's second page only: nextLink was followed.
            const page2 = live.arm.pages.find(
                (p) => lower(p.scope) === lower(cluster) && p.skipToken === "page2",
            );
            assert.ok(page2?.ids.includes(owner.id));
            const report = readJson<Report>(json);
            assert.equal(report.summary.errors, 0);
            assert.deepEqual(
                report.checks.filter((c) => c.status !== "ok").map((c) => [c.status, c.resource]),
                [
                    ["extra", owner.id],
                    ["changed", "payments/auditors-view"],
                ],
            );
        });

        it("the API server refuses one namespace's RoleBindings (403): exit 3, the read named, nothing there called drift", async () => {
            const world = fresh();
            const refused = "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings";
            const json = path.join(dir, "kube-403.json");
            const live = await verifyLive(world, ["--json", json], {
                kube: new Map([
                    [
                        refused,
                        {
                            status: 403,
                            reason: "Forbidden",
                            message: `rolebindings.rbac.authorization.k8s.io is forbidden: User "${STRANGER}" cannot list resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "payments": User does not have access to the resource in Azure. Update role assignment to allow access.`,
                        },
                    ],
                ]),
            });

            assert.equal(live.code, EXIT.unreadable, live.stderr);
            assert.ok(live.kube.requests.some((q) => q.path === refused));
            assert.match(live.stdout, /live matches the plan: \d+ checks; 1 read failed\n/);
            assert.match(live.stdout, /Kubernetes: not fully read/);
            assert.match(
                live.stdout,
                /Could not read \(1\)\n  role bindings in payments: 403 Forbidden: rolebindings\.rbac\.authorization\.k8s\.io is forbidden/,
            );
            assert.match(live.stderr, /verify: exit 3: 1 read failed: the review is incomplete\n/);
            const report = readJson<Report>(json);
            assert.equal(report.summary.kubernetes, "unreadable");
            assert.equal(report.summary.drift, 0);
            assert.deepEqual(
                report.errors.map((e) => e.what),
                ["role bindings in payments"],
            );
        });

        it("ARM refuses one registry's role assignments (403 AuthorizationFailed): exit 3 naming the scope, the rest compared", async () => {
            const world = fresh();
            const registry = sharedRegistry(world);
            const json = path.join(dir, "arm-403.json");
            const live = await verifyLive(world, ["--json", json], {
                arm: new Map([
                    [
                        lower(registry),
                        {
                            status: 403,
                            code: "AuthorizationFailed",
                            message: `The client '${STRANGER}' with object id '${STRANGER}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '${registry}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
                        },
                    ],
                ]),
            });

            assert.equal(live.code, EXIT.unreadable, live.stderr);
            assert.ok(
                live.stdout.includes(
                    `Could not read (1)\n  role assignments at ${registry}: 403 AuthorizationFailed: The client`,
                ),
            );
            assert.match(live.stderr, /verify: exit 3: 1 read failed/);
            const report = readJson<Report>(json);
            assert.equal(report.summary.drift, 0);
            assert.equal(report.summary.kubernetes, "compared");
            assert.deepEqual(
                report.errors.map((e) => e.what),
                [`role assignments at ${registry}`],
            );
            // The planned AcrPull on that registry is neither checked nor called missing.
            const onRegistry = report.checks.filter((c) => within(c.resource, registry));
            assert.deepEqual(onRegistry, []);
            const checked = report.checks.filter((c) => c.area === "role-assignment").length;
            const atRegistry = world.assignments.filter((a) =>
                within(String((a.properties as { scope: unknown }).scope), registry),
            ).length;
            assert.ok(atRegistry > 0);
            assert.equal(checked, plannedAssignments - atRegistry);
        });
    });
});

/** The shared registry Pulumi.dev.yaml names (containerRegistries): the kubelet's AcrPull. */
function sharedRegistry(world: World): string {
    const id = world.assignments
        .map((a) => String((a.properties as { scope: unknown }).scope))
        .find((s) => s.endsWith("/registries/contosoplatform"));
    assert.ok(id);
    return id;
}
