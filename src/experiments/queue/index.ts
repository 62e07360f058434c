/** Experiment grids across machines: BullMQ jobs on Redis, workers, status. */
export { parseQueueUrl, type QueueAddress } from './queue-url.js';
export { runQueuedExperiment, type QueuedExperimentOptions, type QueuedExperimentResult } from './queued-experiment.js';
export { startQueueWorker, MAX_STALLS, type QueueWorker, type QueueWorkerOptions } from './queue-worker.js';
export { openQueue, submitJobs, jobStatuses, queueStatuses, describeStatuses, waitForJobs, type JobStatus, type Submission } from './grid-queue.js';
export { parseRunJob, runJobOf, runFolder, QUEUE_NAME, JOB_NAME, JOB_OPTIONS, type RunJob, type RunJobResult } from './run-job.js';
