/** Detection scoring: COCOeval-exact mAP, VOC07 11-point AP50 and box IoU. */
export * from './detections.js';
export * from './iou.js';
export * from './coco-eval.js';
export * from './voc-eval.js';
export { NUMPY1_BUFFER, numpyMean, numpySum } from './numpy-mean.js';
