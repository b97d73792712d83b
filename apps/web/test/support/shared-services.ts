/**
 * Vitest global setup: the production services that several e2e files share (see
 * sharedServiceForBlock in server.ts), started when the first file asks for one and stopped
 * after the run. One per engine and environment; a file that needs a service to itself (it
 * stops one, reads its whole log, or changes its database) keeps using serviceForBlock.
 * Each instance's log is written to a file, which the test files read.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { instancesOf, launchService, serverDatabase, type ServerDatabase, type ServerEngine, type Service, type SharedServiceInfo } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where a test file asks the global setup for a shared service: POST {engine, env, pgServerUrl}. */
    e2eServices: string;
  }
}

interface Running {
  service: Service;
  database: ServerDatabase;
  info: SharedServiceInfo;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(path.join(tmpdir(), "authsvc-shared-e2e-"));
  const services = new Map<string, Promise<Running>>();

  async function launch(engine: ServerEngine, env: Record<string, string>, pgServerUrl: string | undefined): Promise<Running> {
    const cwd = mkdtempSync(path.join(root, "service-"));
    const database = await serverDatabase(engine, cwd, pgServerUrl);
    const service = await launchService(cwd, { ...database.env, ...env }, instancesOf(engine)).catch(async (error: unknown) => {
      await database.drop();
      throw error;
    });
    const instances = service.instances.map((instance, i) => {
      const log = path.join(cwd, `instance-${i + 1}.log`);
      // What it wrote while starting, then each line as it comes (in the same turn: nothing is lost between).
      writeFileSync(log, instance.server.output());
      for (const stream of [instance.server.child.stdout, instance.server.child.stderr]) stream?.on("data", (chunk: Buffer) => appendFileSync(log, chunk));
      return { base: instance.base, port: instance.port, dir: instance.dir, log };
    });
    return { service, database, info: { base: service.base, instances, env: { ...database.env, ...env } } };
  }

  const broker = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const { engine, env, pgServerUrl } = JSON.parse(body) as { engine: ServerEngine; env: Record<string, string>; pgServerUrl: string | null };
      const key = JSON.stringify([engine, Object.entries(env).sort(([a], [b]) => a.localeCompare(b))]);
      let running = services.get(key);
      if (!running) services.set(key, (running = launch(engine, env, pgServerUrl ?? undefined)));
      running.then(
        (r) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(r.info)),
        (error: unknown) => res.writeHead(500).end(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => broker.listen(0, "127.0.0.1", resolve));
  project.provide("e2eServices", `http://127.0.0.1:${(broker.address() as AddressInfo).port}`);

  return async () => {
    broker.close();
    await Promise.all(
      [...services.values()].map(async (running) => {
        const r = await running.catch(() => undefined);
        await r?.service.stop();
        await r?.database.drop();
      }),
    );
    rmSync(root, { recursive: true, force: true });
  };
}
