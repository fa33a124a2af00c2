// Reading golden sets: the onnx test-data convention (input_0.pb named by its TensorProto), .npy
// files named by index or by name, JSON cases with a declared dtype, and the mistakes a person
// makes (a ragged array, a wrong dtype name, a case without outputs) as one line each.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGolden } from '../../src/model/golden.ts';
import { toNumbers } from '../../src/model/host-tensor.ts';
import type { TensorSignature } from '../../src/model/onnx-model.ts';

const DIR = 'test/fixtures/model/golden-v1';
const INPUTS: TensorSignature[] = [{ name: 'x', type: 'float32', dims: ['N', 4] }];
const OUTPUTS: TensorSignature[] = [{ name: 'probs', type: 'float32', dims: ['N', 3] }];
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'infdbg-golden-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readGolden', () => {
  it('reads the three cases of the fixture set, each with its tensors under the model names', async () => {
    const cases = await readGolden(DIR, INPUTS, OUTPUTS);
    expect(cases.map((c) => [c.name, Object.keys(c.inputs), Object.keys(c.outputs), c.inputs.x!.dims])).toEqual([
      ['json-0', ['x'], ['probs'], [2, 4]],
      ['case-npy', ['x'], ['probs'], [3, 4]],
      ['test_data_set_0', ['x'], ['probs'], [5, 4]],
    ]);
    // Softmax rows sum to 1 in every stored expectation (numpy wrote them).
    for (const c of cases) {
      const p = toNumbers(c.outputs.probs!);
      for (let r = 0; r < p.length / 3; r++) expect(p[3 * r]! + p[3 * r + 1]! + p[3 * r + 2]!).toBeCloseTo(1, 5);
    }
  });

  it('maps input_0.npy / output_0.npy to the model\'s first input and output', async () => {
    const dir = join(tmp, 'by-index', 'case-a');
    await mkdir(dir, { recursive: true });
    await copyFile(`${DIR}/case-npy/input_x.npy`, join(dir, 'input_0.npy'));
    await copyFile(`${DIR}/case-npy/output_probs.npy`, join(dir, 'output_0.npy'));
    const [c] = await readGolden(join(tmp, 'by-index'), INPUTS, OUTPUTS);
    expect(Object.keys(c!.inputs)).toEqual(['x']);
    expect(Object.keys(c!.outputs)).toEqual(['probs']);
  });

  it('takes a declared dtype in JSON and refuses what it cannot read, in one line', async () => {
    const ok = join(tmp, 'typed.json');
    await writeFile(ok, JSON.stringify({ inputs: { x: { dims: [1, 4], data: [1, 2, 3, 4], dtype: 'float32' } }, outputs: { probs: [[0.2, 0.3, 0.5]] } }));
    const [c] = await readGolden(ok, INPUTS, OUTPUTS);
    expect(c!.inputs.x).toMatchObject({ dtype: 'float32', dims: [1, 4] });
    const bad: Array<[unknown, RegExp]> = [
      [{ inputs: { x: [[1, 2], [3]] }, outputs: { probs: [1] } }, /case 'bad' inputs 'x' is a ragged array/],
      [{ inputs: { x: { data: [1], dtype: 'float8' } }, outputs: { probs: [1] } }, /dtype "float8" is not one of/],
      [{ inputs: { x: [1, 2, 3, 4] }, outputs: {} }, /case 'bad' has no expected outputs/],
      [{ inputs: { x: { dims: [2, 2], data: [1, 2, 3] } }, outputs: { probs: [1] } }, /has 3 values for dims \[2, 2\] \(4 expected\)/],
    ];
    for (const [json, message] of bad) {
      const file = join(tmp, 'bad.json');
      await writeFile(file, JSON.stringify(json));
      await expect(readGolden(file, INPUTS, OUTPUTS)).rejects.toThrow(message);
    }
    await writeFile(join(tmp, 'broken.json'), '{"inputs": ');
    await expect(readGolden(join(tmp, 'broken.json'), INPUTS, OUTPUTS)).rejects.toThrow(/--golden .*broken\.json: not JSON/);
  });
});
