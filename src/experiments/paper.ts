/**
 * Test errors (%) published in Zhong et al., "Random Erasing Data Augmentation" (AAAI 2020), printed
 * beside our results: mean ± std over 5 runs of 300 epochs. Table 1 for every model and dataset;
 * Tables 4 and 5 for their setting, PreAct-ResNet-18 on CIFAR-10 (their baseline and RE rows are the
 * Table 1 entries of that model).
 */
import { builtinName, type DatasetName } from '../data/load.js';

/** A published test error: the mean over runs and, where published, the standard deviation. */
export interface PaperFigure {
  readonly mean: number;
  readonly std?: number;
}

/** Baseline and Random Erasing errors of one model on one dataset. */
export interface PaperPair {
  readonly baseline: PaperFigure;
  readonly erasing: PaperFigure;
}

const pair = (baseline: number, erasing: number, bStd?: number, eStd?: number): PaperPair => ({
  baseline: { mean: baseline, std: bStd },
  erasing: { mean: erasing, std: eStd },
});

/** Table 1, keyed by model label (see `parseModel`) then dataset. */
export const TABLE1: Readonly<Record<string, Readonly<Partial<Record<DatasetName, PaperPair>>>>> = {
  'ResNet-20': { cifar10: pair(7.21, 6.73, 0.17, 0.09), cifar100: pair(30.84, 29.97, 0.19, 0.11), 'fashion-mnist': pair(4.39, 4.02, 0.08, 0.07) },
  'ResNet-32': { cifar10: pair(6.41, 5.66, 0.06, 0.1), cifar100: pair(28.5, 27.18, 0.37, 0.32), 'fashion-mnist': pair(4.16, 3.8, 0.13, 0.05) },
  'ResNet-44': { cifar10: pair(5.53, 5.13, 0.08, 0.09), cifar100: pair(25.27, 24.29, 0.21, 0.16), 'fashion-mnist': pair(4.41, 4.01, 0.09, 0.14) },
  'ResNet-56': { cifar10: pair(5.31, 4.89, 0.07, 0.07), cifar100: pair(24.82, 23.69, 0.27, 0.33), 'fashion-mnist': pair(4.39, 4.13, 0.1, 0.42) },
  'ResNet-110': { cifar10: pair(5.1, 4.61, 0.07, 0.06), cifar100: pair(23.73, 22.1, 0.37, 0.41), 'fashion-mnist': pair(4.4, 4.01, 0.1, 0.13) },
  'ResNet-18-PreAct': { cifar10: pair(5.17, 4.31, 0.18, 0.07), cifar100: pair(24.5, 24.03, 0.29, 0.19), 'fashion-mnist': pair(4.31, 3.9, 0.06, 0.06) },
  'WRN-28-10': { cifar10: pair(3.8, 3.08, 0.07, 0.05), cifar100: pair(18.49, 17.73, 0.11, 0.15), 'fashion-mnist': pair(4.01, 3.65, 0.1, 0.03) },
  'ResNeXt-29-8x64d': { cifar10: pair(3.54, 3.24, 0.04, 0.03), cifar100: pair(19.27, 18.84, 0.3, 0.18), 'fashion-mnist': pair(4.02, 3.79, 0.05, 0.06) },
};

const figure = (mean: number, std: number): PaperFigure => ({ mean, std });

/**
 * Tables 4 and 5 (PreAct-ResNet-18, CIFAR-10) by variant key: dropout rate λ1 on every convolution's
 * output, noise fraction λ2, and the flip (rf) / crop (rc) / erase (re) combinations.
 */
export const ABLATIONS: Readonly<Record<string, PaperFigure>> = {
  'dropout-0.001': figure(5.37, 0.12),
  'dropout-0.005': figure(5.48, 0.15),
  'dropout-0.01': figure(5.89, 0.14),
  'dropout-0.05': figure(6.23, 0.11),
  'dropout-0.1': figure(6.38, 0.18),
  'noise-0.01': figure(5.38, 0.07),
  'noise-0.05': figure(5.79, 0.14),
  'noise-0.1': figure(6.13, 0.12),
  'noise-0.2': figure(6.25, 0.09),
  'noise-0.4': figure(6.52, 0.12),
  none: figure(11.31, 0.18),
  rf: figure(8.3, 0.17),
  rc: figure(6.33, 0.15),
  re: figure(10.13, 0.14),
  'rf-re': figure(7.19, 0.1),
  'rc-re': figure(5.21, 0.14),
};

/** The model and dataset of Tables 4 and 5. */
const ABLATION_SETTING = { model: 'ResNet-18-PreAct', dataset: 'cifar10' } as const;

/** The published figure for a model and dataset, baseline or RE; undefined when not published. */
export function table1Figure(model: string, dataset: string, erasing: boolean): PaperFigure | undefined {
  const name = builtinName(dataset);
  const entry = name ? TABLE1[model]?.[name] : undefined;
  return entry ? (erasing ? entry.erasing : entry.baseline) : undefined;
}

/** The published Table 4 / 5 figure of a variant (by key), for the tables' own model and dataset only. */
export function ablationFigure(variantKey: string, model: string, dataset: string): PaperFigure | undefined {
  if (model !== ABLATION_SETTING.model || builtinName(dataset) !== ABLATION_SETTING.dataset) return undefined;
  return ABLATIONS[variantKey];
}
