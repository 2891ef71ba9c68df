import type { StatsD } from 'hot-shots';

/** Sends one value with hot-shots; `tags` is undefined for the standard formatter. */
export type Send = (client: StatsD, name: string, value: number, rate: number, tags: string[] | undefined) => void;
