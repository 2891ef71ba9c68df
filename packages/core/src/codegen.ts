let allowed: boolean | undefined;

/**
 * False where code generation from strings is disallowed (a CSP,
 * `--disallow-code-generation-from-strings`): asked once per process. Core's hot paths that are
 * written with `new Function` (a handle's dispatch code, a metric reader's specialised functions)
 * fall back to shared code then.
 */
export function codeGeneration(): boolean {
  if (allowed === undefined) {
    try {
      allowed = (new Function('return true') as () => boolean)();
    } catch {
      allowed = false;
    }
  }
  return allowed;
}
