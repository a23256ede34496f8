/** Stable error codes carried by every error liteinfer throws. */
export type ErrorCode =
  | 'INVALID_MODEL'
  | 'UNSUPPORTED_OP'
  | 'INVALID_ARGUMENT'
  | 'INVALID_INPUT'
  | 'OUT_OF_MEMORY'
  | 'DISPOSED'
  | 'ABORTED'
  | 'INTERNAL';

/** The Error subclass liteinfer throws; `code` is stable, `message` names the problem. */
export class LiteinferError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LiteinferError';
    this.code = code;
  }
}

/** Throws INVALID_ARGUMENT naming the parameter, what was expected and what arrived. */
export function invalidArgument(param: string, expected: string, actual: unknown): never {
  throw new LiteinferError('INVALID_ARGUMENT', `Expected ${expected} for ${param} but received ${describe(actual)}`);
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} of length ${(x as unknown as ArrayLike<unknown>).length ?? x.byteLength}`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`;
  if (typeof x === 'object') return `an object (${x.constructor?.name ?? 'Object'})`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Turns an error from the native addon into a LiteinferError whose stack is the caller's
 * (`holder` is created before the async call, so the stack shows the user's own code).
 */
export function fromNative(err: unknown, holder?: Error): LiteinferError {
  if (err instanceof LiteinferError) return err;
  const e = err as { code?: string; message?: string };
  const code = (typeof e?.code === 'string' ? e.code : 'INTERNAL') as ErrorCode;
  const out = new LiteinferError(code, e?.message ?? String(err));
  if (holder?.stack) out.stack = `${out.name}: ${out.message}\n${holder.stack.split('\n').slice(1).join('\n')}`;
  return out;
}
