// A fixture suite for suite-process.test.ts: its process dies before it can send results.
export async function run(): Promise<never> {
  process.exit(3);
}
