// The access policy at the edge: the bot's handlers ask it before anything is enqueued, posted or
// changed, and write their audit line through it. It reads the user's Slack user groups only when
// a rule that could decide the request names groups (cached; src/slack/user-groups.ts).
import type { Logger } from '../core/logger.ts';
import { UserGroupDirectory, type UserGroup } from '../slack/user-groups.ts';
import { audited, type Audit, type AuditFacts } from './audit.ts';
import { DEFAULT_ACCESS_POLICY, decideAccess, needsGroups, refusalText, type AccessPolicy, type AccessRequest, type Membership } from './access-policy.ts';

export interface AccessGateOptions {
  policy: AccessPolicy;
  /** Membership for rules with `groups`; absent: such rules cannot be proven (an allow does not apply, a deny refuses). */
  groups?: Pick<UserGroupDirectory, 'membership'>;
  /** Where audit lines go (the bot's JSON logger). */
  logger: Logger;
}

export class AccessGate {
  readonly policy: AccessPolicy;
  private readonly o: AccessGateOptions;

  constructor(options: AccessGateOptions) {
    this.o = options;
    this.policy = options.policy;
  }

  /** The refusal to show (the rule named), or undefined when allowed; the deciding rule goes on the audit line. */
  async refusal(request: AccessRequest, audit?: Audit): Promise<string | undefined> {
    if (!request.actions.length) return undefined;
    let membership: Membership = { groups: [] };
    if (needsGroups(this.policy, request)) membership = this.o.groups ? await this.o.groups.membership(request.user) : { unknown: 'user groups are not read in this process' };
    const decision = decideAccess(this.policy, request, membership);
    if (decision.allowed) {
      audit?.rule(decision.rules.join(','));
      return undefined;
    }
    audit?.rule(decision.rule);
    audit?.outcome('not_allowed');
    audit?.note({ action: decision.action.name });
    return refusalText(this.policy, decision);
  }

  /** Runs a handler with its one audit line. */
  audited(facts: AuditFacts, handle: (audit: Audit) => Promise<void>): Promise<void> {
    return audited(this.o.logger, facts, handle);
  }
}

/** The gate of a bot started without INFDBG_POLICY (and of tests that do not give one): read-only actions for everybody. */
export function defaultAccessGate(logger: Logger): AccessGate {
  return new AccessGate({ policy: DEFAULT_ACCESS_POLICY, logger });
}

/** A gate whose group rules are resolved with usergroups.list (webClientUserGroups), cached a minute. */
export function accessGate(o: { policy: AccessPolicy; userGroups: () => Promise<UserGroup[]>; logger: Logger }): AccessGate {
  return new AccessGate({ policy: o.policy, groups: new UserGroupDirectory(o.userGroups, o.logger), logger: o.logger });
}

/** What the bot's handlers take: the gate; absent = defaultAccessGate over the handlers' logger. */
export interface AccessDeps {
  access?: AccessGate | undefined;
}
