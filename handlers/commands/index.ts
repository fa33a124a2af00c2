import type { App } from '@slack/bolt';
import { defaultAccessGate, type AccessDeps } from '../../src/policy/access-gate.ts';
import type { RequestDeps } from '../start-request.ts';
import { debugCommand } from './debug.ts';

export function register(app: App, deps: RequestDeps & AccessDeps): void {
  app.command('/debug', debugCommand(deps, deps.access ?? defaultAccessGate(deps.logger)));
}
