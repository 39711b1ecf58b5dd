import type { NestExpressApplication } from '@nestjs/platform-express';
import { StartupFailedError } from './common/startup-failed.error';
import { ConfigError, configWarnings, loadConfig } from './config/config.schema';
import { loadEnvFile } from './config/env-file';

async function bootstrap(): Promise<void> {
  // ENV_FILE, or .env in development only; real environment variables win over the file.
  loadEnvFile();
  const config = loadConfig(process.env);
  // Loaded only once the configuration holds, so a refused start-up is immediate.
  const [{ NestFactory }, { Logger }, { AppModule }, { configureApp }, { enableGracefulShutdown }] = await Promise.all([
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('./app.module'),
    import('./app.setup'),
    import('./common/graceful-shutdown'),
  ]);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  for (const warning of configWarnings(config)) app.get(Logger).warn(warning);
  enableGracefulShutdown(app, (message) => app.get(Logger).log(message));
  await app.listen(config.port);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  app.get(Logger).log(`Listening on ${url} (AUTH_STRATEGY=${config.authStrategy}); Swagger UI at ${url}/docs`);
}

bootstrap().catch((error: unknown) => {
  // Refuse to start with one clear line per problem, and a non-zero exit.
  const lines =
    error instanceof ConfigError
      ? error.problems.map((problem) => `Invalid configuration: ${problem}`)
      : error instanceof StartupFailedError
        ? [] // already logged, as one JSON line, where it was found
        : [`Start-up failed: ${error instanceof Error ? error.message : String(error)}`];
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
});
