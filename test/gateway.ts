/**
 * A small reverse proxy on loopback in front of a real Prometheus, the way Mimir, Cortex, Grafana Cloud or an
 * nginx with auth put one there: it may refuse a request (no token, no tenant) and otherwise forwards it.
 * With a key and certificate it speaks https (a private CA, as `selfSignedCertificate` makes one).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { listenOnLoopback } from './http';

interface Refusal {
  status: number;
  body: string;
}

export interface Gateway {
  url: string;
  /** Headers of every request received, in order. */
  requests: Array<IncomingMessage['headers']>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** Where accepted requests go, e.g. a started Prometheus' URL. */
  upstream: string;
  /** A refusal for requests that lack what the gateway requires, or undefined to forward. */
  check?: (req: IncomingMessage) => Refusal | undefined;
  tls?: { key: string; cert: string };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const requests: Array<IncomingMessage['headers']> = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.headers);
    const refusal = options.check?.(req);
    if (refusal) {
      req.resume();
      res.writeHead(refusal.status, { 'Content-Type': 'text/plain' });
      res.end(refusal.body);
      return;
    }
    const target = new URL(req.url ?? '/', options.upstream);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    );
    upstream.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createHttpServer(handle);
  const { url, close } = await listenOnLoopback(server);
  return { url, requests, stop: close };
}

/** A self-signed certificate for 127.0.0.1 made with openssl in `dir`: the key, the certificate and its file. */
export async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}
