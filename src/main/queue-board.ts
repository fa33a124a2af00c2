// Bull Board, the queue UI, on the bot's own HTTP server at /queues: every queue under the prefix
// (found in Redis, so a node queue nobody reads shows too), its jobs, their data, results and
// failures. Behind basic auth (BULL_BOARD_USER / BULL_BOARD_PASSWORD; off unless both are set)
// and read-only: one shared login must not retry, clean or delete jobs that the access policy
// guards everywhere else, so only GET is routed and the board hides its action buttons.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { CustomRoute } from '@slack/bolt';
import type { Queue } from 'bullmq';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { basicAuthMatches, basicChallenge } from '../net/basic-auth.ts';

export const QUEUE_BOARD_PATH = '/queues';

export interface QueueBoardOptions {
  user: string;
  password: string;
  /** The queues to show, read on each visit (new node queues appear without a restart). */
  queues: () => Promise<Queue[]>;
  logger: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** The board's routes for Bolt's receivers (HTTP and Socket Mode both serve customRoutes). */
export function queueBoardRoutes(o: QueueBoardOptions): CustomRoute[] {
  const server = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  const board = createBullBoard({ queues: [], serverAdapter: server, options: { uiConfig: { boardTitle: 'infdbg queues' } } });
  const app = server.getRouter() as Handler;
  let shown = '';

  const handler: CustomRoute['handler'] = (req, res) => {
    if (!basicAuthMatches(req.headers.authorization, o.user, o.password)) {
      res.writeHead(401, { 'www-authenticate': basicChallenge('infdbg queues'), 'content-type': 'text/plain' }).end('authentication required\n');
      return;
    }
    const answer = async () => {
      const queues = await o.queues();
      const names = queues.map((q) => q.name).join('\n');
      if (names !== shown) {
        board.replaceQueues(queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })));
        shown = names;
      }
      // The board's routes are relative to where it is mounted.
      const rest = (req.url ?? QUEUE_BOARD_PATH).slice(QUEUE_BOARD_PATH.length);
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      app(req, res, (err) => {
        if (err) o.logger.warn('queue board: request failed', { error: oneLine(err) });
        if (!res.headersSent) res.writeHead(err ? 500 : 404, { 'content-type': 'text/plain' });
        res.end();
      });
    };
    answer().catch((err: unknown) => {
      o.logger.warn('queue board: queues unavailable', { error: oneLine(err) });
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('queues unavailable (is Redis up?)\n');
    });
  };
  return [{ path: `${QUEUE_BOARD_PATH}{/*rest}`, method: ['GET', 'HEAD'], handler }];
}
