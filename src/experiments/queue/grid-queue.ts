/**
 * A grid on a job queue: submitting its runs (each job's id is its run id, so submitting again adds
 * nothing twice and retries only the runs that failed), reading the state of its jobs, and waiting
 * until every one has finished.
 */
import { Queue, type Job } from 'bullmq';
import { connectionOf, type QueueAddress } from './queue-url.js';
import { JOB_NAME, JOB_OPTIONS, QUEUE_NAME, type RunJob, type RunJobResult } from './run-job.js';

/** Open the queue of grid runs at `address` (close it when done). */
export function openQueue(address: QueueAddress): Queue {
  return new Queue(QUEUE_NAME, { connection: connectionOf(address) });
}

/** What a submission did. */
export interface Submission {
  readonly added: number;
  /** Failed runs put back to be tried again. */
  readonly retried: number;
  /** Runs already waiting, running or done. */
  readonly present: number;
}

/** Submit the grid's jobs: new ones are added, failed ones retried, the others left as they are. */
export async function submitJobs(queue: Queue, jobs: readonly RunJob[]): Promise<Submission> {
  const fresh: RunJob[] = [];
  let retried = 0;
  for (const job of jobs) {
    const existing = await queue.getJob(job.runId);
    if (!existing) fresh.push(job);
    else if ((await existing.getState()) === 'failed') {
      await existing.retry('failed');
      retried++;
    }
  }
  await queue.addBulk(fresh.map((job) => ({ name: JOB_NAME, data: job, opts: { ...JOB_OPTIONS, jobId: job.runId } })));
  return { added: fresh.length, retried, present: jobs.length - fresh.length - retried };
}

/** Progress a worker reports for a running job. */
export interface JobProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly trainLoss: number;
  readonly trainTop1: number;
  readonly testTop1: number;
  readonly bestAcc: number;
}

/** The state of one job of a grid. */
export interface JobStatus {
  readonly runId: string;
  readonly label: string;
  readonly state: string;
  readonly progress?: JobProgress;
  readonly attempts: number;
  readonly error?: string;
  readonly result?: RunJobResult;
}

async function statusOf(runId: string, label: string, job: Job | undefined): Promise<JobStatus> {
  if (!job) return { runId, label, state: 'missing', attempts: 0 };
  const state = await job.getState();
  const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as JobProgress) : undefined;
  return {
    runId,
    label,
    state,
    attempts: job.attemptsMade,
    ...(progress ? { progress } : {}),
    ...(state === 'failed' ? { error: job.failedReason } : {}),
    ...(state === 'completed' ? { result: job.returnvalue as RunJobResult } : {}),
  };
}

/** The state of each job (`labels` maps run ids to the names shown). */
export async function jobStatuses(queue: Queue, labels: ReadonlyMap<string, string>): Promise<JobStatus[]> {
  return Promise.all([...labels].map(async ([runId, label]) => statusOf(runId, label, await queue.getJob(runId))));
}

/** Whether a job will not change any more. */
export const isFinal = (status: JobStatus): boolean => status.state === 'completed' || status.state === 'failed';

/** Lines describing the jobs: the counts per state, each running job's progress, each failure's error. */
export function describeStatuses(statuses: readonly JobStatus[]): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const order = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'missing'];
  const summary = order.filter((state) => counts.has(state)).map((state) => `${state} ${counts.get(state)}`);
  const lines = [`${statuses.length} runs: ${summary.join(', ')}`];
  for (const s of statuses) {
    if (s.state === 'active') {
      const p = s.progress;
      const where = p ? `epoch ${p.epoch}/${p.epochs}, train loss ${p.trainLoss.toFixed(4)}, test top-1 ${p.testTop1.toFixed(2)}%` : 'starting';
      lines.push(`  active  ${s.label}: ${where}`);
    } else if (s.state === 'failed') {
      lines.push(`  failed  ${s.label} after ${s.attempts} attempt(s): ${s.error}`);
    }
  }
  return lines;
}

/** Options of {@link waitForJobs}. */
export interface WaitOptions {
  /** Time between two looks at the queue (default 2,000 ms). */
  readonly intervalMs?: number;
  /** Called with the lines of {@link describeStatuses} whenever they change. */
  readonly onStatus?: (lines: string[]) => void;
  readonly signal?: AbortSignal;
}

/** Look at the jobs until every one has completed or failed; returns their final states. */
export async function waitForJobs(queue: Queue, labels: ReadonlyMap<string, string>, options: WaitOptions = {}): Promise<JobStatus[]> {
  let shown = '';
  for (;;) {
    const statuses = await jobStatuses(queue, labels);
    const lines = describeStatuses(statuses);
    if (lines.join('\n') !== shown) options.onStatus?.(lines);
    shown = lines.join('\n');
    if (statuses.every(isFinal)) return statuses;
    if (options.signal?.aborted) throw new Error('stopped waiting for the queue; the runs go on, and the same command waits again');
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 2000));
  }
}

/** The state of every job on the queue (most recent first, at most `limit` of each state). */
export async function queueStatuses(queue: Queue, limit = 100): Promise<JobStatus[]> {
  const jobs = await queue.getJobs(['active', 'waiting', 'prioritized', 'delayed', 'failed', 'completed'], 0, limit - 1);
  return Promise.all(jobs.map((job) => statusOf(job.id ?? '?', labelOf(job), job)));
}

/** A job's label for people, from its data when it has the expected shape. */
function labelOf(job: Job): string {
  const label = (job.data as { label?: { experiment?: unknown; id?: unknown; seed?: unknown } } | undefined)?.label;
  return label ? `${String(label.experiment)} ${String(label.id)} seed ${String(label.seed)}` : String(job.id);
}
