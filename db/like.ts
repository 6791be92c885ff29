/**
 * Patterns for `lower(x) LIKE lower(?) ESCAPE '\'`. PostgreSQL reads a backslash in a pattern as an escape
 * and SQLite does not; doubling the text's own backslashes under an explicit ESCAPE makes them literal on
 * both. `%` and `_` in the text stay wildcards, as they always were (callers drop them where they must not).
 */
const literalBackslashes = (text: string) => text.replaceAll('\\', '\\\\');

export const containing = (text: string): string => `%${literalBackslashes(text)}%`;

export const startingWith = (text: string): string => `${literalBackslashes(text)}%`;
