// Errors the dispatch use cases throw; routes turn them into 4xx answers that name
// the field (forms) or parameter (API). Browser-safe.

/** Input that cannot be used: 400, naming the field. */
export class DispatchInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The thing acted on is in a state that does not allow it (resume a finished job): 409. */
export class DispatchConflictError extends Error {}

/** No such target, job or event: 404. */
export class DispatchNotFoundError extends Error {}
