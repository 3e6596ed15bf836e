import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataSource } from "typeorm";
import type { KindredConfig } from "../config/config";
import type { DomainBus } from "./bus";
import type { Clock } from "./clock";
import type { Logger } from "./logger";
import type { JobQueue } from "./jobs";

/** What every module is built from: config, database, bus, jobs, logger, clock. */
export interface Kernel {
  config: KindredConfig;
  dataSource: DataSource;
  bus: DomainBus;
  jobs: JobQueue;
  logger: Logger;
  clock: Clock;
}

/** The caller of a request, once its API key is verified. */
export interface RequestAuth {
  workspaceId: string;
  role: string;
  apiKeyId: string;
}

/** A plain HTTP route a module adds beside /graphql (tracking links, previews). */
export interface HttpRoute {
  method: "GET" | "POST";
  /** Path prefix, e.g. "/t/c/". */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, helpers: RouteHelpers): Promise<void>;
}

export interface RouteHelpers {
  /** Verifies `Authorization: Bearer` (or `?key=`) and returns the caller, or null. */
  authenticate(req: IncomingMessage): Promise<RequestAuth | null>;
  requestId: string;
}

/** What a module contributes once built: resolver instances, routes, job handlers, lifecycle. */
export interface ModuleInstance {
  resolvers?: object[];
  routes?: HttpRoute[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** A module of Kindred: its entities (known before the database opens) and a factory. */
export interface KindredModule {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  create(kernel: Kernel, modules: ModuleRegistry): ModuleInstance;
}

/** Lets a module find services published by modules below it (one-way, by key). */
export interface ModuleRegistry {
  provide<T>(key: ServiceKey<T>, value: T): void;
  get<T>(key: ServiceKey<T>): T;
}

/** A typed key naming a shared service. */
export class ServiceKey<T> {
  declare readonly _type: T;
  constructor(readonly name: string) {}
}
