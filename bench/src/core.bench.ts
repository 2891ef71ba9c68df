export async function run() { return { suite: 'core', cases: [], budgets: [] }; }
