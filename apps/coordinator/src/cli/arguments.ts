// Flag value parsers for the `airlora` command line: each refuses a bad value with a sentence commander prints.
import { InvalidArgumentError } from "commander";

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("a port is an integer 0-65535");
  return n;
}

export function token(value: string): string {
  if (!/^[A-Za-z0-9._~-]{8,128}$/u.test(value)) {
    throw new InvalidArgumentError("a token is 8-128 URL-safe characters (letters, digits, . _ ~ -)");
  }
  return value;
}

export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`an integer in ${String(min)}..${String(max)}`);
    }
    return n;
  };
}

export function positive(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(n > 0 && n <= max)) throw new InvalidArgumentError(`a number above 0 and at most ${String(max)}`);
    return n;
  };
}

export function nonNegative(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(n >= 0 && n <= max)) throw new InvalidArgumentError(`a number from 0 to ${String(max)}`);
    return n;
  };
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const choice = choices.find((c) => c === value);
    if (choice === undefined) throw new InvalidArgumentError(`one of ${choices.join(", ")}`);
    return choice;
  };
}

export function listOf<T extends string>(choices: readonly T[]): (value: string) => T[] {
  const one = oneOf(choices);
  return (value) => value.split(",").map((part) => one(part.trim()));
}
