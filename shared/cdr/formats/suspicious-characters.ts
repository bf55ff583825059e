/**
 * The characters no CDR field may hold: control characters, quotes, backslashes, backticks,
 * statement separators and comment openers (`--`, `/*`). Numeric and identifier fields never
 * contain them, so their presence means a broken feed or an injection attempt (`'; DROP TABLE …`).
 */

/**
 * Index of the first suspicious character of `text`, or -1. `separator` (the feed's own column
 * separator, e.g. `;`) is allowed.
 * @example suspiciousCharacterAt("1'; DROP TABLE cdr; --") // 1
 */
export function suspiciousCharacterAt(text: string, separator = ''): number {
  const allowed = separator === '' ? -1 : separator.charCodeAt(0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c >= 0x20 &&
      c !== 0x7f &&
      c !== 39 &&
      c !== 34 &&
      c !== 92 &&
      c !== 96 &&
      c !== 59 &&
      c !== 45 &&
      c !== 47
    ) {
      continue;
    }
    if (c === allowed) continue;
    if (c === 45 /* - */) {
      if (text.charCodeAt(i + 1) === 45) return i;
      continue;
    }
    if (c === 47 /* / */) {
      if (text.charCodeAt(i + 1) === 42) return i;
      continue;
    }
    return i;
  }
  return -1;
}
