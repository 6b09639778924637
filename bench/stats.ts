// Preloaded into each benchmark child (`node --require tsx/cjs --require bench/stats.ts ...`):
// at exit, writes the process's peak RSS and CPU time to $BENCH_STATS as JSON.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_STATS;
if (file) {
    process.on("exit", (code) => {
        const u = process.resourceUsage();
        writeFileSync(
            file,
            JSON.stringify({
                code,
                maxRssKb: u.maxRSS,
                cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000),
                uptimeMs: Math.round(process.uptime() * 1000),
            }),
        );
    });
}
