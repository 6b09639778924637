// `npm run bench:plan`: wall time and peak memory of the offline plan for the dev stack and for
// generated stacks of 1 to 2,000 namespaces (each with a group's access, a Role binding and a
// workload identity with an Azure grant), against the time to load the SDKs alone, and the ratios
// the scale goals are stated in (docs/performance.md: Scale).
//
// Every case runs in a fresh child process (`node --require tsx/cjs plan/main.ts ...`, the same code
// path as `npm run plan` minus tsx's launcher process). The child reports its own peak RSS and
// uptime at exit (bench/stats.ts); wall time is measured here. Each case runs `--runs N` times
// (default 3) and the median is shown. Not part of `npm test`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { generatedConfig, machine, printTable, ROOT } from "./stacks";

const NODE =
    Number(process.versions.node.split(".")[0]) >= 22
        ? process.execPath
        : path.join(ROOT, "node_modules", ".bin", "node");

interface Case {
    name: string;
    /** Script and arguments, relative to the project root. */
    args: string[];
}

interface Sample {
    wallMs: number;
    uptimeMs: number;
    cpuMs: number;
    maxRssKb: number;
    code: number;
    /** From the plan's timing line on stderr. */
    resources?: number;
    grants?: number;
    loadSdkMs?: number;
    evaluateMs?: number;
}

function runOnce(c: Case, tmp: string): Sample {
    const statsFile = path.join(tmp, "stats.json");
    rmSync(statsFile, { force: true });
    const started = process.hrtime.bigint();
    const r = spawnSync(
        NODE,
        ["--require", "tsx/cjs", "--require", "./bench/stats.ts", ...c.args],
        {
            cwd: ROOT,
            env: { ...process.env, BENCH_STATS: statsFile, NO_COLOR: "1" },
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        },
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) {
        throw new Error(`${c.name} exited ${r.status}:\n${r.stderr}`);
    }
    const stats = JSON.parse(readFileSync(statsFile, "utf8")) as Omit<Sample, "wallMs">;
    const timing =
        /(\d+) resources, (\d+) grants in [\d.]+ s \(validate [\d.]+ s, load SDK ([\d.]+) s, evaluate ([\d.]+) s/.exec(
            r.stderr,
        );
    return {
        ...stats,
        wallMs,
        resources: timing ? Number(timing[1]) : undefined,
        grants: timing ? Number(timing[2]) : undefined,
        loadSdkMs: timing ? Number(timing[3]) * 1000 : undefined,
        evaluateMs: timing ? Number(timing[4]) * 1000 : undefined,
    };
}

/** Namespace counts: 5 is the baseline of the 500-namespace goal; growth is read from the rest. */
const SIZES = [1, 5, 10, 100, 500, 1000, 2000];
/** Cases this large run once: one run is half a minute and more. */
const ONCE_FROM = 1000;

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function main(): void {
    const runsFlag = process.argv.indexOf("--runs");
    const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
    if (!Number.isInteger(runs) || runs < 1) {
        console.error("usage: npm run bench:plan [-- --runs N]");
        process.exit(1);
    }
    const tmp = mkdtempSync(path.join(tmpdir(), "aks-entra-bench-"));
    const cases: Case[] = [
        { name: "load SDKs only", args: ["bench/sdk-load.ts"] },
        { name: "load the plan's modules", args: ["bench/sdk-load.ts", "--all"] },
    ];
    cases.push({
        name: "plan dev stack",
        args: ["plan/main.ts", "--stack", "dev", "--json", path.join(tmp, "dev.json")],
    });
    for (const n of SIZES) {
        const file = path.join(tmp, `ns-${n}.yaml`);
        writeFileSync(file, stringify(generatedConfig(n)));
        cases.push({
            name: `plan ${n} namespaces`,
            args: [
                "plan/main.ts",
                "--config",
                file,
                "--stack",
                "bench",
                "--json",
                path.join(tmp, `ns-${n}.json`),
                "--markdown",
                path.join(tmp, `ns-${n}.md`),
            ],
        });
    }

    console.error(`bench:plan: ${cases.length} cases x ${runs} runs, ${machine()}`);
    const rows: string[][] = [];
    const medians = new Map<string, { wallMs: number; rssMb: number }>();
    try {
        for (const c of cases) {
            const samples: Sample[] = [];
            const n = Number(/^plan (\d+) namespaces$/.exec(c.name)?.[1] ?? 0);
            const times = n >= ONCE_FROM ? 1 : runs;
            for (let i = 0; i < times; i++) {
                samples.push(runOnce(c, tmp));
                console.error(
                    `  ${c.name}: run ${i + 1}/${times} ${(samples[i].wallMs / 1000).toFixed(2)} s`,
                );
            }
            const m = (f: (s: Sample) => number | undefined) => {
                const v = samples.map(f).filter((x): x is number => x !== undefined);
                return v.length ? median(v) : undefined;
            };
            const sec = (v: number | undefined) => (v === undefined ? "-" : (v / 1000).toFixed(2));
            medians.set(c.name, {
                wallMs: m((s) => s.wallMs) ?? NaN,
                rssMb: (m((s) => s.maxRssKb) ?? NaN) / 1024,
            });
            rows.push([
                c.name,
                String(m((s) => s.resources) ?? "-"),
                String(m((s) => s.grants) ?? "-"),
                sec(m((s) => s.wallMs)),
                sec(m((s) => s.loadSdkMs)),
                sec(m((s) => s.evaluateMs)),
                sec(m((s) => s.cpuMs)),
                ((m((s) => s.maxRssKb) ?? 0) / 1024).toFixed(0),
            ]);
        }
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
    const headers = [
        "case",
        "resources",
        "grants",
        "wall s",
        "load SDK s",
        "evaluate s",
        "CPU s",
        "peak RSS MB",
    ];
    printTable(headers, rows);
    console.log(
        `median of ${runs} runs (${ONCE_FROM}+ namespaces: 1), each in a fresh process; wall includes Node start-up and tsx compilation`,
    );
    printGoals(medians);
}

/** The ratios of the scale goals (docs/performance.md: Scale), each with its goal. */
function printGoals(medians: ReadonlyMap<string, { wallMs: number; rssMb: number }>): void {
    const get = (name: string) => medians.get(name) ?? { wallMs: NaN, rssMb: NaN };
    const ns = (n: number) => get(`plan ${n} namespaces`);
    const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
    const rss500 = ns(500).rssMb;
    const ratio500 = ns(500).wallMs / ns(5).wallMs;
    const dev = get("plan dev stack").wallMs / get("load SDKs only").wallMs;
    const devAll = get("plan dev stack").wallMs / get("load the plan's modules").wallMs;
    console.log("");
    console.log(
        `500 namespaces, peak RSS: ${rss500.toFixed(0)} MB (goal < 500): ${verdict(rss500 < 500)}`,
    );
    console.log(
        `500 namespaces / 5 namespaces, wall: ${ratio500.toFixed(2)}x (goal <= 6): ${verdict(ratio500 <= 6)}`,
    );
    console.log(
        `dev plan / loading the SDKs, wall: ${dev.toFixed(2)}x (goal <= 1.3): ${verdict(dev <= 1.3)}`,
    );
    console.log(
        `dev plan / loading every module the plan imports, wall: ${devAll.toFixed(2)}x (goal <= 1.3): ${verdict(devAll <= 1.3)}`,
    );
    // Linear growth: the time per added namespace from each size to the next.
    const sizes = SIZES.filter((n) => n >= 10);
    const steps = sizes.slice(1).map((n, i) => {
        const from = sizes[i];
        const perNs = (ns(n).wallMs - ns(from).wallMs) / (n - from);
        return `${from}->${n}: ${perNs.toFixed(1)} ms`;
    });
    console.log(`wall per added namespace: ${steps.join(", ")} (linear growth: about equal)`);
}

if (require.main === module) {
    main();
}
