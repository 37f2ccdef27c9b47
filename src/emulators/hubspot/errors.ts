import { randomUUID } from 'node:crypto';

/**
 * HubSpot's error envelope (https://developers.hubspot.com/docs/api-reference/error-handling):
 * `{status: "error", message, correlationId, category, subCategory?, context?, errors?}`. The official client
 * deserialises every non-2xx body into this shape, and crmsync's connector classifies by `category`.
 */
export type HubSpotErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITS'
  | 'INVALID_AUTHENTICATION'
  | 'EXPIRED_AUTHENTICATION'
  | 'MISSING_SCOPES'
  | 'INTERNAL_ERROR';

export interface HubSpotErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: HubSpotErrorCategory;
  subCategory?: string;
  context?: Record<string, string[]>;
  errors?: HubSpotErrorDetail[];
  [extra: string]: unknown;
}

/** A refusal the routes throw; the app's error handler renders it with its status. */
export class HubSpotApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly category: HubSpotErrorCategory,
    message: string,
    readonly extra: Omit<Partial<HubSpotErrorBody>, 'status' | 'message' | 'category' | 'correlationId'> = {},
  ) {
    super(message);
    this.name = 'HubSpotApiError';
  }

  body(): HubSpotErrorBody {
    return errorBody(this.category, this.message, this.extra);
  }
}

export function errorBody(
  category: HubSpotErrorCategory,
  message: string,
  extra: Omit<Partial<HubSpotErrorBody>, 'status' | 'message' | 'category' | 'correlationId'> = {},
): HubSpotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

/** One property value HubSpot refused, as it lists them inside "Property values were not valid: [...]". */
export interface PropertyValueProblem {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

/**
 * HubSpot serialises the list of refused values as JSON *inside* the message string (the shape in the
 * 2023 property-validation and 2025 whitespace-validation changelogs), and repeats them in `errors[]`.
 */
export function invalidPropertyValues(problems: PropertyValueProblem[]): HubSpotApiError {
  return new HubSpotApiError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(problems)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

export function validationError(message: string, extra: ConstructorParameters<typeof HubSpotApiError>[3] = {}): HubSpotApiError {
  return new HubSpotApiError(400, 'VALIDATION_ERROR', message, extra);
}

export function notFound(message: string, context?: Record<string, string[]>): HubSpotApiError {
  return new HubSpotApiError(404, 'OBJECT_NOT_FOUND', message, context ? { context } : {});
}
