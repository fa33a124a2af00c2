// The Markdown report as a terminal shows it: columns aligned whatever the characters (wide ones
// take two cells), numbers right-aligned, markup gone, colour only when asked for.
import { describe, expect, it } from 'vitest';
import { displayWidth, renderTerminal } from '../../src/report/render-terminal.ts';

const md = `# drift a → b

**Severity:** WARNING · diagnostic \`drift\`

## Features

| feature | p-value | note |
| --- | --- | --- |
| 年齢 | 0.5 | a \\| b |
| income | 12.25 | |

- **age**: shifted **(critical)**
   - for: x
`;

describe('renderTerminal', () => {
  it('aligns table columns by display width and right-aligns numbers', () => {
    const lines = renderTerminal(md).split('\n');
    const header = lines.find((l) => l.includes('feature'))!;
    const wide = lines.find((l) => l.includes('年齢'))!;
    const narrow = lines.find((l) => l.includes('income'))!;
    expect(displayWidth(wide.slice(0, wide.indexOf('0.5') + 3))).toBe(displayWidth(narrow.slice(0, narrow.indexOf('12.25') + 5)));
    expect(displayWidth(header.slice(0, header.indexOf('note')))).toBe(displayWidth(wide.slice(0, wide.indexOf('a | b'))));
    expect(wide).toContain('a | b');
  });

  it('drops the markup and writes no escape code without colour', () => {
    const out = renderTerminal(md);
    expect(out).not.toMatch(/\*\*|`|^#|\x1b/m); // eslint-disable-line no-control-regex
    expect(out).toMatch(/^drift a → b\n═+$/m);
    expect(out).toMatch(/^• age: shifted \(critical\)$/m);
    expect(out).toMatch(/^ {3}· for: x$/m);
  });

  it('colours severities when asked', () => {
    const out = renderTerminal(md, { color: true });
    expect(out).toContain('\x1b[1;33mWARNING\x1b[0m');
    expect(out).toContain('\x1b[1;31m(critical)\x1b[0m');
  });
});
