/**
 * How tags reach the server: `standard` appends tag values to the name (`name.v1.v2`),
 * `datadog` sends `|#k:v`, `telegraf` puts `,k=v` after the name.
 */
export type Formatter = 'standard' | 'datadog' | 'telegraf';

export const FORMATTERS: readonly Formatter[] = Object.freeze(['standard', 'datadog', 'telegraf']);
