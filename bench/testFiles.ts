// Preloaded into mocha by `npm run bench:test` (`--require`), in every process that runs test files
// (mocha's parallel workers included): appends each test file's time to $AKS_ENTRA_BENCH_FILES as a
// JSON line. A file's time is that of its top-level suites, hooks and tests, not of loading it.
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as MochaModule from "mocha";

const out = process.env.AKS_ENTRA_BENCH_FILES;
if (out) {
    // The mocha that runs the tests: the project's own, wherever this file is preloaded from.
    const mocha = createRequire(path.join(process.cwd(), "package.json"))(
        "mocha",
    ) as typeof MochaModule;
    const prototype = mocha.Runner.prototype;
    // Called below with the runner as `this`, as mocha calls it.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const run = prototype.run;
    prototype.run = function (this: MochaModule.Runner, ...args) {
        const started = new Map<MochaModule.Suite, number>();
        this.on("suite", (s) => {
            if (s.parent?.root) started.set(s, performance.now());
        });
        this.on("suite end", (s) => {
            const t = started.get(s);
            if (t === undefined) return;
            const ms = Math.round(performance.now() - t);
            appendFileSync(out, `${JSON.stringify({ file: s.file ?? s.title, ms })}\n`);
        });
        return run.apply(this, args);
    };
}
