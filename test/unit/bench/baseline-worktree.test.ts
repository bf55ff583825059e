import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitOf, ensureBaselineWorktree, workTreeDirty } from '../../bench/support/baseline-worktree.ts';

/** A throwaway repository with two commits and a node_modules folder. */
function makeRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'orion-baseline-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      stdio: 'ignore',
    });
  git('init', '-q');
  writeFileSync(join(repo, 'file.txt'), 'one\n');
  git('add', 'file.txt');
  git('commit', '-q', '-m', 'first');
  writeFileSync(join(repo, 'file.txt'), 'two\n');
  git('commit', '-q', '-am', 'second');
  mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
  return repo;
}

describe('ensureBaselineWorktree', () => {
  const repo = makeRepo();
  const dir = mkdtempSync(join(tmpdir(), 'orion-baseline-wt-'));
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the previous commit out under <dir>/<sha> with node_modules linked, then reuses it', () => {
    const first = ensureBaselineWorktree(repo, 'HEAD~1', dir);
    expect(first).toMatchObject({ rev: 'HEAD~1', subject: 'first', reused: false });
    expect(first.sha).toBe(commitOf(repo, 'HEAD~1').sha);
    expect(first.root).toBe(join(dir, first.sha));
    expect(readFileSync(join(first.root, 'file.txt'), 'utf8')).toBe('one\n');
    expect(lstatSync(join(first.root, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(realpathSync(join(first.root, 'node_modules'))).toBe(realpathSync(join(repo, 'node_modules')));
    expect(existsSync(join(first.root, 'node_modules', 'pkg'))).toBe(true);

    const again = ensureBaselineWorktree(repo, 'HEAD~1', dir);
    expect(again).toMatchObject({ sha: first.sha, root: first.root, reused: true });
  });

  it('leaves the repository work tree as it was', () => {
    expect(readFileSync(join(repo, 'file.txt'), 'utf8')).toBe('two\n');
    expect(workTreeDirty(repo)).toBe(false);
    writeFileSync(join(repo, 'file.txt'), 'three\n');
    expect(workTreeDirty(repo)).toBe(true);
  });

  it('refuses a revision that does not exist', () => {
    expect(() => ensureBaselineWorktree(repo, 'HEAD~5', dir)).toThrow();
  });
});
