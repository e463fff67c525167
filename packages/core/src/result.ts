// Errors as values: every network and worker boundary returns a Result instead of throwing across it.

export interface Failure {
  readonly code: string;
  readonly reason: string;
}

export type Result<T, E = Failure> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
