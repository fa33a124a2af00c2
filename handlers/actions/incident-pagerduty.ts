// The incident thread's Acknowledge and Resolve buttons: act on the PagerDuty incident through
// PagerDuty's REST API as the person who clicked (their Slack profile email as PagerDuty's `From`,
// which needs the users:read.email scope; else PAGERDUTY_FROM_EMAIL), then say in the thread who
// did it. The incident's own status follows from PagerDuty's webhook for the change (and from
// reconciliation if that webhook is lost). Both change the incident, so the access policy must
// allow them (src/policy/access-actions.ts) before PagerDuty is asked anything. A failure or a
// refusal is an ephemeral line to the clicker; every click leaves one audit line.
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs, webApi } from '@slack/bolt';
import { oneLine } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/logger.ts';
import { PAGERDUTY_ACKNOWLEDGE_ACTION_ID, PAGERDUTY_RESOLVE_ACTION_ID, parsePagerDutyButtonValue } from '../../src/pagerduty/incident-buttons.ts';
import type { PagerDutyIncidentState, PagerDutyRestClient } from '../../src/pagerduty/rest-client.ts';
import { PAGERDUTY_ACTIONS } from '../../src/policy/access-actions.ts';
import type { AccessGate } from '../../src/policy/access-gate.ts';
import type { Audit } from '../../src/policy/audit.ts';

export interface PagerDutyActionDeps {
  /** The REST client; absent when PAGERDUTY_API_TOKEN is not set (the buttons then answer that write-back is off). */
  pagerduty?: Pick<PagerDutyRestClient, 'getIncident' | 'acknowledge' | 'resolve'> | undefined;
  logger: Logger;
  /** Counts outcomes for /metrics. */
  count(outcome: string): void;
}

type Kind = 'acknowledge' | 'resolve';
const PAST: Record<Kind, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };
const EMOJI: Record<Kind, string> = { acknowledge: ':large_orange_circle:', resolve: ':large_green_circle:' };

function incidentName(state: Pick<PagerDutyIncidentState, 'id' | 'number'>): string {
  return state.number !== undefined ? `#${state.number} (${state.id})` : state.id;
}

/** The clicker's email (no users:read.email scope, a bot or an error: none) and name, from users.info. */
async function clicker(client: webApi.WebClient, user: string, logger: Logger): Promise<{ email?: string; name?: string }> {
  try {
    const info = await client.users.info({ user });
    const email = info.user?.profile?.email || undefined;
    const name = info.user?.real_name || info.user?.name || undefined;
    return { ...(email ? { email } : {}), ...(name ? { name } : {}) };
  } catch (err) {
    logger.debug('pagerduty button: no email for the clicking user, using PAGERDUTY_FROM_EMAIL', { user, error: oneLine(err) });
    return {};
  }
}

function pagerDutyAction(kind: Kind, deps: PagerDutyActionDeps, access: AccessGate, inFlight: Set<string>) {
  return async (args: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await args.ack();
    const channel = args.body.channel?.id ?? args.body.container.channel_id ?? '';
    await access.audited({ kind: 'button', user: args.body.user.id, channel, command: `pagerduty ${kind} ${args.action.value ?? ''}` }, (audit) => press(kind, deps, access, inFlight, audit, args));
  };
}

async function press(kind: Kind, deps: PagerDutyActionDeps, access: AccessGate, inFlight: Set<string>, audit: Audit, { body, action, respond, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> {
  const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
  const notAllowed = await access.refusal({ user: body.user.id, channel: body.channel?.id ?? body.container.channel_id ?? '', actions: [PAGERDUTY_ACTIONS[kind]] }, audit);
  if (notAllowed) {
    deps.count('not_allowed');
    return void (await reply(`${notAllowed} Nothing changed in PagerDuty.`));
  }
  audit.outcome('write_back_off');
  if (!deps.pagerduty) return void (await reply(':x: PagerDuty write-back is off here (PAGERDUTY_API_TOKEN is not set); act in PagerDuty itself.'));
  const id = parsePagerDutyButtonValue(action.value);
  audit.outcome('invalid_button');
  if (!id) return void (await reply(':x: This button does not name a PagerDuty incident.'));
  audit.outcome('in_flight');
  // One click at a time per incident: a double click is answered, not sent twice.
  if (inFlight.has(id)) return void (await reply(`:hourglass: A change to PagerDuty incident ${id} is already on its way.`));
  inFlight.add(id);
  try {
    const current = await deps.pagerduty.getIncident(id);
    audit.outcome('unchanged');
    if (current.status === 'resolved') {
      // Acknowledging a resolved incident would reopen it (PagerDuty's PUT semantics): never from a stale button.
      return void (await reply(`PagerDuty incident ${incidentName(current)} is already resolved${current.lastStatusChangeBy ? ` by ${current.lastStatusChangeBy}` : ''}; nothing changed.`));
    }
    if (kind === 'acknowledge' && current.status === 'acknowledged') {
      const by = current.acknowledgedBy.at(-1);
      return void (await reply(`PagerDuty incident ${incidentName(current)} is already acknowledged${by ? ` by ${by}` : ''}.`));
    }
    const who = await clicker(client, body.user.id, deps.logger);
    // PagerDuty's Resolve log entry names the person even when From is the shared fallback.
    const resolution = `Resolved from Slack by ${who.name ?? body.user.id}`;
    const after = kind === 'acknowledge' ? await deps.pagerduty.acknowledge(id, who.email) : await deps.pagerduty.resolve(id, who.email, resolution);
    deps.count(`pagerduty_${kind}`);
    audit.outcome(PAST[kind]);
    const line = `${EMOJI[kind]} <@${body.user.id}> ${PAST[kind]} PagerDuty incident ${incidentName(after)}.`;
    const channel = body.channel?.id;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const threadTs = message?.thread_ts ?? message?.ts ?? body.container.message_ts;
    if (!channel || !threadTs) return void (await reply(line));
    try {
      await client.chat.postMessage({ channel, thread_ts: threadTs, text: line });
    } catch (err) {
      deps.logger.warn('pagerduty button: thread reply failed', { channel, error: oneLine(err) });
      await reply(`${line} (I could not post this in the thread: ${oneLine(err)})`);
    }
  } catch (err) {
    deps.count(`pagerduty_${kind}_failed`);
    audit.outcome('failed');
    audit.note({ error: oneLine(err) });
    deps.logger.warn('pagerduty button: failed', { incident: id, action: kind, error: oneLine(err) });
    await reply(`:x: PagerDuty incident ${id} was not ${PAST[kind]}: ${oneLine(err)}`);
  } finally {
    inFlight.delete(id);
  }
}

/** Registers both buttons (always: a message posted while write-back was on may outlive it). */
export function registerPagerDutyActions(app: App, deps: PagerDutyActionDeps, access: AccessGate): void {
  const inFlight = new Set<string>();
  app.action<BlockButtonAction>(PAGERDUTY_ACKNOWLEDGE_ACTION_ID, pagerDutyAction('acknowledge', deps, access, inFlight));
  app.action<BlockButtonAction>(PAGERDUTY_RESOLVE_ACTION_ID, pagerDutyAction('resolve', deps, access, inFlight));
}
