/** Datasets, the augmentation pipeline and the parallel batch loader. */
export * from './dataset.js';
export * from './sources.js';
export * from './load.js';
export * from './fashion-mnist.js';
export * from './cifar.js';
export * from './image-folder.js';
export * from './download.js';
export * from './archive.js';
export * from './pipeline.js';
export * from './batch.js';
export * from './loader.js';
export * from './stats.js';
export * from './detection/index.js';
