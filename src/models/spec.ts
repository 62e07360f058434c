/**
 * Model specification: what `buildModel` accepts, its defaults, and its validation. Pure TS, so the
 * CLI can validate a spec without loading TF.js.
 */
import { Validator } from '../core/validate.js';

/** Architectures of the paper's Table 1. */
export const ARCHITECTURES = ['resnet', 'preresnet18', 'wrn', 'resnext'] as const;
/** One of {@link ARCHITECTURES}. */
export type Arch = (typeof ARCHITECTURES)[number];
/** Residual block of `resnet`: `'auto'` is the reference code's choice (Bottleneck at depth >= 44). */
export type BlockKind = 'auto' | 'basic' | 'bottleneck';

/** What to build. Options that do not apply to `arch` must be left unset (or at their default). */
export interface ModelSpec {
  arch: Arch;
  /** resnet: 6n+2 (default 20); wrn: 6n+4 (default 28); resnext: 9n+2 (default 29); preresnet18: 18. */
  depth?: number;
  /** wrn widen factor k (default 10). */
  widenFactor?: number;
  /** resnext number of groups (default 8). */
  cardinality?: number;
  /** resnext width of one group in the first stage (default 64); doubles per stage. */
  baseWidth?: number;
  /** wrn dropout rate between the two convolutions of a block (default 0). */
  drop?: number;
  /** Dropout rate applied to the output of every convolution (paper Table 4), default 0. */
  convDropout?: number;
  /** resnet block type (default `'auto'`). */
  block?: BlockKind;
  /** Number of classes (>= 2). */
  numClasses: number;
  /** Input `[height, width, channels]`, e.g. `[32, 32, 3]` (CIFAR) or `[28, 28, 1]` (Fashion-MNIST). */
  inputShape: [number, number, number];
  /** Seed of the weight initialisation and of dropout masks (default 0). */
  seed?: number;
}

/** A validated spec with every default filled in. */
export interface ResolvedSpec {
  arch: Arch;
  depth: number;
  widenFactor: number;
  cardinality: number;
  baseWidth: number;
  drop: number;
  convDropout: number;
  /** For resnet, the concrete block ('auto' resolved); `'basic'` for the other architectures. */
  block: 'basic' | 'bottleneck';
  numClasses: number;
  inputShape: [number, number, number];
  seed: number;
}

const DEFAULT_DEPTH: Record<Arch, number> = { resnet: 20, preresnet18: 18, wrn: 28, resnext: 29 };

/** Options each architecture accepts besides the common ones, with their defaults. */
const ARCH_OPTIONS = {
  resnet: { block: 'auto' },
  preresnet18: {},
  wrn: { widenFactor: 10, drop: 0 },
  resnext: { cardinality: 8, baseWidth: 64 },
} as const;
const SPECIFIC_OPTIONS = ['widenFactor', 'cardinality', 'baseWidth', 'drop', 'block'] as const;
/** A dropout rate. */
const RATE = { min: 0, max: 1, maxExclusive: true } as const;

const v = new Validator('model option');

function checkDepth(arch: Arch, depth: number): void {
  v.integer(depth, 'depth', { min: 1 });
  const rule = { resnet: [6, 2], wrn: [6, 4], resnext: [9, 2], preresnet18: [0, 18] }[arch];
  const [step, offset] = rule;
  const ok = step === 0 ? depth === offset : depth > offset && (depth - offset) % step === 0;
  if (!ok) {
    const form = step === 0 ? `${offset}` : `${step}n+${offset} (e.g. ${step * 3 + offset})`;
    v.fail('depth', `${form} for ${arch}`, depth);
  }
}

function checkInputShape(shape: unknown): [number, number, number] {
  const ok = Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok) v.fail('inputShape', '[height, width, channels] of positive integers', shape);
  const dims = shape as [number, number, number];
  if (dims[0] < 8 || dims[1] < 8) v.fail('inputShape', 'height and width >= 8', shape);
  return [...dims];
}

/** The architectures that take `option`. */
function archsWith(option: (typeof SPECIFIC_OPTIONS)[number]): string {
  return ARCHITECTURES.filter((arch) => option in ARCH_OPTIONS[arch]).join(', ');
}

/** Reject options set for an architecture they do not apply to. */
function checkApplicable(spec: ModelSpec): void {
  const allowed: Record<string, unknown> = ARCH_OPTIONS[spec.arch];
  for (const option of SPECIFIC_OPTIONS) {
    const value = spec[option];
    if (value === undefined || option in allowed) continue;
    const neutral = option === 'drop' ? value === 0 : option === 'block' ? value === 'auto' : false;
    if (!neutral) v.reject(option, `does not apply to arch '${spec.arch}' (only to ${archsWith(option)})`);
  }
}

/** Validate `spec` and fill in defaults; throws a RangeError naming the offending option. */
export function resolveSpec(spec: ModelSpec): ResolvedSpec {
  v.oneOf(spec.arch, 'arch', ARCHITECTURES);
  checkApplicable(spec);
  const arch = spec.arch;
  const depth = spec.depth ?? DEFAULT_DEPTH[arch];
  checkDepth(arch, depth);
  const blockOption = spec.block ?? 'auto';
  v.oneOf(blockOption, 'block', ['auto', 'basic', 'bottleneck']);
  const bottleneck = blockOption === 'bottleneck' || (arch === 'resnet' && blockOption === 'auto' && depth >= 44);
  const resolved: ResolvedSpec = {
    arch,
    depth,
    widenFactor: v.integer(spec.widenFactor ?? 10, 'widenFactor', { min: 1 }),
    cardinality: v.integer(spec.cardinality ?? 8, 'cardinality', { min: 1 }),
    baseWidth: v.integer(spec.baseWidth ?? 64, 'baseWidth', { min: 1 }),
    drop: v.number(spec.drop ?? 0, 'drop', RATE),
    convDropout: v.number(spec.convDropout ?? 0, 'convDropout', RATE),
    block: bottleneck ? 'bottleneck' : 'basic',
    numClasses: v.integer(spec.numClasses, 'numClasses', { min: 2 }),
    inputShape: checkInputShape(spec.inputShape),
    seed: v.seed(spec.seed ?? 0),
  };
  return resolved;
}

/** Conventional short name, e.g. `resnet20`, `wrn-28-10`, `resnext29-8x64d`, `preresnet18`. */
export function modelName(spec: ResolvedSpec): string {
  switch (spec.arch) {
    case 'resnet':
      return `resnet${spec.depth}${spec.block !== (spec.depth >= 44 ? 'bottleneck' : 'basic') ? `-${spec.block}` : ''}`;
    case 'wrn':
      return `wrn-${spec.depth}-${spec.widenFactor}`;
    case 'resnext':
      return `resnext${spec.depth}-${spec.cardinality}x${spec.baseWidth}d`;
    case 'preresnet18':
      return 'preresnet18';
  }
}
