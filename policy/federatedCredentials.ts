// Policies on federated identity credentials: who may log in as a managed identity.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AKS_ISSUER_PATTERN, GITHUB_ISSUER, TOKEN_EXCHANGE_AUDIENCE, TYPE } from "./azure";
import { onType } from "./cluster";
import { isUnknown, items, read, show, str } from "./read";

const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
const DNS_SUBDOMAIN = "[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?";
// Git ref part as GitHub puts it in the subject: no whitespace, wildcards or ref-illegal characters.
const REF = "[^\\s*?\\[\\]~^:\\\\]+";

/** `system:serviceaccount:<namespace>:<serviceaccount>` (Kubernetes names: RFC 1123). */
export const SERVICE_ACCOUNT_SUBJECT = new RegExp(
    `^system:serviceaccount:(${DNS_LABEL}):(${DNS_SUBDOMAIN})$`,
);
/** GitHub Actions: `repo:<owner>/<repo>:` + environment, branch, tag or pull_request. */
export const GITHUB_SUBJECT = new RegExp(
    `^repo:[A-Za-z0-9][-A-Za-z0-9]{0,38}/[-_.A-Za-z0-9]{1,100}:(environment:${REF}|ref:refs/heads/${REF}|ref:refs/tags/${REF}|pull_request)$`,
);

export interface SubjectConfig {
    /** Further exact-subject shapes (anchored regular expressions), e.g. for another CI system. */
    extraSubjectPatterns?: string[];
}

export interface IssuerConfig {
    /** Issuers trusted besides AKS clusters. Defaults to GitHub Actions only. */
    allowedExternalIssuers?: string[];
    /** Shape of an AKS OIDC issuer URL (a regular expression). */
    aksIssuerPattern?: string;
}

export const audience: ResourceValidationPolicy = {
    name: "fic-audience",
    description: `Every federated credential has exactly one audience, ${TOKEN_EXCHANGE_AUDIENCE}.`,
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.fic, (props, _args, report) => {
        const value = read(props, "audiences");
        if (isUnknown(value)) return;
        const list = items(value);
        if (list.length !== 1 || list[0] !== TOKEN_EXCHANGE_AUDIENCE) {
            report(
                `audiences is ${show(value)}; Entra workload identity federation takes exactly ["${TOKEN_EXCHANGE_AUDIENCE}"]`,
            );
        }
    }),
};

export const exactSubject: ResourceValidationPolicy = {
    name: "fic-exact-subject",
    description:
        "Every federated credential trusts one exact subject: a Kubernetes service account or a GitHub repository environment/branch/tag/pull_request, never a wildcard.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            extraSubjectPatterns: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Further exact-subject shapes (anchored regular expressions).",
            },
        },
    },
    validateResource: onType(TYPE.fic, (props, args, report) => {
        const expression = read(props, "claimsMatchingExpression");
        if (!isUnknown(expression) && expression !== undefined && expression !== null) {
            report(
                "claimsMatchingExpression is set (a flexible credential that matches many subjects); trust one exact subject per credential",
            );
        }
        const subject = read(props, "subject");
        if (isUnknown(subject)) return;
        const s = str(subject) ?? "";
        if (s.includes("*")) {
            report(
                `subject ${show(subject)} contains "*"; a credential names one exact service account or repository ref, never a wildcard`,
            );
            return;
        }
        const extra = (args.getConfig<SubjectConfig>().extraSubjectPatterns ?? []).map(
            (p) => new RegExp(p),
        );
        if (![SERVICE_ACCOUNT_SUBJECT, GITHUB_SUBJECT, ...extra].some((re) => re.test(s))) {
            report(
                `subject ${show(subject)} is not an exact subject: expected system:serviceaccount:<namespace>:<serviceaccount> or repo:<owner>/<repo>:(environment:<name>|ref:refs/heads/<branch>|ref:refs/tags/<tag>|pull_request)`,
            );
        }
    }),
};

export const issuer: ResourceValidationPolicy = {
    name: "fic-issuer",
    description:
        "Every federated credential trusts an AKS cluster's OIDC issuer (for service accounts) or an allowed external issuer such as GitHub Actions (for repositories).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedExternalIssuers: {
                type: "array",
                items: { type: "string", pattern: "^https://" },
                default: [GITHUB_ISSUER],
                description: "Issuers trusted besides AKS clusters.",
            },
            aksIssuerPattern: {
                type: "string",
                default: AKS_ISSUER_PATTERN,
                description: "Shape of an AKS OIDC issuer URL (a regular expression).",
            },
        },
    },
    validateResource: onType(TYPE.fic, (props, args, report) => {
        const value = read(props, "issuer");
        const subject = read(props, "subject");
        if (isUnknown(value)) return;
        const config = args.getConfig<IssuerConfig>();
        const external = config.allowedExternalIssuers ?? [GITHUB_ISSUER];
        const aks = new RegExp(config.aksIssuerPattern ?? AKS_ISSUER_PATTERN);
        const url = str(value) ?? "";
        const isAks = aks.test(url);
        const isExternal = external.includes(url);
        if (!isAks && !isExternal) {
            report(
                `issuer ${show(value)} is neither an AKS OIDC issuer (https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/) nor an allowed external issuer (${external.join(", ")}); add it to allowedExternalIssuers in the policy config if this trust is intended`,
            );
            return;
        }
        if (isUnknown(subject)) return;
        const s = str(subject) ?? "";
        if (s.startsWith("system:serviceaccount:") && !isAks) {
            report(
                `subject ${show(subject)} is a Kubernetes service account but issuer ${show(value)} is not an AKS OIDC issuer; service accounts are vouched for by their cluster's issuer only`,
            );
        }
        if (s.startsWith("repo:") && !isExternal) {
            report(
                `subject ${show(subject)} is a GitHub repository but issuer ${show(value)} is not an allowed external issuer (${external.join(", ")})`,
            );
        }
    }),
};

export const federatedCredentialPolicies: ResourceValidationPolicy[] = [
    audience,
    exactSubject,
    issuer,
];
