// The only reader of process.env. Parsed once with zod; a bad or missing variable stops start-up
// with one message listing every problem (never a stack trace, never a secret's value).
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { parseAllowedTargets } from '../policy/target-policy.ts';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const base = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ key; wrap in {braces} on Redis Cluster. */
  QUEUE_PREFIX: z.string().min(1).default('infdbg'),
  NODE_NAME: z.string().min(1).default('local'),
  /** Jobs a worker runs at once per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Seconds a worker waits for running jobs after SIGTERM. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Kubernetes namespaces diagnostics may read (comma-separated); empty = all the credentials allow. */
  INFDBG_NAMESPACES: list.default([]),
  /** Directories whose files queued jobs may read (drift data, ONNX models, request bodies); empty = none, use URLs. */
  INFDBG_DATA_DIRS: list.default([]),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
};

const slackWebApi = {
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)'),
  /** Web API base URL, e.g. for a proxy or a test stand-in; must end with `/api/`. */
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).endsWith('/', 'must end with /, e.g. https://slack.com/api/').optional(),
};

const bot = {
  SLACK_SIGNING_SECRET: z.string().min(1, 'required: the Slack app signing secret'),
  /** Set to use Socket Mode instead of the HTTP receiver. */
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Seconds between two passes of the request sweep (src/queue/request-sweep.ts): lost requests marked, jobs nobody took failed. */
  REQUEST_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Seconds a job may wait on a queue no live worker reads before the sweep fails it with a message. */
  QUEUE_WAIT_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /**
   * Who may run what from Slack: a YAML access policy (src/policy/access-policy.ts), read and
   * checked when `serve` starts — a problem stops it naming the file, line and field. Unset: every
   * channel the bot is in may run read-only actions, nothing that changes things.
   */
  INFDBG_POLICY: z.string().trim().min(1).optional(),
};

/** The queue UI (Bull Board at /queues on the bot's PORT), read-only: on when both are set, behind basic auth. */
const queueBoard = {
  BULL_BOARD_USER: z.string().regex(/^[^:]+$/, 'must not contain ":"').optional(),
  BULL_BOARD_PASSWORD: z.string().min(12, 'use at least 12 characters').optional(),
};

/** The worker's own HTTP server: GET /metrics and /healthz. */
const workerHttp = {
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
};

/** The target policy (src/policy/target-policy.ts) for every URL a queued job fetches or posts to. */
const targets = {
  /**
   * Comma-separated host names (`model-gw.example.com`), name suffixes (`.svc.cluster.local`) and
   * CIDRs (`10.0.0.0/8`, `fd00::/8`) jobs may reach. Empty = any address except the always-refused
   * ones (metadata and link-local addresses, the Redis of REDIS_URL, the bot's PORT on this machine).
   */
  INFDBG_ALLOWED_TARGETS: list
    .default([])
    .superRefine((entries, ctx) => {
      try {
        parseAllowedTargets(entries);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message.replace(/^INFDBG_ALLOWED_TARGETS: /, '') : String(err) });
      }
    }),
  /** The bot's port (jobs may not call the bot itself); the same variable `serve` listens on. */
  PORT: bot.PORT,
};

/** Alert intake (handlers/webhooks/): a route whose secret is not set answers 404. Each also as …_FILE (a mounted secret). */
const webhooks = {
  /** PagerDuty v3 webhook signing secrets, comma-separated (several during rotation). */
  PAGERDUTY_WEBHOOK_SECRETS: list.optional(),
  PAGERDUTY_WEBHOOK_SECRETS_FILE: z.string().min(1).optional(),
  /** Bearer token Alertmanager's http_config sends (authorization.credentials). */
  ALERTMANAGER_WEBHOOK_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  ALERTMANAGER_WEBHOOK_TOKEN_FILE: z.string().min(1).optional(),
  /** `user:password` for Alertmanager's basic_auth instead of a bearer token. */
  ALERTMANAGER_WEBHOOK_BASIC: z.string().regex(/^[^:]+:.+$/, 'must be user:password').optional(),
  ALERTMANAGER_WEBHOOK_BASIC_FILE: z.string().min(1).optional(),
};

/** Incidents (src/incidents/): where threads go, and the services they are reconciled against. */
const incidents = {
  /** Channel id for incident threads no runbook routes elsewhere. */
  INCIDENT_CHANNEL: z.string().min(1).optional(),
  /** Alertmanager's base URL (for /api/v2/alerts: truncated groups and reconciliation). */
  ALERTMANAGER_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** PagerDuty REST API token: incident notes, Acknowledge/Resolve buttons, reconciliation. */
  PAGERDUTY_API_TOKEN: z.string().min(1).optional(),
  PAGERDUTY_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.pagerduty.com'),
  /** `From` email for PagerDuty writes when the clicking user's email is unknown. */
  PAGERDUTY_FROM_EMAIL: z.email().optional(),
  /** Seconds after an incident's investigation starts during which new alerts of the group join it. */
  INCIDENT_JOIN_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86400).default(600),
  /** Seconds between reconciliation passes over open incidents. */
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86400).default(180),
};

/** Runbooks and triage rules (YAML), validated at start-up. */
const runbooks = {
  RUNBOOKS_DIR: z.string().min(1).default('runbooks'),
};

/** Workers post reports, so they need the bot token but not the signing secret. */
export const workerConfigSchema = z.object({ ...base, ...slackWebApi, ...incidents, ...runbooks, ...targets, ...workerHttp });
export const serveConfigSchema = z.object({ ...base, ...slackWebApi, ...bot, ...webhooks, ...incidents, ...runbooks, ...targets, ...queueBoard }).superRefine((c, ctx) => {
  if (!c.BULL_BOARD_USER !== !c.BULL_BOARD_PASSWORD) ctx.addIssue({ code: 'custom', path: [c.BULL_BOARD_USER ? 'BULL_BOARD_PASSWORD' : 'BULL_BOARD_USER'], message: 'required with the other (the queue UI needs both)' });
});
/** A terminal's output: any non-empty NO_COLOR (https://no-color.org) turns colour off. */
const terminal = {
  NO_COLOR: z.string().optional(),
};

export const cliConfigSchema = z.object({ ...base, ...runbooks, ...terminal });

export type WorkerConfig = z.infer<typeof workerConfigSchema>;
export type ServeConfig = z.infer<typeof serveConfigSchema>;
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** Parses `env` with `schema`; throws ConfigError listing every problem by variable name. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
}
