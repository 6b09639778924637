// Fakes of the two services verify reads, answering in the REST shapes the real services use:
// ARM as an in-process HttpClient over https://management.azure.com (the SDKs' own pipelines run,
// bearer policy, paging and error mapping included, and nothing leaves the process), and the
// Kubernetes API as a node:http server on 127.0.0.1. These pieces carry requests in and answers
// out, record what was asked, and build the bodies the services answer with (ARM's error body,
// the API server's Status and lists, the fake credential's tokens and refusals). What is served
// is each test's own: it supplies the routes and the data.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
    createHttpHeaders,
    type HttpClient,
    type PipelineRequest,
    type PipelineResponse,
} from "@azure/core-rest-pipeline";

/** A status and the JSON body that goes with it. */
export interface Answer {
    status: number;
    body: unknown;
}

// --- ARM ---------------------------------------------------------------------------------------

export const ARM = "https://management.azure.com";
/** The scope an ARM token is asked for. */
export const ARM_SCOPE = `${ARM}/.default`;
/** The tail of a role-assignment list's path, lower-cased (ARM paths compare case-insensitively). */
export const ROLE_ASSIGNMENTS = "/providers/microsoft.authorization/roleassignments";

/** What ARM answers instead of a resource or list: the status and the error's code and message. */
export interface ArmFailure {
    status: number;
    code: string;
    message: string;
}

/** ARM's error body: `{ error: { code, message } }`. */
export function armError(status: number, code: string, message: string): Answer {
    return { status, body: { error: { code, message } } };
}

/** ARM's 404 for a resource that is not there. */
export function armNotFound(type: string, name: string, resourceGroup: string): Answer {
    return armError(
        404,
        "ResourceNotFound",
        `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
}

/** ARM's 404 for a list below a parent that is not there (e.g. a deleted identity's credentials). */
export function armParentNotFound(childType: string, parent: string): Answer {
    return armError(
        404,
        "ParentResourceNotFound",
        `Failed to perform 'read' on resource(s) of type '${childType}', because the parent resource '${parent}' could not be found.`,
    );
}

export interface ArmRequest {
    method: string;
    url: URL;
    authorization: string | undefined;
}

/** A test's ARM: the answer to a request, or undefined where it has no route. */
export type ArmRoute = (request: ArmRequest) => Answer | undefined | Promise<Answer | undefined>;

export interface FakeArm extends HttpClient {
    /** Every request sent, in order. */
    requests: ArmRequest[];
    /** Requests no route answered (400 InvalidRequestUri): `METHOD href`. */
    unrouted: string[];
    inFlight: number;
    /** The most requests that were being answered at once. */
    maxInFlight: number;
}

/** An HttpClient for the SDKs that answers requests to ARM through `route`, and nothing else. */
export function armClient(route: ArmRoute): FakeArm {
    const arm: FakeArm = {
        requests: [],
        unrouted: [],
        inFlight: 0,
        maxInFlight: 0,
        async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
            const served: ArmRequest = {
                method: request.method,
                url: new URL(request.url),
                authorization: request.headers.get("authorization"),
            };
            arm.requests.push(served);
            arm.inFlight++;
            arm.maxInFlight = Math.max(arm.maxInFlight, arm.inFlight);
            try {
                const { status, body } =
                    (served.url.origin === ARM ? await route(served) : undefined) ??
                    noRoute(served);
                return {
                    request,
                    status,
                    headers: createHttpHeaders({
                        "content-type": "application/json; charset=utf-8",
                        "x-ms-request-id": "5a3c1e9f-0b2d-4e6f-8a7c-9d1e2f3a4b5c",
                    }),
                    bodyAsText: JSON.stringify(body),
                };
            } finally {
                arm.inFlight--;
            }
        },
    };

    function noRoute({ method, url }: ArmRequest): Answer {
        arm.unrouted.push(`${method} ${url.href}`);
        return armError(
            400,
            "InvalidRequestUri",
            `fake ARM has no route for ${method} ${url.pathname}`,
        );
    }

    return arm;
}

// --- the credential ----------------------------------------------------------------------------

export interface FakeCredential extends TokenCredential {
    /** Every scope a token was asked for, in order. */
    scopes: string[];
}

/**
 * Hands out `tokens[scope]`. A scope in `refuse` is refused as the Azure CLI credential does when
 * nobody is signed in (CredentialUnavailableError); a scope with no token is an error.
 */
export function fakeCredential(
    tokens: Record<string, string>,
    refuse: string[] = [],
): FakeCredential {
    const cred: FakeCredential = {
        scopes: [],
        getToken(scopes: string | string[]): Promise<AccessToken | null> {
            const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
            cred.scopes.push(scope);
            if (refuse.includes(scope)) {
                return Promise.reject(
                    Object.assign(
                        new Error(
                            `AzureCliCredential: Please run 'az login' to set up an account (scope ${scope})`,
                        ),
                        { name: "CredentialUnavailableError" },
                    ),
                );
            }
            const token = tokens[scope];
            if (token === undefined) {
                return Promise.reject(new Error(`fake credential: no token for ${scope}`));
            }
            return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
        },
    };
    return cred;
}

// --- the Kubernetes API ------------------------------------------------------------------------

/** The API server's Status body for a failed request, `code` its HTTP status. */
export function kubeStatus(code: number, message: string, reason: string): Answer {
    return {
        status: code,
        body: {
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message,
            reason,
            code,
        },
    };
}

/** A list as the API server answers it (`items` as given: the server leaves out their kind). */
export function kubeList(kind: string, apiVersion: string, items: unknown[]): Answer {
    return {
        status: 200,
        body: { kind, apiVersion, metadata: { resourceVersion: "48220" }, items },
    };
}

export interface KubeRequest {
    method: string;
    /** The URL's path, without the query. */
    path: string;
    authorization: string | undefined;
}

/** A test's API server: the answer to a request, or undefined where it has no route (a 404). */
export type KubeRoute = (request: KubeRequest) => Answer | undefined;

export interface FakeKube {
    /** `http://127.0.0.1:<port>` */
    server: string;
    /** Every request received, in order. */
    requests: { path: string; authorization: string | undefined }[];
    /** Requests no route answered: `METHOD path`. */
    unrouted: string[];
    close(): Promise<void>;
}

/**
 * A Kubernetes API server on 127.0.0.1 that answers a request bearing `token` through `route`,
 * and any other with 401 Unauthorized.
 */
export async function kubeServer(token: string, route: KubeRoute): Promise<FakeKube> {
    const requests: FakeKube["requests"] = [];
    const unrouted: string[] = [];
    const server = http.createServer((req, res) => {
        const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
        const method = req.method ?? "GET";
        const authorization = req.headers.authorization;
        requests.push({ path, authorization });
        let answer: Answer | undefined =
            authorization === `Bearer ${token}`
                ? route({ method, path, authorization })
                : kubeStatus(401, "Unauthorized", "Unauthorized");
        if (!answer) {
            unrouted.push(`${method} ${path}`);
            answer = kubeStatus(
                404,
                "the server could not find the requested resource",
                "NotFound",
            );
        }
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body));
    });
    const port = await listen(server);
    return {
        server: `http://127.0.0.1:${port}`,
        requests,
        unrouted,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Where verify's reads go: each returns the items to list, or undefined for no route (a 404). */
export interface KubeLists {
    clusterRoleBindings(): unknown[] | undefined;
    serviceAccounts(namespace: string): unknown[] | undefined;
    roleBindings(namespace: string): unknown[] | undefined;
}

const RBAC = "rbac.authorization.k8s.io/v1";
const SERVICE_ACCOUNTS = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts$/;
const ROLE_BINDINGS =
    /^\/apis\/rbac\.authorization\.k8s\.io\/v1\/namespaces\/([^/]+)\/rolebindings$/;

/** A route for the GETs verify sends: the ClusterRoleBindings, and each namespace's lists. */
export function kubeLists(lists: KubeLists): KubeRoute {
    const list = (kind: string, apiVersion: string, items: unknown[] | undefined) =>
        items && kubeList(kind, apiVersion, items);
    return ({ method, path }) => {
        if (method !== "GET") return undefined;
        if (path === `/apis/${RBAC}/clusterrolebindings`) {
            return list("ClusterRoleBindingList", RBAC, lists.clusterRoleBindings());
        }
        let m: RegExpExecArray | null;
        if ((m = SERVICE_ACCOUNTS.exec(path))) {
            return list("ServiceAccountList", "v1", lists.serviceAccounts(m[1]));
        }
        if ((m = ROLE_BINDINGS.exec(path))) {
            return list("RoleBindingList", RBAC, lists.roleBindings(m[1]));
        }
        return undefined;
    };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
    const server = http.createServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

async function listen(server: http.Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
}
