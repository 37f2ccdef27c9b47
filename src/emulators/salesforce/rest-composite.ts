import { RequestError } from './errors.ts';
import type { SalesforceOrg } from './org.ts';
import { bodyObject } from './rest-records.ts';
import type { ApiRequest, ApiResponse, ApiRouter } from './router.ts';

/**
 * Composite (REST API Developer Guide, "Composite"): up to 25 subrequests run in order, later ones referring to
 * earlier results with `@{referenceId.field}`. With allOrNone one failure rolls back everything and every other
 * subrequest answers 400 PROCESSING_HALTED; without it, a subrequest whose reference cannot be resolved fails alone.
 * Composite Batch ("Batch"): up to 25 independent subrequests, optionally halting on the first error.
 */

const maxSubrequests = 25;
const referencePattern = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;

type Dispatch = (request: ApiRequest) => ApiResponse;

class Unresolved extends Error {
  constructor(
    readonly referenceId: string,
    readonly expression: string,
  ) {
    super(`Invalid reference specified. No value for ${expression} found in ${referenceId}.`);
  }
}

class RollBack extends Error {}

function valueAt(body: unknown, path: string): unknown {
  let current = body;
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function substitute<T>(value: T, results: Map<string, ApiResponse>): T {
  const replaceIn = (text: string): unknown => {
    const whole = /^@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}$/.exec(text);
    const resolve = (referenceId: string, path: string): unknown => {
      const result = results.get(referenceId);
      const resolved = result && result.status < 400 ? valueAt(result.body, path) : undefined;
      if (resolved === undefined) throw new Unresolved(referenceId, `${referenceId}${path}`);
      return resolved;
    };
    // A string that is only a reference takes the referenced value's own JSON type.
    if (whole) return resolve(whole[1] as string, whole[2] ?? '');
    return text.replace(referencePattern, (_match, referenceId: string, path: string) => String(resolve(referenceId, path)));
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return replaceIn(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    return node;
  };
  return walk(value) as T;
}

/** "/services/data/v62.0/sobjects/Account?x=1" → an internal request. */
function toRequest(url: string, method: string, body: unknown, headers: Record<string, string | undefined>): ApiRequest {
  const match = /^\/services\/data\/v(\d+\.\d+)(\/[^?]*)(?:\?(.*))?$/.exec(url);
  if (!match) throw new RequestError(400, 'INVALID_URL', `The URL is not a valid REST API resource: ${url}`);
  return {
    method: method.toUpperCase(),
    version: match[1] as string,
    path: match[2] as string,
    query: Object.fromEntries(new URLSearchParams(match[3] ?? '')),
    body,
    headers,
  };
}

const halted = (message: string): ApiResponse => ({ status: 400, body: [{ errorCode: 'PROCESSING_HALTED', message }] });

export function registerCompositeRoutes(router: ApiRouter, org: SalesforceOrg, dispatch: Dispatch): void {
  router.add('POST', '/composite', (request) => {
    const body = bodyObject(request);
    const subrequests = body.compositeRequest;
    if (!Array.isArray(subrequests) || subrequests.length === 0) throw new RequestError(400, 'JSON_PARSER_ERROR', 'compositeRequest: expected a list of subrequests');
    if (subrequests.length > maxSubrequests) throw new RequestError(400, 'LIMIT_EXCEEDED', `Composite request can contain up to ${maxSubrequests} subrequests`);
    const allOrNone = body.allOrNone === true;
    const referenceIds = new Set<string>();
    for (const subrequest of subrequests as Array<Record<string, unknown>>) {
      const { referenceId, method, url } = subrequest ?? {};
      if (typeof referenceId !== 'string' || !/^[A-Za-z0-9_]+$/.test(referenceId)) throw new RequestError(400, 'JSON_PARSER_ERROR', 'referenceId: required, letters, digits and underscores only');
      if (referenceIds.has(referenceId)) throw new RequestError(400, 'DUPLICATE_VALUE', `Duplicate referenceId provided in the request: ${referenceId}`);
      referenceIds.add(referenceId);
      if (typeof method !== 'string' || typeof url !== 'string') throw new RequestError(400, 'JSON_PARSER_ERROR', 'method and url are required in each subrequest');
      if (/\/composite(\/batch|\/tree|\/graph)?\/?$/.test(url.split('?')[0] as string)) throw new RequestError(400, 'INVALID_URL', 'Composite subrequests cannot call composite, batch, tree or graph');
    }

    const results = new Map<string, ApiResponse>();
    const responses: Array<{ body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }> = [];
    const run = (subrequest: Record<string, unknown>): ApiResponse => {
      try {
        const url = substitute(subrequest.url as string, results);
        const subBody = substitute(subrequest.body, results);
        const headers = { ...request.headers, ...Object.fromEntries(Object.entries((subrequest.httpHeaders as Record<string, string>) ?? {}).map(([key, value]) => [key.toLowerCase(), value])) };
        const sub = toRequest(url, subrequest.method as string, subBody, headers);
        // "allOrNone Parameters in Composite and Collections Requests": the outer true overrides the inner flag.
        if (allOrNone && sub.path.startsWith('/composite/sobjects') && sub.method !== 'GET') {
          if (sub.method === 'DELETE') sub.query.allOrNone = 'true';
          else if (sub.body && typeof sub.body === 'object' && !Array.isArray(sub.body)) sub.body = { ...sub.body, allOrNone: true };
        }
        return dispatch(sub);
      } catch (error) {
        if (error instanceof Unresolved) return halted(error.message);
        if (error instanceof RequestError) return { status: error.status, body: error.body };
        throw error;
      }
    };
    const record = (subrequest: Record<string, unknown>, response: ApiResponse) => {
      results.set(subrequest.referenceId as string, response);
      responses.push({ body: response.body ?? null, httpHeaders: response.headers ?? {}, httpStatusCode: response.status, referenceId: subrequest.referenceId as string });
    };

    if (!allOrNone) {
      for (const subrequest of subrequests as Array<Record<string, unknown>>) record(subrequest, run(subrequest));
      return { status: 200, body: { compositeResponse: responses } };
    }
    try {
      org.store.transaction(() => {
        for (const subrequest of subrequests as Array<Record<string, unknown>>) {
          const response = run(subrequest);
          record(subrequest, response);
          const recordFailed = Array.isArray(response.body) && response.body.some((result) => (result as { success?: unknown } | null)?.success === false);
          if (response.status >= 400 || recordFailed) throw new RollBack();
        }
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
      const failedIndex = responses.length - 1;
      const rolledBack = 'The transaction was rolled back since another operation in the same transaction failed.';
      const all = (subrequests as Array<Record<string, unknown>>).map((subrequest, index) =>
        index === failedIndex
          ? (responses[index] as (typeof responses)[number])
          : { body: halted(rolledBack).body, httpHeaders: {}, httpStatusCode: 400, referenceId: subrequest.referenceId as string },
      );
      return { status: 200, body: { compositeResponse: all } };
    }
    return { status: 200, body: { compositeResponse: responses } };
  });

  router.add('POST', '/composite/batch', (request) => {
    const body = bodyObject(request);
    const batchRequests = body.batchRequests;
    if (!Array.isArray(batchRequests) || batchRequests.length === 0) throw new RequestError(400, 'JSON_PARSER_ERROR', 'batchRequests: expected a list of subrequests');
    if (batchRequests.length > maxSubrequests) throw new RequestError(400, 'LIMIT_EXCEEDED', `A batch can contain up to ${maxSubrequests} subrequests`);
    const haltOnError = body.haltOnError === true;
    let hasErrors = false;
    const results = (batchRequests as Array<Record<string, unknown>>).map((subrequest) => {
      if (hasErrors && haltOnError) return { statusCode: 412, result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }] };
      let response: ApiResponse;
      try {
        const url = String(subrequest?.url ?? '');
        const absolute = url.startsWith('/services/data/') ? url : `/services/data/${url.replace(/^\//, '')}`;
        response = dispatch(toRequest(absolute, String(subrequest?.method ?? 'GET'), subrequest?.richInput, request.headers));
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        response = { status: error.status, body: error.body };
      }
      if (response.status >= 400) hasErrors = true;
      return { statusCode: response.status, result: response.body ?? null };
    });
    return { status: 200, body: { hasErrors, results } };
  });
}
