/**
 * A checkout of an earlier commit to measure beside the current tree: a detached git worktree of
 * that revision under `/tmp/orion-bench-baseline/<sha>` (reused when it is already there at that
 * commit), with the current repository's `node_modules` linked into it so it runs without an
 * install. The repository's own work tree is never touched.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Where baseline worktrees go, one folder per commit. */
export const BASELINE_WORKTREES_DIR = '/tmp/orion-bench-baseline';

/** A baseline checkout ready to run. */
export interface BaselineCheckout {
  /** The revision as asked (`HEAD~1`, a hash, a tag). */
  readonly rev: string;
  /** Full commit hash. */
  readonly sha: string;
  /** First line of its commit message. */
  readonly subject: string;
  /** The worktree's root. */
  readonly root: string;
  /** True when an existing worktree was reused. */
  readonly reused: boolean;
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/**
 * The commit hash and subject of `rev` in the repository at `repoRoot`.
 * @example commitOf('/work/main', 'HEAD') // { sha: '90259b2…', subject: 'Orders flow …' }
 */
export function commitOf(repoRoot: string, rev: string): { sha: string; subject: string } {
  const sha = git(repoRoot, ['rev-parse', '--verify', `${rev}^{commit}`]);
  return { sha, subject: git(repoRoot, ['log', '-1', '--format=%s', sha]) };
}

/** True when the repository's tracked files differ from HEAD (the current figures are then of uncommitted code). */
export function workTreeDirty(repoRoot: string): boolean {
  return git(repoRoot, ['status', '--porcelain', '--untracked-files=no']) !== '';
}

/**
 * A worktree of `rev` (under `dir`) with `node_modules` linked from `repoRoot`, made or reused.
 * @example const base = ensureBaselineWorktree('/work/main', 'HEAD~1'); base.root // '/tmp/orion-bench-baseline/379ad24…'
 */
export function ensureBaselineWorktree(
  repoRoot: string,
  rev: string,
  dir: string = BASELINE_WORKTREES_DIR,
): BaselineCheckout {
  const { sha, subject } = commitOf(repoRoot, rev);
  const root = join(dir, sha);
  let reused = false;
  if (existsSync(join(root, '.git'))) {
    if (git(root, ['rev-parse', 'HEAD']) !== sha)
      throw new Error(`${root} exists but is not at ${sha}; remove it (git worktree remove --force ${root})`);
    reused = true;
  } else {
    mkdirSync(dir, { recursive: true });
    // A folder left by a removed worktree would make `git worktree add` refuse; prune first.
    git(repoRoot, ['worktree', 'prune']);
    git(repoRoot, ['worktree', 'add', '--detach', '--force', root, sha]);
  }
  const modules = join(root, 'node_modules');
  if (!lstatSafe(modules)) symlinkSync(join(repoRoot, 'node_modules'), modules, 'dir');
  return { rev, sha, subject, root, reused };
}

function lstatSafe(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
