// Workers announce themselves in Redis, so the bot can tell a queue that somebody reads from one
// that nobody does (a node without a worker, a worker that died): `gpu no-such-node` is then
// refused at once with the nodes that are live, instead of waiting forever on a queue no worker
// reads. One sorted set per deployment: the member is the worker (node, queues, pid, version),
// the score its last beat in Redis's own clock, so the workers' and the bot's clocks never meet.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** Ms between two beats of a worker. */
export const HEARTBEAT_INTERVAL_MS = 5000;
/** A worker whose last beat is older than this is not live (three beats missed), ms. */
export const HEARTBEAT_STALE_MS = 15_000;
/** Entries (and the whole set) older than this are removed, ms. */
const FORGET_AFTER_MS = 10 * 60_000;

/** What a worker says about itself. */
export interface WorkerAnnouncement {
  /** Unique per process: host, pid and a random part. */
  id: string;
  /** NODE_NAME: its node queue is `node-<node>`. */
  node: string;
  /** The queues it takes jobs from. */
  queues: string[];
  host: string;
  pid: number;
  version: string;
  /** Ms since the epoch. */
  startedAt: number;
}

export interface LiveWorker extends WorkerAnnouncement {
  /** Ms since its last beat (Redis's clock). */
  lastBeatAgoMs: number;
}

const milliseconds = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";
/** KEYS[1] the set; ARGV[1] the member, ARGV[2] forget-after ms. Returns Redis's time, ms. */
const BEAT = `${milliseconds}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return now`;
/** KEYS[1] the set; ARGV[1] stale ms. Returns { now, member, score, member, score, … } of the live ones. */
const LIVE = `${milliseconds}
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf', 'WITHSCORES')
table.insert(live, 1, tostring(now))
return live`;

/** The sorted set of workers' beats under a queue prefix. */
export function heartbeatKey(prefix: string): string {
  return `${prefix}:workers`;
}

/** A client that gives up on a command instead of queueing it while Redis is down (a beat or a read is retried by the next one). */
function shortClient(connection: RedisOptions): Redis {
  const client = new Redis({ ...connection, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  client.on('error', () => {}); // a failed beat or read is reported by its caller
  return client;
}

function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms)));
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export interface HeartbeatOptions {
  connection: RedisOptions;
  prefix: string;
  node: string;
  queues: string[];
  version: string;
  logger: Logger;
  /** Default HEARTBEAT_INTERVAL_MS. */
  intervalMs?: number;
}

export interface Heartbeat {
  readonly announcement: WorkerAnnouncement;
  /** Stops beating and withdraws the announcement (at once, not after HEARTBEAT_STALE_MS). */
  stop(): Promise<void>;
}

/** Announces this worker now (resolves once Redis holds the first beat) and every `intervalMs` after. */
export async function startHeartbeat(opts: HeartbeatOptions): Promise<Heartbeat> {
  const announcement: WorkerAnnouncement = {
    id: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    node: opts.node,
    queues: opts.queues,
    host: hostname(),
    pid: process.pid,
    version: opts.version,
    startedAt: Date.now(),
  };
  const member = JSON.stringify(announcement);
  const key = heartbeatKey(opts.prefix);
  const client = shortClient(opts.connection);
  const intervalMs = opts.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  let failing = false;
  let inFlight: Promise<void> | undefined;
  const beat = async () => {
    try {
      await deadline(client.eval(BEAT, 1, key, member, FORGET_AFTER_MS), intervalMs, 'heartbeat');
      if (failing) opts.logger.info('heartbeat restored', { node: opts.node });
      failing = false;
    } catch (err) {
      // Logged once per outage: the worker keeps running, and announces itself again when Redis answers.
      if (!failing) opts.logger.warn('heartbeat failed', { node: opts.node, error: oneLine(err) });
      failing = true;
    }
  };
  await deadline(client.eval(BEAT, 1, key, member, FORGET_AFTER_MS), 10_000, 'first heartbeat');
  const timer = setInterval(() => {
    inFlight ??= beat().finally(() => (inFlight = undefined));
  }, intervalMs);
  timer.unref();
  return {
    announcement,
    async stop() {
      clearInterval(timer);
      await inFlight;
      await deadline(client.zrem(key, member), 2000, 'heartbeat withdrawal').catch((err: unknown) => opts.logger.warn('heartbeat not withdrawn (it expires by itself)', { error: oneLine(err) }));
      client.disconnect();
    },
  };
}

/** Reads the workers' beats: who is live, on which node, reading which queues. */
export class WorkerDirectory {
  private readonly client: Redis;
  private readonly key: string;
  private readonly staleMs: number;

  /** `staleMs`: default HEARTBEAT_STALE_MS. */
  constructor(connection: RedisOptions, prefix: string, staleMs = HEARTBEAT_STALE_MS) {
    this.client = shortClient(connection);
    this.key = heartbeatKey(prefix);
    this.staleMs = staleMs;
  }

  /** The live workers. Rejects when Redis does not answer within `timeoutMs`. */
  async live(timeoutMs = 1000): Promise<LiveWorker[]> {
    const reply = (await deadline(this.client.eval(LIVE, 1, this.key, this.staleMs), timeoutMs, 'worker list')) as string[];
    const now = Number(reply[0]);
    const workers: LiveWorker[] = [];
    for (let i = 1; i + 1 < reply.length; i += 2) {
      try {
        workers.push({ ...(JSON.parse(reply[i]!) as WorkerAnnouncement), lastBeatAgoMs: now - Number(reply[i + 1]) });
      } catch {
        // not one of ours: ignored
      }
    }
    return workers;
  }

  close(): void {
    this.client.disconnect();
  }
}

/** The nodes with at least one live worker, sorted. */
export function liveNodes(workers: readonly LiveWorker[]): string[] {
  return [...new Set(workers.map((w) => w.node))].sort();
}
