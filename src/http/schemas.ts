import { Type } from '@sinclair/typebox';

/** Schemas shared by several route modules. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  }),
});

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};
