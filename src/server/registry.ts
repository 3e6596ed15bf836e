import type { ModuleRegistry, ServiceKey } from "../common/kernel";

/** Services modules publish for the modules above them. */
export class SimpleModuleRegistry implements ModuleRegistry {
  private readonly services = new Map<string, unknown>();
  provide<T>(key: ServiceKey<T>, value: T): void {
    this.services.set(key.name, value);
  }
  get<T>(key: ServiceKey<T>): T {
    if (!this.services.has(key.name)) throw new Error(`service "${key.name}" is not provided; is its module listed before this one?`);
    return this.services.get(key.name) as T;
  }
}
