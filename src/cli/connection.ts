/**
 * How the CLI reaches a Prometheus-compatible API in a real deployment: the URL, extra headers (a Mimir or
 * Cortex tenant), a bearer token or basic auth read from files or the environment (never the command line),
 * a CA file for TLS. Every secret is kept in a list so no message can print it. Node-only.
 */
import { readFileSync, statSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

import { AnswerTooLargeError, type HttpPost, PrometheusHttpSource } from '../core/prometheus';
import { MetricsSourceError } from '../core/source';
import { parseNumber, UsageError } from './errors';

/** The environment variable `--user` reads its password from when no `--password-file` is given. */
const PASSWORD_ENV = 'AISRE_PROMETHEUS_PASSWORD';

const MAX_TIMEOUT_SECONDS = 3600;
const DEFAULT_DEADLINE_SECONDS = 300;
const MAX_DEADLINE_SECONDS = 86_400;

/** The flags of every command that queries Prometheus (impact, doctor): where, as whom, for how long. */
export const CONNECTION_FLAGS = {
  prometheus: { type: 'string' },
  header: { type: 'string', multiple: true },
  'bearer-token-file': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  'ca-file': { type: 'string' },
  timeout: { type: 'string' },
  deadline: { type: 'string' },
} as const;

export const CONNECTION_USAGE = `Connection:
  --prometheus <url>          Prometheus-compatible API (Prometheus, Mimir, Thanos, VictoriaMetrics), no credentials in it
  --header 'Name: value'      Send this header with every query (repeatable), e.g. 'X-Scope-OrgID: team-a'
  --bearer-token-file <file>  Authorization: Bearer <the file's content>
  --user <name>               Basic auth user; the password from --password-file or $${PASSWORD_ENV}
  --password-file <file>      Basic auth password
  --ca-file <file>            PEM certificates to trust for https (a private CA)
  --timeout <seconds>         Give up on one query after this long (default 30, at most ${MAX_TIMEOUT_SECONDS})
  --deadline <seconds>        Give up on the whole command after this long (default ${DEFAULT_DEADLINE_SECONDS}, at most ${MAX_DEADLINE_SECONDS})`;

export interface ConnectionValues {
  prometheus?: string;
  header?: string[];
  'bearer-token-file'?: string;
  user?: string;
  'password-file'?: string;
  'ca-file'?: string;
  timeout?: string;
  deadline?: string;
}

export interface Connection {
  url: string;
  headers: Record<string, string>;
  post: HttpPost;
  /** Longest wait for one query, and for the whole command. */
  timeoutMs: number;
  deadlineMs: number;
  /** Strings that must never be printed: tokens, passwords, header values. */
  secrets: string[];
  /** Closes idle connections so the process can exit. */
  close(): void;
}

/** Headers whose values are credentials (a tenant id is not). */
const SECRET_HEADER = /authorization|token|key|secret|password|cookie|auth/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readSecretFile(path: string, flag: string): string {
  let text: string;
  try {
    if (!statSync(path).isFile()) {
      throw new Error('not a file');
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${path} cannot be read: ${(error as { code?: string }).code ?? 'not a file'}`);
  }
  // A trailing newline is how editors and `echo` write files; it is not part of the secret.
  const secret = text.replace(/\r?\n$/, '');
  if (!secret || /[\r\n]/.test(secret)) {
    throw new UsageError(`${flag} ${path} must hold one line (it is ${secret ? 'several lines' : 'empty'})`);
  }
  return secret;
}

function parseHeader(raw: string): [string, string] {
  const colon = raw.indexOf(':');
  const name = colon > 0 ? raw.slice(0, colon).trim() : '';
  const value = colon > 0 ? raw.slice(colon + 1).trim() : '';
  if (!HEADER_NAME.test(name)) {
    // The value may be a secret: only the name is ever shown.
    throw new UsageError(`--header must be 'Name: value', e.g. 'X-Scope-OrgID: team-a' (got a header named '${name}')`);
  }
  if (!value || /[\r\n\0]/.test(value)) {
    throw new UsageError(`--header '${name}' needs a value on one line`);
  }
  return [name, value];
}

/** The connection flags, checked; nothing is sent yet. */
export function parseConnection(values: ConnectionValues, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = prometheusUrl(values.prometheus);
  const { headers, secrets } = headersOf(values, env);
  const ca = trustedCa(values['ca-file'], url);
  const timeoutMs = parseNumber(values.timeout, '--timeout', 30, { max: MAX_TIMEOUT_SECONDS }) * 1000;
  const deadlineMs =
    parseNumber(values.deadline, '--deadline', DEFAULT_DEADLINE_SECONDS, { max: MAX_DEADLINE_SECONDS }) * 1000;
  const transport = nodeTransport(ca);
  return { url: url.toString().replace(/\/+$/, ''), headers, secrets, timeoutMs, deadlineMs, ...transport };
}

/** --prometheus: an http(s) API base URL, without credentials (they would be printed), query or fragment. */
function prometheusUrl(raw: string | undefined): URL {
  if (!raw) {
    throw new UsageError('--prometheus is required');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--prometheus must be a URL such as http://localhost:9090, not '${raw.replace(/\/\/[^/@]*@/, '//')}'`
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--prometheus must be an http or https URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    throw new UsageError(
      `--prometheus must not carry credentials (they would show in process lists and shell history): ` +
        `use ${url.toString().replace(/\/$/, '')} with --user and --password-file`
    );
  }
  if (url.search || url.hash) {
    throw new UsageError('--prometheus must be the API base URL, without ?query or #fragment');
  }
  return url;
}

/** --header, --bearer-token-file, --user: the headers to send, and every secret among them (never printed). */
function headersOf(
  values: ConnectionValues,
  env: NodeJS.ProcessEnv
): { headers: Record<string, string>; secrets: string[] } {
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const raw of values.header ?? []) {
    const [name, value] = parseHeader(raw);
    if (Object.keys(headers).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw new UsageError(`--header '${name}' is given twice`);
    }
    headers[name] = value;
    if (SECRET_HEADER.test(name)) {
      secrets.push(value, value.replace(/^\S+\s+/, ''));
    }
  }
  const givenAuthorization = Object.keys(headers).some((n) => n.toLowerCase() === 'authorization');
  const token = values['bearer-token-file'];
  if (token !== undefined && (values.user !== undefined || givenAuthorization)) {
    throw new UsageError('--bearer-token-file, --user and an Authorization --header each set Authorization: give one');
  }
  if (values['password-file'] !== undefined && values.user === undefined) {
    throw new UsageError('--password-file needs --user');
  }
  if (token !== undefined) {
    const secret = readSecretFile(token, '--bearer-token-file');
    headers.Authorization = `Bearer ${secret}`;
    secrets.push(secret);
  }
  if (values.user !== undefined) {
    if (givenAuthorization) {
      throw new UsageError('--user and an Authorization --header each set Authorization: give one');
    }
    const { password, basic } = basicAuth(values.user, values['password-file'], env);
    headers.Authorization = `Basic ${basic}`;
    secrets.push(password, basic);
  }
  return { headers, secrets };
}

function basicAuth(user: string, passwordFile: string | undefined, env: NodeJS.ProcessEnv) {
  if (!user || user.includes(':')) {
    throw new UsageError('--user must be a user name without ":"');
  }
  const password = passwordFile !== undefined ? readSecretFile(passwordFile, '--password-file') : env[PASSWORD_ENV];
  if (!password) {
    throw new UsageError(`--user needs a password: --password-file <file>, or $${PASSWORD_ENV}`);
  }
  return { password, basic: Buffer.from(`${user}:${password}`).toString('base64') };
}

/** --ca-file: a PEM certificate to trust besides the well-known CAs, for an https URL. */
function trustedCa(file: string | undefined, url: URL): string | undefined {
  if (file === undefined) {
    return undefined;
  }
  let ca: string;
  try {
    ca = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--ca-file ${file} cannot be read: ${(error as { code?: string }).code}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  if (url.protocol !== 'https:') {
    throw new UsageError('--ca-file is for https URLs; --prometheus is http');
  }
  return ca;
}

/** node:http(s) POST with a trusted CA, no redirects followed, the answer read up to maxBytes. */
function nodeTransport(ca: string | undefined): { post: HttpPost; close(): void } {
  // Node's `ca` replaces the well-known CAs: keep them, so a private CA adds to what is trusted.
  const agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true, ca: ca === undefined ? undefined : [...rootCertificates, ca] }),
  };
  const post: HttpPost = (url, { headers, body, signal, maxBytes }) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const https = target.protocol === 'https:';
      const request = https ? httpsRequest : httpRequest;
      const req = request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
          agent: https ? agents.https : agents.http,
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > maxBytes) {
              req.destroy();
              reject(new AnswerTooLargeError(maxBytes));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              location: res.headers.location ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
            })
          );
          res.on('error', reject);
        }
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    post,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** `message` with every secret replaced, for anything the CLI prints. */
export function withoutSecrets(message: string, secrets: string[]): string {
  return secrets
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((text, secret) => text.split(secret).join('<redacted>'), message);
}

/**
 * Runs `work` against the connection's Prometheus under its --timeout and --deadline: the first failure
 * cancels every query still in flight, the connections are closed after, and no error message carries a secret.
 * `what` names the work in the deadline's message ("the report did not finish …").
 */
export async function withPrometheus<T>(
  connection: Connection,
  what: string,
  { maxSeries }: { maxSeries?: number },
  work: (source: PrometheusHttpSource) => Promise<T>
): Promise<T> {
  const run = new AbortController();
  const deadline = setTimeout(
    () =>
      run.abort(
        new MetricsSourceError(`the ${what} did not finish within --deadline ${connection.deadlineMs / 1000} s`)
      ),
    connection.deadlineMs
  );
  const source = new PrometheusHttpSource(connection.url, {
    timeoutMs: connection.timeoutMs,
    headers: connection.headers,
    signal: run.signal,
    maxSeries,
    post: connection.post,
  });
  try {
    return await work(source);
  } catch (error) {
    run.abort(error);
    if (error instanceof Error) {
      error.message = withoutSecrets(error.message, connection.secrets);
    }
    throw error;
  } finally {
    clearTimeout(deadline);
    connection.close();
  }
}
