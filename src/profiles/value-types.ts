/** Types a declared event property or custom trait may have. */
export type PropertyType = "string" | "number" | "boolean" | "date" | "list" | "object";
export const PROPERTY_TYPES: PropertyType[] = ["string", "number", "boolean", "date", "list", "object"];
