import type { App } from '@slack/bolt';
import { debugCommand, type DebugCommandDeps } from './debug.ts';

export function register(app: App, deps: DebugCommandDeps): void {
  app.command('/debug', debugCommand(deps));
}
