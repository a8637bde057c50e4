import { ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { serve } from './serve.ts';

loadDotEnv();
try {
  await serve(loadConfig(process.env));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
