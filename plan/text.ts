// Small text helpers shared by the renderers: ANSI styles (only on a TTY) and aligned tables.
// Pure module.

export interface Style {
    bold: (s: string) => string;
    dim: (s: string) => string;
    red: (s: string) => string;
    yellow: (s: string) => string;
    green: (s: string) => string;
    cyan: (s: string) => string;
}

const wrap =
    (on: boolean, open: number, close: number) =>
    (s: string): string =>
        on && s.length > 0 ? `\x1b[${open}m${s}\x1b[${close}m` : s;

export function style(colour: boolean): Style {
    return {
        bold: wrap(colour, 1, 22),
        dim: wrap(colour, 2, 22),
        red: wrap(colour, 31, 39),
        yellow: wrap(colour, 33, 39),
        green: wrap(colour, 32, 39),
        cyan: wrap(colour, 36, 39),
    };
}

/** Colours when stdout is a terminal, unless NO_COLOR is set (https://no-color.org). */
export function wantColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
    return stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

/**
 * Left-aligned columns separated by two spaces. `paint` colours a cell after padding, so ANSI
 * codes never disturb the alignment.
 */
export function table(
    headers: string[],
    rows: string[][],
    st: Style,
    paint?: (row: number, col: number, cell: string) => string,
): string {
    const widths = headers.map((h, c) =>
        Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)),
    );
    const line = (cells: string[], row: number) =>
        cells
            .map((cell, c) => {
                const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c]);
                return paint && row >= 0 ? paint(row, c, padded) : padded;
            })
            .join("  ")
            .trimEnd();
    return [st.dim(line(headers, -1)), ...rows.map((r, i) => line(r, i))].join("\n");
}

/** Markdown table; cells escape `|` and line breaks. */
export function markdownTable(headers: string[], rows: string[][]): string {
    const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
    return [
        `| ${headers.map(cell).join(" | ")} |`,
        `|${headers.map(() => "---").join("|")}|`,
        ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    ].join("\n");
}

/** `x 3` suffix for counts above one. */
export function counted(name: string, n: number): string {
    return n > 1 ? `${name} x${n}` : name;
}
