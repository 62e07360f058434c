/**
 * The validation helpers every layer uses: checks that name the option, say what was expected and
 * show the value. Errors carry the option's name (a field name, never a CLI flag), so the command line
 * can report them under its own flag names.
 */

/** An invalid option value; `option` is the field's name, `scope` what it is an option of. */
export class OptionError extends RangeError {
  constructor(
    readonly scope: string,
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${scope} ${option}: ${problem}`);
    this.name = 'OptionError';
  }
}

/** Bounds of a numeric check; exclusive bounds are written `(` / `)` in messages. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}

/** A value as messages show it. */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

function describeBounds(kind: string, { min, max, minExclusive, maxExclusive }: Bounds): string {
  if (min !== undefined && max !== undefined) return `${kind} in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  if (min !== undefined) return `${kind} ${minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${kind} ${maxExclusive ? '<' : '<='} ${max}`;
  return kind;
}

function within(value: number, { min, max, minExclusive, maxExclusive }: Bounds): boolean {
  if (min !== undefined && (minExclusive ? value <= min : value < min)) return false;
  return max === undefined || (maxExclusive ? value < max : value <= max);
}

/** Checks whose errors are {@link OptionError}s of one scope (e.g. `random erasing option`). */
export class Validator {
  constructor(readonly scope: string) {}

  /** Throw: `option` expected `expected`, got `value`. */
  fail(option: string, expected: string, value: unknown): never {
    throw new OptionError(this.scope, option, `expected ${expected}, got ${shown(value)}`);
  }

  /** Throw with a problem of its own wording. */
  reject(option: string, problem: string): never {
    throw new OptionError(this.scope, option, problem);
  }

  /** Fail unless `ok`. */
  check(ok: boolean, option: string, expected: string, value: unknown): void {
    if (!ok) this.fail(option, expected, value);
  }

  /** A finite number within `bounds`. */
  number(value: unknown, option: string, bounds: Bounds = {}): number {
    const ok = typeof value === 'number' && Number.isFinite(value) && within(value, bounds);
    if (!ok) this.fail(option, describeBounds('a number', bounds), value);
    return value as number;
  }

  /** An integer within `bounds`. */
  integer(value: unknown, option: string, bounds: Bounds = {}): number {
    const ok = typeof value === 'number' && Number.isInteger(value) && within(value, bounds);
    if (!ok) this.fail(option, describeBounds('an integer', bounds), value);
    return value as number;
  }

  /** A 32-bit unsigned seed. */
  seed(value: unknown, option = 'seed'): number {
    return this.integer(value, option, { min: 0, max: 0xffffffff });
  }

  /** One of `allowed`. */
  oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) this.fail(option, `one of ${allowed.join(', ')}`, value);
    return value as T;
  }

  /** A boolean. */
  boolean(value: unknown, option: string): boolean {
    if (typeof value !== 'boolean') this.fail(option, 'true or false', value);
    return value as boolean;
  }

  /** A non-empty string. */
  text(value: unknown, option: string, expected = 'a non-empty string'): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(option, expected, value);
    return value as string;
  }
}
