import { INSTANCE_SETTINGS_SCHEMA } from '@dockbase/api';

type PropertySchema = (typeof INSTANCE_SETTINGS_SCHEMA.properties)[keyof typeof INSTANCE_SETTINGS_SCHEMA.properties];

/**
 * Why `settings` may not be stored, or undefined when it may: the API's INSTANCE_SETTINGS_SCHEMA read as the
 * route's validator reads it (the store's own check, so nothing reaches the database another way). An
 * explicit list of keys, not a guess at which names hold secrets.
 */
export function settingsProblem(settings: unknown): string | undefined {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return 'settings must be an object';
  const properties: Readonly<Record<string, PropertySchema>> = INSTANCE_SETTINGS_SCHEMA.properties;
  for (const [key, value] of Object.entries(settings)) {
    const schema = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
    if (!schema) return `settings may not have the key "${key.slice(0, 40)}"`;
    if (!fits(value, schema)) return `settings.${key} is not valid`;
  }
  return undefined;
}

function fits(value: unknown, schema: PropertySchema): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' && value.length <= schema.maxLength && new RegExp(schema.pattern).test(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= schema.minimum && value <= schema.maximum;
    case 'boolean':
      return typeof value === 'boolean';
  }
}
