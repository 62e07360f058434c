/** Parsers for numeric command-line values; a bad value names its flag. */
import { InvalidArgumentError } from 'commander';

/** A finite number. */
export function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return n;
}

/** An integer (range checks happen in config validation, which names the flag). */
export function integer(value: string): number {
  const n = number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
  return n;
}

/** Variadic integers (`--schedule 150 225`): commander calls this once per value. */
export function integers(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), integer(value)];
}

/** Variadic numbers (`--levels 0 0.1 0.2`): commander calls this once per value. */
export function numbers(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), number(value)];
}
