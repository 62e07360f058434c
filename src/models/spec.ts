/**
 * Model specification: what `buildModel` accepts, its defaults, and its validation. Pure TS, so the
 * CLI can validate a spec without loading TF.js.
 */

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

function fail(message: string): never {
  throw new RangeError(`model spec: ${message}`);
}

function checkInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) fail(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

function checkRate(value: number, name: string): number {
  if (!(typeof value === 'number' && value >= 0 && value < 1)) fail(`${name} must be a number in [0, 1), got ${value}`);
  return value;
}

function checkDepth(arch: Arch, depth: number): void {
  checkInt(depth, 'depth', 1);
  const rule = { resnet: [6, 2], wrn: [6, 4], resnext: [9, 2], preresnet18: [0, 18] }[arch];
  const [step, offset] = rule;
  const ok = step === 0 ? depth === offset : depth > offset && (depth - offset) % step === 0;
  if (!ok) {
    const form = step === 0 ? `${offset}` : `${step}n+${offset} (e.g. ${step * 3 + offset})`;
    fail(`depth ${depth} is not valid for ${arch}: expected ${form}`);
  }
}

function checkInputShape(shape: unknown): [number, number, number] {
  const ok = Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok) fail(`inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`);
  const [h, w] = shape as number[];
  if (h < 8 || w < 8) fail(`inputShape ${JSON.stringify(shape)} is too small: height and width must be >= 8`);
  return [...shape] as [number, number, number];
}

/** Reject options set for an architecture they do not apply to. */
function checkApplicable(spec: ModelSpec): void {
  const allowed: Record<string, unknown> = ARCH_OPTIONS[spec.arch];
  for (const option of SPECIFIC_OPTIONS) {
    const value = spec[option];
    if (value === undefined || option in allowed) continue;
    const neutral = option === 'drop' ? value === 0 : option === 'block' ? value === 'auto' : false;
    if (!neutral) fail(`option ${option} does not apply to arch '${spec.arch}'`);
  }
}

/** Validate `spec` and fill in defaults; throws a RangeError naming the offending option. */
export function resolveSpec(spec: ModelSpec): ResolvedSpec {
  if (!(ARCHITECTURES as readonly string[]).includes(spec.arch)) {
    fail(`unknown arch '${String(spec.arch)}'; expected one of ${ARCHITECTURES.join(', ')}`);
  }
  checkApplicable(spec);
  const arch = spec.arch;
  const depth = spec.depth ?? DEFAULT_DEPTH[arch];
  checkDepth(arch, depth);
  const blockOption = spec.block ?? 'auto';
  if (!['auto', 'basic', 'bottleneck'].includes(blockOption)) {
    fail(`block must be 'auto', 'basic' or 'bottleneck', got '${String(blockOption)}'`);
  }
  const bottleneck = blockOption === 'bottleneck' || (arch === 'resnet' && blockOption === 'auto' && depth >= 44);
  const resolved: ResolvedSpec = {
    arch,
    depth,
    widenFactor: checkInt(spec.widenFactor ?? 10, 'widenFactor', 1),
    cardinality: checkInt(spec.cardinality ?? 8, 'cardinality', 1),
    baseWidth: checkInt(spec.baseWidth ?? 64, 'baseWidth', 1),
    drop: checkRate(spec.drop ?? 0, 'drop'),
    convDropout: checkRate(spec.convDropout ?? 0, 'convDropout'),
    block: bottleneck ? 'bottleneck' : 'basic',
    numClasses: checkInt(spec.numClasses, 'numClasses', 2),
    inputShape: checkInputShape(spec.inputShape),
    seed: spec.seed ?? 0,
  };
  if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    fail(`seed must be an integer in [0, 2^32), got ${resolved.seed}`);
  }
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
