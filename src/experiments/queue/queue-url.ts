/**
 * The address of a grid's job queue: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for
 * TLS. Parsed and checked here so that a typo fails with a message naming the flag's value before any
 * connection is tried.
 */
import { Validator } from '../../core/validate.js';

const v = new Validator('queue option');

/** A checked queue address. */
export interface QueueAddress {
  /** What ioredis connects to. */
  readonly url: string;
  /** The address with the password masked, for messages. */
  readonly display: string;
}

/** Parse a queue URL; errors name the `queue` option and say what was expected. */
export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return v.fail('queue', 'redis://[:password@]host:port/db or rediss://...', text);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') v.fail('queue', 'a redis:// or rediss:// URL', text);
  if (url.hostname === '') v.fail('queue', 'a URL with a host', text);
  if (url.port !== '') v.integer(Number(url.port), 'queue port', { min: 1, max: 65535 });
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) v.fail('queue', 'a database number after the host (redis://host:port/0)', text);
  if (url.search !== '' || url.hash !== '') v.fail('queue', 'a URL without query or fragment', text);
  const masked = new URL(url.href);
  if (masked.password) masked.password = '***';
  return { url: url.href, display: masked.href };
}

/** BullMQ connection options for an address: commands wait through reconnections (workers need that). */
export function connectionOf(address: QueueAddress): { url: string; maxRetriesPerRequest: null } {
  return { url: address.url, maxRetriesPerRequest: null };
}
