// The report in a terminal (`infdbg … --format tty`, the default when stdout is a terminal): the
// Markdown of render-markdown.ts rendered — headings set off, tables aligned in columns, bold and
// code shown as such instead of `**` and backticks, severities in colour. Without colour
// (NO_COLOR, https://no-color.org) the layout stays and no escape code is written. Pure: text in, text out.

export interface TerminalOptions {
  /** ANSI colour and bold. Default false. */
  color?: boolean;
}

/** An SGR escape sequence (colour, bold), which takes no room on screen. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const stripSgr = (s: string) => s.replace(SGR, '');

const SEVERITY_COLOR: Record<string, string> = { critical: '31', warning: '33', ok: '32', info: '36' };

function sgr(code: string, text: string, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** Columns a string takes on screen: escape codes take none, wide (CJK, emoji) characters two. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of stripSgr(s)) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x300 && cp < 0x370) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    width += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff) ? 2 : 1;
  }
  return width;
}

/** Bold, code and severity words of one line of Markdown. */
function inline(text: string, color: boolean): string {
  return text
    .replace(/`([^`]+)`/g, (_, code: string) => sgr('36', code, color))
    .replace(/\*\*([^*]+)\*\*/g, (_, strong: string) => {
      const severity = /^\((critical|warning)\)$/.exec(strong);
      return severity ? sgr(`1;${SEVERITY_COLOR[severity[1]!]}`, strong, color) : sgr('1', strong, color);
    })
    .replace(new RegExp(`(Severity:(?:${String.fromCharCode(27)}\\[0m)? )(CRITICAL|WARNING|OK|INFO)\\b`), (_, lead: string, level: string) => lead + sgr(`1;${SEVERITY_COLOR[level.toLowerCase()]}`, level, color));
}

/** Cells of a `| a | b |` row; `\|` is a pipe inside a cell. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

const NUMBER = /^[-+]?[\d,]*\.?\d+(?:e[-+]?\d+)?\s*(?:%|ms|s|MiB|GiB|MB|GB|×)?$/i;

function table(lines: string[], color: boolean): string[] {
  const rows = lines.filter((l) => !/^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(l.trim())).map((l) => cells(l).map((c) => inline(c, color)));
  const [header, ...body] = rows;
  if (!header) return [];
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  const numeric = widths.map((_, i) => body.length > 0 && body.every((r) => r[i] === undefined || r[i] === '' || NUMBER.test(stripSgr(r[i]!))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - displayWidth(s));
    return numeric[i] ? fill + s : s + fill;
  };
  const line = (r: string[]) => '  ' + widths.map((_, i) => pad(r[i] ?? '', i)).join('  ').trimEnd();
  return [sgr('1', line(header), color), '  ' + widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)];
}

/** Renders the Markdown of render-markdown.ts for a terminal. */
export function renderTerminal(markdown: string, options: TerminalOptions = {}): string {
  const color = options.color ?? false;
  const lines = markdown.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimStart().startsWith('|')) {
      const block: string[] = [];
      while (i < lines.length && lines[i]!.trimStart().startsWith('|')) block.push(lines[i++]!);
      i--;
      out.push(...table(block, color));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const text = inline(heading[2]!, false);
      if (level === 1) out.push(sgr('1;4', text, color), ...(color ? [] : ['═'.repeat(displayWidth(text))]));
      else if (level === 2) out.push(sgr('1', text, color), ...(color ? [] : ['─'.repeat(displayWidth(text))]));
      else out.push(sgr('1', text, color));
      continue;
    }
    const bullet = /^(\s*)[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1]}${bullet[1]!.length ? '·' : '•'} ${inline(bullet[2]!, color)}`);
      continue;
    }
    out.push(inline(line, color));
  }
  return `${out.join('\n')}\n`;
}
