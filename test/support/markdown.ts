import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';

/**
 * What the repository's Markdown files say, read the way GitHub renders them, closely enough to
 * check them: links and images, heading anchors, table rows. Shared by test/markdown-links.spec.ts
 * and test/docs-coverage.spec.ts.
 */

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..');

/** One link or image destination, as written, with the line it is on (1-based). */
export interface MarkdownLink {
  target: string;
  line: number;
}

/** A link that points nowhere: which file, which line, what it says, and why it is broken. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** An opening code fence: three or more backticks or tildes, indented at most three spaces. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The text with its fenced code blocks blanked out, line numbers kept. */
function withoutFencedCode(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const opening = FENCE.exec(line);
      if (fence === undefined) {
        if (!opening) return line;
        fence = opening[1];
        return '';
      }
      // A closing fence: the same character, at least as long, and nothing else on the line.
      if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length && line.trim() === opening[1]) {
        fence = undefined;
      }
      return '';
    })
    .join('\n');
}

const blank = (text: string) => text.replace(/[^\n]/g, ' ');

/**
 * Code spans blanked out, backticks included (CommonMark: a run of n backticks up to the next
 * run of exactly n). Blanked, not deleted, so that the brackets around one stay a link:
 * [`Post`](#post).
 */
function withoutCodeSpans(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      out += text[i++];
      continue;
    }
    let n = 0;
    while (text[i + n] === '`') n++;
    const run = '`'.repeat(n);
    let close = text.indexOf(run, i + n);
    while (close >= 0 && text[close + n] === '`') {
      let after = close;
      while (text[after] === '`') after++;
      close = text.indexOf(run, after);
    }
    if (close < 0) {
      out += run; // no closing run: literal backticks
      i += n;
      continue;
    }
    out += blank(text.slice(i, close + n));
    i = close + n;
  }
  return out;
}

/**
 * The text with what GitHub does not read as Markdown blanked out, line numbers kept: fenced
 * code blocks, code spans and HTML comments. A `[x](y)` in code is an example, not a link.
 */
export function proseOf(markdown: string): string {
  return withoutCodeSpans(withoutFencedCode(markdown)).replace(/<!--[\s\S]*?-->/g, blank);
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where the `[` that a `]` at `close` closes is, or -1: brackets balance, backslash escapes
 * count for nothing, and a link's text does not span a blank line.
 */
function openingBracket(text: string, close: number): number {
  let depth = 0;
  for (let i = close - 1; i >= 0; i--) {
    const char = text[i];
    if (char === '\n' && text[i - 1] === '\n') return -1;
    if (text[i - 1] === '\\') continue;
    if (char === ']') depth++;
    else if (char === '[') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/**
 * The destination of an inline link that starts at `start` (just after `](`), or undefined:
 * `<anything but >>` or a run without spaces in which parentheses balance, then an optional
 * title, then `)`.
 */
function destinationAt(text: string, start: number): string | undefined {
  const rest = text.slice(start);
  const match =
    /^[ \t]*(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))(?:[ \t\n]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*\)/.exec(
      rest,
    );
  if (!match) return undefined;
  return match[1] ?? match[2];
}

/** Every link and image destination of a Markdown text: inline, reference definitions, HTML `href`/`src`. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const text = proseOf(markdown);
  const links: MarkdownLink[] = [];
  for (let i = text.indexOf(']('); i >= 0; i = text.indexOf('](', i + 1)) {
    if (openingBracket(text, i) < 0) continue;
    const target = destinationAt(text, i + 2);
    if (target !== undefined) links.push({ target, line: lineAt(text, i) });
  }
  for (const match of text.matchAll(/^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm)) {
    links.push({ target: match[1].replace(/^<(.*)>$/, '$1'), line: lineAt(text, match.index) });
  }
  for (const match of text.matchAll(/<(?:a|img|source)\b[^>]*?\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    links.push({ target: match[1] ?? match[2], line: lineAt(text, match.index) });
  }
  return links.sort((a, b) => a.line - b.line);
}

/**
 * GitHub's anchor for a heading (github-slugger): the text as rendered, lower-cased, without
 * punctuation other than `-` and `_`, spaces made `-`; a repeated heading gets `-1`, `-2`…
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFencedCode(markdown).split('\n')) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image reads as its text
      .replace(/<[^>]+>/g, '') // HTML tags are not text
      .replace(/`/g, ''); // a code span reads as its text
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  // Explicit anchors: <a name="x"></a>, id="x".
  for (const match of markdown.matchAll(/<[a-z][^>]*?\s(?:name|id)\s*=\s*"([^"]+)"/gi)) anchors.add(match[1]);
  return anchors;
}

/** Links whose scheme says they leave the repository (http:, https:, mailto:…) or that are protocol-relative. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** The repository as a clone would have it: tracked files, and new ones git does not ignore. */
export interface RepositoryFiles {
  files: ReadonlySet<string>;
  directories: ReadonlySet<string>;
}

export function repositoryFiles(root = ROOT): RepositoryFiles {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) {
    // Loud, never a skip: without git this check cannot tell what the repository holds.
    throw new Error(`git ls-files failed in ${root}: ${listed.error?.message ?? listed.stderr}`);
  }
  const files = new Set(
    listed.stdout
      .split('\0')
      .filter((file) => file !== '')
      // Deleted in the work tree but still in the index: a commit would not have it.
      .filter((file) => existsSync(join(root, file))),
  );
  const directories = new Set<string>(['']);
  for (const file of files) {
    for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) directories.add(dir);
  }
  return { files, directories };
}

/** The Markdown files of the repository, relative to its root. */
export function markdownFiles(repository: RepositoryFiles): string[] {
  return [...repository.files].filter((file) => file.toLowerCase().endsWith('.md')).sort();
}

/**
 * The relative links of `markdown` (the text of `file`, a path relative to the root) that point
 * to no file or directory of the repository, or to a heading its target does not have.
 * `readMarkdown` reads another Markdown file of the repository, for its headings.
 */
export function brokenLinks(
  file: string,
  markdown: string,
  repository: RepositoryFiles,
  readMarkdown: (path: string) => string = (path) => readFileSync(join(ROOT, path), 'utf8'),
): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const { target, line } of markdownLinks(markdown)) {
    const problem = (reason: string) => broken.push({ file, line, target, reason });
    if (target === '' || isExternal(target)) continue;
    const hash = target.indexOf('#');
    const rawPath = (hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, '');
    const anchor = hash < 0 ? undefined : target.slice(hash + 1);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      problem('is not a valid URL path');
      continue;
    }
    let resolved = file;
    if (path !== '') {
      const joined = path.startsWith('/') ? posix.normalize(path.slice(1)) : posix.join(posix.dirname(file), path);
      resolved = posix.normalize(joined).replace(/\/$/, '');
      if (resolved === '.') resolved = '';
      if (resolved === '..' || resolved.startsWith('../')) {
        problem('points outside the repository');
        continue;
      }
      if (!repository.files.has(resolved) && !repository.directories.has(resolved)) {
        problem('points to nothing in the repository');
        continue;
      }
    }
    if (anchor && resolved.toLowerCase().endsWith('.md') && repository.files.has(resolved)) {
      const text = resolved === file ? markdown : readMarkdown(resolved);
      if (!headingAnchors(text).has(decodeURIComponent(anchor).toLowerCase())) {
        problem(`names no heading of ${resolved}`);
      }
    }
  }
  return broken;
}

/**
 * The rows of every table whose header's first cell is `firstHeader`, as trimmed cells (`\|`
 * is a pipe inside a cell). The header and the delimiter row are left out.
 */
export function tableRows(markdown: string, firstHeader: string): string[][] {
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/(?<!\\)\|$/, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|'));
  const rows: string[][] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim().startsWith('|') || cells(lines[i])[0] !== firstHeader) continue;
    if (!/^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) continue;
    for (i += 2; i < lines.length && lines[i].trim().startsWith('|'); i++) rows.push(cells(lines[i]));
  }
  return rows;
}
