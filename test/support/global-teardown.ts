export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __kindredTeardown?: () => Promise<void> }).__kindredTeardown?.();
}
