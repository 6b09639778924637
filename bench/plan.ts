// `npm run bench:plan`: wall time and peak memory of the offline plan for the dev stack and for
// generated stacks of 10, 100 and 500 namespaces (each with a group's access, a Role binding and a
// workload identity with an Azure grant), against the time to load the SDKs alone.
//
// Every case runs in a fresh child process (`node --require tsx/cjs plan/cli.ts ...`, the same code
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
    const cases: Case[] = [{ name: "load SDKs only", args: ["bench/sdk-load.ts"] }];
    cases.push({
        name: "plan dev stack",
        args: ["plan/cli.ts", "--stack", "dev", "--json", path.join(tmp, "dev.json")],
    });
    for (const n of [10, 100, 500]) {
        const file = path.join(tmp, `ns-${n}.yaml`);
        writeFileSync(file, stringify(generatedConfig(n)));
        cases.push({
            name: `plan ${n} namespaces`,
            args: [
                "plan/cli.ts",
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
    try {
        for (const c of cases) {
            const samples: Sample[] = [];
            for (let i = 0; i < runs; i++) {
                samples.push(runOnce(c, tmp));
                console.error(
                    `  ${c.name}: run ${i + 1}/${runs} ${(samples[i].wallMs / 1000).toFixed(2)} s`,
                );
            }
            const m = (f: (s: Sample) => number | undefined) => {
                const v = samples.map(f).filter((x): x is number => x !== undefined);
                return v.length ? median(v) : undefined;
            };
            const sec = (v: number | undefined) => (v === undefined ? "-" : (v / 1000).toFixed(2));
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
        `median of ${runs} runs, each in a fresh process; wall includes Node start-up and tsx compilation`,
    );
}

if (require.main === module) {
    main();
}
