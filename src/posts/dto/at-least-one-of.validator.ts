import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * A rule across fields, which class-validator can only hang on a property: put it on
 * a property clients never send. That property must stay absent, since having
 * validation metadata also whitelists it.
 */
export function AtLeastOneOf(properties: string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'atLeastOneOf',
      constraints: [properties],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const object = (args?.object ?? {}) as Record<string, unknown>;
          return value === undefined && properties.some((property) => object[property] !== undefined);
        },
        defaultMessage: (args?: ValidationArguments) =>
          args?.value !== undefined
            ? `property ${args.property} should not exist`
            : `at least one of ${properties.join(', ')} must be given`,
      },
    },
    options,
  );
}
