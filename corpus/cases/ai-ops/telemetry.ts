import Bugsnag from '@bugsnag/js';
import { Axiom } from '@axiomhq/js';
import Rollbar from 'rollbar';
import { Langfuse } from 'langfuse';

// Error reporting for the admin console
Bugsnag.start({ apiKey: 'ea04fc3897c5f7c514b0894f06493852', releaseStage: process.env.NODE_ENV });

export const axiom = new Axiom({
  token: 'xaat-5bc9533c-7e2c-4a59-9aff-ad00b773068e',
  orgId: 'acme-prod',
});

export const rollbar = new Rollbar({
  accessToken: process.env.ROLLBAR_ACCESS_TOKEN,
  captureUncaught: true,
});
// server-side token used by the deploy notifier
const ROLLBAR_SERVER_TOKEN = 'd981fba6689d47125776e77c941d352b';

export const langfuse = new Langfuse({
  publicKey: process.env.LANGFUSE_PUBLIC_KEY,
  secretKey: process.env.LANGFUSE_SECRET_KEY,
});

// Build metadata (public)
export const BUILD = {
  commit: '0d196b1354c2cae69cee6ba01bf9ca9ffdb24b3c',
  bundleHash: 'psw+sXnX7oiwGbzLw+R/Z7pVdy6go4FAfeHhCh9DbJcI5WhjW5EDVx5tJ6ptNAx1',
  sessionId: '8c447bde-512c-4c59-a7a5-dfc7e7c7253c',
};

export async function notifyDeploy(revision: string): Promise<void> {
  await fetch('https://api.rollbar.com/api/1/deploy', {
    method: 'POST',
    headers: { 'X-Rollbar-Access-Token': ROLLBAR_SERVER_TOKEN },
    body: JSON.stringify({ environment: 'production', revision }),
  });
}
