// `npm run check`: the type-check and the lint of `npm test`, from one TypeScript program.
// `tsc --noEmit` and type-aware ESLint each build a program of the whole project, and its
// declarations (the providers', the Kubernetes client's) are most of the work: here the program is
// built once, its diagnostics printed as tsc prints them, and ESLint (eslint.config.mjs, unchanged)
// is handed the same program (typescript-eslint's parserOptions.programs). Then Prettier checks the
// formatting. Exit 1 when any of the three finds something; each part's time goes to stderr.
//
// `npm run typecheck` and `npm run lint` still run tsc and eslint themselves, for a quick loop on one
// part or an editor's view of either.
import * as path from "node:path";
import { ESLint } from "eslint";
import * as prettier from "prettier";
import { readFileSync } from "node:fs";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/** The project's program as `tsc --noEmit -p .` builds it. */
function projectProgram(): ts.Program {
    const host: ts.ParseConfigFileHost = {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
    };
    const parsed = ts.getParsedCommandLineOfConfigFile(
        path.join(ROOT, "tsconfig.json"),
        { noEmit: true },
        host,
    );
    if (!parsed) throw new Error("tsconfig.json could not be read");
    return ts.createProgram({
        rootNames: parsed.fileNames,
        options: parsed.options,
        projectReferences: parsed.projectReferences,
        configFileParsingDiagnostics: parsed.errors,
    });
}

/** tsc's check: returns the number of errors, printed as tsc prints them. */
function typeCheck(program: ts.Program): number {
    const diagnostics = ts.getPreEmitDiagnostics(program);
    if (diagnostics.length > 0) {
        const host: ts.FormatDiagnosticsHost = {
            getCanonicalFileName: (f) => f,
            getCurrentDirectory: () => ROOT,
            getNewLine: () => "\n",
        };
        const pretty = process.stdout.isTTY && !process.env.NO_COLOR;
        process.stdout.write(
            pretty
                ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host)
                : ts.formatDiagnostics(diagnostics, host),
        );
    }
    return diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
}

/** `eslint .` with the program above; returns the number of problems (errors and warnings). */
async function lint(program: ts.Program): Promise<number> {
    const eslint = new ESLint({
        cwd: ROOT,
        overrideConfig: {
            languageOptions: { parserOptions: { projectService: false, programs: [program] } },
        },
    });
    const results = await eslint.lintFiles(["."]);
    const formatter = await eslint.loadFormatter("stylish");
    const text = await formatter.format(results);
    if (text) process.stdout.write(`${text}\n`);
    return results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
}

/** `prettier --check` of every TypeScript file of the program that is the project's own. */
async function formatting(program: ts.Program): Promise<number> {
    const files = program
        .getRootFileNames()
        .filter((f) => !path.relative(ROOT, f).split(path.sep).includes("node_modules"));
    let unformatted = 0;
    for (const file of files) {
        const options = await prettier.resolveConfig(file);
        const source = readFileSync(file, "utf8");
        if (!(await prettier.check(source, { ...options, filepath: file }))) {
            process.stdout.write(`[warn] ${path.relative(ROOT, file)}\n`);
            unformatted++;
        }
    }
    if (unformatted > 0) {
        process.stdout.write(
            `[warn] Code style issues found in ${unformatted} file${unformatted === 1 ? "" : "s"}. Run npm run format to fix.\n`,
        );
    }
    return unformatted;
}

async function main(): Promise<number> {
    const t0 = performance.now();
    const program = projectProgram();
    const typeErrors = typeCheck(program);
    const t1 = performance.now();
    const lintProblems = await lint(program);
    const t2 = performance.now();
    const unformatted = await formatting(program);
    const t3 = performance.now();
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    process.stderr.write(
        `check: ${program.getRootFileNames().length} files; types ${s(t1 - t0)} (${typeErrors} errors), ` +
            `lint ${s(t2 - t1)} (${lintProblems} problems), format ${s(t3 - t2)} (${unformatted} files)\n`,
    );
    return typeErrors + lintProblems + unformatted > 0 ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        process.stderr.write(`check: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(2);
    },
);
