/**
 * Writes a provisioning plan into an output directory that may hold other people's files too
 * (a hand-written data source, the teams file itself). A manifest records which files the generator
 * owns: only those are ever overwritten or deleted, so removing a team from the teams file removes its
 * folder and nothing else. Node-only.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

export const MANIFEST_FILE = '.aisre-provision.json';
const MANIFEST_GENERATOR = 'aisre provision';

/** Writing would overwrite or delete something the generator does not own. */
export class OutputDirectoryError extends Error {}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

export interface WriteOptions {
  /** Overwrite files at generated paths even when an earlier run did not write them. */
  force?: boolean;
}

/** Write `files` (relative POSIX path -> content) into `outDir`, deleting what an earlier run owned and this one does not. */
export function writeProvisioning(outDir: string, files: Map<string, string>, options: WriteOptions = {}): WriteResult {
  const root = prepareRoot(outDir);
  const owned = readManifest(root);
  const target = (path: string) => insideRoot(root, path);
  // Every path is checked before anything is written: a refusal leaves the directory as it was.
  for (const path of [MANIFEST_FILE, ...files.keys(), ...owned]) {
    refuseSymlinks(root, path);
  }

  const foreign = [...files.keys()].filter((path) => {
    const file = target(path);
    return !owned.has(path) && existsSync(file) && readFileSync(file, 'utf8') !== files.get(path);
  });
  if (foreign.length > 0 && !options.force) {
    throw new OutputDirectoryError(
      `${outDir} already has ${foreign.join(', ')}, not written by aisre provision; ` +
        'move it away, or pass --force to overwrite'
    );
  }

  const result: WriteResult = { written: [], unchanged: [], removed: [] };
  for (const [path, content] of files) {
    const file = target(path);
    if (existsSync(file) && readFileSync(file, 'utf8') === content) {
      result.unchanged.push(path);
      continue;
    }
    makeDirectories(root, dirname(path));
    writeFileSync(file, content);
    result.written.push(path);
  }

  for (const path of [...owned].sort()) {
    if (files.has(path)) {
      continue;
    }
    const file = target(path);
    if (existsSync(file)) {
      unlinkSync(file);
      result.removed.push(path);
    }
    removeEmptyParents(root, dirname(file));
  }

  const manifest = `${JSON.stringify({ generator: MANIFEST_GENERATOR, files: [...files.keys()] }, null, 2)}\n`;
  const manifestFile = join(root, MANIFEST_FILE);
  if (!existsSync(manifestFile) || readFileSync(manifestFile, 'utf8') !== manifest) {
    writeFileSync(manifestFile, manifest);
  }
  return result;
}

/**
 * The output directory, created one level at a time (a recursive mkdir under /proc never returns), and
 * resolved through symlinks: the directory the user named may be a link, nothing inside it may be.
 */
function prepareRoot(outDir: string): string {
  const wanted = resolve(outDir);
  const missing: string[] = [];
  let existing = wanted;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  try {
    for (const dir of missing) {
      mkdirSync(dir);
    }
    const root = realpathSync(wanted);
    if (!lstatSync(root).isDirectory()) {
      throw Object.assign(new Error(), { code: 'ENOTDIR' });
    }
    return root;
  } catch (error) {
    throw new OutputDirectoryError(
      `cannot use ${outDir} as the output directory: ${(error as { code?: string }).code ?? String(error)}`
    );
  }
}

/** Refuses `path` under `root` when any existing part of it is a symlink: writing through one escapes the root. */
function refuseSymlinks(root: string, path: string): void {
  const parts = insideRelative(root, path).split(sep);
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return;
    }
    if (isLink) {
      throw new OutputDirectoryError(
        `refusing to write ${path}: ${relative(root, current)} in ${root} is a symlink, which could lead outside it`
      );
    }
  }
}

/** `dir` (relative) under `root`, made one level at a time; refuseSymlinks has checked its parts. */
function makeDirectories(root: string, dir: string): void {
  let current = root;
  for (const part of dir === '.' ? [] : normalize(dir).split(sep)) {
    current = join(current, part);
    if (!existsSync(current)) {
      mkdirSync(current);
    }
  }
}

/** The paths an earlier run wrote; a manifest that is not ours, or names paths outside the root, is refused. */
function readManifest(root: string): Set<string> {
  const file = join(root, MANIFEST_FILE);
  if (!existsSync(file)) {
    return new Set();
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new OutputDirectoryError(
      `${file} is not valid JSON; delete it only if nothing else in the directory matters`
    );
  }
  const { generator, files } = (manifest ?? {}) as { generator?: unknown; files?: unknown };
  if (generator !== MANIFEST_GENERATOR || !Array.isArray(files) || !files.every((f) => typeof f === 'string')) {
    throw new OutputDirectoryError(`${file} was not written by aisre provision`);
  }
  for (const path of files as string[]) {
    insideRoot(root, path);
  }
  return new Set(files as string[]);
}

/** The absolute path of `path` under `root`, refusing anything that would escape it. */
function insideRoot(root: string, path: string): string {
  return join(root, insideRelative(root, path));
}

function insideRelative(root: string, path: string): string {
  const rel = relative(root, resolve(root, path));
  if (isAbsolute(path) || rel === '' || rel.startsWith('..') || normalize(path).split(sep).includes('..')) {
    throw new OutputDirectoryError(`refusing to touch '${path}': it is not inside ${root}`);
  }
  return rel;
}

/** Remove directories left empty by deletions, up to but never including the root. */
function removeEmptyParents(root: string, dir: string) {
  let current = dir;
  while (current !== root && relative(root, current) !== '' && !relative(root, current).startsWith('..')) {
    if (!existsSync(current) || readdirSync(current).length > 0) {
      return;
    }
    rmdirSync(current);
    current = dirname(current);
  }
}
