// The AKS Kubernetes release calendar as a dated table, and what it says about a configured
// version on a given day (docs/azure-facts.md, "AKS Kubernetes versions"). Config validation refuses
// a version past AKS end of support from it (versionRefusal), the offline plan warns of one near it
// (plan/findingsConfig.ts, code kubernetes-version). Pure module: no Pulumi resources, no
// clock; the caller passes today.

/** Where the table comes from: the calendar section of Microsoft's page, at its ms.date. */
export const SOURCE = {
    title: "AKS Kubernetes release calendar",
    url: "https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#aks-kubernetes-release-calendar",
    pageDate: "2026-08-05",
} as const;

/** The day the table below was last checked against SOURCE. */
export const LAST_UPDATED = "2026-11-23";

/** A minor whose AKS support ends within this many days is "ending-soon". */
export const ENDING_SOON_DAYS = 60;

export interface AksMinor {
    /** "1.33". */
    readonly minor: string;
    /** Month of AKS general availability, "YYYY-MM". */
    readonly ga: string;
    /** The calendar gave the GA month as a plan, not a fact, at SOURCE.pageDate. */
    readonly gaPlanned?: true;
    /**
     * Last day of AKS support (community support, supportPlan KubernetesOfficial), ISO date. The
     * calendar gives most as a month, meaning its last day ("'Mar 2026' indicates March 31, 2026").
     */
    readonly endOfLife: string;
    /**
     * Last day of AKS Long-Term Support. LTS needs the Premium tier and supportPlan
     * AKSLongTermSupport; this stack sets KubernetesOfficial (components/cluster.ts), so the plan
     * judges by endOfLife and only mentions this date.
     */
    readonly ltsEndOfLife: string;
}

/** Oldest first. A month-precision end of life is that month's last day. */
export const AKS_MINORS: readonly AksMinor[] = [
    { minor: "1.27", ga: "2023-07", endOfLife: "2024-07-31", ltsEndOfLife: "2025-07-31" },
    { minor: "1.28", ga: "2023-11", endOfLife: "2025-01-31", ltsEndOfLife: "2026-02-28" },
    { minor: "1.29", ga: "2024-03", endOfLife: "2025-03-31", ltsEndOfLife: "2026-04-30" },
    // The calendar gives an exact day for 1.30 and 1.31.
    { minor: "1.30", ga: "2024-07", endOfLife: "2025-08-22", ltsEndOfLife: "2026-07-31" },
    { minor: "1.31", ga: "2024-11", endOfLife: "2025-11-01", ltsEndOfLife: "2026-11-30" },
    { minor: "1.32", ga: "2025-04", endOfLife: "2026-03-31", ltsEndOfLife: "2027-03-31" },
    { minor: "1.33", ga: "2025-06", endOfLife: "2026-07-31", ltsEndOfLife: "2027-07-31" },
    { minor: "1.34", ga: "2025-11", endOfLife: "2026-11-30", ltsEndOfLife: "2027-11-30" },
    { minor: "1.35", ga: "2026-03", endOfLife: "2027-03-31", ltsEndOfLife: "2028-03-31" },
    { minor: "1.36", ga: "2026-06", endOfLife: "2027-06-30", ltsEndOfLife: "2028-06-30" },
    {
        minor: "1.37",
        ga: "2026-10",
        gaPlanned: true,
        endOfLife: "2027-10-31",
        ltsEndOfLife: "2028-10-31",
    },
];

export type SupportStatus =
    /** In the table, generally available, support ends more than ENDING_SOON_DAYS from today. */
    | "supported"
    /** AKS support ends within ENDING_SOON_DAYS (today included). */
    | "ending-soon"
    /** Past AKS end of support: AKS refuses to create a cluster at it (K8sVersionNotSupported). */
    | "ended"
    /**
     * Newer than any minor the table shows as generally available today (absent from it, GA only
     * planned, or GA after today): the table may be stale.
     */
    | "unknown-newer"
    /** No version configured: AKS picks its default. */
    | "default";

export interface VersionSupport {
    status: SupportStatus;
    /** The configured version, as given ("1.33.2"). */
    version?: string;
    /** Its minor ("1.33"). */
    minor?: string;
    /** The table's row for the minor, when it has one. */
    row?: AksMinor;
    /** Last day of AKS support for the minor, when the table has it. */
    endOfLife?: string;
    /** Days from today to endOfLife (0 on the last day, negative once ended). */
    daysLeft?: number;
}

const DAY_MS = 86_400_000;

/** The UTC calendar day of `d`, "YYYY-MM-DD". */
export function isoDay(d: Date): string {
    return d.toISOString().slice(0, 10);
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/** [major, minor] of "1.33" or "1.33.2"; throws on anything else (config validation refuses it). */
function parseMinor(version: string): [number, number] {
    const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(version);
    if (!m) throw new Error(`"${version}" is not a Kubernetes version (e.g. "1.33" or "1.33.2")`);
    return [Number(m[1]), Number(m[2])];
}

function compareMinor(a: [number, number], b: [number, number]): number {
    return a[0] - b[0] || a[1] - b[1];
}

/** GA on or before `today` by the table, and not only planned. */
function generallyAvailable(row: AksMinor, today: Date): boolean {
    return row.gaPlanned !== true && `${row.ga}-01` <= isoDay(today);
}

/** What the table says about `version` on `today`. */
export function versionSupport(version: string | undefined, today: Date): VersionSupport {
    if (version === undefined) return { status: "default" };
    const parsed = parseMinor(version);
    const minor = `${parsed[0]}.${parsed[1]}`;
    const row = AKS_MINORS.find((r) => r.minor === minor);
    if (!row) {
        const oldest = parseMinor(AKS_MINORS[0].minor);
        // Older than the table: its oldest row is long past support, so this one is too.
        const status = compareMinor(parsed, oldest) < 0 ? "ended" : "unknown-newer";
        return { status, version, minor };
    }
    const daysLeft = dayNumber(row.endOfLife) - dayNumber(isoDay(today));
    const found = { version, minor, row, endOfLife: row.endOfLife, daysLeft };
    if (daysLeft < 0) return { status: "ended", ...found };
    if (!generallyAvailable(row, today)) return { status: "unknown-newer", ...found };
    if (daysLeft <= ENDING_SOON_DAYS) return { status: "ending-soon", ...found };
    return { status: "supported", ...found };
}

/** The minors to recommend on `today`: generally available and not ending within 60 days. */
export function supportedMinors(today: Date): string[] {
    return AKS_MINORS.filter((r) => versionSupport(r.minor, today).status === "supported").map(
        (r) => r.minor,
    );
}

/** How messages cite the table. */
export const TABLE_TEXT = `the AKS release calendar, table of ${LAST_UPDATED}`;

/** What to use instead of a version AKS no longer (or soon no longer) creates clusters at. */
export function versionInstead(today: Date, location: string | undefined): string {
    const minors = supportedMinors(today);
    return minors.length > 0
        ? `a supported minor (${minors.join(", ")})`
        : `a minor that az aks get-versions --location ${location ?? "<region>"} lists`;
}

/**
 * Why AKS refuses to create a cluster at `version` on `today`, by the table, or undefined when it
 * does not (supported, ending soon, newer than the table, or unset). The one rule for versions AKS
 * no longer offers: config validation refuses with it (components/config/rules/version.ts),
 * `pulumi up` and the plan alike. AKS answers such a create with K8sVersionNotSupported.
 */
export function versionRefusal(
    version: string | undefined,
    today: Date,
    location: string | undefined,
): string | undefined {
    const s = versionSupport(version, today);
    if (s.status !== "ended") return undefined;
    const until =
        s.endOfLife === undefined
            ? `older than every minor in ${TABLE_TEXT}`
            : `end of support ${s.endOfLife} per ${TABLE_TEXT}`;
    // A minor past AKS support may still be in LTS: AKS's K8sVersionNotSupported then says "only
    // available for Long-Term Support", which supportPlan KubernetesOfficial is not.
    const lts =
        s.row && s.row.ltsEndOfLife >= isoDay(today)
            ? `; AKS Long-Term Support covers ${s.minor} to ${s.row.ltsEndOfLife} but needs the Premium tier and supportPlan AKSLongTermSupport, which this stack does not set`
            : "";
    return `is a version AKS no longer creates clusters at (${until}); use ${versionInstead(today, location)} or remove the key for AKS's default${lts}`;
}
