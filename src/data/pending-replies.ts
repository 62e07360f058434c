/**
 * The replies a worker pool awaits, by task id: a reply settles its task (an error reply rejects it
 * with `<label> failed: <message>`); a failure rejects everything in flight and every later task.
 */

/** A worker's error as posted back. */
export interface ErrorReply {
  readonly id: number;
  readonly error: { readonly message: string; readonly stack?: string };
}

interface Pending<T> {
  resolve(reply: T): void;
  reject(error: Error): void;
}

/** Tasks in flight of a worker pool whose replies carry the task's `id`. */
export class PendingReplies<T extends { readonly id: number }> {
  private readonly pending = new Map<number, Pending<T>>();
  private nextId = 0;
  private failure: Error | null = null;

  /** `label` names the workers in error messages (e.g. `loader worker`). */
  constructor(private readonly label: string) {}

  /** Tasks in flight. */
  get size(): number {
    return this.pending.size;
  }

  /** Whether the pool has failed (or closed). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** A new task: `send` posts it with its id; the promise settles with its reply. */
  add(send: (id: number) => void): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      send(id);
    });
  }

  /** Settle the task a reply belongs to. */
  settle(reply: T | ErrorReply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if ('error' in reply) {
      const cause = Object.assign(new Error(reply.error.message), { stack: reply.error.stack });
      entry.reject(new Error(`${this.label} failed: ${reply.error.message}`, { cause }));
    } else {
      entry.resolve(reply);
    }
  }

  /** Reject everything in flight and refuse further tasks. */
  fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}
