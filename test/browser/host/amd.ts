/**
 * A minimal AMD loader for the host page: enough of what Grafana's SystemJS (with its AMD extra) does for
 * a plugin's `module.js`. A registry of the shared modules the host supplies; `define([deps], factory)`
 * resolves each dependency from it, and the special `module` dependency carries the script's URL as
 * `uri`, from which the plugin computes its webpack public path (and so where its lazy chunks load from).
 */

type Factory = (...deps: unknown[]) => unknown;

interface PendingDefinition {
  deps: string[];
  factory: Factory | unknown;
}

/** Thrown when a plugin asks for modules the host does not supply: the list names all of them. */
class MissingSharedModuleError extends Error {}

export class AmdRegistry {
  private readonly modules = new Map<string, unknown>();
  private readonly explanations = new Map<string, string>();
  private readonly definitions = new Map<string, PendingDefinition>();
  private readonly loaded = new Map<string, Promise<unknown>>();

  /** Supplies `name` to plugins: the value the factory receives for that dependency. */
  provide(name: string, value: unknown): void {
    this.modules.set(name, value);
  }

  /** Refuses `name` with a reason (e.g. a module Grafana supplies in a version this host cannot). */
  refuse(name: string, reason: string): void {
    this.explanations.set(name, reason);
  }

  names(): string[] {
    return [...this.modules.keys()].sort();
  }

  /** Installs the global `define` (and `require`) that plugin scripts call. */
  install(target: Window): void {
    const define = (...args: unknown[]) => this.define(args);
    Object.assign(define, { amd: {} });
    Object.assign(target, { define, require: (deps: string[], callback: Factory) => this.require(deps, callback) });
  }

  /** Loads an AMD module from `url` (once) and resolves with its exports. */
  load(url: string): Promise<unknown> {
    const absolute = new URL(url, document.baseURI).href;
    let promise = this.loaded.get(absolute);
    if (!promise) {
      promise = this.loadScript(absolute).then(() => this.instantiate(absolute));
      this.loaded.set(absolute, promise);
    }
    return promise;
  }

  private define(args: unknown[]): void {
    // define(factory) | define(deps, factory) | define(id, deps, factory): plugins are anonymous modules.
    const rest = typeof args[0] === 'string' ? args.slice(1) : args;
    const [deps, factory] = Array.isArray(rest[0]) ? [rest[0] as string[], rest[1]] : [[], rest[0]];
    const script = document.currentScript as HTMLScriptElement | null;
    if (!script?.src) {
      throw new Error('define() called outside a script the AMD loader inserted');
    }
    this.definitions.set(script.src, { deps, factory });
  }

  private require(deps: string[], callback?: Factory): unknown {
    const missing: string[] = [];
    const values = deps.map((dep) => this.resolveShared(dep, missing));
    if (missing.length > 0) {
      throw new MissingSharedModuleError(`require() of modules the host does not supply:\n${missing.join('\n')}`);
    }
    return callback?.(...values);
  }

  private loadScript(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.appendChild(script);
    });
  }

  private instantiate(url: string): unknown {
    const definition = this.definitions.get(url);
    if (!definition) {
      throw new Error(`${url} loaded but did not call define()`);
    }
    const exportsObject: Record<string, unknown> = {};
    const moduleObject = { id: url, uri: url, exports: exportsObject };
    const missing: string[] = [];
    const values = definition.deps.map((dep) => {
      if (dep === 'module') {
        return moduleObject;
      }
      if (dep === 'exports') {
        return exportsObject;
      }
      if (dep === 'require') {
        return (deps: string[], callback?: Factory) => this.require(deps, callback);
      }
      return this.resolveShared(dep, missing);
    });
    if (missing.length > 0) {
      throw new MissingSharedModuleError(`${url} needs modules the host does not supply:\n${missing.join('\n')}`);
    }
    if (typeof definition.factory !== 'function') {
      return definition.factory;
    }
    const returned = (definition.factory as Factory)(...values);
    return returned === undefined ? moduleObject.exports : returned;
  }

  private resolveShared(name: string, missing: string[]): unknown {
    if (this.modules.has(name)) {
      return this.modules.get(name);
    }
    const why = this.explanations.get(name);
    missing.push(why ? `- ${name}: ${why}` : `- ${name}`);
    return undefined;
  }
}
