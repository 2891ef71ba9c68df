/** One message from `GPUShaderModule.getCompilationInfo()`, as carried in compile exception events. */
export interface CompilationMessage {
  readonly type: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly lineNum: number;
  readonly linePos: number;
}

/** The reason of a compile exception event when the WGSL itself did not compile. */
export class ShaderCompilationError extends Error {
  readonly code = 'ERR_WGSL_COMPILATION' as const;
  constructor(
    readonly kernel: string,
    readonly messages: readonly CompilationMessage[],
  ) {
    super(
      `kernel ${JSON.stringify(kernel)} failed to compile:\n` +
        messages.map((m) => `  ${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`).join('\n'),
    );
    this.name = 'ShaderCompilationError';
  }
}

/** The module's compilation messages; none when the module cannot report them. */
export async function compilationMessages(module: GPUShaderModule): Promise<CompilationMessage[]> {
  try {
    const info = await module.getCompilationInfo();
    return info.messages.map((m) => ({ type: m.type, message: m.message, lineNum: m.lineNum, linePos: m.linePos }));
  } catch {
    return [];
  }
}
