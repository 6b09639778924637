// `npm run bench:test [-- --compare REF]`: how long `npm test` takes and how much memory it holds,
// part by part, and the ten slowest test files. With --compare, the same for the commit REF
// (checked out into a temporary worktree beside this one, sharing its node_modules when the
// lockfiles agree), measured first in the same run, so that both see the same machine.
//
// `npm test` is the commands of package.json's "test" script, joined by &&: each is run here as
// `npm run NAME`, one after another as npm would, and timed; the total is their sum. Memory is
// sampled every 100 ms from /proc: the peak of the whole process tree (mocha's workers and the
// processes the tests start, together) and of its largest process. A file's time is that of its
// top-level suites, hooks and tests (bench/testFiles.ts). A benchmark, not a test: it prints
// figures and fails only when a part fails.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import * as path from "node:path";
import { printTable, ROOT } from "./stacks";

interface Part {
    script: string;
    /** Sub-parts a part times itself (`npm run check`: types, lint, format), from its stderr. */
    split?: [string, number][];
    wallMs: number;
    cpuMs: number;
    peakTreeKb: number;
    peakProcessKb: number;
    code: number;
}

interface Result {
    label: string;
    parts: Part[];
    files: Map<string, number>;
    tests?: string;
}

/** RSS in kB of every process below `root` (itself included), from /proc. */
function treeRss(root: number): { total: number; largest: number } {
    const parent = new Map<number, number>();
    for (const name of readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        try {
            const stat = readFileSync(`/proc/${name}/stat`, "utf8");
            // pid (comm) state ppid ...: comm may hold spaces and parentheses.
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            parent.set(Number(name), ppid);
        } catch {
            // gone meanwhile
        }
    }
    const inTree = (pid: number): boolean => {
        for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) {
            if (p === root) return true;
        }
        return false;
    };
    let total = 0;
    let largest = 0;
    for (const pid of parent.keys()) {
        if (!inTree(pid)) continue;
        try {
            const pages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
            const kb = (pages * 4096) / 1024;
            total += kb;
            largest = Math.max(largest, kb);
        } catch {
            // gone meanwhile
        }
    }
    return { total, largest };
}

/** CPU seconds (user + system) of the finished children of this process so far. */
function childCpuMs(): number {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields from the 3rd (state) on; cutime and cstime are the 16th and 17th, in 1/100 s.
    const fields = stat
        .slice(stat.lastIndexOf(")") + 2)
        .split(" ")
        .map(Number);
    return (fields[16 - 3] + fields[17 - 3]) * 10;
}

function runPart(cwd: string, script: string, extra: string[], env: NodeJS.ProcessEnv) {
    return new Promise<Part & { output: string }>((resolve) => {
        const cpu0 = childCpuMs();
        const started = performance.now();
        const child = spawn("npm", ["run", script, ...(extra.length ? ["--", ...extra] : [])], {
            cwd,
            env: { ...process.env, ...env, NO_COLOR: "1", FORCE_COLOR: "0" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        let peakTreeKb = 0;
        let peakProcessKb = 0;
        const timer = setInterval(() => {
            const { total, largest } = treeRss(child.pid!);
            peakTreeKb = Math.max(peakTreeKb, total);
            peakProcessKb = Math.max(peakProcessKb, largest);
        }, 100);
        child.on("close", (code) => {
            clearInterval(timer);
            resolve({
                script,
                wallMs: performance.now() - started,
                cpuMs: childCpuMs() - cpu0,
                peakTreeKb,
                peakProcessKb,
                code: code ?? -1,
                output,
            });
        });
    });
}

/** The `npm run` names that package.json's "test" script chains with &&. */
function testParts(cwd: string): string[] {
    const pkg = JSON.parse(readFileSync(path.join(cwd, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
    };
    return pkg.scripts.test.split("&&").map((c) => {
        const m = /^\s*npm run (\S+)\s*$/.exec(c);
        if (!m)
            throw new Error(`package.json "test" step ${JSON.stringify(c)} is not npm run NAME`);
        return m[1];
    });
}

async function measure(label: string, cwd: string): Promise<Result> {
    const filesLog = path.join(mkdtempSync(path.join(tmpdir(), "bench-test-")), "files.jsonl");
    const parts: Part[] = [];
    let tests: string | undefined;
    for (const script of testParts(cwd)) {
        const mocha = script.startsWith("test:");
        const extra = mocha ? ["--require", path.join(ROOT, "bench", "testFiles.ts")] : [];
        const part = await runPart(cwd, script, extra, { AKS_ENTRA_BENCH_FILES: filesLog });
        if (part.code !== 0) {
            process.stderr.write(part.output);
            throw new Error(`${label}: npm run ${script} exited ${part.code}`);
        }
        if (mocha) tests = /(\d+) passing/.exec(part.output)?.[1];
        // scripts/check.ts: "check: N files; types 9.2 s (...), lint 6.0 s (...), format 4.5 s (...)"
        const check =
            /^check: .*; types ([\d.]+) s .*, lint ([\d.]+) s .*, format ([\d.]+) s/m.exec(
                part.output,
            );
        if (check) {
            part.split = [
                ["type-check", Number(check[1]) * 1000],
                ["lint", Number(check[2]) * 1000],
                ["format", Number(check[3]) * 1000],
            ];
        }
        parts.push(part);
        process.stderr.write(
            `bench:test: ${label} ${script} ${(part.wallMs / 1000).toFixed(1)} s\n`,
        );
    }
    const files = new Map<string, number>();
    for (const line of readFileSync(filesLog, "utf8").split("\n").filter(Boolean)) {
        const { file, ms } = JSON.parse(line) as { file: string; ms: number };
        const name = path.relative(path.join(cwd, "test"), file);
        files.set(name, (files.get(name) ?? 0) + ms);
    }
    rmSync(path.dirname(filesLog), { recursive: true, force: true });
    return { label, parts, files, tests };
}

/** A worktree of `ref` that runs with this checkout's node_modules (or its own, installed). */
function worktree(ref: string): { dir: string; remove: () => void } {
    // Beside this checkout, so that ../shared (the schemas and policy definitions some tests read)
    // is the same for both.
    const dir = mkdtempSync(path.join(path.dirname(ROOT), `.${path.basename(ROOT)}-bench-`));
    rmSync(dir, { recursive: true });
    execFileSync("git", ["worktree", "add", "--detach", dir, ref], { cwd: ROOT, stdio: "ignore" });
    let sameLock = true;
    try {
        execFileSync("git", ["diff", "--quiet", ref, "--", "package-lock.json"], { cwd: ROOT });
    } catch {
        sameLock = false; // git diff --quiet exits 1 on a difference
    }
    if (sameLock) symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    else execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
    return {
        dir,
        remove: () => {
            execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: ROOT });
        },
    };
}

function parseArgs(argv: string[]): { compare?: string } {
    const o: { compare?: string } = {};
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--compare" && argv[i + 1]) o.compare = argv[++i];
        else throw new Error(`usage: npm run bench:test [-- --compare REF] (got ${argv[i]})`);
    }
    return o;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function report(r: Result): void {
    const total = r.parts.reduce((n, p) => n + p.wallMs, 0);
    console.log(`\n${r.label}: npm test ${s(total)} wall, ${r.tests ?? "?"} tests passing`);
    printTable(
        ["part (npm run ...)", "wall", "CPU", "peak, all processes", "peak, one process"],
        [
            ...r.parts.flatMap((p) => [
                [p.script, s(p.wallMs), s(p.cpuMs), mb(p.peakTreeKb), mb(p.peakProcessKb)],
                ...(p.split ?? []).map(([name, ms]) => [`  ${name}`, s(ms), "", "", ""]),
            ]),
            [
                "npm test",
                s(total),
                s(r.parts.reduce((n, p) => n + p.cpuMs, 0)),
                mb(Math.max(...r.parts.map((p) => p.peakTreeKb))),
                mb(Math.max(...r.parts.map((p) => p.peakProcessKb))),
            ],
        ],
    );
    console.log(`\n${r.label}: the ten slowest test files (their suites' hooks and tests)`);
    printTable(
        ["file", "time"],
        [...r.files.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 10)
            .map(([f, ms]) => [f, s(ms)]),
    );
}

async function main(): Promise<void> {
    const o = parseArgs(process.argv.slice(2));
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT })
        .toString()
        .trim();
    console.log(
        `machine: ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.versions.node}; load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`,
    );
    const results: Result[] = [];
    if (o.compare) {
        const tree = worktree(o.compare);
        try {
            const ref = execFileSync("git", ["rev-parse", "--short", o.compare], { cwd: ROOT })
                .toString()
                .trim();
            results.push(await measure(`${o.compare} (${ref})`, tree.dir));
        } finally {
            tree.remove();
        }
    }
    results.push(await measure(`this checkout (${head})`, ROOT));
    results.forEach(report);
    console.log(
        `\nload average at the end: ${loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`,
    );
}

main().catch((e: unknown) => {
    process.stderr.write(`bench:test: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
