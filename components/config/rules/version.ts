// aks-entra:kubernetesVersion against the dated AKS release calendar (components/aksVersions.ts):
// a version AKS no longer creates clusters at is refused, on the day the config is read, with one
// message whatever its age (1.24.0 or last year's 1.33). Pure module; the day is the context's.
import { versionRefusal } from "../../aksVersions";
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import type { RuleContext } from "./context";

/** `1.3`: what YAML makes of an unquoted `1.30`. */
function yamlHint(version: string): string {
    const m = /^1\.(\d)$/.exec(version);
    return m
        ? `; an unquoted 1.${m[1]}0 in YAML arrives as the number ${version}: quote the version ("1.${m[1]}0")`
        : "";
}

export function kubernetesVersion({ draft, today }: RuleContext): string[] {
    const version = draft.kubernetesVersion;
    // A value its schema refused is reported there.
    if (typeof version !== "string" || !/^1\.\d+(\.\d+)?$/.test(version)) return [];
    const why = versionRefusal(version, today, draft.location);
    return why === undefined
        ? []
        : [`${NAMESPACE}:kubernetesVersion ${show(version)} ${why}${yamlHint(version)}`];
}
