// Observation names every diagnostic may share: what the target is (so a cause's next step can
// name it) and what a person or an alert said is wrong (so symptoms weigh in the ranking).
import type { ObservationVocabulary } from './observation.ts';

export const TARGET_VOCABULARY = {
  'target.url': { unit: 'label', description: 'the service URL as shown to people (no credentials)' },
  'target.namespace': { unit: 'label', description: 'Kubernetes namespace of the target' },
  'target.pod': { unit: 'label', description: 'pod name of the target' },
  'target.deployment': { unit: 'label', description: 'deployment name of the target' },
  'target.node': { unit: 'label', description: 'Kubernetes node (GPU node) of the target' },
  'target.model': { unit: 'label', description: 'model file or URL' },
  'symptom.reported': { unit: 'label', description: 'a symptom word from the person or alert: slow, p99, errors, oom, restarts, accuracy, wrong, down' },
  'symptom.category': { unit: 'label', description: 'the kind of problem the symptom words name (src/triage/plans.yaml): latency, latency-variance, errors, memory, availability, accuracy, wrong-model' },
} as const satisfies ObservationVocabulary;
