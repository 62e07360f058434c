/** The model section: loads a TF.js layers model from files and shows top-3 predictions under each tile. */
import { loadModel, showPredictions, type LoadedModel, type UnitImage } from './model.js';
import { parseNumberList } from './settings.js';
import { datasetInputs } from 'virtual:samples';
import { byId } from './dom.js';

/** An image to classify and where to show its predictions. */
export interface PredictionTarget {
  readonly image: UnitImage;
  readonly target: HTMLElement;
}

/** The dataset whose trained models have this input shape, if any. */
function datasetOf(model: LoadedModel): (typeof datasetInputs)[number] | undefined {
  return datasetInputs.find((d) => d.inputShape.every((n, i) => n === model.inputShape[i]));
}

/** State and controls of the model section. */
export class ModelPanel {
  private model: LoadedModel | null = null;
  private readonly status = byId<HTMLElement>('model-status');
  private readonly meanInput = byId<HTMLInputElement>('model-mean');
  private readonly stdInput = byId<HTMLInputElement>('model-std');

  /**
   * @param sampleClassNames class names of the sample images, used when the model carries none.
   * @param changed called when predictions must be redone.
   */
  constructor(private readonly sampleClassNames: readonly string[] | null, private readonly changed: () => void) {
    const input = byId<HTMLInputElement>('model-files');
    input.addEventListener('change', () => void this.load([...(input.files ?? [])]));
    this.meanInput.addEventListener('input', changed);
    this.stdInput.addEventListener('input', changed);
  }

  private async load(files: File[]): Promise<void> {
    if (files.length === 0) return;
    this.status.textContent = 'Loading the model…';
    try {
      const model = await loadModel(files);
      this.model = model;
      const [h, w, c] = model.inputShape;
      this.status.textContent = `Loaded ${model.name}: input ${h}×${w}×${c}, ${model.classCount} classes. Images are resized to the input size. ${this.fillNormalisation(model)}`;
      this.changed();
    } catch (error) {
      this.model = null;
      this.status.textContent = `Model not loaded: ${(error as Error).message}`;
    }
  }

  /** Fill the mean and std fields from the model, else from the dataset its input shape suggests; returns a note saying which. */
  private fillNormalisation(model: LoadedModel): string {
    const { mean, std } = model.metadata;
    const dataset = datasetOf(model);
    const source = mean && std ? { mean, std } : dataset;
    this.meanInput.value = source ? source.mean.join(', ') : '';
    this.stdInput.value = source ? source.std.join(', ') : '';
    if (mean && std) return 'Input normalisation from the model.';
    if (dataset) return `Input normalisation of the ${dataset.name} pipeline, guessed from the input shape: edit it if the model was trained otherwise.`;
    return 'No input normalisation known: set mean and std if the model expects them.';
  }

  private classNames(model: LoadedModel): readonly string[] {
    if (model.metadata.classNames) return model.metadata.classNames;
    const names = datasetOf(model)?.classNames ?? this.sampleClassNames;
    return names && names.length === model.classCount ? names : [];
  }

  private normalisation(channels: number): { mean: number[]; std: number[] } {
    const read = (input: HTMLInputElement, fallback: number, what: string) =>
      input.value.trim() === '' ? [fallback] : parseNumberList(input.value, what);
    const mean = read(this.meanInput, 0, 'model input mean');
    const std = read(this.stdInput, 1, 'model input std');
    for (const [name, v] of [['mean', mean], ['std', std]] as const) {
      if (v.length !== 1 && v.length !== channels) throw new RangeError(`model input ${name} needs 1 or ${channels} values, got ${v.length}`);
    }
    return { mean, std };
  }

  /** Classify every image (when a model is loaded) and show the top 3 under each. */
  async predictAll(targets: readonly PredictionTarget[]): Promise<void> {
    const model = this.model;
    if (!model) return;
    try {
      const results = await model.predict(targets.map((t) => t.image), this.normalisation(model.inputShape[2]), this.classNames(model));
      results.forEach((predictions, i) => showPredictions(targets[i].target, predictions));
      document.body.dataset.predicted = String(results.length);
    } catch (error) {
      this.status.textContent = `Prediction failed: ${(error as Error).message}`;
    }
  }
}
