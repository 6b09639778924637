// Kubernetes versions: the dated AKS release calendar table (components/aksVersions.ts), what it
// says about a version on fixed days, and the plan's kubernetes-version finding
// (plan/findingsConfig.ts). Facts: docs/azure-facts.md, "AKS Kubernetes versions". The pure parts
// run at fixed dates; the plan runs as a user runs it (test/planRun.ts), on the real date.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
    AKS_MINORS,
    ENDING_SOON_DAYS,
    LAST_UPDATED,
    SOURCE,
    supportedMinors,
    versionInstead,
    versionRefusal,
    versionSupport,
} from "../components/aksVersions";
import {
    ConfigError,
    configFromPulumi,
    kubernetesVersionProblem,
    pulumiConfigMap,
} from "../components/config";
import { kubernetesVersionFinding } from "../plan/findingsConfig";
import { DEV_FILE, plan, readConfig, readPlan, type Run, variant } from "./planRun";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (s: string) =>
    ISO_DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const monthEnd = (s: string) => {
    const d = new Date(`${s}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.getUTCDate() === 1;
};
const minorNumber = (m: string) => Number(m.split(".")[1]);
/** Noon UTC of a day: the tests do not depend on the machine's time zone. */
const on = (day: string) => new Date(`${day}T12:00:00Z`);

/** The day the table was checked; its facts are pinned at this date. */
const TODAY = on(LAST_UPDATED);

describe("AKS Kubernetes versions: the release calendar table", () => {
    it("names its source, the page's date and the day it was last checked", () => {
        assert.equal(SOURCE.title, "AKS Kubernetes release calendar");
        assert.match(
            SOURCE.url,
            /^https:\/\/learn\.microsoft\.com\/azure\/aks\/supported-kubernetes-versions/,
        );
        assert.ok(validDay(SOURCE.pageDate), SOURCE.pageDate);
        assert.ok(validDay(LAST_UPDATED), LAST_UPDATED);
        assert.ok(SOURCE.pageDate <= LAST_UPDATED);
    });

    it("has one row per minor, oldest first, each a version the config can parse", () => {
        AKS_MINORS.forEach((r, i) => {
            assert.match(r.minor, /^1\.\d+$/);
            assert.equal(kubernetesVersionProblem(r.minor), undefined, r.minor);
            if (i > 0) assert.equal(minorNumber(r.minor), minorNumber(AKS_MINORS[i - 1].minor) + 1);
        });
    });

    it("has valid dates in order: GA, then AKS end of life, then LTS end of life", () => {
        AKS_MINORS.forEach((r, i) => {
            assert.match(r.ga, /^\d{4}-(0[1-9]|1[0-2])$/, r.minor);
            assert.ok(validDay(r.endOfLife), `${r.minor} ${r.endOfLife}`);
            assert.ok(validDay(r.ltsEndOfLife), `${r.minor} ${r.ltsEndOfLife}`);
            assert.ok(`${r.ga}-01` < r.endOfLife && r.endOfLife < r.ltsEndOfLife, r.minor);
            // An LTS end of life is always given as a month: its last day.
            assert.ok(monthEnd(r.ltsEndOfLife), `${r.minor} ${r.ltsEndOfLife}`);
            const prev = AKS_MINORS[i - 1];
            if (prev) {
                assert.ok(prev.ga < r.ga, r.minor);
                assert.ok(prev.endOfLife < r.endOfLife, r.minor);
                assert.ok(prev.ltsEndOfLife < r.ltsEndOfLife, r.minor);
            }
        });
    });

    it("reads an end-of-life month as its last day, except the exact days of 1.30 and 1.31", () => {
        // "'Mar 2026' indicates March 31, 2026" (docs/azure-facts.md, AKS Kubernetes versions).
        const exact = AKS_MINORS.filter((r) => !monthEnd(r.endOfLife)).map((r) => [
            r.minor,
            r.endOfLife,
        ]);
        assert.deepEqual(exact, [
            ["1.30", "2025-08-22"],
            ["1.31", "2025-11-01"],
        ]);
        const row = (m: string) => AKS_MINORS.find((r) => r.minor === m);
        assert.equal(row("1.28")?.ltsEndOfLife, "2026-02-28");
        assert.equal(row("1.33")?.endOfLife, "2026-07-31");
        assert.equal(row("1.35")?.endOfLife, "2027-03-31");
    });

    it("marks only the newest minor's GA as planned (the page's date is before it)", () => {
        assert.deepEqual(
            AKS_MINORS.filter((r) => r.gaPlanned).map((r) => r.minor),
            ["1.37"],
        );
    });
});

describe("AKS Kubernetes versions: versionSupport on fixed days", () => {
    const cases: [string | undefined, string, string, Record<string, unknown>][] = [
        [undefined, LAST_UPDATED, "default", {}],
        [
            "1.35",
            LAST_UPDATED,
            "supported",
            { minor: "1.35", endOfLife: "2027-03-31", daysLeft: 128 },
        ],
        ["1.36", LAST_UPDATED, "supported", { minor: "1.36", endOfLife: "2027-06-30" }],
        [
            "1.34",
            LAST_UPDATED,
            "ending-soon",
            { minor: "1.34", endOfLife: "2026-11-30", daysLeft: 7 },
        ],
        ["1.33", LAST_UPDATED, "ended", { minor: "1.33", endOfLife: "2026-07-31", daysLeft: -115 }],
        // A patch is judged by its minor.
        ["1.33.2", LAST_UPDATED, "ended", { version: "1.33.2", minor: "1.33" }],
        ["1.27", LAST_UPDATED, "ended", { endOfLife: "2024-07-31" }],
        ["1.26", LAST_UPDATED, "ended", { minor: "1.26", endOfLife: undefined }],
        // Newer than the table, or GA only planned: the table may be stale.
        ["1.38", LAST_UPDATED, "unknown-newer", { minor: "1.38", endOfLife: undefined }],
        ["1.37", LAST_UPDATED, "unknown-newer", { minor: "1.37", endOfLife: "2027-10-31" }],
        // Before its GA month the table does not know it as generally available.
        ["1.36", "2026-05-31", "unknown-newer", { minor: "1.36" }],
        ["1.36", "2026-06-01", "supported", { minor: "1.36" }],
        // The 60-day window, both ends; the last day of support is still "ending-soon".
        ["1.33", "2026-05-31", "supported", { daysLeft: 61 }],
        ["1.33", "2026-06-01", "ending-soon", { daysLeft: ENDING_SOON_DAYS }],
        ["1.33", "2026-07-31", "ending-soon", { daysLeft: 0 }],
        ["1.33", "2026-08-01", "ended", { daysLeft: -1 }],
        // An exact-day end of life.
        ["1.30", "2025-08-22", "ending-soon", { endOfLife: "2025-08-22", daysLeft: 0 }],
        ["1.30", "2025-08-23", "ended", {}],
    ];
    for (const [version, day, status, fields] of cases) {
        it(`${version ?? "unset"} on ${day}: ${status}`, () => {
            const s = versionSupport(version, on(day));
            assert.equal(s.status, status);
            for (const [k, v] of Object.entries(fields)) {
                assert.deepEqual(s[k as keyof typeof s], v, k);
            }
        });
    }

    it("judges the UTC day, whatever the hour", () => {
        assert.equal(
            versionSupport("1.33", new Date("2026-07-31T23:59:59Z")).status,
            "ending-soon",
        );
        assert.equal(versionSupport("1.33", new Date("2026-08-01T00:00:00Z")).status, "ended");
    });

    it("refuses what is not a version (config validation refuses it first)", () => {
        assert.throws(() => versionSupport("latest", TODAY), {
            message: '"latest" is not a Kubernetes version (e.g. "1.33" or "1.33.2")',
        });
    });

    it("recommends the minors generally available and not ending within 60 days", () => {
        assert.deepEqual(supportedMinors(TODAY), ["1.35", "1.36"]);
        assert.deepEqual(supportedMinors(on("2026-07-31")), ["1.34", "1.35", "1.36"]);
        assert.deepEqual(supportedMinors(on("2031-01-01")), []);
    });
});

describe("AKS Kubernetes versions: one rule refuses what AKS no longer creates", () => {
    const table = `the AKS release calendar, table of ${LAST_UPDATED}`;
    const refusal = (version: string, day: string) =>
        versionRefusal(version, on(day), "westeurope");
    /** The problems config validation lists for `kubernetesVersion` on `day`. */
    const problems = (kubernetesVersion: string, day: string) => {
        try {
            configFromPulumi(
                pulumiConfigMap({
                    "aks-entra:location": "westeurope",
                    "aks-entra:kubernetesVersion": kubernetesVersion,
                    "aks-entra:cluster": { autoUpgradeChannel: "none" },
                }),
                on(day),
            );
            return [];
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems;
        }
    };

    it("refuses last year's minor and one older than the table with the same rule and wording", () => {
        assert.deepEqual(problems("1.33", LAST_UPDATED), [
            `aks-entra:kubernetesVersion "1.33" is a version AKS no longer creates clusters at (end of support 2026-07-31 per ${table}); use a supported minor (1.35, 1.36) or remove the key for AKS's default; AKS Long-Term Support covers 1.33 to 2027-07-31 but needs the Premium tier and supportPlan AKSLongTermSupport, which this stack does not set`,
        ]);
        assert.deepEqual(problems("1.24.0", LAST_UPDATED), [
            `aks-entra:kubernetesVersion "1.24.0" is a version AKS no longer creates clusters at (older than every minor in ${table}); use a supported minor (1.35, 1.36) or remove the key for AKS's default`,
        ]);
        // Past LTS too: no LTS note.
        assert.equal(
            refusal("1.29", LAST_UPDATED),
            `is a version AKS no longer creates clusters at (end of support 2025-03-31 per ${table}); use a supported minor (1.35, 1.36) or remove the key for AKS's default`,
        );
        // A table so old that nothing in it is supported points at the live list.
        assert.equal(
            refusal("1.33", "2031-01-01"),
            `is a version AKS no longer creates clusters at (end of support 2026-07-31 per ${table}); use a minor that az aks get-versions --location westeurope lists or remove the key for AKS's default`,
        );
    });

    it("refuses from the day after the end of support, not before", () => {
        assert.deepEqual(problems("1.33", "2026-07-31"), []);
        assert.equal(problems("1.33", "2026-08-01").length, 1);
        assert.equal(refusal("1.35", LAST_UPDATED), undefined);
        assert.equal(refusal("1.38", LAST_UPDATED), undefined);
    });
});

describe("AKS Kubernetes versions: the plan's kubernetes-version finding", function () {
    this.timeout(300_000);
    const finding = (kubernetesVersion: string | undefined, day: string) =>
        kubernetesVersionFinding({ kubernetesVersion, location: "westeurope" }, on(day));
    const table = `the AKS release calendar, table of ${LAST_UPDATED}`;

    it("no finding past AKS end of support: config validation refuses such a version", () => {
        assert.equal(finding("1.33", LAST_UPDATED), undefined);
        assert.equal(finding("1.24.0", LAST_UPDATED), undefined);
    });

    it("MEDIUM within 60 days of the end", () => {
        assert.deepEqual(finding("1.34", LAST_UPDATED), {
            code: "kubernetes-version",
            severity: "medium",
            subject: "aks-entra:kubernetesVersion",
            message: `AKS support for 1.34 ends 2026-11-30 (in 7 days, per ${table}); after that AKS refuses to create a cluster at 1.34: move aks-entra:kubernetesVersion to a supported minor (1.35, 1.36) or leave it unset for AKS's default`,
        });
        assert.match(finding("1.33", "2026-07-31")?.message ?? "", /ends 2026-07-31 \(today, /);
        assert.match(finding("1.33", "2026-07-30")?.message ?? "", /\(in 1 day, /);
    });

    it("LOW when the table does not know the minor as generally available", () => {
        assert.deepEqual(finding("1.38", LAST_UPDATED), {
            code: "kubernetes-version",
            severity: "low",
            subject: "aks-entra:kubernetesVersion",
            message: `aks-entra:kubernetesVersion 1.38 is not in ${table} (newest 1.37): the table may be stale; check az aks get-versions --location westeurope`,
        });
        assert.equal(
            finding("1.37", LAST_UPDATED)?.message,
            `aks-entra:kubernetesVersion 1.37 has only a planned GA (Oct 2026) in ${table}: the table may be stale; check az aks get-versions --location westeurope`,
        );
        assert.equal(
            finding("1.36", "2026-05-15")?.message,
            `aks-entra:kubernetesVersion 1.36 is not generally available until Jun 2026 per ${table}; check az aks get-versions --location westeurope`,
        );
    });

    it("nothing for a supported minor or an unset version (AKS's default)", () => {
        assert.equal(finding("1.35", LAST_UPDATED), undefined);
        assert.equal(finding("1.36.1", LAST_UPDATED), undefined);
        assert.equal(finding(undefined, LAST_UPDATED), undefined);
    });

    describe("in the plan (the CLI, on the real date)", () => {
        const tmp = mkdtempSync(path.join(tmpdir(), "aks-entra-versions-"));
        const runs: Record<string, Run> = {};
        const json = (name: string) => path.join(tmp, `${name}.json`);

        before(async () => {
            const stale = variant(DEV_FILE, path.join(tmp, "stale.yaml"), (c) => {
                c["aks-entra:kubernetesVersion"] = "1.33";
            });
            const ancient = variant(DEV_FILE, path.join(tmp, "ancient.yaml"), (c) => {
                c["aks-entra:kubernetesVersion"] = "1.24";
            });
            [runs.dev, runs.stale, runs.ancient] = await Promise.all([
                plan("--json", json("dev")),
                plan("--config", stale, "--stack", "dev"),
                plan("--config", ancient, "--stack", "dev"),
            ]);
            assert.equal(runs.dev.code, 0, runs.dev.stderr);
        });

        after(() => rmSync(tmp, { recursive: true, force: true }));

        it("refuses 1.33 and 1.24 alike, exit 1, before evaluating anything", () => {
            // The minors named depend on the day the plan runs; the rest does not.
            const instead = versionInstead(new Date(), "westeurope");
            const rule = (v: string, until: string) =>
                `  - aks-entra:kubernetesVersion "${v}" is a version AKS no longer creates clusters at (${until}); use ${instead} or remove the key for AKS's default`;
            for (const [r, line] of [
                [runs.stale, rule("1.33", `end of support 2026-07-31 per ${table}`)],
                [runs.ancient, rule("1.24", `older than every minor in ${table}`)],
            ] as const) {
                assert.equal(r.code, 1, r.stderr);
                assert.equal(r.stdout, "");
                assert.ok(
                    r.stderr.split("\n").some((l) => l.startsWith(line)),
                    `${line}\n${r.stderr}`,
                );
                assert.doesNotMatch(r.stderr, /evaluating index\.ts/);
            }
        });

        it("has no kubernetes-version finding for the dev stack", () => {
            const pinned = readConfig(DEV_FILE)["aks-entra:kubernetesVersion"] as string;
            // When this fails, the shipped pin is ending or ended: move Pulumi.dev.yaml to a newer
            // minor and refresh the table (docs/azure-facts.md, AKS Kubernetes versions).
            assert.equal(versionSupport(pinned, new Date()).status, "supported", pinned);
            assert.deepEqual(
                readPlan(json("dev")).findings.filter((f) => f.code === "kubernetes-version"),
                [],
            );
        });
    });
});
