/** Sample images generated at build time by web/build/samples-plugin.ts. */
declare module 'virtual:samples' {
  /** Where the images come from. */
  export const sampleSource: 'fashion-mnist' | 'synthetic';
  /** Class names of the labels, when the samples have classes. */
  export const sampleClassNames: string[] | null;
  /** The images, pixels base64-encoded, hwc uint8. */
  export const samples: {
    name: string;
    label: number;
    height: number;
    width: number;
    channels: number;
    pixels: string;
  }[];
  /** Input shape, normalisation and class names of the models the trainer exports for each dataset. */
  export const datasetInputs: {
    name: string;
    inputShape: [number, number, number];
    mean: number[];
    std: number[];
    classNames: string[] | null;
  }[];
}
