// Characters nobody sees: control and format characters (zero-width spaces and joiners, bidi
// controls, the byte-order mark), line and paragraph separators, lone surrogates, private use,
// spaces other than U+0020, and the fillers and selectors that render as nothing. In an id, a
// name or a subject they make a value that looks right and is not; messages show them escaped.
// Pure module.

const CLASS =
    "\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Co}\\u00A0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000" +
    "\\u034F\\u115F\\u1160\\u3164\\uFFA0\\u2800\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}";
/** One invisible character (test with it; it keeps no state). */
export const INVISIBLE = new RegExp(`[${CLASS}]`, "u");
const ALL_INVISIBLE = new RegExp(`[${CLASS}]`, "gu");

const NAMES: Readonly<Record<number, string>> = {
    0x09: "tab",
    0x0a: "line feed",
    0x0d: "carriage return",
    0xa0: "no-break space",
    0xad: "soft hyphen",
    0x200b: "zero width space",
    0x200c: "zero width non-joiner",
    0x200d: "zero width joiner",
    0x200e: "left-to-right mark",
    0x200f: "right-to-left mark",
    0x202a: "left-to-right embedding",
    0x202b: "right-to-left embedding",
    0x202c: "pop directional formatting",
    0x202d: "left-to-right override",
    0x202e: "right-to-left override",
    0x2060: "word joiner",
    0x2066: "left-to-right isolate",
    0x2067: "right-to-left isolate",
    0x2068: "first strong isolate",
    0x2069: "pop directional isolate",
    0xfeff: "zero width no-break space (byte-order mark)",
};

const codePoint = (c: string) => c.codePointAt(0) ?? 0;
const hex = (c: string) => `U+${codePoint(c).toString(16).toUpperCase().padStart(4, "0")}`;

/** `text` with every invisible character written as \uXXXX (\u{XXXXX} above the BMP). */
export function escapeInvisible(text: string): string {
    return text.replace(ALL_INVISIBLE, (c) => {
        const cp = codePoint(c);
        return cp > 0xffff
            ? `\\u{${cp.toString(16).toUpperCase()}}`
            : `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
    });
}

/** What a message says of a text with invisible characters: which, and where (1-based). */
export function describeInvisible(text: string): string {
    const found = [...text.matchAll(ALL_INVISIBLE)].map((m) => {
        const name = NAMES[codePoint(m[0])];
        const at = [...text.slice(0, m.index)].length + 1;
        return `${hex(m[0])}${name ? ` (${name})` : ""} at character ${at}`;
    });
    const shown = found.length > 3 ? [...found.slice(0, 3), `${found.length - 3} more`] : found;
    return `contains ${found.length === 1 ? "an invisible character" : `${found.length} invisible characters`}: ${shown.join(", ")}; retype it without ${found.length === 1 ? "it" : "them"} (it looks right and is not the same text)`;
}
