// The PR workflow's read-only preview (pr-preview.yml, job "pulumi preview", GitHub environment
// plan-read): `pulumi preview` of every stack whose Pulumi.<stack>.yaml the pull request changes,
// with the BASE branch's policy pack (base/policy), and the Markdown of the PR comment: per stack
// the result and the "Resources:" summary pulumi prints.
//
// Not previewed, and said so: a new stack file (no state yet: the offline plan of pr-checks shows
// it), a deleted one (its stack keeps running until someone destroys it), and a stack whose
// preview would call a private API server: pull request code never runs on the private runner
// (docs/delivery.md: Runners), so the offline plan is its preview.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { runnerOfFile } from "./stacks";

export interface PreviewRow {
    stack: string;
    file: string;
    result: string;
    summary?: string;
}

const THROWAWAY = /^(pr-[0-9]+|e2e-[0-9a-f]{8})$/;

/** The "Resources:" block of pulumi preview's output, up to its end. */
export function resourcesSummary(out: string): string {
    const lines = out.split("\n");
    const i = lines.findIndex((l) => /^Resources:/.test(l.trim()));
    return i < 0 ? "" : lines.slice(i).join("\n").trim();
}

export function previewRows(env: NodeJS.ProcessEnv, dir = "."): PreviewRow[] {
    const run = (cmd: string, args: string[]) =>
        spawnSync(cmd, args, { encoding: "utf8", env, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    const files = run("gh", [
        "api",
        "--paginate",
        `repos/${env.GH_REPO}/pulls/${env.PR_NUMBER}/files`,
        "--jq",
        ".[] | [.status, .filename] | @tsv",
    ]);
    if (files.status !== 0)
        throw new Error(`gh api (the pull request's files) failed: ${files.stderr}`);
    const rows: PreviewRow[] = [];
    for (const line of files.stdout.split("\n").filter((l) => l !== "")) {
        const [status, file] = line.split("\t");
        const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1];
        if (stack === undefined || THROWAWAY.test(stack)) continue;
        if (status === "removed" || !existsSync(path.join(dir, file))) {
            rows.push({
                stack,
                file,
                result: "deleted: its stack keeps running; `pulumi destroy` and `pulumi stack rm` it first",
            });
            continue;
        }
        if (runnerOfFile(path.join(dir, file), "").refuse !== "") {
            rows.push({
                stack,
                file,
                result: "not previewed: private API server (pull request code never runs on the private runner); see the offline plan",
            });
            continue;
        }
        if (run("pulumi", ["stack", "select", stack]).status !== 0) {
            rows.push({ stack, file, result: "new stack: no state yet; see the offline plan" });
            continue;
        }
        const p = run("pulumi", [
            "preview",
            "--non-interactive",
            "--stack",
            stack,
            "--policy-pack",
            "base/policy",
        ]);
        const out = `${p.stdout}\n${p.stderr}`;
        rows.push({
            stack,
            file,
            result:
                p.status === 0
                    ? "previewed"
                    : `**pulumi preview failed** (exit ${p.status ?? "?"}): see the run's log`,
            summary: resourcesSummary(out),
        });
    }
    return rows;
}

export function previewMarkdown(rows: readonly PreviewRow[]): string {
    if (rows.length === 0) return "";
    const out = [
        "## aks-entra: `pulumi preview` of the stacks this pull request changes",
        "",
        "Read-only (GitHub environment `plan-read`), with the base branch's policy pack.",
        "",
        "| stack | file | result |",
        "|---|---|---|",
        ...rows.map((r) => `| \`${r.stack}\` | \`${r.file}\` | ${r.result} |`),
        "",
    ];
    for (const r of rows.filter((x) => x.summary)) {
        out.push(
            `<details><summary>stack <code>${r.stack}</code></summary>`,
            "",
            "```text",
            r.summary!,
            "```",
            "",
            "</details>",
            "",
        );
    }
    return out.join("\n");
}

export function main(env: NodeJS.ProcessEnv): number {
    const rows = previewRows(env);
    const md = previewMarkdown(rows);
    writeFileSync("preview.md", md);
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, md);
    if (env.GITHUB_OUTPUT) {
        const delimiter = `PREVIEW_${randomBytes(12).toString("hex")}`;
        appendFileSync(env.GITHUB_OUTPUT, `comment<<${delimiter}\n${md}\n${delimiter}\n`);
    }
    return rows.some((r) => r.result.startsWith("**pulumi preview failed")) ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.env);
