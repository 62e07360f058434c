/** The in-memory dataset every loader, trainer and experiment works on. */

/** A labelled image dataset held in memory: uint8 pixels, NHWC, one label per image. */
export interface Dataset {
  /** Short name, e.g. `fashion-mnist`, `cifar10`, or the folder name of an image-folder dataset. */
  readonly name: string;
  /** `count * height * width * channels` uint8 pixels, NHWC. */
  readonly images: Uint8Array;
  /** `count` class indices in `[0, classNames.length)`. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Human-readable class names, indexed by label. */
  readonly classNames: string[];
}

/** Which half of a dataset to load. */
export type Split = 'train' | 'test';

/** Error raised for unreadable, corrupt or unexpected data; the message names the file. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
  }
}

/** Check that labels fall in `[0, classCount)`, naming the file and the first bad index otherwise. */
export function checkLabels(labels: ArrayLike<number>, classCount: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label < 0 || label >= classCount) {
      throw new DataError(file, `label ${label} of item ${i} is out of range [0, ${classCount})`);
    }
  }
}
