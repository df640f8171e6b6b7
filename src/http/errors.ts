// Typed errors that services throw; the error handler turns them into problem details.

export interface FieldError {
  /** JSON Pointer into the request: /body/title, /query/filter[status], /params/id. */
  pointer: string;
  detail: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    message: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const describe = (errors: FieldError[]) => errors.map((e) => `${e.pointer} ${e.detail}`).join('; ');

export const notFound = (what: string, pointer?: string) =>
  new AppError(404, 'NOT_FOUND', 'Not Found', `${what} was not found.`, pointer ? [{ pointer, detail: `${what} was not found.` }] : undefined);

export const conflict = (detail: string, pointer?: string, extra?: Record<string, unknown>) =>
  new AppError(409, 'CONFLICT', 'Conflict', detail, pointer ? [{ pointer, detail }] : undefined, extra);

export const unprocessable = (errors: FieldError[]) =>
  new AppError(422, 'UNPROCESSABLE_ENTITY', 'Unprocessable Entity', describe(errors), errors);

export const badRequest = (errors: FieldError[], code = 'VALIDATION_FAILED') =>
  new AppError(400, code, 'Bad Request', describe(errors), errors);

export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new AppError(401, 'UNAUTHORIZED', 'Unauthorized', detail);

export const forbidden = (detail: string) => new AppError(403, 'FORBIDDEN', 'Forbidden', detail);
