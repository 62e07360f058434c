/**
 * What every kind of run spec shares (a classifier's run, a detector's): the list of its fields, a
 * function completing and validating it, and on top of those the rules that do not depend on the
 * kind: unknown fields are refused, fields are stored in one order, the hash of the complete spec is
 * the run's id, and the one resume rule (a resumed run keeps its complete spec; only `epochs` may
 * change).
 */
import { createHash } from 'node:crypto';
import { OptionError, Validator } from '../core/validate.js';

/** The fields every spec has. */
export interface EpochsField {
  epochs?: number;
}

/** A kind of spec: `S` as the caller gives it, `C` complete. */
export interface SpecSchema<S extends EpochsField, C extends S> {
  /** What its fields are called in errors, e.g. `run option`. */
  readonly scope: string;
  /** Every field, in the order config files and hashes list them. */
  readonly fields: readonly (keyof S & string)[];
  /** Every value explicit and valid; throws an {@link OptionError} naming the first invalid field. Idempotent. */
  readonly complete: (spec: S) => C;
  /** A given value in the form the complete spec stores it (default: as given). */
  readonly normalise?: (field: keyof S & string, value: unknown) => unknown;
}

/** Stable JSON: object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** Reject fields a spec does not have (a typo in an API call or a job would otherwise be ignored). */
export function rejectUnknownFields<S extends EpochsField, C extends S>(schema: SpecSchema<S, C>, spec: object): void {
  const unknown = Object.keys(spec).find((key) => !(schema.fields as readonly string[]).includes(key));
  if (unknown) new Validator(schema.scope).reject(unknown, `is not a ${schema.scope} (known: ${schema.fields.join(', ')})`);
}

/** The set fields of `spec` in the schema's order (stable config files and hashes). */
export function orderedFields<S extends EpochsField, C extends S, T extends S>(schema: SpecSchema<S, C>, spec: T): T {
  return Object.fromEntries(schema.fields.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]])) as unknown as T;
}

/** The run's id: 16 hex digits of the SHA-256 of its complete spec. */
export function hashOfSpec<S extends EpochsField, C extends S>(schema: SpecSchema<S, C>, spec: C): string {
  return createHash('sha256').update(canonicalJson(schema.complete(spec))).digest('hex').slice(0, 16);
}

/** Fields in which two complete specs differ. */
export function differingFields<S extends EpochsField, C extends S>(schema: SpecSchema<S, C>, a: C, b: C): (keyof S & string)[] {
  return schema.fields.filter((f) => canonicalJson(a[f]) !== canonicalJson(b[f]));
}

/**
 * The one resume rule: a resumed run keeps the complete spec it started with. The caller may repeat
 * any of its values; `epochs` alone may change (to continue training further, or stop earlier, but
 * not before `completedEpochs`). Any other given value that differs is an error naming the field.
 */
export function resumeSpec<S extends EpochsField, C extends S>(schema: SpecSchema<S, C>, saved: C, given: S, completedEpochs: number): C {
  rejectUnknownFields(schema, given);
  for (const field of schema.fields) {
    const value = given[field];
    if (value === undefined || field === 'epochs') continue;
    const stored = schema.normalise ? schema.normalise(field, value) : value;
    if (canonicalJson(stored) !== canonicalJson(saved[field])) {
      throw new OptionError(
        schema.scope,
        field,
        `the checkpoint's run has ${JSON.stringify(saved[field]) ?? 'none'}, given ${JSON.stringify(value)}; a resumed run keeps the settings it started with ` +
          '(only epochs can change): start a new run in another folder to change it',
      );
    }
  }
  const epochs = given.epochs ?? saved.epochs;
  new Validator(schema.scope).integer(epochs, 'epochs', { min: Math.max(completedEpochs, 1) });
  return schema.complete({ ...saved, epochs });
}

/** The PyTorch SGD fields both kinds of run have. */
export interface SgdFields {
  lr?: number;
  momentum?: number;
  /** On every parameter, BatchNorm's included, as PyTorch's SGD (default 5e-4 for a classifier run, 1e-4 for a detector). */
  weightDecay?: number;
  nesterov?: boolean;
}

/** The SGD fields of `spec` validated with `v`, `defaults` for those unset. */
export function completeSgd(v: Validator, spec: SgdFields, defaults: Required<SgdFields>): Required<SgdFields> {
  const momentum = v.number(spec.momentum ?? defaults.momentum, 'momentum', { min: 0, max: 1, maxExclusive: true });
  const nesterov = v.boolean(spec.nesterov ?? defaults.nesterov, 'nesterov');
  if (nesterov && momentum === 0) v.reject('nesterov', 'requires momentum > 0');
  return {
    lr: v.number(spec.lr ?? defaults.lr, 'lr', { min: 0, minExclusive: true }),
    momentum,
    weightDecay: v.number(spec.weightDecay ?? defaults.weightDecay, 'weightDecay', { min: 0, max: 1 }),
    nesterov,
  };
}

/** A step schedule: 0-based epochs at which the LR drops, each an integer >= 0. */
export function completeScheduleList(v: Validator, schedule: unknown): number[] {
  if (!Array.isArray(schedule)) v.fail('schedule', 'a list of epochs', schedule);
  (schedule as unknown[]).forEach((e, i) => v.integer(e, `schedule[${i}]`, { min: 0 }));
  return [...(schedule as number[])];
}

/**
 * The erased-region geometry of a spec: its sl, sh (and r1) or the preset's. A preset that draws each
 * side on its own (keras: `sizeSampling: 'per-side'`) has no aspect ratio, so giving r1 is refused.
 */
export function completeEraserGeometry(
  v: Validator,
  spec: { sl?: number; sh?: number; r1?: number },
  base: { sl: number; sh: number; r1: number; sizeSampling?: string },
  preset = 'the preset',
): { sl: number; sh: number; r1?: number } {
  const perSide = base.sizeSampling === 'per-side';
  const sh = v.number(spec.sh ?? base.sh, 'sh', { min: 0, max: 1, minExclusive: true });
  const sl = v.number(spec.sl ?? base.sl, 'sl', { min: 0, minExclusive: !perSide });
  v.check(sl <= sh, 'sl', `a number <= sh (${sh})`, sl);
  if (!perSide) return { sl, sh, r1: v.number(spec.r1 ?? base.r1, 'r1', { min: 0, minExclusive: true }) };
  if (spec.r1 !== undefined) v.reject('r1', `has no effect with preset ${preset} (it draws height and width independently)`);
  return { sl, sh };
}
