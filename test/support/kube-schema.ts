// Strict JSON Schemas of Kubernetes kinds, for checking rendered manifests without an API server.
// Built from @kubernetes/client-node's models, which OpenAPI Generator made from Kubernetes' own
// OpenAPI spec (release-1.36, stated in each model's header): every field with its JSON name and
// type, the required ones (a property without `?` in the model's .d.ts), and nothing else
// (additionalProperties: false, as yannh/kubernetes-json-schema's "-strict" schemas have it), so a
// misspelt or misplaced field fails as `kubectl apply --validate=strict` would. The same library is
// what the diagnostics read the API with. Resource quantities are strings in the spec (`cpu: "1"`,
// not `cpu: 1`); the API server also takes numbers, this check does not.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type Model = { getAttributeTypeMap(): Attribute[] };
type Schema = Record<string, unknown>;

const models = k8s as unknown as Record<string, Model | undefined>;
const modelsDir = join(dirname(fileURLToPath(import.meta.resolve('@kubernetes/client-node'))), 'gen', 'models');

/** The API version and kind of each model class used here; a kind missing from this table has no schema. */
const KINDS: Record<string, string> = {
  'v1/Namespace': 'V1Namespace',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/Service': 'V1Service',
  'v1/ConfigMap': 'V1ConfigMap',
  'apps/v1/Deployment': 'V1Deployment',
  'apps/v1/DaemonSet': 'V1DaemonSet',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

/** The OpenAPI spec version the models were generated from, as their headers state it. */
export function kubernetesSpecVersion(): string {
  const header = readFileSync(join(modelsDir, 'V1Deployment.js'), 'utf8');
  return /OpenAPI spec version: (\S+)/.exec(header)?.[1] ?? 'unknown';
}

/** Properties the model declares without `?` (required in the spec), by TypeScript name. */
function requiredNames(model: string): Set<string> {
  const dts = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  return new Set([...dts.matchAll(/^\s+'([^']+)':/gm)].map((m) => m[1]!));
}

/**
 * A JSON Schema document whose $defs hold every model reachable from the kinds in KINDS, and
 * whose `kinds` map `apiVersion/kind` to the $ref of that kind's definition.
 */
export function kubernetesSchemas(): { document: Schema; kinds: Record<string, string> } {
  const defs: Record<string, Schema> = {};

  function typeSchema(type: string, format: string): Schema {
    const t = type.trim();
    const array = /^Array<(.+)>$/.exec(t);
    if (array) return { type: 'array', items: typeSchema(array[1]!, format) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
    if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!, format) };
    if (t === 'string' || t === 'Date') return { type: 'string' };
    if (t === 'boolean') return { type: 'boolean' };
    if (t === 'number') return { type: format === 'int32' || format === 'int64' ? 'integer' : 'number' };
    if (t === 'IntOrString') return { type: ['integer', 'string'] };
    if (t === 'any') return {};
    define(t);
    return { $ref: `#/$defs/${t}` };
  }

  function define(model: string): void {
    if (defs[model]) return;
    const cls = models[model];
    if (!cls?.getAttributeTypeMap) throw new Error(`@kubernetes/client-node has no model ${model}`);
    const def: Schema = { type: 'object', additionalProperties: false };
    defs[model] = def; // before the properties: models refer to themselves (JSONSchemaProps)
    const required = requiredNames(model);
    const properties: Record<string, Schema> = {};
    const requiredJson: string[] = [];
    for (const a of cls.getAttributeTypeMap()) {
      properties[a.baseName] = typeSchema(a.type, a.format);
      if (required.has(a.name)) requiredJson.push(a.baseName);
    }
    def.properties = properties;
    if (requiredJson.length) def.required = requiredJson;
  }

  const kinds: Record<string, string> = {};
  for (const [key, model] of Object.entries(KINDS)) {
    define(model);
    const kind = key.slice(key.lastIndexOf('/') + 1);
    const apiVersion = key.slice(0, key.lastIndexOf('/'));
    const root = `${model}Object`;
    defs[root] = {
      allOf: [{ $ref: `#/$defs/${model}` }, { type: 'object', properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: { type: 'object' } }, required: ['apiVersion', 'kind', 'metadata'] }],
    };
    kinds[key] = `#/$defs/${root}`;
  }
  return { document: { $id: 'kubernetes', $defs: defs }, kinds };
}
