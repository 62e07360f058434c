/**
 * Test errors (%) published in Zhong et al., "Random Erasing Data Augmentation" (AAAI 2020), printed
 * beside our results. Only figures we could check are listed; a configuration without a published
 * figure shows none rather than a guess.
 *
 * Table 1 (mean of 5 runs, 300 epochs): ResNet-20..110 and WRN-28-10 from the authors' repository
 * README; ResNet-18-PreAct from the paper's Table 1. Tables 4 and 5 use ResNet-18-PreAct on
 * CIFAR-10: their baseline (flip + crop) and flip + crop + RE rows are the Table 1 entries of that
 * model; their other rows are not reproduced here.
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

/** Table 1, keyed by model label (see `modelLabel`) then dataset. */
export const TABLE1: Readonly<Record<string, Readonly<Partial<Record<DatasetName, PaperPair>>>>> = {
  'ResNet-20': { cifar10: pair(7.21, 6.73), cifar100: pair(30.84, 29.97), 'fashion-mnist': pair(4.39, 4.02) },
  'ResNet-32': { cifar10: pair(6.41, 5.66), cifar100: pair(28.5, 27.18), 'fashion-mnist': pair(4.16, 3.8) },
  'ResNet-44': { cifar10: pair(5.53, 5.13), cifar100: pair(25.27, 24.29), 'fashion-mnist': pair(4.41, 4.01) },
  'ResNet-56': { cifar10: pair(5.31, 4.89), cifar100: pair(24.82, 23.69), 'fashion-mnist': pair(4.39, 4.13) },
  'ResNet-110': { cifar10: pair(5.1, 4.61), cifar100: pair(23.73, 22.1), 'fashion-mnist': pair(4.4, 4.01) },
  'ResNet-18-PreAct': {
    cifar10: pair(5.17, 4.31, 0.18, 0.07),
    cifar100: pair(24.5, 24.03, 0.29, 0.19),
    'fashion-mnist': pair(4.31, 3.9, 0.06, 0.06),
  },
  'WRN-28-10': { cifar10: pair(3.8, 3.08), cifar100: pair(18.49, 17.73), 'fashion-mnist': pair(4.01, 3.65) },
};

/** The published figure for a model and dataset, baseline or RE; undefined when not published. */
export function table1Figure(model: string, dataset: string, erasing: boolean): PaperFigure | undefined {
  const name = builtinName(dataset);
  const entry = name ? TABLE1[model]?.[name] : undefined;
  return entry ? (erasing ? entry.erasing : entry.baseline) : undefined;
}
