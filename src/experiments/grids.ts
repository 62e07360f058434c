/**
 * The paper's experiments as grids of training runs. A grid lists runs (dataset x model x variant);
 * each run is trained once per seed by the runner and the results are aggregated per run.
 */
import path from 'node:path';
import { Validator } from '../core/validate.js';
import { builtinName } from '../data/load.js';
import { parseModel, type ModelChoice } from './models.js';
import { ablationFigure, table1Figure, type PaperFigure } from './paper.js';

const v = new Validator('experiment option');

/** Experiments the `experiment` command knows. */
export const EXPERIMENTS = ['table1', 'table4', 'table5', 'fig3'] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** What distinguishes one run of a grid from the base training config. Undefined = pipeline default. */
export interface RunSettings {
  /** Random Erasing on (p = 0.5, the paper's setting) or off (p = 0). */
  readonly erasing: boolean;
  readonly flip?: boolean;
  readonly crop?: boolean;
  /** Dropout rate after every conv layer (`ModelSpec.convDropout`). */
  readonly convDropout?: number;
  /** Fraction of pixels replaced with random values (the pipeline's noise augmentation). */
  readonly noise?: number;
}

/** One configuration of a grid. */
export interface GridRun {
  /** Unique, filesystem-safe id, e.g. `fashionmnist_resnet-20_re`. */
  readonly id: string;
  /** Dataset as given: a built-in name or a folder path (what `loadDataset` takes). */
  readonly dataset: string;
  /** Short dataset name for tables: the built-in name or the folder's name. */
  readonly datasetLabel: string;
  readonly model: ModelChoice;
  /** Row label as the paper writes it, e.g. `Random Erasing`, `Dropout λ=0.01`, `RF+RC`. */
  readonly variant: string;
  readonly settings: RunSettings;
  /** The paper's published error for this configuration, when known. */
  readonly paper?: PaperFigure;
}

/** A named experiment: its runs and how to describe it. */
export interface ExperimentGrid {
  readonly name: ExperimentName;
  readonly title: string;
  readonly runs: readonly GridRun[];
}

/** Datasets and models a grid is built for. */
export interface GridChoice {
  readonly datasets: readonly string[];
  readonly models: readonly ModelChoice[];
}

/** The paper's own dataset and model for each experiment, used when the user names none. */
export const DEFAULT_CHOICE: Readonly<Record<ExperimentName, { datasets: string[]; models: string[] }>> = {
  table1: { datasets: ['fashionmnist'], models: ['resnet-20'] },
  table4: { datasets: ['cifar10'], models: ['preresnet18'] },
  table5: { datasets: ['cifar10'], models: ['preresnet18'] },
  fig3: { datasets: ['cifar10'], models: ['resnet-110'] },
};

const DROPOUT_RATES = [0.001, 0.005, 0.01, 0.05, 0.1];
const NOISE_FRACTIONS = [0.01, 0.05, 0.1, 0.2, 0.4];

interface Variant {
  readonly key: string;
  readonly label: string;
  readonly settings: RunSettings;
  /** Which Table 1 figure this variant equals, if any. */
  readonly table1?: 'baseline' | 'erasing';
}

const BASELINE: Variant = { key: 'baseline', label: 'Baseline', settings: { erasing: false }, table1: 'baseline' };
const ERASING: Variant = { key: 're', label: 'Random Erasing', settings: { erasing: true }, table1: 'erasing' };

function table4Variants(): Variant[] {
  return [
    BASELINE,
    ERASING,
    ...DROPOUT_RATES.map((rate) => ({
      key: `dropout-${rate}`,
      label: `Dropout λ=${rate}`,
      settings: { erasing: false, convDropout: rate },
    })),
    ...NOISE_FRACTIONS.map((fraction) => ({
      key: `noise-${fraction}`,
      label: `Random noise λ=${fraction}`,
      settings: { erasing: false, noise: fraction },
    })),
  ];
}

/** The eight flip / crop / erase combinations; flip + crop without RE is the Table 1 baseline. */
function table5Variants(): Variant[] {
  const variants: Variant[] = [];
  for (const erasing of [false, true]) {
    for (const crop of [false, true]) {
      for (const flip of [false, true]) {
        const parts = [flip && 'RF', crop && 'RC', erasing && 'RE'].filter((p): p is string => Boolean(p));
        const both = flip && crop;
        variants.push({
          key: parts.length ? parts.join('-').toLowerCase() : 'none',
          label: parts.length ? parts.join('+') : 'None',
          settings: { erasing, flip, crop },
          table1: both ? (erasing ? 'erasing' : 'baseline') : undefined,
        });
      }
    }
  }
  return variants;
}

function variantsOf(name: ExperimentName): Variant[] {
  if (name === 'table4') return table4Variants();
  if (name === 'table5') return table5Variants();
  return [BASELINE, ERASING];
}

const TITLES: Readonly<Record<ExperimentName, string>> = {
  table1: 'Table 1: test error (%) without and with Random Erasing',
  table4: 'Table 4: Random Erasing vs dropout and random noise, test error (%)',
  table5: 'Table 5: random flipping (RF), cropping (RC) and erasing (RE), test error (%)',
  fig3: 'Figure 3: baseline vs Random Erasing, test error (%) without and under occlusion',
};

/** Build the grid of an experiment for the chosen datasets and models. */
export function buildGrid(name: ExperimentName, choice: GridChoice): ExperimentGrid {
  if (choice.datasets.length === 0) v.reject('datasets', 'name at least one dataset');
  if (choice.models.length === 0) v.reject('models', 'name at least one model');
  const runs: GridRun[] = [];
  for (const dataset of choice.datasets) {
    const datasetLabel = builtinName(dataset) ?? path.basename(path.resolve(dataset));
    for (const model of choice.models) {
      for (const variant of variantsOf(name)) {
        const paper = variant.table1 ? table1Figure(model.label, dataset, variant.table1 === 'erasing') : ablationFigure(variant.key, model.label, dataset);
        runs.push({
          id: `${datasetLabel}_${model.name}_${variant.key}`.replace(/[^A-Za-z0-9._+-]/g, '-'),
          dataset,
          datasetLabel,
          model,
          variant: variant.label,
          settings: variant.settings,
          paper,
        });
      }
    }
  }
  return { name, title: TITLES[name], runs };
}

/** Parse an experiment name, with an error naming the accepted ones. */
export function parseExperiment(name: string): ExperimentName {
  return v.oneOf(name, 'name', EXPERIMENTS);
}

/** The models of a choice, parsed from short names. */
export function parseModels(names: readonly string[]): ModelChoice[] {
  return names.map(parseModel);
}
