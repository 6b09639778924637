// CODEOWNERS as GitHub reads it (docs.github.com: "About code owners"): one rule a line,
// `<pattern> <owner>...`, gitignore-style patterns, and the LAST matching rule wins; a rule with
// no owner leaves its paths unowned. Owners are @user, @org/team or an e-mail address.

export interface Rule {
    pattern: string;
    owners: string[];
    re: RegExp;
}

/** A gitignore-style CODEOWNERS pattern as a regular expression over repository paths. */
export function patternRegex(pattern: string): RegExp {
    let p = pattern;
    const anchored = p.startsWith("/") || p.replace(/\/$/, "").includes("/");
    p = p.replace(/^\//, "");
    const dirOnly = p.endsWith("/");
    p = p.replace(/\/$/, "");
    let re = "";
    for (let i = 0; i < p.length; i++) {
        const c = p[i];
        if (c === "*" && p[i + 1] === "*") {
            re += p[i + 2] === "/" ? "(?:.*/)?" : ".*";
            i += p[i + 2] === "/" ? 2 : 1;
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    const prefix = anchored ? "^" : "^(?:.*/)?";
    // A pattern names a file or a directory (then everything below it); dir/ only a directory.
    return new RegExp(`${prefix}${re}${dirOnly ? "/.*" : "(?:/.*)?"}$`);
}

export function parseCodeowners(text: string): Rule[] {
    return text
        .split("\n")
        .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
        .filter((l) => l !== "")
        .map((l) => {
            const [pattern, ...owners] = l.split(/\s+/);
            return { pattern, owners, re: patternRegex(pattern) };
        });
}

/** The owners of `file` (the last matching rule's), empty when none. */
export function ownersOf(rules: readonly Rule[], file: string): string[] {
    let owners: string[] = [];
    for (const r of rules) if (r.re.test(file)) owners = r.owners;
    return owners;
}
