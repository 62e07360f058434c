/** Detection data: the dataset type, box conventions, generated scenes, Pascal VOC and COCO loaders. */
export * from './dataset.js';
export * from './boxes.js';
export * from './scenes.js';
export * from './occluded.js';
export * from './voc.js';
export * from './coco.js';
