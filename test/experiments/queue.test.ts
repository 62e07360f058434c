/**
 * Grids across machines on BullMQ: a private redis-server, worker processes of the CLI, tiny data.
 * The queued grid gives the local grid's numbers, also when a worker is killed with SIGKILL mid-run,
 * when Redis restarts mid-grid and when a worker is stopped with Ctrl-C; a run that keeps failing is
 * marked failed and the others go on; hostile jobs fail before anything runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { runExperiment } from '../../src/experiments/experiment.js';
import { parseModels } from '../../src/experiments/grids.js';
import { parseQueueUrl } from '../../src/experiments/queue/queue-url.js';
import { JOB_NAME, QUEUE_NAME, runJobOf } from '../../src/experiments/queue/run-job.js';
import { buildGrid } from '../../src/experiments/grids.js';
import { completeSpec } from '../../src/train/run-spec.js';
import { hasRedis, TestRedis } from './redis-server.js';
import { writeTinyDataset } from './tiny-data.js';

const MAIN = path.resolve('src/cli/main.ts');
const skip = hasRedis ? false : 'needs redis-server (apt-get install -y redis-server)';

let root = '';
let data = '';
let localSummary = '';

/** The grid every test queues: table1 on the tiny data, 2 seeds (4 runs), 3 epochs. */
const GRID = ['table1', '--models', 'resnet-8', '--seeds', '1', '2', '--epochs', '3', '--train-batch', '8'];

interface Running {
  child: ChildProcess;
  stdout: string;
  exited: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const running: Running = { child, stdout: '', exited: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
  child.stdout?.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  return running;
}

async function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const running = start(args);
  const code = await running.exited;
  return { code, stdout: running.stdout };
}

/** A worker process on `redis` writing runs to `results`. */
function worker(redis: TestRedis, results: string, extra: string[] = []): Running {
  return start(['worker', '--queue', redis.url, '--results', results, '--data-root', root, '-j', '0', '--backend', 'wasm', '--threads', '1', '--lock-duration', '3000', '--stalled-interval', '1000', ...extra]);
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Whether some job of the queue is running with at least one epoch done. */
async function someJobPastEpoch(queue: Queue, epoch = 1): Promise<boolean> {
  const active = await queue.getJobs(['active']);
  return active.some((job) => ((job.progress as { epoch?: number }).epoch ?? 0) >= epoch);
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode === null) running.child.kill('SIGINT');
  await running.exited;
}

/** A fresh Redis, its queue and a results folder for one test; workers it starts are stopped at the end. */
interface Setup {
  readonly redis: TestRedis;
  readonly queue: Queue;
  readonly results: string;
  readonly out: string;
  /** Start a worker stopped (Ctrl-C) when the test ends. */
  worker(extra?: string[]): Running;
  /** Submit the grid without waiting. */
  submit(): Promise<{ code: number | null; stdout: string }>;
}

let setups = 0;

async function withQueue(body: (setup: Setup) => Promise<void>): Promise<void> {
  const redis = await TestRedis.start();
  const queue = new Queue(QUEUE_NAME, { connection: { url: redis.url, maxRetriesPerRequest: null } });
  const n = ++setups;
  const results = path.join(root, `results-${n}`);
  const out = path.join(root, `grid-${n}`);
  const workers: Running[] = [];
  try {
    await body({
      redis,
      queue,
      results,
      out,
      worker: (extra) => {
        const w = worker(redis, results, extra);
        workers.push(w);
        return w;
      },
      submit: () => run(['experiment', ...GRID, '-d', data, '--queue', redis.url, '-o', out]),
    });
  } finally {
    await Promise.all(workers.map(stop));
    await queue.close();
    await redis.stop();
  }
}

/** Submit and wait for the grid; returns its summary.csv. */
async function waitForGrid(redis: TestRedis, out: string): Promise<string> {
  const waited = await run(['experiment', ...GRID, '-d', data, '--queue', redis.url, '--wait', '-o', out]);
  assert.equal(waited.code, 0, waited.stdout);
  return readFile(path.join(out, 'summary.csv'), 'utf8');
}

before(async () => {
  if (skip) return;
  root = await mkdtemp(path.join(tmpdir(), 'queue-test-'));
  data = await writeTinyDataset(path.join(root, 'tiny'));
  const local = path.join(root, 'local');
  await runExperiment({
    name: 'table1',
    datasets: [data],
    models: parseModels(['resnet-8']),
    seeds: [1, 2],
    outDir: local,
    budget: { epochs: 3, trainBatch: 8 },
    runtime: { workers: 0, backend: 'wasm', threads: 1 },
  });
  localSummary = await readFile(path.join(local, 'summary.csv'), 'utf8');
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('a queued grid is submitted once, trained by two workers, and gives the local grid\'s numbers', { skip }, () =>
  withQueue(async ({ redis, out, worker: start, submit }) => {
    assert.match((await submit()).stdout, /4 runs, 4 added, 0 failed ones retried, 0 already there/);
    assert.match((await submit()).stdout, /4 runs, 0 added, 0 failed ones retried, 4 already there/);
    const workers = [start(), start()];
    assert.equal(await waitForGrid(redis, out), localSummary);
    const runs = (await readFile(path.join(out, 'runs.csv'), 'utf8')).trim().split('\n');
    assert.equal(runs.length, 1 + 4, 'one row per run and seed');
    assert.ok(workers.every((w) => /done, test error/.test(w.stdout)), 'both workers trained runs');
    assert.match((await run(['status', '--queue', redis.url])).stdout, /4 runs: completed 4/);
  }));

test('a worker killed with SIGKILL mid-run: its run returns to the queue, resumes elsewhere, nothing lost or doubled', { skip }, () =>
  withQueue(async ({ redis, queue, out, worker: start, submit }) => {
    await submit();
    const doomed = start();
    await until('a run past its first epoch', () => someJobPastEpoch(queue));
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const second = start();
    assert.equal(await waitForGrid(redis, out), localSummary);
    assert.match(second.stdout, /resuming from its checkpoint/);
    assert.equal((await readFile(path.join(out, 'runs.csv'), 'utf8')).trim().split('\n').length, 1 + 4);
  }));

test('Redis restarted mid-grid: the workers reconnect and the grid completes with the same numbers', { skip }, () =>
  withQueue(async ({ redis, queue, out, worker: start, submit }) => {
    await submit();
    start();
    start();
    await until('a run past its first epoch', () => someJobPastEpoch(queue));
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.resume();
    assert.equal(await waitForGrid(redis, out), localSummary);
  }));

test('Ctrl-C on a worker checkpoints its run and hands it back; the next worker resumes it', { skip }, () =>
  withQueue(async ({ redis, queue, out, worker: start, submit }) => {
    await submit();
    const stopped = start();
    await until('a run past its first epoch', () => someJobPastEpoch(queue));
    stopped.child.kill('SIGINT');
    assert.equal(await stopped.exited, 130);
    assert.match(stopped.stdout, /checkpointed and handed back to the queue/);
    assert.ok((await queue.getJobs(['waiting'])).length >= 1 && (await queue.getJobs(['active'])).length === 0, 'the run is back in the queue');
    const next = start();
    assert.equal(await waitForGrid(redis, out), localSummary);
    assert.match(next.stdout, /resuming from its checkpoint/);
  }));

test('a run that fails three times is marked failed with its error; the others complete', { skip }, () =>
  withQueue(async ({ redis, out, worker: start }) => {
    const broken = await writeTinyDataset(path.join(root, 'broken'), 8, { train: 2, test: 2 });
    await writeFile(path.join(broken, 'train', 'class0', '0.png'), 'not an image');
    start();
    const args = ['experiment', 'table1', '--models', 'resnet-8', '--seeds', '1', '--epochs', '1', '--train-batch', '8', '-d', data, broken, '--queue', redis.url, '--wait', '-o', out];
    const waited = await run(args);
    assert.equal(waited.code, 1, waited.stdout);
    assert.match(waited.stdout, /2 run\(s\) failed: broken_resnet-8_baseline seed 1: .*0\.png.*; broken_resnet-8_re seed 1/);
    assert.match(waited.stdout, /failed {2}broken_resnet-8_baseline seed 1 after 3 attempt\(s\)/);
    const summary = (await readFile(path.join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    assert.deepEqual(summary.slice(1).map((line) => line.split(',')[0]), ['tiny_resnet-8_baseline', 'tiny_resnet-8_re']);
  }));

test('hostile or invalid jobs fail before anything runs, with a message naming the problem; nothing is written', { skip }, () =>
  withQueue(async ({ queue, results, worker: start }) => {
    const [run0] = buildGrid('table1', { datasets: [data], models: parseModels(['resnet-8']) }).runs;
    const good = runJobOf('table1', run0, 1, completeSpec({ dataset: data, arch: 'resnet', depth: 8, epochs: 1, seed: 1 }));
    const etc = runJobOf('table1', run0, 1, completeSpec({ dataset: '/etc', arch: 'resnet', depth: 8, epochs: 1, seed: 1 }));
    // [job id (undefined: BullMQ's own), job name, data, the error expected]
    const cases: Array<[string | undefined, string, unknown, RegExp]> = [
      [undefined, JOB_NAME, { ...good, spec: { ...good.spec, command: 'rm -rf /' } }, /run option command: is not a run option/],
      ['bad-run-id', JOB_NAME, { ...good, runId: '../../etc/passwd' }, /job runId: expected 16 hexadecimal digits/],
      [undefined, JOB_NAME, { ...good, exec: 'touch /tmp/pwned' }, /job data: has an unknown field 'exec'/],
      [undefined, JOB_NAME, { ...good, spec: { ...good.spec, lr: -1 } }, /run option lr: expected a number > 0, got -1/],
      [etc.runId, JOB_NAME, etc, /job spec\.dataset: folder '\/etc' is outside this worker's data root/],
      [undefined, 'exec', good, /job name: 'exec' is not a job this worker runs/],
      ['id-not-run-id', JOB_NAME, good, /job id: the job id 'id-not-run-id' is not its run id/],
    ];
    start();
    for (const [jobId, name, body] of cases) await queue.add(name, body, { jobId, attempts: 3 });
    await until('every hostile job to fail', async () => (await queue.getJobCounts('failed')).failed === cases.length);
    const failed = await queue.getJobs(['failed']);
    for (const [, , , message] of cases) {
      const job = failed.find((j) => message.test(j.failedReason));
      assert.ok(job, `no job failed with ${message}: ${failed.map((j) => j.failedReason).join(' | ')}`);
      assert.equal(job.attemptsMade, 1, 'refused at once, not retried');
    }
    assert.deepEqual(await readdir(results).catch(() => []), [], 'nothing written');
  }));

test('queue URLs are checked before any connection', () => {
  assert.equal(parseQueueUrl('redis://:secret@10.0.0.2:6379/3').display, 'redis://:***@10.0.0.2:6379/3');
  assert.equal(parseQueueUrl('rediss://cache.example:6380').url, 'rediss://cache.example:6380');
  assert.throws(() => parseQueueUrl('http://host:6379'), /queue option queue: expected a redis:\/\/ or rediss:\/\/ URL, got 'http:\/\/host:6379'/);
  assert.throws(() => parseQueueUrl('redis://host:6379/db1'), /expected a database number/);
  assert.throws(() => parseQueueUrl('not a url'), /expected redis:\/\/\[:password@\]host:port\/db/);
});
