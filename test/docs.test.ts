// The docs stay true: every relative link of README.md and docs/*.md resolves (file and heading),
// every `npm run <script>` they show exists, every stack-file snippet they show is valid, and every
// "(README: <section>)" or docs/<file>.md reference in the program's messages and comments points at
// a heading or file that exists.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import GithubSlugger from "github-slugger";
import { parse } from "yaml";
import { ConfigError, configFromPulumi } from "../components/config";
import { pulumiConfigMap } from "../offline/harness";
import { ROOT } from "./helpers";
import { schemaErrors } from "./stackSchema";

const DOCS = [
    "README.md",
    ...readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
];
const text = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** Markdown outside fenced code blocks, so `[x](y)` in an example is not read as a link. */
function prose(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** The anchors GitHub gives a file's headings (github-slugger: the algorithm GitHub uses). */
function anchors(file: string): Set<string> {
    const slugger = new GithubSlugger();
    const headings = [...prose(text(file)).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)];
    return new Set(headings.map((m) => slugger.slug(m[1].replace(/`/g, ""))));
}

/** The headings of the README and docs, as written, for "(README: <section>)" references. */
function headings(file: string): string[] {
    return [...prose(text(file)).matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map((m) =>
        m[1].replace(/`/g, ""),
    );
}

/** Fenced code blocks of a file with their language. */
function blocks(file: string): { lang: string; body: string; line: number }[] {
    const out: { lang: string; body: string; line: number }[] = [];
    const src = text(file);
    for (const m of src.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
        out.push({ lang: m[1], body: m[2], line: src.slice(0, m.index).split("\n").length });
    }
    return out;
}

/** The program's sources that speak to users: messages and comments name README sections. */
function sources(dir: string): string[] {
    return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
        const rel = path.join(dir, name);
        if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
        return name.endsWith(".ts") ? [rel] : [];
    });
}
const PROGRAM = [
    "index.ts",
    ...["components", "plan", "policy", "verify", "e2e", "offline", "bench", "scripts"].flatMap(
        sources,
    ),
];

describe("the docs stay true", function () {
    it(`every relative link of README.md and docs/*.md resolves, heading included (${DOCS.length} files)`, () => {
        const broken: string[] = [];
        let checked = 0;
        for (const file of DOCS) {
            for (const m of prose(text(file)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
                checked++;
                const [rel, anchor] = target.split("#");
                const resolved = rel === "" ? file : path.join(path.dirname(file), rel);
                if (!existsSync(path.join(ROOT, resolved))) {
                    broken.push(`${file}: ${target}: no file ${resolved}`);
                } else if (
                    anchor !== undefined &&
                    resolved.endsWith(".md") &&
                    !anchors(resolved).has(anchor)
                ) {
                    broken.push(`${file}: ${target}: no heading #${anchor} in ${resolved}`);
                }
            }
        }
        assert.ok(checked > 20, `only ${checked} links found: the scan is broken`);
        assert.deepEqual(broken, []);
    });

    it("every npm run <script> the docs show exists in package.json", () => {
        const scripts = (JSON.parse(text("package.json")) as { scripts: Record<string, string> })
            .scripts;
        const missing: string[] = [];
        let seen = 0;
        for (const file of DOCS) {
            for (const m of text(file).matchAll(/\bnpm run ([a-z][\w:.-]*)/g)) {
                seen++;
                if (!Object.hasOwn(scripts, m[1])) missing.push(`${file}: npm run ${m[1]}`);
            }
        }
        assert.ok(seen > 20, `only ${seen} commands found: the scan is broken`);
        assert.deepEqual(missing, []);
    });

    it("every stack-file snippet passes the JSON Schema, and a whole stack file the program too", () => {
        // A snippet is a whole stack file (`config:` ...) or the aks-entra keys of one.
        const problems: string[] = [];
        let snippets = 0;
        for (const file of DOCS) {
            for (const b of blocks(file)) {
                if (b.lang !== "yaml") continue;
                const doc = parse(b.body) as Record<string, unknown> | null;
                const keys = Object.keys(doc ?? {});
                const whole = keys.includes("config");
                if (!whole && !(keys.length > 0 && keys.every((k) => k.startsWith("aks-entra:")))) {
                    continue;
                }
                snippets++;
                const where = `${file}:${b.line}`;
                const config = (whole ? doc!.config : doc) as Record<string, unknown>;
                problems.push(...schemaErrors({ config }).map((e) => `${where}: ${e}`));
                if (whole) {
                    try {
                        configFromPulumi(pulumiConfigMap(config));
                    } catch (e) {
                        const why = e instanceof ConfigError ? e.problems.join("; ") : String(e);
                        problems.push(`${where}: ${why}`);
                    }
                }
            }
        }
        assert.ok(snippets >= 5, `only ${snippets} stack-file snippets found: the scan is broken`);
        assert.deepEqual(problems, []);
    });

    it("every (README: <section>), (docs/<file>.md: <section>) and docs/<file>.md the program names exists", () => {
        const sectionOf = (file: string, section: string) => {
            const wanted = section.trim().toLowerCase();
            return headings(file).some((h) => {
                const heading = h.toLowerCase();
                return (
                    heading === wanted ||
                    heading.startsWith(`${wanted}:`) ||
                    heading.startsWith(`${wanted} `)
                );
            });
        };
        const broken: string[] = [];
        let seen = 0;
        for (const file of PROGRAM) {
            const src = text(file).replace(/\n\s*(\/\/|\*)\s*/g, " ");
            const refs =
                /\b(README|docs\/[\w-]+\.md)(?:: ([A-Za-z][^)"'`;,.]*?))?(?=\)|"|'|`|;|,|\.|\s|$)/g;
            for (const m of src.matchAll(refs)) {
                const [, name, section] = m;
                if (name === "README" && section === undefined) continue; // "the README's table"
                const doc = name === "README" ? "README.md" : name;
                seen++;
                if (!existsSync(path.join(ROOT, doc))) {
                    broken.push(`${file}: ${doc}`);
                } else if (section !== undefined && !sectionOf(doc, section)) {
                    broken.push(`${file}: ${doc}: ${section.trim()}`);
                }
            }
        }
        assert.ok(seen > 10, `only ${seen} references found: the scan is broken`);
        assert.deepEqual(broken, []);
    });
});
