/**
 * Logs in once and stores the session for the specs (what @grafana/plugin-e2e's own setup does), or skips,
 * saying why, when no Grafana is reachable, so `npm run e2e` passes cleanly where the demo is not running.
 */
import { test as setup } from '@grafana/plugin-e2e';
import { grafanaUnavailable } from './grafana';

setup.beforeAll(async () => {
  const reason = await grafanaUnavailable();
  if (reason !== undefined) {
    // Said once here, where every spec's skip starts; each skipped test also carries it as its annotation.
    process.stderr.write(`e2e specs skipped: ${reason}\n`);
  }
  setup.skip(reason !== undefined, reason);
});

setup('authenticate', async ({ login, createUser, user, grafanaAPICredentials }) => {
  if (user && (user.user !== grafanaAPICredentials.user || user.password !== grafanaAPICredentials.password)) {
    await createUser();
  }
  await login();
});
