import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  brokenLinks,
  headingAnchors,
  markdownFiles,
  markdownLinks,
  repositoryFiles,
  RepositoryFiles,
  ROOT,
} from './support/markdown';

/**
 * Every relative link and image in the repository's Markdown files points to a file or directory
 * the repository has (a clone has nothing beside it: `../shared/API.md` is broken), and a
 * `#heading` to a heading its file has. http(s), mailto and other absolute links are not checked.
 */

const repository = repositoryFiles();
const files = markdownFiles(repository);

describe('Markdown links', () => {
  it('finds the Markdown files of the repository (git ls-files), the docs among them', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'bench/README.md',
        'docs/api.md',
        'docs/architecture.md',
        'docs/configuration.md',
      ]),
    );
  });

  it.each(files)('%s: every relative link points to something in the repository', (file) => {
    const markdown = readFileSync(join(ROOT, file), 'utf8');
    expect(brokenLinks(file, markdown, repository)).toEqual([]);
  });
});

describe('the link checker itself', () => {
  /** A made-up repository, so that these cases do not depend on the real one. */
  const sample: RepositoryFiles = {
    files: new Set(['README.md', 'docs/api.md', 'docs/picture.png', 'src/main.ts', '.env.example']),
    directories: new Set(['', 'docs', 'src']),
  };
  const api = '# HTTP API\n\n## Routes\n\n### `POST /auth/login`\n\n## Shapes: User & Post\n\n## Routes\n';
  const read = (path: string) => {
    if (path !== 'docs/api.md') throw new Error(`unexpected read of ${path}`);
    return api;
  };
  const check = (file: string, markdown: string) =>
    brokenLinks(file, markdown, sample, read).map(({ line, target, reason }) => `${line} ${target}: ${reason}`);

  it('reports links to files outside the repository or missing from it, with their line', () => {
    const markdown = [
      'The contract is [API.md](../shared/API.md), [config](../shared/CONFIG.md).',
      '![a picture](docs/missing.png) and [gone](docs/gone.md "title").',
      '',
      '[ref]: nowhere/at/all.md',
      '<img src="docs/nope.png" alt="nope">',
      '[root-relative](/docs/absent.md) [too far up](docs/../../README.md)',
    ].join('\n');

    expect(check('README.md', markdown)).toEqual([
      '1 ../shared/API.md: points outside the repository',
      '1 ../shared/CONFIG.md: points outside the repository',
      '2 docs/missing.png: points to nothing in the repository',
      '2 docs/gone.md: points to nothing in the repository',
      '4 nowhere/at/all.md: points to nothing in the repository',
      '5 docs/nope.png: points to nothing in the repository',
      '6 /docs/absent.md: points to nothing in the repository',
      '6 docs/../../README.md: points outside the repository',
    ]);
  });

  it('reports anchors that name no heading, here and in another Markdown file', () => {
    const markdown =
      '# Title\n\n[here](#title) [there](docs/api.md#routes) [nowhere](#no-such) [bad](docs/api.md#users)\n';

    expect(check('README.md', markdown)).toEqual([
      '3 #no-such: names no heading of README.md',
      '3 docs/api.md#users: names no heading of docs/api.md',
    ]);
  });

  it('accepts files, directories, relative paths from a subfolder, images and anchors that exist', () => {
    const markdown = [
      '[readme](README.md) [docs](docs/) [src](src) [main](src/main.ts#L1) [env](.env.example)',
      '![picture](docs/picture.png) [with a title](docs/api.md "The API") [angle](<docs/api.md>)',
      '[nested ![picture](docs/picture.png)](docs/api.md)',
      '[login](docs/api.md#post-authlogin) [shapes](docs/api.md#shapes-user--post) [again](docs/api.md#routes-1)',
    ].join('\n');

    expect(check('README.md', markdown)).toEqual([]);
    expect(check('docs/api.md', '# Self\n\n[up](../README.md) [sibling](picture.png) [self](#self)')).toEqual([]);
  });

  it('ignores absolute links, and links inside code', () => {
    const markdown = [
      '[site](https://example.com/missing.md) [mail](mailto:someone@example.com) <https://example.com>',
      '[protocol-relative](//example.com/x.md)',
      'Inline code: `[not a link](missing.md)` and ``[nor](this.md)``.',
      '```markdown',
      '[an example](missing.md)',
      '```',
      '<!-- [a comment](missing.md) -->',
    ].join('\n');

    expect(markdownLinks(markdown).map(({ target }) => target)).toEqual([
      'https://example.com/missing.md',
      'mailto:someone@example.com',
      '//example.com/x.md',
    ]);
    expect(check('README.md', markdown)).toEqual([]);
  });

  it("spells heading anchors as GitHub does: lower case, punctuation dropped, spaces to '-', repeats numbered", () => {
    const anchors = headingAnchors(
      [
        '# nest-dual-auth',
        '## A walk through with curl (session mode)',
        '## Deploying: docker compose',
        '### `AUTH_STRATEGY` and `JWT_REVOCATION`',
        '## Decisions where the contract is silent',
        '## Decisions where the contract is silent',
        '```',
        '# not a heading',
        '```',
      ].join('\n'),
    );

    expect([...anchors]).toEqual([
      'nest-dual-auth',
      'a-walk-through-with-curl-session-mode',
      'deploying-docker-compose',
      'auth_strategy-and-jwt_revocation',
      'decisions-where-the-contract-is-silent',
      'decisions-where-the-contract-is-silent-1',
    ]);
  });
});
