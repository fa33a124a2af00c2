// What a person can ask the bot to do from Slack, named for the access policy: each diagnostic,
// starting a runbook's checklist, pressing one of its steps, the incident buttons. Each action is
// read-only or changes something, and that class is what the default policy goes by. Pure.
//
// Decided here (the README says so too):
// - Every diagnostic is read-only: it observes (profile sends synthetic requests at the
//   concurrency asked — load, not a change — so a policy may still keep it to some people).
// - Starting a checklist, answering a check and an escalation are read-only: they post in Slack.
// - A manual step whose commands change the cluster (kubectl rollout undo, set env, scale,
//   delete, exec …, helm upgrade …) changes things: marking it done or skipped says a person
//   made or declined that change, so the policy decides who may. The bot never runs them.
// - PagerDuty Acknowledge and Resolve change the PagerDuty incident.
import type { DebugCommand } from '../command/debug-command.ts';
import type { PreparedStep } from '../runbooks/prepare-runbook.ts';

export type ActionClass = 'read-only' | 'changes';

export interface AccessAction {
  /** `diagnostic:health`, `runbook:high-latency`, `runbook:high-latency/roll-back`, `pagerduty:resolve`, `incident:reinvestigate`. */
  name: string;
  class: ActionClass;
  /** For an action that changes things: what it changes, said with a refusal. */
  changes?: string;
}

export const ACTION_KINDS = ['diagnostic', 'runbook', 'pagerduty', 'incident'] as const;

export const PAGERDUTY_ACTIONS: Record<'acknowledge' | 'resolve', AccessAction> = {
  acknowledge: { name: 'pagerduty:acknowledge', class: 'changes', changes: 'it acknowledges the PagerDuty incident' },
  resolve: { name: 'pagerduty:resolve', class: 'changes', changes: 'it resolves the PagerDuty incident' },
};

/** The incident parent's Re-investigate: the runbook's investigation again, with the alert's values. */
export const REINVESTIGATE_ACTION: AccessAction = { name: 'incident:reinvestigate', class: 'read-only' };

export function diagnosticAction(name: string): AccessAction {
  return { name: `diagnostic:${name}`, class: 'read-only' };
}

/** The actions a parsed `/debug` command asks for; none for help, status and the runbook list (they show, never start). */
export function commandActions(command: DebugCommand): AccessAction[] {
  if (command.kind === 'diagnostic') return [diagnosticAction(command.diagnostic.name)];
  if (command.kind === 'investigation') return unique(command.investigation.steps.map((s) => diagnosticAction(s.diagnostic.name)));
  if (command.kind === 'runbook') return [{ name: `runbook:${command.runbook.name}`, class: 'read-only' }];
  return [];
}

/**
 * Commands that change a cluster or a service, as runbooks write them for a person. Matched per
 * command up to a pipe or `;` (`kubectl logs … | grep delete` reads); the verb must stand alone.
 */
const CHANGING_COMMANDS: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /\bkubectl\b[^|;&]*?\s(rollout\s+(?:undo|restart|pause|resume))(?=\s|$)/, what: 'kubectl $1' },
  { pattern: /\bkubectl\b[^|;&]*?\s(apply|create|delete|edit|patch|replace|scale|autoscale|set|label|annotate|taint|cordon|uncordon|drain|expose|run|exec|cp)(?=\s|$)/, what: 'kubectl $1' },
  { pattern: /\bhelm\b[^|;&]*?\s(install|upgrade|rollback|uninstall|delete)(?=\s|$)/, what: 'helm $1' },
  { pattern: /(?:^|[\s;&|])(kill|pkill|killall|reboot|shutdown)(?=\s|$)/, what: '$1' },
  { pattern: /\bsystemctl\s+(restart|stop|start|reload|disable|enable)(?=\s|$)/, what: 'systemctl $1' },
  { pattern: /\bcurl\b[^|;&]*?\s(?:-X|--request)\s*(POST|PUT|PATCH|DELETE)\b/i, what: 'curl -X $1' },
];

/** The first command of `commands` that changes things, as its program and verb (`kubectl rollout undo`), or undefined. */
export function changingCommand(commands: readonly string[]): string | undefined {
  for (const command of commands) {
    for (const c of CHANGING_COMMANDS) {
      const m = c.pattern.exec(command);
      if (m) return c.what.replace('$1', m[1]!.replace(/\s+/g, ' '));
    }
  }
  return undefined;
}

/**
 * The actions a press of a checklist step asks for: the step itself, and for Run of a diagnostic
 * step the diagnostics its command runs (`stepDiagnostics`, as typing the command would).
 */
export function checklistStepActions(runbook: string, step: PreparedStep, stepDiagnostics: readonly AccessAction[] = []): AccessAction[] {
  const name = `runbook:${runbook}/${step.id}`;
  if (step.kind === 'manual') {
    const change = changingCommand(step.commands);
    return [change ? { name, class: 'changes', changes: `its commands change things (${change})` } : { name, class: 'read-only' }];
  }
  return unique([{ name, class: 'read-only' }, ...stepDiagnostics]);
}

function unique(actions: AccessAction[]): AccessAction[] {
  return [...new Map(actions.map((a) => [a.name, a])).values()];
}
