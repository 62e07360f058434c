/** Model choices of the experiment grids, parsed from short names such as `resnet-20` or `wrn-28-10`. */

/** Architecture fields of a model, as `ModelSpec` names them. */
export interface ModelChoice {
  /** Label as the paper writes it, e.g. `ResNet-20`, `WRN-28-10`. */
  readonly label: string;
  /** Short name as typed on the command line, e.g. `resnet-20`. */
  readonly name: string;
  readonly arch: 'resnet' | 'preresnet18' | 'wrn' | 'resnext';
  readonly depth?: number;
  readonly widenFactor?: number;
  readonly cardinality?: number;
  readonly baseWidth?: number;
}

const PATTERNS: readonly [RegExp, (m: RegExpMatchArray) => ModelChoice][] = [
  [/^resnet-?(\d+)$/, (m) => ({ label: `ResNet-${m[1]}`, name: `resnet-${m[1]}`, arch: 'resnet', depth: +m[1] })],
  [/^preresnet-?18$/, () => ({ label: 'ResNet-18-PreAct', name: 'preresnet18', arch: 'preresnet18' })],
  [
    /^wrn-?(\d+)-(\d+)$/,
    (m) => ({ label: `WRN-${m[1]}-${m[2]}`, name: `wrn-${m[1]}-${m[2]}`, arch: 'wrn', depth: +m[1], widenFactor: +m[2] }),
  ],
  [
    /^resnext-?(\d+)-(\d+)-(\d+)$/,
    (m) => ({
      label: `ResNeXt-${m[1]}-${m[2]}x${m[3]}d`,
      name: `resnext-${m[1]}-${m[2]}-${m[3]}`,
      arch: 'resnext',
      depth: +m[1],
      cardinality: +m[2],
      baseWidth: +m[3],
    }),
  ],
];

/** Parse a model name: `resnet-<depth>`, `preresnet18`, `wrn-<depth>-<widen>`, `resnext-<depth>-<card>-<width>`. */
export function parseModel(name: string): ModelChoice {
  const key = name.trim().toLowerCase();
  for (const [pattern, build] of PATTERNS) {
    const match = key.match(pattern);
    if (match) return build(match);
  }
  throw new RangeError(
    `--models: unknown model "${name}"; expected resnet-<depth>, preresnet18, wrn-<depth>-<widen> or ` +
      'resnext-<depth>-<cardinality>-<width> (e.g. resnet-20, wrn-28-10, resnext-29-8-64)',
  );
}
