/** A free TCP port on loopback, for servers the tests start. */
import { createServer } from 'node:net';

/** Asks the kernel for an unused port on 127.0.0.1 and releases it (the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') {
          resolve(address.port);
        } else {
          reject(new Error('could not read the port the kernel assigned'));
        }
      });
    });
  });
}
