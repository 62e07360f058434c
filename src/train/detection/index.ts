/** Detection scoring: COCOeval-exact mAP, VOC07 11-point AP50 and box IoU. */
export * from './detections.js';
export * from './iou.js';
export * from './coco-eval.js';
export * from './voc-eval.js';
export { NUMPY1_BUFFER, numpyMean, numpySum } from './numpy-mean.js';
export * from './centernet-targets.js';
export * from './centernet-loss.js';
export * from './detector-spec.js';
export * from './detector-data.js';
export * from './detector-eval.js';
export * from './detector-state.js';
export { trainDetector, resolveDetectorRequest, loadDetectorScenes, describeDetectorRun, type DetectorRequest, type DetectorHooks, type DetectorResult, type DetectorData, type DetectorRunDescription } from './detector-trainer.js';
