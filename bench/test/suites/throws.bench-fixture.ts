// A fixture suite for suite-process.test.ts: fails the way a broken suite does.
export async function run(): Promise<never> {
  throw new Error('fixture suite broke');
}
