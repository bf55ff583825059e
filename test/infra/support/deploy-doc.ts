/**
 * Reads the deploy commands out of docs/DEPLOY.md, so that a test (`deploy-variants.test.ts`) and
 * CI (`synth-deploy-doc.ts`, run by `.ci/run`) synthesize exactly what the doc tells a user to
 * paste. Strict on purpose: a command it does not understand (unknown `cdk` verb or option, an
 * unknown context key, an unterminated quote, a placeholder it cannot fill, a `file:` it has no
 * content for) throws with the doc line, instead of being skipped.
 *
 * What it reads:
 * - ```bash blocks: every line starting with `npx cdk` (backslash continuations joined), tokenized
 *   like a POSIX shell does (single/double quotes, `#` comments);
 * - ```json file=<name> blocks: the content of a file a command passes as `file:<name>`;
 * - the "Context keys" table: the keys in its first column.
 */
import { ORION_CONTEXT_KEYS } from '../../../lib/config/orion-config.ts';

/** Placeholders of the doc and the fixed values a test uses for them. */
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<account>': '123456789012',
  '<region>': 'eu-west-3',
};

/** One `npx cdk …` command of the doc. */
export interface DocCommand {
  /** 1-based line of the doc where the command starts. */
  readonly line: number;
  /** The command as written (continuations joined), before placeholder substitution. */
  readonly text: string;
  readonly verb: 'synth' | 'deploy' | 'bootstrap';
  /** `-c key=value` pairs, placeholders filled, in order. */
  readonly context: Readonly<Record<string, string>>;
  /** Names passed as `file:<name>` in context values. */
  readonly files: readonly string[];
  /** Other arguments (options, stack names, the bootstrap environment), placeholders filled. */
  readonly args: readonly string[];
}

/** What docs/DEPLOY.md documents. */
export interface DeployDoc {
  readonly commands: readonly DocCommand[];
  /** Contents of the ```json file=<name> blocks, placeholders filled. */
  readonly files: Readonly<Record<string, string>>;
  /** Keys listed in the "Context keys" table. */
  readonly contextKeys: readonly string[];
}

/** A doc line the parser refuses; the message names the line. */
export class DeployDocError extends Error {
  constructor(line: number, message: string) {
    super(`docs/DEPLOY.md line ${line}: ${message}`);
    this.name = 'DeployDocError';
  }
}

const VERBS = new Set(['synth', 'deploy', 'bootstrap']);
/** Options a documented command may use: name → takes a value. */
const OPTIONS: Readonly<Record<string, boolean>> = {
  '--quiet': false,
  '-q': false,
  '--all': false,
  '--require-approval': true,
  '--profile': true,
};

/**
 * Parses the markdown of docs/DEPLOY.md.
 * @example parseDeployDoc(readFileSync('docs/DEPLOY.md', 'utf8')).commands[0].verb // 'synth'
 */
export function parseDeployDoc(markdown: string): DeployDoc {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  const files: Record<string, string> = {};
  let i = 0;
  while (i < lines.length) {
    const fence = /^```(\S*)\s*(.*)$/.exec(lines[i] ?? '');
    if (!fence) {
      i += 1;
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end += 1;
    if (end >= lines.length) throw new DeployDocError(i + 1, 'unterminated code block');
    const body = lines.slice(start, end);
    const language = fence[1] ?? '';
    if (['bash', 'sh', 'shell'].includes(language)) commands.push(...parseShellBlock(body, start + 1));
    if (language === 'json') {
      const name = /(?:^|\s)file=(\S+)/.exec(fence[2] ?? '')?.[1];
      if (name) files[name] = fill(body.join('\n'), start + 1);
    }
    i = end + 1;
  }
  for (const command of commands) {
    for (const file of command.files) {
      if (!(file in files)) {
        throw new DeployDocError(
          command.line,
          `file:${file} has no \`\`\`json file=${file} block in the doc`,
        );
      }
    }
  }
  return { commands, files, contextKeys: contextTableKeys(lines) };
}

function parseShellBlock(body: readonly string[], firstLine: number): DocCommand[] {
  const commands: DocCommand[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const line = firstLine + i;
    let text = body[i] ?? '';
    while (text.endsWith('\\')) {
      i += 1;
      if (i >= body.length) throw new DeployDocError(line, 'backslash continuation at the end of the block');
      text = `${text.slice(0, -1)}${body[i]}`;
    }
    const tokens = tokenize(text, line);
    if (tokens.length === 0) continue;
    const isCdk = tokens[0] === 'npx' && tokens[1] === 'cdk';
    if (!isCdk) {
      if (tokens.includes('cdk'))
        throw new DeployDocError(line, `cdk must start the command: ${text.trim()}`);
      continue;
    }
    commands.push(parseCdkCommand(tokens.slice(2), text.trim(), line));
  }
  return commands;
}

function parseCdkCommand(tokens: readonly string[], text: string, line: number): DocCommand {
  const [verb, ...rest] = tokens;
  if (!verb || !VERBS.has(verb)) throw new DeployDocError(line, `unknown cdk command "${verb}": ${text}`);
  const context: Record<string, string> = {};
  const files: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const token = rest[i] as string;
    let assignment: string | undefined;
    if (token === '-c' || token === '--context') {
      assignment = rest[++i];
      if (assignment === undefined) throw new DeployDocError(line, `${token} without a value: ${text}`);
    } else if (token.startsWith('--context=')) {
      assignment = token.slice('--context='.length);
    }
    if (assignment !== undefined) {
      // The CDK CLI splits at the first '=' (the value may hold more).
      const eq = assignment.indexOf('=');
      if (eq <= 0) throw new DeployDocError(line, `context "${assignment}" is not key=value`);
      const key = assignment.slice(0, eq);
      if (!(ORION_CONTEXT_KEYS as readonly string[]).includes(key)) {
        throw new DeployDocError(line, `unknown context key "${key}" (not in ORION_CONTEXT_KEYS)`);
      }
      const value = fill(assignment.slice(eq + 1), line);
      if (value.startsWith('file:')) files.push(value.slice('file:'.length).replace(/^\.\//, ''));
      context[key] = value;
      continue;
    }
    if (token.startsWith('-')) {
      const [name] = token.split('=', 1);
      const takesValue = OPTIONS[name as string];
      if (takesValue === undefined) throw new DeployDocError(line, `unknown cdk option "${token}": ${text}`);
      args.push(token);
      if (takesValue && !token.includes('=')) {
        const value = rest[++i];
        if (value === undefined) throw new DeployDocError(line, `${token} without a value`);
        args.push(fill(value, line));
      }
      continue;
    }
    const positional = fill(token, line);
    const valid =
      verb === 'bootstrap'
        ? /^aws:\/\/\d{12}\/[a-z]{2}(-[a-z]+)+-\d$/.test(positional)
        : /^Orion-[a-z][a-z0-9-]*$/.test(positional);
    if (!valid) throw new DeployDocError(line, `unexpected argument "${token}" for cdk ${verb}: ${text}`);
    args.push(positional);
  }
  return { line, text, verb: verb as DocCommand['verb'], context, files, args };
}

/** Words of a shell line: quotes removed, `#` comments dropped; an unclosed quote throws. */
function tokenize(text: string, line: number): string[] {
  const tokens: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      if (current !== undefined) tokens.push(current);
      current = undefined;
    } else if (c === '#' && current === undefined) {
      break;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw unclosed(line);
      current = (current ?? '') + text.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j += 1) {
        if (text[j] === '\\' && j + 1 < text.length) j += 1;
        value += text[j];
      }
      if (j >= text.length) throw unclosed(line);
      current = (current ?? '') + value;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      current = (current ?? '') + text[i + 1];
      i += 1;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) tokens.push(current);
  return tokens;
}

function unclosed(line: number): DeployDocError {
  return new DeployDocError(
    line,
    'unterminated quote: a quoted value spans lines, and the CDK CLI keeps only the first line of a -c value (use one line or file:<path>)',
  );
}

/** Fills the known placeholders; any other `<…>` left is an error. */
function fill(text: string, line: number): string {
  let out = text;
  for (const [placeholder, value] of Object.entries(PLACEHOLDERS)) out = out.replaceAll(placeholder, value);
  const left = /<[a-zA-Z][\w-]*>/.exec(out);
  if (left)
    throw new DeployDocError(
      line,
      `unknown placeholder ${left[0]} (known: ${Object.keys(PLACEHOLDERS).join(', ')})`,
    );
  if (out.includes('…')) throw new DeployDocError(line, 'an elided value (…) cannot be synthesized');
  return out;
}

function contextTableKeys(lines: readonly string[]): string[] {
  const heading = lines.findIndex((l) => /^#+\s+Context keys\s*$/.test(l));
  if (heading < 0) throw new DeployDocError(0, 'no "Context keys" section');
  const keys: string[] = [];
  for (let i = heading + 1; i < lines.length; i += 1) {
    const l = lines[i] as string;
    if (/^#+\s/.test(l)) break;
    if (!l.startsWith('|')) {
      if (keys.length > 0) break;
      continue;
    }
    const first = l.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([^`]+)`/g)) keys.push(m[1] as string);
  }
  return keys;
}
