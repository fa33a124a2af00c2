import type { App } from '@slack/bolt';
import type { RequestDeps } from '../start-request.ts';
import { debugCommand } from './debug.ts';

export function register(app: App, deps: RequestDeps): void {
  app.command('/debug', debugCommand(deps));
}
