// "Did you mean ...?" for names typed by hand: config keys, policy rules and their options.
// Pure module.

/** The one known name within two edits of `name` (case ignored), if exactly one is. */
export function closest(name: string, known: readonly string[]): string | undefined {
    const near = known.filter((k) => editDistance(name.toLowerCase(), k.toLowerCase()) <= 2);
    return near.length === 1 ? near[0] : undefined;
}

/** Levenshtein distance (short strings: names). */
export function editDistance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) {
            next[j] = Math.min(
                row[j] + 1,
                next[j - 1] + 1,
                row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        row = next;
    }
    return row[b.length];
}
